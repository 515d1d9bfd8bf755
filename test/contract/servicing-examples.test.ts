/**
 * The servicing examples of the OpenAPI document (sdk/servicing-examples.ts) are figures
 * the code really computes: the schedule, the allocation, the loan after disbursement and
 * the portfolio, recomputed here from the pure modules.
 */
import Decimal from "decimal.js";
import { EXAMPLE_ACTIVE_LOAN, EXAMPLE_AS_OF, EXAMPLE_DISBURSED_ON, EXAMPLE_PORTFOLIO, EXAMPLE_REPAYMENT, EXAMPLE_SCHEDULE } from "../../sdk/servicing-examples.js";
import { daysPastDue } from "../../domain/arrears.js";
import { allocatePayment, summarize } from "../support/replayed.js";
import { addDays } from "../../domain/calendar.js";
import { loanTerms } from "../../domain/loan-math.js";
import { buildSchedule, totalInterest } from "../../domain/schedule.js";

const spec = buildSchedule(loanTerms("250000.00", 24), EXAMPLE_DISBURSED_ON);

test("the schedule example is the spec's loan as of 2026-04-10, its first installment paid", () => {
  expect(EXAMPLE_SCHEDULE).toEqual({ loan_id: 42, disbursed_on: EXAMPLE_DISBURSED_ON, as_of: EXAMPLE_AS_OF, ...summarize(spec, EXAMPLE_REPAYMENT.amount, EXAMPLE_AS_OF) });
  expect(EXAMPLE_SCHEDULE.rows[0]).toEqual(expect.objectContaining({ principal: "9268.37", interest: "2500.00", balance: "240731.63", status: "PAID" }));
});

test("the repayment example is the allocation of one EMI paid first", () => {
  const allocation = allocatePayment(spec, "0.00", EXAMPLE_REPAYMENT.amount);
  expect({ principal_part: EXAMPLE_REPAYMENT.principal_part, interest_part: EXAMPLE_REPAYMENT.interest_part, allocation: EXAMPLE_REPAYMENT.allocation }).toEqual({
    principal_part: allocation.principal,
    interest_part: allocation.interest,
    allocation: allocation.installments.map((a) => ({ ...a, fee: "0.00", penalty: "0.00" })),
  });
});

test("the disbursed loan example owes the whole principal and the schedule's interest", () => {
  expect(EXAMPLE_ACTIVE_LOAN).toEqual(
    expect.objectContaining({ outstanding_principal: "250000.00", outstanding_interest: totalInterest(spec), next_due_date: spec[0]!.due_date, emi: "11768.37", interest_rate: "12.00" }),
  );
});

test("the portfolio example: the spec's loan and an unpaid 5,000.00 loan disbursed 2025-12-31", () => {
  const unpaid = summarize(buildSchedule(loanTerms("5000.00", 12), "2025-12-31"), "0.00", EXAMPLE_AS_OF);
  const loans = [summarize(spec, EXAMPLE_REPAYMENT.amount, EXAMPLE_AS_OF), unpaid];
  const outstanding = loans.reduce((sum, l) => sum.plus(l.outstanding_principal), new Decimal(0));
  const atRiskBefore = addDays(EXAMPLE_AS_OF, -30);
  const atRisk = loans.filter((l) => l.next_due_date !== null && l.next_due_date < atRiskBefore).reduce((sum, l) => sum.plus(l.outstanding_principal), new Decimal(0));
  expect(daysPastDue(unpaid.next_due_date, EXAMPLE_AS_OF)).toBe(69);
  expect(EXAMPLE_PORTFOLIO).toEqual(
    expect.objectContaining({
      active_outstanding_principal: outstanding.toFixed(2),
      overdue_amount: loans.reduce((sum, l) => sum.plus(l.overdue_amount), new Decimal(0)).toFixed(2),
      par30: atRisk.mul(100).div(outstanding).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2),
    }),
  );
  expect(EXAMPLE_PORTFOLIO.by_status.ACTIVE).toBe(2);
});
