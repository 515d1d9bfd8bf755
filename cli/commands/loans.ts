/**
 * Loans: `loans request|list|show|edit|approve|reject|history|import`; servicing (servicing.ts) and
 * transactions (transactions.ts) beside them.
 */
import type { Command } from "commander";
import type { Loan, LoanDecision, LoanStatus } from "../../sdk/index.js";
import { action } from "../action.js";
import { calendarDate, loanStatus, money, positiveInt } from "../args.js";
import type { Context, Io } from "../context.js";
import { CliError, usageError } from "../errors.js";
import type { ImportSummary } from "../import.js";
import { Progress } from "../progress.js";
import { overdueTable } from "../servicing-views.js";
import { historyTable, loanRecord, loansTable, pageFooter } from "../views.js";
import { registerLoanServicing } from "./servicing.js";
import { registerLoanTransactions } from "./transactions.js";
import { type ListOptions, pageQuery, withPaging } from "./users.js";

interface RequestOptions {
  customer: number;
  principal: string;
  tenure: number;
  product?: string;
}

interface EditOptions {
  principal?: string;
  tenure?: number;
}

interface ImportCommandOptions {
  concurrency?: number;
  state?: string;
}

/** A loan's record, its customer, agent and decider by name (the API's own JSON under --json). */
export async function printLoan(ctx: Context, loan: Loan): Promise<void> {
  const name = await ctx.namesOf([loan.customer_id, loan.agent_id, loan.decided_by]);
  ctx.out.data(loan, () => loanRecord(loan, ctx.out.color, name));
}

async function decide(ctx: Context, id: number, status: LoanDecision): Promise<void> {
  const loan = await ctx.client().decideLoan(id, { status });
  await printLoan(ctx, loan);
  ctx.out.success(`Loan ${loan.id} ${status === "APPROVED" ? "approved" : "rejected"}`);
}

function printImportSummary(ctx: Context, summary: ImportSummary): void {
  ctx.out.data(summary, () => "");
  const parts = [`${summary.created} created`, `${summary.failed} failed`, `${summary.skipped} skipped (done before)`];
  if (summary.recovered) parts.push(`${summary.recovered} recovered from an interrupted run`);
  if (summary.not_attempted) parts.push(`${summary.not_attempted} not attempted`);
  ctx.out.info(`Imported ${summary.file}: ${summary.total} rows, ${parts.join(", ")}`);
  if (summary.stopped) ctx.out.info(`Stopped early: ${summary.stopped}. Run the same command again to continue.`);
  if (summary.failed_file) ctx.out.info(`Failed rows, with the reason, written to ${summary.failed_file}`);
  ctx.out.info(`Progress kept in ${summary.state_file}: running the import again requests no loan twice`);
}

