/**
 * Servicing: `loans disburse|schedule|repay|repayments|repayment` and `portfolio`.
 */
import type { Command } from "commander";
import type { Loan } from "../../sdk/index.js";
import { action } from "../action.js";
import { calendarDate, money, positiveInt } from "../args.js";
import type { Io } from "../context.js";
import { portfolioRecord, repaymentRecord, repaymentsTable, scheduleView } from "../servicing-views.js";
import { printLoan } from "./loans.js";

function standing(loan: Loan): string {
  if (loan.status === "CLOSED") return `Loan ${loan.id} is paid off and CLOSED`;
  const late = loan.days_past_due ? `, ${loan.days_past_due} days past due` : "";
  return `Loan ${loan.id}: outstanding principal ${loan.outstanding_principal}, interest ${loan.outstanding_interest}; next due ${loan.next_due_date}${late}`;
}

export function registerLoanServicing(loans: Command, io: Io): void {
  loans
    .command("disburse")
    .description("disburse an APPROVED loan (admin): it becomes ACTIVE and its schedule starts")
    .argument("<loan-id>", "the loan's id", positiveInt)
    .option("--on <date>", "the disbursement date, YYYY-MM-DD (default today UTC; not in the future)", calendarDate)
    .addHelpText("after", "\nExamples:\n  $ loanctl loans disburse 42\n  $ loanctl loans disburse 42 --on 2026-01-31\n")
    .action(
      action(io, async (ctx, id: number) => {
        const on = ctx.opts<{ on?: string }>().on;
        const loan = await ctx.client().disburseLoan(id, on ? { disbursed_on: on } : {});
        await printLoan(ctx, loan);
        ctx.out.success(`Loan ${loan.id} disbursed on ${loan.disbursed_on}: first installment due ${loan.next_due_date}`);
      }),
    );

  loans
    .command("schedule")
    .description("show a loan's repayment schedule: what is paid, partial, due and overdue (a projection before disbursement)")
    .argument("<loan-id>", "the loan's id", positiveInt)
    .option("--as-of <date>", "judge arrears as of this date, YYYY-MM-DD (default today UTC)", calendarDate)
    .addHelpText("after", "\nExamples:\n  $ loanctl loans schedule 42\n  $ loanctl loans schedule 42 --as-of 2026-06-30\n  $ loanctl --json loans schedule 42 | jq .overdue_amount\n")
    .action(
      action(io, async (ctx, id: number) => {
        const asOf = ctx.opts<{ asOf?: string }>().asOf;
        const schedule = await ctx.client().loanSchedule(id, { as_of: asOf });
        ctx.out.data(schedule, () => scheduleView(schedule, ctx.out.color));
      }),
    );

  loans
    .command("repay")
    .description("record a repayment of an ACTIVE loan (admin, approved agent); it fills installments in due order, interest first")
    .argument("<loan-id>", "the loan's id", positiveInt)
    .requiredOption("--amount <amount>", "the amount paid, e.g. 11768.37", money)
    .option("--on <date>", "the day it was paid, YYYY-MM-DD (default today UTC)", calendarDate)
    .addHelpText("after", "\nExamples:\n  $ loanctl loans repay 42 --amount 11768.37\n  $ loanctl loans repay 42 --amount 5000 --on 2026-02-27\n")
    .action(
      action(io, async (ctx, id: number) => {
        const options = ctx.opts<{ amount: string; on?: string }>();
        const client = ctx.client();
        const repayment = await client.recordRepayment(id, { amount: options.amount, ...(options.on && { paid_on: options.on }) });
        const name = await ctx.namesOf([repayment.recorded_by]);
        ctx.out.data(repayment, () => repaymentRecord(repayment, ctx.out.color, name));
        ctx.out.success(`Recorded repayment ${repayment.id} of loan ${id}: ${repayment.amount} (principal ${repayment.principal_part}, interest ${repayment.interest_part})`);
        if (!ctx.out.jsonMode) ctx.out.info(standing(await client.getLoan(id)));
      }),
    );

  loans
    .command("repayments")
    .description("list a loan's repayments in the order recorded")
    .argument("<loan-id>", "the loan's id", positiveInt)
    .addHelpText("after", "\nExample:\n  $ loanctl loans repayments 42\n")
    .action(
      action(io, async (ctx, id: number) => {
        const result = await ctx.client().listRepayments(id);
        const name = await ctx.namesOf(result.rows.map((r) => r.recorded_by));
        ctx.out.data(result, () => (result.rows.length === 0 ? "" : repaymentsTable(result.rows, ctx.out.color, name)));
        if (result.rows.length === 0) ctx.out.info(`No repayment recorded for loan ${id}`);
      }),
    );

  loans
    .command("repayment")
    .description("show one repayment by its id (a customer: only those of their own loans)")
    .argument("<repayment-id>", "the repayment's id (as `loans repay` and `loans repayments` show it)", positiveInt)
    .addHelpText("after", "\nExamples:\n  $ loanctl loans repayment 7\n  $ loanctl --json loans repayment 7 | jq .allocation\n")
    .action(
      action(io, async (ctx, id: number) => {
        const repayment = await ctx.client().getRepayment(id);
        const name = await ctx.namesOf([repayment.recorded_by]);
        ctx.out.data(repayment, () => repaymentRecord(repayment, ctx.out.color, name));
      }),
    );
}

export function registerPortfolio(program: Command, io: Io): void {
  program
    .command("portfolio")
    .description("the loan book (admin): loans by status, outstanding principal, overdue amount, PAR30")
    .option("--as-of <date>", "as of this date, YYYY-MM-DD (default today UTC)", calendarDate)
    .addHelpText("after", "\nExamples:\n  $ loanctl portfolio\n  $ loanctl --json portfolio --as-of 2026-06-30\n")
    .action(
      action(io, async (ctx) => {
        const asOf = ctx.opts<{ asOf?: string }>().asOf;
        const book = await ctx.client().portfolio({ as_of: asOf });
        ctx.out.data(book, () => portfolioRecord(book, ctx.out.color));
      }),
    );
}
