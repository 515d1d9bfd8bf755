/**
 * A loan product's rules, pure: what a product's fields must be (SPEC "Products and agent
 * lending limits") and whether a loan's principal and tenure lie in its bounds. Each failure
 * is a 422 naming the field (`rate_bands[1].up_to`, `penalty.grace_days`, …).
 */
import Decimal from "decimal.js";
import {
  CHARGE_KINDS,
  PRINCIPAL_MAX,
  PRINCIPAL_MIN,
  PRODUCT_CODE_PATTERN,
  TENURE_MAX,
  TENURE_MIN,
  type ChargeKind,
  type DisbursementFeeRule,
  type LoanRateBand,
  type Money,
  type PenaltyRule,
  type ProductCreateRequest,
  type ProductTerms,
  type ProductUpdateRequest,
} from "../../sdk/contracts.js";
import { fieldError } from "../shared/errors.js";

/** A product's fields but its code, activity and timestamps, as stored (money as two-place strings). */
export interface ProductFields {
  name: string;
  min_principal: Money;
  max_principal: Money;
  min_tenure_months: number;
  max_tenure_months: number;
  rate_bands: LoanRateBand[];
  disbursement_fee: DisbursementFeeRule | null;
  penalty: PenaltyRule | null;
}

const CODE = new RegExp(PRODUCT_CODE_PATTERN);
/** The validator's rule for a product code (a body field or a path parameter). */
export const productCodeParam = { type: "string", pattern: CODE, messages: { stringPattern: "The '{field}' field must be a product code: 2 to 32 of A-Z, 0-9, _ and -." } } as const;
/** Grace beyond ten years would be no penalty at all; the bound keeps it an INTEGER. */
export const GRACE_DAYS_MAX = 3650;

/** A decimal with at most two places, from a string or a number; null when it is not one. */
function decimalOf(value: unknown): Decimal | null {
  if (typeof value !== "string" && typeof value !== "number") return null;
  if (typeof value === "string" && !/^\s*\d+(\.\d+)?\s*$/.test(value)) return null;
  let d: Decimal;
  try {
    d = new Decimal(typeof value === "string" ? value.trim() : value);
  } catch {
    return null;
  }
  return d.isFinite() && !d.isNegative() && d.decimalPlaces() <= 2 ? d : null;
}

function money(field: string, value: unknown, min: Decimal.Value, max: Decimal.Value, exclusiveMin = false): Money {
  const d = decimalOf(value);
  if (!d) throw fieldError(field, `${field} must be a decimal amount with at most two places, like "250000.00"`, "money");
  if (exclusiveMin ? d.lte(min) : d.lt(min)) throw fieldError(field, `${field} must be ${exclusiveMin ? "more than" : "at least"} ${new Decimal(min).toFixed(2)}`, "moneyMin");
  if (d.gt(max)) throw fieldError(field, `${field} must be at most ${new Decimal(max).toFixed(2)}`, "moneyMax");
  return d.toFixed(2);
}

/** A rate in percent: 0.00–100.00, at most two places. */
function rate(field: string, value: unknown): string {
  const d = decimalOf(value);
  if (!d || d.gt(100)) throw fieldError(field, `${field} must be a rate from 0.00 to 100.00 with at most two places`, "rate");
  return d.toFixed(2);
}

function integer(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw fieldError(field, `${field} must be a whole number from ${min} to ${max}`, "integer");
  }
  return value;
}

function kindOf(field: string, value: unknown): ChargeKind {
  if (!(CHARGE_KINDS as readonly unknown[]).includes(value)) throw fieldError(field, `${field} must be one of ${CHARGE_KINDS.join(", ")}`, "enumValue");
  return value as ChargeKind;
}

function object(field: string, value: unknown): Record<string, unknown> {
  if (!value || typeof value !== "object" || Array.isArray(value)) throw fieldError(field, `${field} must be an object or null`, "object");
  return value as Record<string, unknown>;
}

/** FLAT: money more than 0; PERCENT: a rate more than 0.00, at most 100.00. */
function chargeAmount(field: string, kind: ChargeKind, value: unknown): Money {
  if (kind === "FLAT") return money(field, value, 0, PRINCIPAL_MAX, true);
  const r = rate(field, value);
  if (new Decimal(r).isZero()) throw fieldError(field, `${field} must be more than 0.00 percent (send null for none)`, "rate");
  return r;
}

export function parseCode(value: unknown): string {
  if (typeof value !== "string" || !CODE.test(value)) throw fieldError("code", "code must be 2 to 32 of A-Z, 0-9, _ and -", "stringPattern");
  return value;
}

export function parseName(value: unknown): string {
  // eslint-disable-next-line no-control-regex -- control characters are what it refuses
  if (typeof value !== "string" || value.trim().length === 0 || value.trim().length > 100 || /[\u0000-\u001f\u007f]/.test(value)) {
    throw fieldError("name", "name must be 1 to 100 characters, no control characters", "string");
  }
  return value.trim();
}

