/**
 * Where a loan stands as of a date: what is outstanding, what fell due and was not paid,
 * since when. Pure: a function of the schedule, the total paid and the date, computed on
 * demand (`as_of`), never by a nightly job that could be missed.
 */
import type { CalendarDate, InstallmentStatus, Money, ScheduleRow, ScheduleTotals } from "../../sdk/contracts.js";
import { coverage } from "./allocation.js";
import { daysBetween } from "./calendar.js";
import { LoanDecimal as D } from "./loan-math.js";
import { scheduleTotals, type Installment } from "./schedule.js";

/** The figures the loan row keeps, changed only by a repayment: they do not depend on the date. */
export interface LoanPosition {
  outstanding_principal: Money;
  outstanding_interest: Money;
  /** The due date of the oldest installment not fully paid; null when everything is paid. */
  next_due_date: CalendarDate | null;
}

export interface ScheduleSummary extends LoanPosition {
  rows: ScheduleRow[];
  totals: ScheduleTotals;
  overdue_amount: Money;
  days_past_due: number;
}

/** What was paid, from the figures a loan row keeps. */
export function paidSoFar(principal: Money, totalInterest: Money, outstandingPrincipal: Money, outstandingInterest: Money): Money {
  return new D(principal).plus(totalInterest).minus(outstandingPrincipal).minus(outstandingInterest).toFixed(2);
}

/** Days from the oldest unpaid due date to `asOf` when it is past, else 0. */
export function daysPastDue(nextDueDate: CalendarDate | null, asOf: CalendarDate): number {
  return nextDueDate === null ? 0 : Math.max(0, daysBetween(nextDueDate, asOf));
}

function statusOf(row: Installment, paid: InstanceType<typeof D>, asOf: CalendarDate): InstallmentStatus {
  if (paid.eq(row.installment)) return "PAID";
  if (row.due_date < asOf) return "OVERDUE"; // same-length ISO dates compare as strings
  return paid.isZero() ? "DUE" : "PARTIAL";
}

export function summarize(schedule: readonly Installment[], totalPaid: Money, asOf: CalendarDate): ScheduleSummary {
  const covered = coverage(schedule, totalPaid);
  let outstandingPrincipal = new D(0);
  let outstandingInterest = new D(0);
  let overdue = new D(0);
  let nextDue: CalendarDate | null = null;
  const rows = schedule.map((row, i): ScheduleRow => {
    const { paid_principal, paid_interest } = covered[i]!;
    const paid = new D(paid_principal).plus(paid_interest);
    const status = statusOf(row, paid, asOf);
    outstandingPrincipal = outstandingPrincipal.plus(row.principal).minus(paid_principal);
    outstandingInterest = outstandingInterest.plus(row.interest).minus(paid_interest);
    if (status === "OVERDUE") overdue = overdue.plus(row.installment).minus(paid);
    if (status !== "PAID" && nextDue === null) nextDue = row.due_date;
    return { ...row, paid_principal, paid_interest, status };
  });
  return {
    rows,
    totals: scheduleTotals(schedule),
    outstanding_principal: outstandingPrincipal.toFixed(2),
    outstanding_interest: outstandingInterest.toFixed(2),
    next_due_date: nextDue,
    overdue_amount: overdue.toFixed(2),
    days_past_due: daysPastDue(nextDue, asOf),
  };
}

/** The stored figures after `totalPaid` (the loan row's columns). */
export function positionAfter(schedule: readonly Installment[], totalPaid: Money): LoanPosition {
  // The date only decides statuses and arrears, none of which is kept.
  const { outstanding_principal, outstanding_interest, next_due_date } = summarize(schedule, totalPaid, "1900-01-01");
  return { outstanding_principal, outstanding_interest, next_due_date };
}
