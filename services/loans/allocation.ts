/**
 * How repayments fill the schedule, by one named, ordered rule: installments in due order,
 * within an installment interest first, then principal. Pure.
 *
 * Because the rule never looks at the date of a payment (no penalties, no interest
 * recalculation), what a series of payments has covered depends on their sum alone: the
 * schedule's paid state is a function of the total paid, and a payment's own share is the
 * difference between the state before and after it.
 */
import type { InstallmentAllocation, Money } from "../../sdk/contracts.js";
import { LoanDecimal as D } from "./loan-math.js";
import type { Installment } from "./schedule.js";

type Dec = InstanceType<typeof D>;

export interface Covered {
  paid_principal: Money;
  paid_interest: Money;
}

export interface PaymentAllocation {
  principal: Money;
  interest: Money;
  installments: InstallmentAllocation[];
}

export function scheduleTotal(rows: readonly Installment[]): Dec {
  return rows.reduce((acc, r) => acc.plus(r.installment), new D(0));
}

/** Interest and principal covered on each row by `total` paid so far. */
function fill(rows: readonly Installment[], total: Dec): Array<{ interest: Dec; principal: Dec }> {
  if (total.isNegative()) throw new RangeError("a paid total cannot be negative");
  if (total.gt(scheduleTotal(rows))) throw new RangeError("the paid total exceeds what the schedule asks");
  let left = total;
  return rows.map((row) => {
    const interest = D.min(left, row.interest);
    left = left.minus(interest);
    const principal = D.min(left, row.principal);
    left = left.minus(principal);
    return { interest, principal };
  });
}

export function coverage(rows: readonly Installment[], totalPaid: Money): Covered[] {
  return fill(rows, new D(totalPaid)).map((c) => ({ paid_principal: c.principal.toFixed(2), paid_interest: c.interest.toFixed(2) }));
}

/**
 * The share of each installment that a payment of `amount` takes after `paidBefore` was
 * paid; throws a RangeError when it would pay more than is left.
 */
export function allocatePayment(rows: readonly Installment[], paidBefore: Money, amount: Money): PaymentAllocation {
  const before = fill(rows, new D(paidBefore));
  const after = fill(rows, new D(paidBefore).plus(amount));
  const installments: InstallmentAllocation[] = [];
  let principal = new D(0);
  let interest = new D(0);
  rows.forEach((row, i) => {
    const p = after[i]!.principal.minus(before[i]!.principal);
    const n = after[i]!.interest.minus(before[i]!.interest);
    if (p.isZero() && n.isZero()) return;
    installments.push({ number: row.number, principal: p.toFixed(2), interest: n.toFixed(2) });
    principal = principal.plus(p);
    interest = interest.plus(n);
  });
  return { principal: principal.toFixed(2), interest: interest.toFixed(2), installments };
}
