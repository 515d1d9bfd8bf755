/**
 * A loan's transactions: `loans transactions|reverse|waive|write-off`.
 */
import type { Command } from "commander";
import type { Loan } from "../../sdk/index.js";
import { action } from "../action.js";
import { REASON_MAX, calendarDate, positiveInt, reasonText } from "../args.js";
import type { Context, Io } from "../context.js";
import { usageError } from "../errors.js";
import { repaymentRecord } from "../servicing-views.js";
import { transactionRecord, transactionsTable } from "../transaction-views.js";
import { printLoan } from "./loans.js";

const REASON_HELP = `why, kept in the audit log (required; 1-${REASON_MAX} characters)`;

/** --reason, checked before anything is asked or sent: a change of money always says why. */
function requireReason(ctx: Context, example: string): string {
  const reason = ctx.opts<{ reason?: string }>().reason;
  if (reason === undefined) throw usageError(`--reason is required: say why, for the audit log, e.g. ${example}`);
  return reason;
}

/** "principal 1.00, interest 2.00, fee 0.00, penalty 25.00" of what a loan still owes. */
function owed(loan: Loan): string {
  return `principal ${loan.outstanding_principal ?? "-"}, interest ${loan.outstanding_interest ?? "-"}, fee ${loan.outstanding_fee ?? "-"}, penalty ${loan.outstanding_penalty ?? "-"}`;
}

export function registerLoanTransactions(loans: Command, io: Io): void {
  loans
    .command("transactions")
    .description("list a loan's transactions by value date: disbursement, fees, penalties, repayments, waivers, write-off")
    .argument("<loan-id>", "the loan's id", positiveInt)
    .addHelpText("after", "\nExamples:\n  $ loanctl loans transactions 42\n  $ loanctl --json loans transactions 42 | jq '.rows[] | select(.type == \"PENALTY\")'\n")
    .action(
      action(io, async (ctx, id: number) => {
        const result = await ctx.client().listTransactions(id);
        const name = await ctx.namesOf(result.rows.flatMap((t) => [t.recorded_by, t.reversed_by]));
        ctx.out.data(result, () => (result.rows.length === 0 ? "" : transactionsTable(result.rows, ctx.out.color, name)));
        if (result.rows.length === 0) ctx.out.info(`Loan ${id} has no transactions: it is not disbursed`);
      }),
    );

  loans
    .command("reverse")
    .description("reverse a repayment (admin): it stays listed, marked; every other repayment is re-allocated and a CLOSED loan reopens")
    .argument("<repayment-id>", "the repayment's id (as `loans repayments` and `loans transactions` show it)", positiveInt)
    .option("--reason <text>", REASON_HELP, reasonText)
    .option("-y, --yes", "do not ask for confirmation")
    .addHelpText("after", '\nExamples:\n  $ loanctl loans reverse 7 --reason "cheque bounced"\n  $ loanctl loans reverse 7 --reason "keyed in twice" --yes\n')
    .action(
      action(io, async (ctx, id: number) => {
        const reason = requireReason(ctx, '--reason "cheque bounced"');
        const client = ctx.client();
        const repayment = await client.getRepayment(id);
        await ctx.prompts.confirm(
          `Reverse repayment ${id} of loan ${repayment.loan_id} (${repayment.amount} paid on ${repayment.paid_on})? The loan's other repayments are re-allocated.`,
          `reverse repayment ${id}`,
          ctx.opts<{ yes?: boolean }>().yes,
        );
        const reversed = await client.reverseRepayment(id, { reason });
        const name = await ctx.namesOf([reversed.recorded_by]);
        ctx.out.data(reversed, () => repaymentRecord(reversed, ctx.out.color, name));
        ctx.out.success(`Reversed repayment ${reversed.id} of loan ${reversed.loan_id}: ${reversed.amount} paid on ${reversed.paid_on}`);
        if (!ctx.out.jsonMode) {
          const loan = await client.getLoan(reversed.loan_id);
          ctx.out.info(`Loan ${loan.id} is ${loan.status}: outstanding ${owed(loan)}`);
        }
      }),
    );

  loans
    .command("waive")
    .description("waive what is unpaid of a FEE or PENALTY (admin): a WAIVER transaction")
    .argument("<charge-id>", "the FEE or PENALTY transaction's id (as `loans transactions` shows it)", positiveInt)
    .option("--reason <text>", REASON_HELP, reasonText)
    .addHelpText("after", '\nExample:\n  $ loanctl loans waive 12 --reason "late because of the bank holiday"\n')
    .action(
      action(io, async (ctx, id: number) => {
        const reason = requireReason(ctx, '--reason "goodwill"');
        const waiver = await ctx.client().waiveCharge(id, { reason });
        const name = await ctx.namesOf([waiver.recorded_by]);
        ctx.out.data(waiver, () => transactionRecord(waiver, ctx.out.color, name));
        const installment = waiver.installment_number === null ? "" : `, installment ${waiver.installment_number}`;
        ctx.out.success(`Waived ${waiver.amount} of charge ${id} on loan ${waiver.loan_id}${installment}`);
      }),
    );

  loans
    .command("write-off")
    .description("write off an ACTIVE loan (admin): everything outstanding goes into one WRITE_OFF transaction; it cannot be undone")
    .argument("<loan-id>", "the loan's id", positiveInt)
    .option("--reason <text>", REASON_HELP, reasonText)
    .option("--date <date>", "the write-off's date, YYYY-MM-DD (default today UTC; not in the future, not before the disbursement)", calendarDate)
    .option("-y, --yes", "do not ask for confirmation")
    .addHelpText("after", '\nExamples:\n  $ loanctl loans write-off 42 --reason "customer deceased"\n  $ loanctl loans write-off 42 --reason "uncollectable" --date 2026-06-30 --yes\n')
    .action(
      action(io, async (ctx, id: number) => {
        const reason = requireReason(ctx, '--reason "uncollectable"');
        const options = ctx.opts<{ date?: string; yes?: boolean }>();
        const client = ctx.client();
        const before = await client.getLoan(id);
        await ctx.prompts.confirm(`Write off loan ${id} (${before.status}; outstanding ${owed(before)})? This cannot be undone.`, `write off loan ${id}`, options.yes);
        const loan = await client.writeOff(id, { reason, ...(options.date && { written_off_on: options.date }) });
        await printLoan(ctx, loan);
        if (ctx.out.jsonMode) return;
        const taken = (await client.listTransactions(id)).rows.filter((t) => t.type === "WRITE_OFF" && !t.reversed).pop();
        ctx.out.success(
          taken
            ? `Loan ${id} written off on ${taken.value_date}: ${taken.amount} (principal ${taken.principal_part}, interest ${taken.interest_part}, fee ${taken.fee_part}, penalty ${taken.penalty_part})`
            : `Loan ${id} written off`,
        );
      }),
    );
}
