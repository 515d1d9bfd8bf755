/**
 * Loan arithmetic: the rate for a principal and the equated monthly instalment.
 * Pure, decimal (never floats): EMI = P·r·(1+r)^n / ((1+r)^n − 1), r = annual rate / 1200,
 * rounded half-up to cents.
 */
import Decimal from "decimal.js";
import type { Money, Rate } from "../sdk/contracts.js";
import { DEFAULT_RATE_TABLE, type RateBand } from "./rate-table.js";

// Enough significant digits that (1+r)^360 keeps every cent exact.
const D = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
/** The decimal type of all loan arithmetic (schedule, allocation, arrears use it too). */
export { D as LoanDecimal };

/** Two-place decimal string of a decimal-looking input; throws on anything else. */
export function toMoney(value: string | number | Decimal): Money {
  return new D(value).toDecimalPlaces(2, D.ROUND_HALF_UP).toFixed(2);
}

export function rateFor(principal: Money, table: readonly RateBand[] = DEFAULT_RATE_TABLE): Rate {
  const p = new D(principal);
  const band = table.find((b) => b.upTo === null || p.lte(b.upTo));
  if (!band) throw new Error("the rate table has no band for the largest loans");
  return new D(band.rate).toFixed(2);
}

export function emi(principal: Money, annualRate: Rate, months: number): Money {
  const p = new D(principal);
  if (!Number.isInteger(months) || months < 1) throw new RangeError("tenure must be a whole number of months >= 1");
  const r = new D(annualRate).div(1200);
  if (r.isZero()) return p.div(months).toDecimalPlaces(2, D.ROUND_HALF_UP).toFixed(2);
  const growth = r.plus(1).pow(months);
  return p.mul(r).mul(growth).div(growth.minus(1)).toDecimalPlaces(2, D.ROUND_HALF_UP).toFixed(2);
}

export interface LoanTerms {
  principal: Money;
  interest_rate: Rate;
  tenure_months: number;
  emi: Money;
}

export function loanTerms(principal: string | number, months: number, table?: readonly RateBand[]): LoanTerms {
  const money = toMoney(principal);
  const rate = rateFor(money, table);
  return { principal: money, interest_rate: rate, tenure_months: months, emi: emi(money, rate, months) };
}
