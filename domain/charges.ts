/**
 * A product's charges on an amount: FLAT is the rule's amount itself; PERCENT is the rule's
 * rate ("1.50" = 1.50 %) of the base, rounded half-up to cents. Exact: integer cents, the
 * rate in hundredths of a percent, so base·rate / 10000 is one integer division.
 */
import type { ChargeKind, Money } from "../sdk/contracts.js";
import { divideHalfUp, fromCents, toCents } from "./cents.js";

export interface ChargeRule {
  kind: ChargeKind;
  amount: Money;
}

/** The charge `rule` makes on `base` (a principal, an installment's unpaid part); "0.00" for no rule. */
export function chargeOn(rule: ChargeRule | null, base: Money): Money {
  if (!rule) return "0.00";
  if (rule.kind === "FLAT") return fromCents(toCents(rule.amount));
  const baseCents = toCents(base);
  if (baseCents < 0n) throw new RangeError(`a charge's base must not be negative: "${base}"`);
  // rate "1.50" is 150 hundredths of a percent: base · 150 / (100 · 100)
  return fromCents(divideHalfUp(baseCents * toCents(rule.amount), 10_000n));
}
