/**
 * A product's form (admin): New product and Edit share it. Rate bands are rows one adds and
 * removes, the last one "and above"; the fee and the penalty are optional. The server checks
 * the whole (bounds, band order) and its 422 shows by the field it names; a code already
 * taken (409) shows by Code.
 */
import { useEffect, useState } from "preact/hooks";
import type { Product } from "../../../../sdk/contracts.js";
import { describedBy, Field } from "../../components/field.js";
import { ErrorSummary } from "../../components/messages.js";
import { isConflict, messageOf } from "../../lib/errors.js";
import { useFieldForm } from "../../lib/form-submit.js";
import { handler } from "../../lib/handler.js";
import { draftOf, emptyDraft, KINDS, productInputOf, requestOf, type ProductDraft } from "../../lib/products.js";
import { useSession } from "../../lib/session-context.js";

type TextKey = Exclude<keyof ProductDraft, "rate_bands" | "fee_kind" | "penalty_kind">;

const KIND_LABELS: Record<string, string> = { "": "None", FLAT: "Flat amount", PERCENT: "Percent (%)" };

export function ProductForm(props: { product?: Product; onSaved: (product: Product, created: boolean) => void; onCancel: () => void }) {
  const { client } = useSession();
  const editing = props.product;
  const [draft, setDraft] = useState<ProductDraft>(() => (editing ? draftOf(editing) : emptyDraft()));
  const [failure, setFailure] = useState<unknown>(undefined);
  const { errors, setErrors, busy, send } = useFieldForm((error) => {
    if (!editing && isConflict(error)) setErrors({ code: messageOf(error).replace(/\. Someone else.*$/, "") });
    else setFailure(error);
  });
  const formId = editing ? "edit-product" : "new-product";

  useEffect(() => {
    document.getElementById(editing ? "product-name" : "product-code")?.focus();
  }, []);

  // The API's field names → the inputs' ids.
  const byInput: Record<string, string> = {};
  for (const [field, message] of Object.entries(errors)) byInput[productInputOf(field)] ??= message;

  const set = (key: TextKey) => (e: { currentTarget: HTMLInputElement }) => setDraft((d) => ({ ...d, [key]: e.currentTarget.value }));
  const setBand = (index: number, key: "up_to" | "rate", value: string) => setDraft((d) => ({ ...d, rate_bands: d.rate_bands.map((b, i) => (i === index ? { ...b, [key]: value } : b)) }));
  const addBand = () => setDraft((d) => ({ ...d, rate_bands: [...d.rate_bands, { up_to: "", rate: "" }] }));
  const removeBand = (index: number) => setDraft((d) => ({ ...d, rate_bands: d.rate_bands.filter((_, i) => i !== index) }));

  async function save(event: Event) {
    event.preventDefault();
    setFailure(undefined);
    await send(async () => {
      const body = requestOf(draft);
      if (editing) {
        const { code: _code, ...changes } = body;
        props.onSaved(await client.updateProduct(editing.code, changes), false);
      } else {
        props.onSaved(await client.createProduct(body), true);
      }
    });
  }

  const text = (id: string, key: TextKey, label: string, options: { hint?: string; inputMode?: "decimal" | "numeric"; size?: string; disabled?: boolean } = {}) => (
    <Field id={id} label={label} hint={options.hint} error={byInput[id]}>
      <input
        id={id}
        name={key}
        class={options.size ?? "input-medium"}
        inputMode={options.inputMode}
        autocomplete="off"
        value={draft[key]}
        disabled={options.disabled}
        aria-invalid={byInput[id] ? true : undefined}
        aria-describedby={describedBy(id, Boolean(options.hint), byInput[id])}
        onInput={set(key)}
      />
    </Field>
  );

  const kindSelect = (id: string, key: "fee_kind" | "penalty_kind", label: string) => (
    <Field id={id} label={label} error={byInput[id]}>
      <select
        id={id}
        name={key}
        class="input-medium"
        value={draft[key]}
        aria-invalid={byInput[id] ? true : undefined}
        aria-describedby={describedBy(id, false, byInput[id])}
        onChange={(e) => {
          const value = e.currentTarget.value;
          setDraft((d) => ({ ...d, [key]: value === "FLAT" || value === "PERCENT" ? value : "" }));
        }}
      >
        {["", ...KINDS].map((kind) => (
          <option key={kind} value={kind}>
            {KIND_LABELS[kind]}
          </option>
        ))}
      </select>
    </Field>
  );

  const summary = Object.keys(byInput).map((id) => ({ id, message: byInput[id]! }));
  const last = draft.rate_bands.length - 1;
  return (
    <form class="form action-form product-form" id={formId} onSubmit={handler(save)} noValidate aria-labelledby={`${formId}-title`}>
      <h2 id={`${formId}-title`}>{editing ? `Edit product ${editing.code}` : "New product"}</h2>
      <ErrorSummary error={failure} fields={summary} message={summary.length > 0 ? (editing ? "The product was not changed:" : "The product was not created:") : undefined} />
      {text("product-code", "code", "Code", { hint: editing ? "A product's code never changes." : "2 to 32 of A–Z, 0–9, _ and -, e.g. SME-12", size: "input-medium", disabled: Boolean(editing) })}
      {text("product-name", "name", "Name")}
      <div class="pair">
        {text("product-min-principal", "min_principal", "Minimum principal", { inputMode: "decimal" })}
        {text("product-max-principal", "max_principal", "Maximum principal", { inputMode: "decimal" })}
      </div>
      <div class="pair">
        {text("product-min-tenure-months", "min_tenure_months", "Minimum tenure (months)", { inputMode: "numeric" })}
        {text("product-max-tenure-months", "max_tenure_months", "Maximum tenure (months)", { inputMode: "numeric" })}
      </div>

      <fieldset class="fieldset">
        <legend>Rate bands</legend>
        <p class="hint">A principal takes the rate of the first band it is up to; the last band is for every principal above.</p>
        {draft.rate_bands.map((band, i) => (
          <div class="band-row" key={i}>
            {i === last ? (
              <p class="field">
                <strong>Band {i + 1}</strong>: {i === 0 ? "every principal" : "above the band before"}
              </p>
            ) : (
              <Field id={`band-${i}-up_to`} label={`Band ${i + 1} up to`} error={byInput[`band-${i}-up_to`]}>
                <input
                  id={`band-${i}-up_to`}
                  inputMode="decimal"
                  autocomplete="off"
                  value={band.up_to}
                  aria-invalid={byInput[`band-${i}-up_to`] ? true : undefined}
                  aria-describedby={describedBy(`band-${i}-up_to`, false, byInput[`band-${i}-up_to`])}
                  onInput={(e) => setBand(i, "up_to", e.currentTarget.value)}
                />
              </Field>
            )}
            <Field id={`band-${i}-rate`} label={`Band ${i + 1} rate (%)`} error={byInput[`band-${i}-rate`]}>
              <input
                id={`band-${i}-rate`}
                inputMode="decimal"
                autocomplete="off"
                value={band.rate}
                aria-invalid={byInput[`band-${i}-rate`] ? true : undefined}
                aria-describedby={describedBy(`band-${i}-rate`, false, byInput[`band-${i}-rate`])}
                onInput={(e) => setBand(i, "rate", e.currentTarget.value)}
              />
            </Field>
            {draft.rate_bands.length > 1 && (
              <button type="button" class="button button-secondary" onClick={() => removeBand(i)}>
                Remove band {i + 1}
              </button>
            )}
          </div>
        ))}
        <button type="button" class="button button-secondary band-add" onClick={addBand}>
          Add band
        </button>
      </fieldset>

      <fieldset class="fieldset">
        <legend>Disbursement fee (optional)</legend>
        {kindSelect("fee-kind", "fee_kind", "Fee kind")}
        {draft.fee_kind && text("fee-amount", "fee_amount", draft.fee_kind === "FLAT" ? "Fee amount" : "Fee (% of the principal)", { inputMode: "decimal" })}
      </fieldset>

      <fieldset class="fieldset">
        <legend>Penalty (optional)</legend>
        {kindSelect("penalty-kind", "penalty_kind", "Penalty kind")}
        {draft.penalty_kind && (
          <>
            {text("penalty-amount", "penalty_amount", draft.penalty_kind === "FLAT" ? "Penalty amount" : "Penalty (% of the unpaid installment)", { inputMode: "decimal" })}
            {text("penalty-grace", "penalty_grace_days", "Grace days", { inputMode: "numeric", size: "input-short" })}
          </>
        )}
      </fieldset>

      <div class="actions">
        <button type="submit" class="button" disabled={busy}>
          {editing ? "Save product" : "Create product"}
        </button>
        <button type="button" class="button button-secondary" disabled={busy} onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