/** Ascending `up_to`, each more than the one before, the last (and only the last) null; rates 0.00–100.00. */
export function parseRateBands(value: unknown): LoanRateBand[] {
  if (!Array.isArray(value) || value.length === 0) throw fieldError("rate_bands", "rate_bands must be a list of at least one band, the last with up_to null", "array");
  if (value.length > 50) throw fieldError("rate_bands", "rate_bands may hold at most 50 bands", "arrayMax");
  let previous: Decimal | null = null;
  return value.map((raw, i): LoanRateBand => {
    const field = `rate_bands[${i}]`;
    const band = object(field, raw);
    const last = i === value.length - 1;
    const r = rate(`${field}.rate`, band.rate);
    if (last) {
      if (band.up_to !== null) throw fieldError(`${field}.up_to`, `${field}.up_to must be null: the last band covers every larger principal`, "bandLast");
      return { up_to: null, rate: r };
    }
    if (band.up_to === null || band.up_to === undefined) throw fieldError(`${field}.up_to`, `${field}.up_to must be an amount: only the last band has up_to null`, "required");
    const upTo = money(`${field}.up_to`, band.up_to, 0, PRINCIPAL_MAX, true);
    if (previous && new Decimal(upTo).lte(previous)) throw fieldError(`${field}.up_to`, `${field}.up_to must be more than the band before's, ${previous.toFixed(2)}: bands ascend`, "bandOrder");
    previous = new Decimal(upTo);
    return { up_to: upTo, rate: r };
  });
}

export function parseDisbursementFee(value: unknown): DisbursementFeeRule | null {
  if (value === null || value === undefined) return null;
  const fee = object("disbursement_fee", value);
  const kind = kindOf("disbursement_fee.kind", fee.kind);
  return { kind, amount: chargeAmount("disbursement_fee.amount", kind, fee.amount) };
}

export function parsePenalty(value: unknown): PenaltyRule | null {
  if (value === null || value === undefined) return null;
  const penalty = object("penalty", value);
  const grace_days = integer("penalty.grace_days", penalty.grace_days, 0, GRACE_DAYS_MAX);
  const kind = kindOf("penalty.kind", penalty.kind);
  return { grace_days, kind, amount: chargeAmount("penalty.amount", kind, penalty.amount) };
}

/** Every field checked on its own, then min ≤ max for principal and tenure. */
export function parseProductFields(input: Omit<ProductCreateRequest, "code">): ProductFields {
  const fields: ProductFields = {
    name: parseName(input.name),
    min_principal: money("min_principal", input.min_principal, PRINCIPAL_MIN, PRINCIPAL_MAX),
    max_principal: money("max_principal", input.max_principal, PRINCIPAL_MIN, PRINCIPAL_MAX),
    min_tenure_months: integer("min_tenure_months", input.min_tenure_months, TENURE_MIN, TENURE_MAX),
    max_tenure_months: integer("max_tenure_months", input.max_tenure_months, TENURE_MIN, TENURE_MAX),
    rate_bands: parseRateBands(input.rate_bands),
    disbursement_fee: parseDisbursementFee(input.disbursement_fee),
    penalty: parsePenalty(input.penalty),
  };
  if (new Decimal(fields.min_principal).gt(fields.max_principal)) {
    throw fieldError("min_principal", `min_principal (${fields.min_principal}) must not be more than max_principal (${fields.max_principal})`, "minMax");
  }
  if (fields.min_tenure_months > fields.max_tenure_months) {
    throw fieldError("min_tenure_months", `min_tenure_months (${fields.min_tenure_months}) must not be more than max_tenure_months (${fields.max_tenure_months})`, "minMax");
  }
  return fields;
}

/** A new product: its code and fields. */
export function parseProductCreate(input: ProductCreateRequest): ProductFields & { code: string } {
  return { code: parseCode(input.code), ...parseProductFields(input) };
}

/** An update: the fields sent over the current ones, checked as a whole (a new min against the kept max). */
export function parseProductUpdate(current: ProductFields, input: ProductUpdateRequest): ProductFields {
  const sent = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as ProductUpdateRequest;
  return parseProductFields({ ...current, ...sent });
}

/** 422 naming `principal` or `tenure_months` and the bound, when the loan does not fit the product. */
export function assertWithinProduct(terms: ProductTerms, principal: Money, tenureMonths: number): void {
  const p = new Decimal(principal);
  const of = `product ${terms.code}`;
  if (p.lt(terms.min_principal)) throw fieldError("principal", `principal must be at least ${terms.min_principal} for ${of}`, "productMin");
  if (p.gt(terms.max_principal)) throw fieldError("principal", `principal must be at most ${terms.max_principal} for ${of}`, "productMax");
  if (tenureMonths < terms.min_tenure_months) throw fieldError("tenure_months", `tenure_months must be at least ${terms.min_tenure_months} for ${of}`, "productMin");
  if (tenureMonths > terms.max_tenure_months) throw fieldError("tenure_months", `tenure_months must be at most ${terms.max_tenure_months} for ${of}`, "productMax");
}
