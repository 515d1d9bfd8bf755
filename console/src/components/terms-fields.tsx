/**
 * Principal and Tenure (months), with the rate, EMI and disbursement fee they give shown as
 * they are typed (the loans service's own arithmetic, see lib/terms.ts), by the chosen
 * product's bounds and rate bands (the session's rate table until the products have loaded).
 * New loan and Edit share it.
 */
import type { Product } from "../../../sdk/contracts.js";
import { money, rate } from "../lib/format.js";
import { feeOf } from "../lib/products.js";
import { previewTerms, rateTableOf, type TermBounds } from "../lib/terms.js";
import { useSession } from "../lib/session-context.js";
import { describedBy, Field } from "./field.js";

function boundsOf(product: Product): TermBounds {
  return { minPrincipal: product.min_principal, maxPrincipal: product.max_principal, minTenure: product.min_tenure_months, maxTenure: product.max_tenure_months };
}

export function TermsFields(props: {
  idPrefix: string;
  principal: string;
  tenure: string;
  product?: Product;
  onPrincipal: (value: string) => void;
  onTenure: (value: string) => void;
  errors: Record<string, string>;
}) {
  const { rateTable } = useSession();
  const { product } = props;
  const principalId = `${props.idPrefix}-principal`;
  const tenureId = `${props.idPrefix}-tenure`;
  const preview = product ? previewTerms(props.principal, props.tenure, rateTableOf(product.rate_bands), boundsOf(product)) : previewTerms(props.principal, props.tenure, rateTable);
  const fee = product && preview.ok ? feeOf(product, props.principal) : undefined;
  return (
    <>
      <Field id={principalId} label="Principal" hint="The amount lent, e.g. 250000.00" error={props.errors.principal}>
        <input
          id={principalId}
          name="principal"
          inputMode="decimal"
          autocomplete="off"
          class="input-medium"
          value={props.principal}
          aria-invalid={props.errors.principal ? true : undefined}
          aria-describedby={describedBy(principalId, true, props.errors.principal)}
          onInput={(e) => props.onPrincipal(e.currentTarget.value)}
        />
      </Field>
      <Field id={tenureId} label="Tenure (months)" error={props.errors.tenure_months}>
        <input
          id={tenureId}
          name="tenure_months"
          inputMode="numeric"
          autocomplete="off"
          class="input-short"
          value={props.tenure}
          aria-invalid={props.errors.tenure_months ? true : undefined}
          aria-describedby={describedBy(tenureId, false, props.errors.tenure_months)}
          onInput={(e) => props.onTenure(e.currentTarget.value)}
        />
      </Field>
      <output class="preview" for={`${principalId} ${tenureId}`} aria-live="polite" id={`${props.idPrefix}-preview`}>
        {preview.ok ? (
          <>
            Interest rate <strong>{rate(preview.terms.interest_rate)}</strong> · EMI <strong>{money(preview.terms.emi)}</strong> a month
            {fee !== undefined && (
              <>
                {" "}
                · Disbursement fee <strong>{money(fee)}</strong>
              </>
            )}
          </>
        ) : (
          preview.reason
        )}
      </output>
    </>
  );
}
