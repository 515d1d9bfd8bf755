/**
 * Edit (agent, NEW loan): new principal or tenure within the loan's product (an edit keeps the
 * product and takes its terms as they are now); its bounds and fee, and the new rate, EMI
 * and fee by its bands, shown before saving.
 */
import { useEffect, useState } from "preact/hooks";
import { ErrorSummary } from "../../components/messages.js";
import { ProductTerms } from "../../components/product-select.js";
import { TermsFields } from "../../components/terms-fields.js";
import { useFieldForm } from "../../lib/form-submit.js";
import { handler } from "../../lib/handler.js";
import { useResource } from "../../lib/resource.js";
import { useSession } from "../../lib/session-context.js";
import { tenureValue } from "../../lib/terms.js";
import type { LoanActionProps } from "./actions.js";

const FIELD_IDS: Record<string, string> = { principal: "edit-principal", tenure_months: "edit-tenure" };

export function EditPanel(props: LoanActionProps) {
  const { client } = useSession();
  const { loan } = props;
  const [open, setOpen] = useState(false);
  const [principal, setPrincipal] = useState(loan.principal);
  const [tenure, setTenure] = useState(String(loan.tenure_months));
  // The product's terms as they are now: the ones the edit will take.
  const [product] = useResource(() => client.getProduct(loan.product_code), [loan.product_code]);
  const { errors, setErrors, busy, send } = useFieldForm(props.onFailed);

  // Opened: start at the first field. Closed again: back on the Edit button.
  useEffect(() => {
    document.getElementById(open ? "edit-principal" : "edit-open")?.focus();
  }, [open]);

  async function save(event: Event) {
    event.preventDefault();
    const tenure_months = tenureValue(tenure);
    if (tenure_months === undefined) {
      setErrors({ tenure_months: "Enter the tenure as a whole number of months" });
      return;
    }
    await send(async () => {
      const saved = await client.editLoan(loan.id, { principal: principal.trim(), tenure_months });
      setOpen(false);
      props.onChanged(`Loan ${loan.id} changed: it is at version ${saved.version}.`);
    });
  }

  if (!open) {
    return (
      <div class="action-panel">
        <button type="button" class="button" id="edit-open" onClick={() => setOpen(true)}>
          Edit
        </button>
      </div>
    );
  }
  const summary = Object.entries(errors).map(([field, message]) => ({ id: FIELD_IDS[field] ?? "edit-principal", message }));
  return (
    <form class="form action-form" onSubmit={handler(save)} noValidate aria-labelledby="edit-title">
      <h3 id="edit-title">Edit loan {loan.id}</h3>
      <ErrorSummary fields={summary} message={summary.length ? "The loan was not changed:" : undefined} />
      {product.data && <ProductTerms id="edit-product-terms" product={product.data} />}
      <TermsFields idPrefix="edit" product={product.data} principal={principal} tenure={tenure} onPrincipal={setPrincipal} onTenure={setTenure} errors={errors} />
      <div class="actions">
        <button type="submit" class="button" disabled={busy}>
          Save
        </button>
        <button type="button" class="button button-secondary" disabled={busy} onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}
