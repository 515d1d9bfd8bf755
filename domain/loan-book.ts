/**
 * What a replay of a loan (replay.ts) looks like to the API, formatted once on the way out:
 * the schedule's rows with their paid parts and statuses as of a date, the loan's position
 * (what the loan row keeps), and each repayment's share. Pure.
 */
import type { CalendarDate, InstallmentAllocation, InstallmentStatus, MoneyParts, ScheduleRow, ScheduleTotals } from "../sdk/contracts.js";
import { daysPastDue } from "./arrears.js";
import { fromCents, type Cents } from "./cents.js";
import { sumParts, unpaidOf, type InstallmentState, type Parts, type Replay, type RepaymentShare } from "./replay.js";
import { figures, scheduleTotals, type Installment } from "./schedule.js";

/** The figures the loan row keeps, which only a transaction changes (none depends on the date). */
export interface LoanPosition {
  outstanding_principal: string;
  outstanding_interest: string;
  outstanding_fee: string;
  outstanding_penalty: string;
  /** The due date of the oldest installment with anything unpaid; null when nothing is. */
  next_due_date: CalendarDate | null;
}

export interface ScheduleView extends LoanPosition {
  rows: ScheduleRow[];
  totals: ScheduleTotals;
  overdue_amount: string;
  days_past_due: number;
}

export function formatParts(p: Parts): MoneyParts {
  return { principal: fromCents(p.principal), interest: fromCents(p.interest), fee: fromCents(p.fee), penalty: fromCents(p.penalty) };
}

export function positionOf(r: Replay): LoanPosition {
  const o = r.outstanding;
  return {
    outstanding_principal: fromCents(o.principal),
    outstanding_interest: fromCents(o.interest),
    outstanding_fee: fromCents(o.fee),
    outstanding_penalty: fromCents(o.penalty),
    next_due_date: r.next_due_date,
  };
}

/** Nothing at all is owed: principal, interest, fees and penalties. */
export const isSettled = (r: Replay): boolean => sumParts(r.outstanding) === 0n;

function statusOf(row: InstallmentState, asOf: CalendarDate): InstallmentStatus {
  if (unpaidOf(row) === 0n) return "PAID";
  if (row.due_date < asOf) return "OVERDUE"; // same-length ISO dates compare as strings
  return sumParts(row.paid) === 0n ? "DUE" : "PARTIAL";
}

/** The schedule with what is paid of each installment as of `asOf` (statuses, arrears). */
export function scheduleView(schedule: readonly Installment[], r: Replay, asOf: CalendarDate): ScheduleView {
  let overdue = 0n;
  let fee = 0n;
  let penalty = 0n;
  const rows = schedule.map((s, i): ScheduleRow => {
    const row = r.installments[i]!;
    const status = statusOf(row, asOf);
    if (status === "OVERDUE") overdue += unpaidOf(row);
    fee += row.due.fee;
    penalty += row.due.penalty;
    const f = figures(s);
    return {
      number: f.number,
      due_date: f.due_date,
      installment: f.installment,
      principal: f.principal,
      interest: f.interest,
      balance: f.balance,
      fee: fromCents(row.due.fee),
      penalty: fromCents(row.due.penalty),
      paid_principal: fromCents(row.paid.principal),
      paid_interest: fromCents(row.paid.interest),
      paid_fee: fromCents(row.paid.fee),
      paid_penalty: fromCents(row.paid.penalty),
      status,
    };
  });
  const position = positionOf(r);
  return {
    ...position,
    rows,
    totals: { ...scheduleTotals(schedule), fee: fromCents(fee), penalty: fromCents(penalty) },
    overdue_amount: fromCents(overdue),
    days_past_due: daysPastDue(position.next_due_date, asOf),
  };
}

/** A repayment's share as stored and shown: its four parts and the installments it pays. */
export interface ShareFigures {
  principal_part: string;
  interest_part: string;
  fee_part: string;
  penalty_part: string;
  allocation: InstallmentAllocation[];
}

export function shareFigures(share: RepaymentShare): ShareFigures {
  return {
    principal_part: fromCents(share.principal),
    interest_part: fromCents(share.interest),
    fee_part: fromCents(share.fee),
    penalty_part: fromCents(share.penalty),
    allocation: share.installments.map((a) => ({ number: a.number, ...formatParts(a) })),
  };
}

/** Unallocated money over every repayment: more was paid than the loan owes. */
export const excessOf = (r: Replay): Cents => r.repayments.reduce((sum, s) => sum + s.unallocated, 0n);
