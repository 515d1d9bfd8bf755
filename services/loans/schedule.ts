/**
 * The repayment schedule: a pure function of the loan's terms and its disbursement date,
 * as in Fineract (declining balance, equal instalments, no interest recalculation).
 * For installment k = 1..n: interest_k = round(balance_{k-1} · rate / 1200) half-up to
 * cents; principal_k = EMI − interest_k, except the last, whose principal is the whole
 * remaining balance, so the principal parts add up to the principal exactly and the last
 * installment absorbs the rounding. Due date k = the disbursement date plus k months,
 * clamped to the month's last day.
 */
import type { CalendarDate, Money, Rate, ScheduleTotals } from "../../sdk/contracts.js";
import { addMonths } from "./calendar.js";
import { LoanDecimal as D } from "./loan-math.js";

export interface ScheduleTerms {
  principal: Money;
  interest_rate: Rate;
  tenure_months: number;
  emi: Money;
}

export interface Installment {
  number: number;
  due_date: CalendarDate;
  installment: Money;
  principal: Money;
  interest: Money;
  /** The principal still owed once this installment is paid. */
  balance: Money;
}

const cents = (value: InstanceType<typeof D>) => value.toDecimalPlaces(2, D.ROUND_HALF_UP);

export function buildSchedule(terms: ScheduleTerms, disbursedOn: CalendarDate): Installment[] {
  const n = terms.tenure_months;
  if (!Number.isInteger(n) || n < 1) throw new RangeError("tenure must be a whole number of months >= 1");
  const emi = new D(terms.emi);
  const rate = new D(terms.interest_rate);
  let balance = new D(terms.principal);
  const rows: Installment[] = [];
  for (let k = 1; k <= n; k++) {
    // One division, at the end: balance · rate is exact, so half-up rounding sees the true value.
    const interest = cents(balance.mul(rate).div(1200));
    const principal = k === n ? balance : emi.minus(interest);
    balance = balance.minus(principal);
    rows.push({
      number: k,
      due_date: addMonths(disbursedOn, k),
      installment: principal.plus(interest).toFixed(2),
      principal: principal.toFixed(2),
      interest: interest.toFixed(2),
      balance: balance.toFixed(2),
    });
  }
  return rows;
}

export function scheduleTotals(rows: readonly Installment[]): ScheduleTotals {
  const sum = (pick: (r: Installment) => Money) => rows.reduce((acc, r) => acc.plus(pick(r)), new D(0)).toFixed(2);
  return { principal: sum((r) => r.principal), interest: sum((r) => r.interest), installment: sum((r) => r.installment) };
}
