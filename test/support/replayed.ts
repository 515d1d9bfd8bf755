/**
 * The allocation and the position as of a date, for tests written when both were a function of
 * the total paid: each is now the replay (domain/replay.ts) of repayments of those amounts,
 * which — with no charges and no reversals — is the same rule.
 */
import type { CalendarDate, Money } from "../../sdk/contracts.js";
import { toCents } from "../../domain/cents.js";
import { positionOf, scheduleView, shareFigures, type ScheduleView } from "../../domain/loan-book.js";
import { replay, type ReplayTransaction } from "../../domain/replay.js";
import type { Installment } from "../../domain/schedule.js";

const repayment = (id: number, amount: Money): ReplayTransaction => ({
  id,
  type: "REPAYMENT",
  amount: toCents(amount),
  value_date: "2000-01-01",
  installment_number: null,
  charge_id: null,
  reversed: false,
});

/** Repayments of `amounts`, in order; a RangeError when one finds nothing left to pay. */
function replayed(schedule: readonly Installment[], amounts: readonly Money[]) {
  const r = replay(
    schedule,
    amounts.filter((a) => toCents(a) > 0n).map((a, i) => repayment(i + 1, a)),
  );
  if (r.repayments.some((s) => s.unallocated > 0n)) throw new RangeError("the payments exceed what the schedule asks");
  return r;
}

/** What a payment of `amount` pays after `paidBefore` was paid: principal and interest per installment. */
export function allocatePayment(schedule: readonly Installment[], paidBefore: Money, amount: Money) {
  const r = replayed(schedule, [paidBefore, amount]);
  const share = shareFigures(r.repayments[r.repayments.length - 1]!);
  return { principal: share.principal_part, interest: share.interest_part, installments: share.allocation.map(({ number, principal, interest }) => ({ number, principal, interest })) };
}

export function summarize(schedule: readonly Installment[], totalPaid: Money, asOf: CalendarDate): ScheduleView {
  return scheduleView(schedule, replayed(schedule, [totalPaid]), asOf);
}

export function positionAfter(schedule: readonly Installment[], totalPaid: Money) {
  const { outstanding_principal, outstanding_interest, next_due_date } = positionOf(replayed(schedule, [totalPaid]));
  return { outstanding_principal, outstanding_interest, next_due_date };
}
