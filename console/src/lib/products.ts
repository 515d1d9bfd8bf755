/**
 * Loan products as the pages show them (bounds, bands, fee, penalty in words) and the
 * product form's text fields turned into the API's request.
 */
import Decimal from "decimal.js";
import { CHARGE_KINDS, type ChargeKind, type LoanRateBand, type Product, type ProductCreateRequest } from "../../../sdk/contracts.js";
import { money, rate } from "./format.js";

export function principalBounds(product: Pick<Product, "min_principal" | "max_principal">): string {
  return `${money(product.min_principal)} – ${money(product.max_principal)}`;
}

export function tenureBounds(product: Pick<Product, "min_tenure_months" | "max_tenure_months">): string {
  return `${product.min_tenure_months} – ${product.max_tenure_months} months`;
}

/** "up to 100,000.00: 14.00 %", "above: 12.00 %". */
export function bandText(band: LoanRateBand): string {
  return `${band.up_to === null ? "above" : `up to ${money(band.up_to)}`}: ${rate(band.rate)}`;
}

function chargeText(kind: ChargeKind, amount: string, of: string): string {
  return kind === "FLAT" ? money(amount) : `${rate(amount)} of ${of}`;
}

export function feeText(product: Pick<Product, "disbursement_fee">): string {
  const fee = product.disbursement_fee;
  return fee ? chargeText(fee.kind, fee.amount, "the principal") : "none";
}

export function penaltyText(product: Pick<Product, "penalty">): string {
  const penalty = product.penalty;
  return penalty ? `${chargeText(penalty.kind, penalty.amount, "the unpaid installment")} after ${penalty.grace_days} days' grace` : "none";
}

/**
 * The disbursement fee of a principal, as the loans service computes it: FLAT as is,
 * PERCENT of the principal rounded half-up to cents. Undefined when the principal is not a number.
 */
export function feeOf(product: Pick<Product, "disbursement_fee">, principal: string): string | undefined {
  const fee = product.disbursement_fee;
  if (!fee) return "0.00";
  if (fee.kind === "FLAT") return fee.amount;
  if (!/^\d+(\.\d{1,2})?$/.test(principal.trim())) return undefined;
  return new Decimal(principal.trim()).mul(fee.amount).div(100).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2);
}

/** The product form's values: text as typed, sent as the API's strings. */
export interface ProductDraft {
  code: string;
  name: string;
  min_principal: string;
  max_principal: string;
  min_tenure_months: string;
  max_tenure_months: string;
  /** The last band's `up_to` is ignored: it is "and above". */
  rate_bands: { up_to: string; rate: string }[];
  fee_kind: "" | ChargeKind;
  fee_amount: string;
  penalty_kind: "" | ChargeKind;
  penalty_amount: string;
  penalty_grace_days: string;
}

export const KINDS = CHARGE_KINDS;

export function emptyDraft(): ProductDraft {
  return {
    code: "",
    name: "",
    min_principal: "",
    max_principal: "",
    min_tenure_months: "",
    max_tenure_months: "",
    rate_bands: [{ up_to: "", rate: "" }],
    fee_kind: "",
    fee_amount: "",
    penalty_kind: "",
    penalty_amount: "",
    penalty_grace_days: "",
  };
}

export function draftOf(product: Product): ProductDraft {
  return {
    code: product.code,
    name: product.name,
    min_principal: product.min_principal,
    max_principal: product.max_principal,
    min_tenure_months: String(product.min_tenure_months),
    max_tenure_months: String(product.max_tenure_months),
    rate_bands: product.rate_bands.map((band) => ({ up_to: band.up_to ?? "", rate: band.rate })),
    fee_kind: product.disbursement_fee?.kind ?? "",
    fee_amount: product.disbursement_fee?.amount ?? "",
    penalty_kind: product.penalty?.kind ?? "",
    penalty_amount: product.penalty?.amount ?? "",
    penalty_grace_days: product.penalty ? String(product.penalty.grace_days) : "",
  };
}

/** A whole number as typed, else NaN: the API names the field in its 422. */
function whole(text: string): number {
  return /^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN;
}

/** What the form sends; the server checks it all (bounds, band order) and names what is wrong. */
export function requestOf(draft: ProductDraft): ProductCreateRequest {
  const last = draft.rate_bands.length - 1;
  return {
    code: draft.code.trim(),
    name: draft.name.trim(),
    min_principal: draft.min_principal.trim(),
    max_principal: draft.max_principal.trim(),
    min_tenure_months: whole(draft.min_tenure_months),
    max_tenure_months: whole(draft.max_tenure_months),
    rate_bands: draft.rate_bands.map((band, i) => ({ up_to: i === last ? null : band.up_to.trim(), rate: band.rate.trim() })),
    disbursement_fee: draft.fee_kind ? { kind: draft.fee_kind, amount: draft.fee_amount.trim() } : null,
    penalty: draft.penalty_kind ? { kind: draft.penalty_kind, amount: draft.penalty_amount.trim(), grace_days: whole(draft.penalty_grace_days) } : null,
  };
}

/** The id of the form's input a 422's field names: "rate_bands[1].rate" or "rate_bands.1.rate" → "band-1-rate". */
export function productInputOf(field: string): string {
  const band = /^rate_bands(?:\[(\d+)\]|\.(\d+))(?:\.(up_to|rate))?/.exec(field);
  if (band) return `band-${band[1] ?? band[2]}-${band[3] ?? "rate"}`;
  if (field.startsWith("rate_bands")) return "band-0-rate";
  const charge = /^(disbursement_fee|penalty)(?:\.(kind|amount|grace_days))?$/.exec(field);
  if (charge) return `${charge[1] === "penalty" ? "penalty" : "fee"}-${charge[2] ?? "kind"}`.replace("grace_days", "grace");
  return `product-${field.replace(/_/g, "-")}`;
}
