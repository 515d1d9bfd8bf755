/**
 * Where a loan stands as of a date: what is outstanding, what fell due and was not paid,
 * since when. Pure: a function of the schedule, the total paid and the date, computed on
 * demand (`as_of`), never by a nightly job that could be missed.
 */
import type { CalendarDate, InstallmentStatus, Money, ScheduleRow, ScheduleTotals } from "../sdk/contracts.js";
import { coverage } from "./allocation.js";
import { daysBetween } from "./calendar.js";
import { fromCents, toCents } from "./cents.js";
import { figures, scheduleTotals, type Installment } from "./schedule.js";

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
  return fromCents(toCents(principal) + toCents(totalInterest) - toCents(outstandingPrincipal) - toCents(outstandingInterest));
}

/** Days from the oldest unpaid due date to `asOf` when it is past, else 0. */
export function daysPastDue(nextDueDate: CalendarDate | null, asOf: CalendarDate): number {
  return nextDueDate === null ? 0 : Math.max(0, daysBetween(nextDueDate, asOf));
}

function statusOf(row: Installment, paid: bigint, asOf: CalendarDate): InstallmentStatus {
  if (paid === row.installment) return "PAID";
  if (row.due_date < asOf) return "OVERDUE"; // same-length ISO dates compare as strings
  return paid === 0n ? "DUE" : "PARTIAL";
}

export function summarize(schedule: readonly Installment[], totalPaid: Money, asOf: CalendarDate): ScheduleSummary {
  const covered = coverage(schedule, toCents(totalPaid));
  let outstandingPrincipal = 0n;
  let outstandingInterest = 0n;
  let overdue = 0n;
  let nextDue: CalendarDate | null = null;
  const rows = schedule.map((row, i): ScheduleRow => {
    const { principal, interest } = covered[i]!;
    const paid = principal + interest;
    const status = statusOf(row, paid, asOf);
    outstandingPrincipal += row.principal - principal;
    outstandingInterest += row.interest - interest;
    if (status === "OVERDUE") overdue += row.installment - paid;
    if (status !== "PAID" && nextDue === null) nextDue = row.due_date;
    // Spelled out: an object spread here costs ten times the rest of the loop.
    const f = figures(row);
    return {
      number: f.number,
      due_date: f.due_date,
      installment: f.installment,
      principal: f.principal,
      interest: f.interest,
      balance: f.balance,
      paid_principal: fromCents(principal),
      paid_interest: fromCents(interest),
      status,
    };
  });
  return {
    rows,
    totals: scheduleTotals(schedule),
    outstanding_principal: fromCents(outstandingPrincipal),
    outstanding_interest: fromCents(outstandingInterest),
    next_due_date: nextDue,
    overdue_amount: fromCents(overdue),
    days_past_due: daysPastDue(nextDue, asOf),
  };
}

/** The stored figures after `totalPaid` (the loan row's columns), without rendering the rows. */
export function positionAfter(schedule: readonly Installment[], totalPaid: Money): LoanPosition {
  const covered = coverage(schedule, toCents(totalPaid));
  let outstandingPrincipal = 0n;
  let outstandingInterest = 0n;
  let nextDue: CalendarDate | null = null;
  schedule.forEach((row, i) => {
    const { principal, interest } = covered[i]!;
    outstandingPrincipal += row.principal - principal;
    outstandingInterest += row.interest - interest;
    if (nextDue === null && principal + interest !== row.installment) nextDue = row.due_date;
  });
  return { outstanding_principal: fromCents(outstandingPrincipal), outstanding_interest: fromCents(outstandingInterest), next_due_date: nextDue };
}
