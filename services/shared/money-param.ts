/**
 * A money field of a request other than a loan's principal (a lending limit): the
 * validator's rule (a decimal string, or a number, as the principal takes) and its
 * parsing into the two-place string, exact, with a 422 naming the field.
 */
import Decimal from "decimal.js";
import type { Money } from "../../sdk/contracts.js";
import { fieldError } from "./errors.js";

/** What a NUMERIC(14,2) column holds. */
export const MONEY_MAX = "999999999999.99";

/** fastest-validator's rule: a decimal string or a non-negative number; `parseMoney` does the rest. */
export const moneyParam = {
  type: "multi",
  rules: [
    { type: "string", pattern: /^\s*\d+(\.\d+)?\s*$/, messages: { stringPattern: "The '{field}' field must be a decimal amount like 250000.00." } },
    { type: "number", min: 0 },
  ],
} as const;

/** `value` as a two-place amount between 0 and MONEY_MAX, at most two places; else 422 naming `field`. */
export function parseMoney(field: string, value: string | number): Money {
  let amount: Decimal;
  try {
    amount = new Decimal(typeof value === "string" ? value.trim() : value);
  } catch {
    throw fieldError(field, `${field} must be a decimal amount like 250000.00`, "money");
  }
  if (!amount.isFinite() || amount.decimalPlaces() > 2) throw fieldError(field, `${field} must be a decimal amount with at most two places`, "money");
  if (amount.isNegative() || amount.gt(MONEY_MAX)) throw fieldError(field, `${field} must be between 0.00 and ${MONEY_MAX}`, "moneyRange");
  return amount.toFixed(2);
}
