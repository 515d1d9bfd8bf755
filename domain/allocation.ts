/**
 * How repayments fill the schedule, by one named, ordered rule: installments in due order,
 * within an installment interest first, then principal. Pure, in exact cents.
 *
 * Because the rule never looks at the date of a payment (no penalties, no interest
 * recalculation), what a series of payments has covered depends on their sum alone: the
 * schedule's paid state is a function of the total paid, and a payment's own share is the
 * difference between the state before and after it.
 */
import type { InstallmentAllocation, Money } from "../sdk/contracts.js";
import { fromCents, minCents, toCents, type Cents } from "./cents.js";
import type { Installment } from "./schedule.js";

export interface Covered {
  principal: Cents;
  interest: Cents;
}

export interface PaymentAllocation {
  principal: Money;
  interest: Money;
  installments: InstallmentAllocation[];
}

/** Interest and principal covered on each row by `total` paid so far. */
export function coverage(rows: readonly Installment[], total: Cents): Covered[] {
  if (total < 0n) throw new RangeError("a paid total cannot be negative");
  let left = total;
  const covered = rows.map((row) => {
    const interest = minCents(left, row.interest);
    left -= interest;
    const principal = minCents(left, row.principal);
    left -= principal;
    return { interest, principal };
  });
  if (left > 0n) throw new RangeError("the paid total exceeds what the schedule asks");
  return covered;
}

/**
 * The share of each installment that a payment of `amount` takes after `paidBefore` was
 * paid; throws a RangeError when it would pay more than is left.
 */
export function allocatePayment(rows: readonly Installment[], paidBefore: Money, amount: Money): PaymentAllocation {
  const start = toCents(paidBefore);
  const before = coverage(rows, start);
  const after = coverage(rows, start + toCents(amount));
  const installments: InstallmentAllocation[] = [];
  let principal = 0n;
  let interest = 0n;
  rows.forEach((row, i) => {
    const p = after[i]!.principal - before[i]!.principal;
    const n = after[i]!.interest - before[i]!.interest;
    if (p === 0n && n === 0n) return;
    installments.push({ number: row.number, principal: fromCents(p), interest: fromCents(n) });
    principal += p;
    interest += n;
  });
  return { principal: fromCents(principal), interest: fromCents(interest), installments };
}
