/**
 * Principal and Tenure (months), with the rate and EMI they give shown as they are typed
 * (the loans service's own arithmetic, see lib/terms.ts). New loan and Edit share it.
 */
import { money, rate } from "../lib/format.js";
import { previewTerms } from "../lib/terms.js";
import { useSession } from "../lib/session-context.js";
import { describedBy, Field } from "./field.js";

export function TermsFields(props: { idPrefix: string; principal: string; tenure: string; onPrincipal: (value: string) => void; onTenure: (value: string) => void; errors: Record<string, string> }) {
  const { rateTable } = useSession();
  const principalId = `${props.idPrefix}-principal`;
  const tenureId = `${props.idPrefix}-tenure`;
  const preview = previewTerms(props.principal, props.tenure, rateTable);
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
          </>
        ) : (
          preview.reason
        )}
      </output>
    </>
  );
}
