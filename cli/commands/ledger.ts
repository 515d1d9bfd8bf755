/**
 * `loanctl ledger accounts|trial-balance|entries|reconcile` (admin): the ledger service's
 * double-entry books of every money movement (docs/ledger.md).
 */
import type { Command } from "commander";
import type { LedgerEntriesQuery, Reconciliation, TrialBalance } from "../../sdk/contracts.js";
import { action } from "../action.js";
import { calendarDate, positiveInt } from "../args.js";
import type { Context, Io } from "../context.js";
import { CliError, usageError } from "../errors.js";
import { accountsView, entriesView, reconciliationFails, reconciliationView, trialBalanceView } from "../ledger-views.js";
import { pageFooter } from "../views.js";
import { type ListOptions, pageQuery, withPaging } from "./users.js";

const AS_OF_HELP = "entries with a value date up to this day, YYYY-MM-DD (default today UTC)";

interface EntriesOptions extends ListOptions {
  loan?: number;
  from?: string;
  to?: string;
}

/** --from after --to can only answer nothing: said before asking (YYYY-MM-DD compares as text). */
function entriesQuery(options: EntriesOptions): LedgerEntriesQuery {
  if (options.from && options.to && options.from > options.to) throw usageError(`--from ${options.from} is after --to ${options.to}`);
  return { loan_id: options.loan, from: options.from, to: options.to, ...pageQuery(options) };
}

/** A trial balance that does not balance cannot be written (PostgreSQL refuses it); if one is ever answered, scripts must hear of it. */
function checkBalanced(tb: TrialBalance): void {
  if (!tb.balanced) throw new CliError(`the trial balance as of ${tb.as_of} is NOT balanced: debits ${tb.total_debit} ≠ credits ${tb.total_credit}`);
}

/** Mismatches with nothing pending fail the run; with events pending they are the ledger catching up. */
function checkReconciled(ctx: Context, r: Reconciliation): void {
  const count = r.mismatches.length;
  if (count === 0) {
    ctx.out.success(`${r.loans_checked} loan(s) reconciled: each one's 1100 balance is its outstanding principal`);
    return;
  }
  if (reconciliationFails(r)) throw new CliError(`${count} loan(s) do not reconcile and no event is pending: the ledger and the loan book disagree`);
  ctx.out.warn(`${count} loan(s) differ while ${r.pending_events} event(s) wait to be posted: the ledger is catching up; run it again shortly`);
}

export function registerLedger(program: Command, io: Io): void {
  const ledger = program.command("ledger").description("the books (admin): accounts, trial balance, journal entries, reconciliation with the loan book");

  ledger
    .command("accounts")
    .description("the chart of accounts with each account's debits, credits and balance")
    .option("--as-of <date>", AS_OF_HELP, calendarDate)
    .addHelpText(
      "after",
      "\nExamples:\n  $ loanctl ledger accounts\n  $ loanctl ledger accounts --as-of 2026-06-30\n  $ loanctl --json ledger accounts | jq '.rows[] | select(.code == \"1100\") | .balance'\n",
    )
    .action(
      action(io, async (ctx) => {
        const accounts = await ctx.client().ledgerAccounts({ as_of: ctx.opts<{ asOf?: string }>().asOf });
        ctx.out.data(accounts, () => accountsView(accounts, ctx.out.color));
      }),
    );

  ledger
    .command("trial-balance")
    .description("each account's balance on its side, the totals, and whether they balance (exit 1 when NOT balanced)")
    .option("--as-of <date>", AS_OF_HELP, calendarDate)
    .addHelpText("after", "\nExamples:\n  $ loanctl ledger trial-balance\n  $ loanctl ledger trial-balance --as-of 2026-06-30\n  $ loanctl --json ledger trial-balance | jq .balanced\n")
    .action(
      action(io, async (ctx) => {
        const tb = await ctx.client().trialBalance({ as_of: ctx.opts<{ asOf?: string }>().asOf });
        ctx.out.data(tb, () => trialBalanceView(tb, ctx.out.color));
        checkBalanced(tb);
      }),
    );

  withPaging(
    ledger
      .command("entries")
      .description("journal entries by value date, oldest first, each with its lines (account, debit, credit)")
      .option("--loan <loan-id>", "only this loan's entries", positiveInt)
      .option("--from <date>", "value dates from this day, YYYY-MM-DD", calendarDate)
      .option("--to <date>", "value dates up to this day, YYYY-MM-DD", calendarDate),
  )
    .addHelpText(
      "after",
      "\nExamples:\n  $ loanctl ledger entries --loan 42\n  $ loanctl ledger entries --from 2026-06-01 --to 2026-06-30 --page 2\n  $ loanctl --json ledger entries --loan 42 | jq '.rows[].kind'\n",
    )
    .action(
      action(io, async (ctx) => {
        const page = await ctx.client().ledgerEntries(entriesQuery(ctx.opts<EntriesOptions>()));
        ctx.out.data(page, () => entriesView(page.rows, ctx.out.color));
        if (page.rows.length === 0) ctx.out.info("No entries found");
        const footer = pageFooter(page, "entries");
        if (footer) ctx.out.info(footer);
      }),
    );

  ledger
    .command("reconcile")
    .description("compare each disbursed loan's 1100 balance with its outstanding principal")
    .addHelpText(
      "after",
      "\nExit status:\n  0 every loan reconciles, or the loans that differ are explained by events\n" +
        "    still pending for the ledger (a warning says so: it is catching up)\n" +
        "  1 loans differ and no event is pending: a scheduled check can alert on it\n" +
        "  --json prints the API's answer either way.\n" +
        "\nExamples:\n  $ loanctl ledger reconcile\n  $ loanctl --json ledger reconcile | jq '.mismatches[].loan_id'\n",
    )
    .action(
      action(io, async (ctx) => {
        const r = await ctx.client().reconcile();
        ctx.out.data(r, () => reconciliationView(r, ctx.out.color));
        checkReconciled(ctx, r);
      }),
    );
}
