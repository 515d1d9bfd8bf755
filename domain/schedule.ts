/**
 * The repayment schedule: a pure function of the loan's terms and its disbursement date,
 * as in Fineract (declining balance, equal instalments, no interest recalculation).
 * For installment k = 1..n: interest_k = round(balance_{k-1} · rate / 1200) half-up to
 * cents; principal_k = EMI − interest_k, except the last, whose principal is the whole
 * remaining balance, so the principal parts add up to the principal exactly and the last
 * installment absorbs the rounding. Due date k = the disbursement date plus k months,
 * clamped to the month's last day. Amounts in exact integer cents (cents.ts).
 */
import type { CalendarDate, Money, Rate, ScheduleTotals } from "../sdk/contracts.js";
import { monthlyDates } from "./calendar.js";
import { divideHalfUp, fromCents, toCents, type Cents } from "./cents.js";

export interface ScheduleTerms {
  principal: Money;
  interest_rate: Rate;
  tenure_months: number;
  emi: Money;
}

export interface Installment {
  number: number;
  due_date: CalendarDate;
  installment: Cents;
  principal: Cents;
  interest: Cents;
  /** The principal still owed once this installment is paid. */
  balance: Cents;
}

/** An installment's figures as the API shows them. */
export interface InstallmentFigures {
  number: number;
  due_date: CalendarDate;
  installment: Money;
  principal: Money;
  interest: Money;
  balance: Money;
}

/** rate / 1200 per month, the rate in hundredths of a percent: cents · hundredths / 120000. */
const MONTHLY_DENOMINATOR = 120_000n;

export function buildSchedule(terms: ScheduleTerms, disbursedOn: CalendarDate): Installment[] {
  const n = terms.tenure_months;
  if (!Number.isInteger(n) || n < 1) throw new RangeError("tenure must be a whole number of months >= 1");
  const emi = toCents(terms.emi);
  const rate = toCents(terms.interest_rate);
  let balance = toCents(terms.principal);
  const dues = monthlyDates(disbursedOn, n);
  const rows: Installment[] = [];
  for (let k = 1; k <= n; k++) {
    const interest = divideHalfUp(balance * rate, MONTHLY_DENOMINATOR);
    const principal = k === n ? balance : emi - interest;
    balance -= principal;
    rows.push({ number: k, due_date: dues[k - 1]!, installment: principal + interest, principal, interest, balance });
  }
  return rows;
}

export function figures(row: Installment): InstallmentFigures {
  return {
    number: row.number,
    due_date: row.due_date,
    installment: fromCents(row.installment),
    principal: fromCents(row.principal),
    interest: fromCents(row.interest),
    balance: fromCents(row.balance),
  };
}

/** The schedule's own sums (the charges are the replay's: loan-book.ts). */
export function scheduleTotals(rows: readonly Installment[]): Omit<ScheduleTotals, "fee" | "penalty"> {
  let principal = 0n;
  let interest = 0n;
  for (const r of rows) {
    principal += r.principal;
    interest += r.interest;
  }
  return { principal: fromCents(principal), interest: fromCents(interest), installment: fromCents(principal + interest) };
}

export function totalInterest(rows: readonly Installment[]): Money {
  return scheduleTotals(rows).interest;
}
