/**
 * The rate and EMI a loan will get, shown while the principal and tenure are typed: the
 * loans service's own arithmetic (domain/loan-math.ts, imported, not rewritten)
 * with the rate table the server applies (it comes with the session).
 */
import Decimal from "decimal.js";
import { PRINCIPAL_MAX, PRINCIPAL_MIN, TENURE_MAX, TENURE_MIN, type LoanRateBand } from "../../../sdk/index.js";
import { loanTerms, type LoanTerms } from "../../../domain/loan-math.js";
import type { RateBand } from "../../../domain/rate-table.js";

export type Preview = { ok: true; terms: LoanTerms } | { ok: false; reason: string };

const AMOUNT = /^\d+(\.\d{1,2})?$/;
const MONTHS = /^\d+$/;

export function rateTableOf(bands: LoanRateBand[]): RateBand[] {
  return bands.map((band) => ({ upTo: band.up_to, rate: band.rate }));
}

/** The principal and tenure a loan may have: the API's own, or a product's. */
export interface TermBounds {
  minPrincipal: string;
  maxPrincipal: string;
  minTenure: number;
  maxTenure: number;
}

const API_BOUNDS: TermBounds = { minPrincipal: PRINCIPAL_MIN, maxPrincipal: PRINCIPAL_MAX, minTenure: TENURE_MIN, maxTenure: TENURE_MAX };

export function previewTerms(principal: string, tenure: string, table: RateBand[], bounds: TermBounds = API_BOUNDS): Preview {
  const amount = principal.trim();
  const months = tenure.trim();
  if (!AMOUNT.test(amount) || new Decimal(amount).lt(bounds.minPrincipal) || new Decimal(amount).gt(bounds.maxPrincipal)) {
    return { ok: false, reason: `Enter a principal from ${bounds.minPrincipal} to ${bounds.maxPrincipal}, with at most two decimal places.` };
  }
  if (!MONTHS.test(months) || Number(months) < bounds.minTenure || Number(months) > bounds.maxTenure) {
    return { ok: false, reason: `Enter a tenure of ${bounds.minTenure} to ${bounds.maxTenure} months.` };
  }
  return { ok: true, terms: loanTerms(amount, Number(months), table) };
}

/** The tenure as the API takes it (a whole number), or undefined when what was typed is none. */
export function tenureValue(tenure: string): number | undefined {
  const months = tenure.trim();
  return MONTHS.test(months) ? Number(months) : undefined;
}
