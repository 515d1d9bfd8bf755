/**
 * A loan's product terms on the request path: which product a request or an edit uses, the
 * copy of its terms the loan keeps, and the loan's figures under them (rate from its bands,
 * EMI, disbursement fee), after checking principal and tenure against its bounds.
 */
import { STANDARD_PRODUCT_CODE, type Money, type ProductTerms } from "../../sdk/contracts.js";
import { chargeOn } from "../../domain/charges.js";
import { loanTerms, type LoanTerms } from "../../domain/loan-math.js";
import type { RateBand } from "../../domain/rate-table.js";
import { fieldError } from "../shared/errors.js";
import type { ProductCache } from "./product-cache.js";
import type { ProductRow } from "./product-repository.js";
import { assertWithinProduct } from "./product-rules.js";

export function termsOf(product: ProductRow): ProductTerms {
  const { code, min_principal, max_principal, min_tenure_months, max_tenure_months, rate_bands, disbursement_fee, penalty } = product;
  return { code, min_principal, max_principal, min_tenure_months, max_tenure_months, rate_bands, disbursement_fee, penalty };
}

/**
 * The terms of the product a loan is requested (or edited) with: `code` or STANDARD. An
 * unknown product is a 422 on `product_code`; so is a deactivated one for a request. An
 * edit re-copies the terms of the loan's own product even if it was deactivated since: the
 * loan exists, and deactivation leaves a product's loans alone.
 */
export async function resolveProductTerms(products: Pick<ProductCache, "byCode">, code: string | undefined, use: "request" | "edit"): Promise<ProductTerms> {
  const wanted = code ?? STANDARD_PRODUCT_CODE;
  const product = await products.byCode(wanted);
  if (!product) throw fieldError("product_code", `product ${wanted} does not exist`, "product");
  if (!product.active && use === "request") throw fieldError("product_code", `product ${wanted} is deactivated: no new loans with it`, "productInactive");
  return termsOf(product);
}

/** What a loan row gets from its product: its figures, the product's code, the copy of its terms, the fee. */
export interface ProductLoanTerms extends LoanTerms {
  product_code: string;
  product_terms: ProductTerms;
  disbursement_fee: Money;
}

export function productLoanTerms(terms: ProductTerms, principal: Money, tenureMonths: number): ProductLoanTerms {
  assertWithinProduct(terms, principal, tenureMonths);
  const bands: RateBand[] = terms.rate_bands.map((b) => ({ upTo: b.up_to, rate: b.rate }));
  const figures = loanTerms(principal, tenureMonths, bands);
  return { ...figures, product_code: terms.code, product_terms: terms, disbursement_fee: chargeOn(terms.disbursement_fee, figures.principal) };
}