export function registerLoans(program: Command, io: Io): void {
  const loans = program.command("loans").description("request, list, edit, decide, disburse and repay loans; their transactions, reversals, waivers, write-off");

  loans
    .command("request")
    .description("request a loan for a customer (approved agent)")
    .requiredOption("--customer <id>", "the customer's user id", positiveInt)
    .requiredOption("--principal <amount>", "the amount, e.g. 250000 or 250000.00", money)
    .requiredOption("--tenure <months>", "the tenure in months (1-360)", positiveInt)
    .option("--product <code>", "the loan product (default STANDARD): its bounds, rate bands and fee apply")
    .addHelpText("after", "\nExamples:\n  $ loanctl loans request --customer 3 --principal 250000 --tenure 24\n  $ loanctl loans request --customer 3 --principal 20000 --tenure 12 --product MICRO\n")
    .action(
      action(io, async (ctx) => {
        const options = ctx.opts<RequestOptions>();
        const loan = await ctx.client().requestLoan({
          customer_id: options.customer,
          principal: options.principal,
          tenure_months: options.tenure,
          ...(options.product !== undefined && { product_code: options.product }),
        });
        await printLoan(ctx, loan);
        ctx.out.success(`Requested loan ${loan.id}: EMI ${loan.emi} over ${loan.tenure_months} months at ${loan.interest_rate} %`);
      }),
    );

  withPaging(
    loans
      .command("list")
      .alias("ls")
      .description("list loans: all of them for admins and agents, your own for a customer")
      .option("--status <status>", "NEW, APPROVED, REJECTED, ACTIVE, CLOSED or WRITTEN_OFF", loanStatus)
      .option("--overdue", "only ACTIVE loans past due, most overdue first")
      .option("--as-of <date>", "judge arrears as of this date, YYYY-MM-DD (default today UTC)", calendarDate),
  )
    .addHelpText("after", "\nExamples:\n  $ loanctl loans list --status NEW\n  $ loanctl loans list --overdue --as-of 2026-06-30\n  $ loanctl --json loans list --page 2 --page-size 50\n")
    .action(
      action(io, async (ctx) => {
        const options = ctx.opts<ListOptions & { status?: LoanStatus; overdue?: boolean; asOf?: string }>();
        const credentials = ctx.requireLogin();
        const client = ctx.client();
        const query = { status: options.status, overdue: options.overdue, as_of: options.asOf, ...pageQuery(options) };
        const page = credentials.user.role === "customer" ? await client.listMyLoans(query) : await client.listLoans(query);
        const table = options.overdue ? overdueTable : loansTable;
        const name = await ctx.namesOf(page.rows.flatMap((l) => (options.overdue ? [l.customer_id] : [l.customer_id, l.agent_id])));
        ctx.out.data(page, () => (page.rows.length === 0 ? "" : table(page.rows, ctx.out.color, name)));
        if (page.rows.length === 0) ctx.out.info("No loans found");
        const footer = pageFooter(page, "loans");
        if (footer) ctx.out.info(footer);
      }),
    );

  loans
    .command("show")
    .alias("view")
    .description("show one loan")
    .argument("<loan-id>", "the loan's id", positiveInt)
    .addHelpText("after", "\nExamples:\n  $ loanctl loans show 42\n  $ loanctl --json loans show 42\n")
    .action(
      action(io, async (ctx, id: number) => {
        await printLoan(ctx, await ctx.client().getLoan(id));
      }),
    );

  loans
    .command("edit")
    .description("change a NEW loan's principal or tenure (approved agent); the rate and EMI are recomputed")
    .argument("<loan-id>", "the loan's id", positiveInt)
    .option("--principal <amount>", "the new amount", money)
    .option("--tenure <months>", "the new tenure in months", positiveInt)
    .addHelpText("after", "\nExample:\n  $ loanctl loans edit 42 --principal 300000 --tenure 36\n")
    .action(
      action(io, async (ctx, id: number) => {
        const options = ctx.opts<EditOptions>();
        if (options.principal === undefined && options.tenure === undefined) {
          throw usageError("nothing to change: pass --principal and/or --tenure");
        }
        const loan = await ctx.client().editLoan(id, {
          ...(options.principal !== undefined ? { principal: options.principal } : {}),
          ...(options.tenure !== undefined ? { tenure_months: options.tenure } : {}),
        });
        await printLoan(ctx, loan);
        ctx.out.success(`Loan ${loan.id} is now version ${loan.version}: EMI ${loan.emi}`);
      }),
    );

  loans
    .command("approve")
    .description("approve a NEW loan (admin)")
    .argument("<loan-id>", "the loan's id", positiveInt)
    .addHelpText("after", "\nExample:\n  $ loanctl loans approve 42\n")
    .action(action(io, (ctx, id: number) => decide(ctx, id, "APPROVED")));

  loans
    .command("reject")
    .description("reject a NEW loan (admin); this cannot be undone")
    .argument("<loan-id>", "the loan's id", positiveInt)
    .option("-y, --yes", "do not ask for confirmation")
    .addHelpText("after", "\nExamples:\n  $ loanctl loans reject 42\n  $ loanctl loans reject 42 --yes\n")
    .action(
      action(io, async (ctx, id: number) => {
        ctx.requireLogin();
        await ctx.prompts.confirm(`Reject loan ${id}? This cannot be undone.`, `reject loan ${id}`, ctx.opts<{ yes?: boolean }>().yes);
        await decide(ctx, id, "REJECTED");
      }),
    );

  loans
    .command("history")
    .description("show the earlier versions of a loan, oldest first")
    .argument("<loan-id>", "the loan's id", positiveInt)
    .addHelpText("after", "\nExample:\n  $ loanctl loans history 42\n")
    .action(
      action(io, async (ctx, id: number) => {
        const history = await ctx.client().loanHistory(id);
        const name = await ctx.namesOf(history.rows.map((v) => v.edited_by));
        ctx.out.data(history, () => (history.rows.length === 0 ? "" : historyTable(history.rows, ctx.out.color, name)));
        if (history.rows.length === 0) ctx.out.info(`Loan ${id} has not been edited`);
      }),
    );

  loans
    .command("import")
    .description("request one loan per row of a CSV (approved agent); safe to run again")
    .argument("<file>", "a CSV with the columns customer_id, principal, tenure_months and optionally ref")
    .option("--concurrency <n>", "requests at a time (1-32)", positiveInt, 4)
    .option("--state <file>", "the state file (default: FILE.loanctl-state.json next to the CSV)")
    .addHelpText(
      "after",
      `
The state file records which rows became which loan, so running the same import again
skips them; rows that fail are written with the reason to FILE.failed.csv, which can be
fixed and imported in turn.

Example:
  $ cat loans.csv
  ref,customer_id,principal,tenure_months
  A-1,3,250000,24
  A-2,4,1200000.50,120
  $ loanctl loans import loans.csv
`,
    )
    .action(
      action(io, async (ctx, file: string) => {
        const options = ctx.opts<ImportCommandOptions>();
        const client = ctx.client();
        const me = await client.profile();
        if (me.role !== "agent" || !me.is_approved) {
          throw new CliError(`loans import needs an approved agent's login; you are logged in as ${me.email} (${me.role})`);
        }
        const progress = new Progress(io.stderr, {
          label: "import",
          total: 0,
          tty: io.stderr.isTTY === true,
        });
        // loaded when used, so every other command starts faster
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- see above
        const { importLoans } = require("../import.js") as typeof import("../import.js");
        const result = await importLoans({
          client,
          me,
          apiUrl: ctx.apiUrl,
          csvFile: file,
          stateFile: options.state,
          concurrency: options.concurrency,
          progress,
          onPlan: (total) => progress.phase("import", total),
        });
        printImportSummary(ctx, result.summary);
        if (result.exitCode !== 0) {
          throw new CliError(result.summary.stopped ?? `${result.summary.failed} of ${result.summary.total} rows failed`, result.exitCode);
        }
      }),
    );

  registerLoanServicing(loans, io);
  registerLoanTransactions(loans, io);
}
