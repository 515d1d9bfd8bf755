/**
 * A calendar date typed as YYYY-MM-DD: a text field with that pattern and hint. (Chromium's
 * date input shows the reader's locale, mm/dd/yyyy here, while every date the console shows is
 * ISO.) A date that is not of that form is refused by the form before it is sent.
 */
import { describedBy, Field } from "./field.js";

export const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Empty or a real day as YYYY-MM-DD; otherwise the message to show. */
export function dateProblem(value: string): string | undefined {
  const text = value.trim();
  if (!text) return undefined;
  if (!ISO_DATE.test(text) || Number.isNaN(Date.parse(`${text}T00:00:00Z`)) || new Date(`${text}T00:00:00Z`).toISOString().slice(0, 10) !== text) {
    return "Enter the date as YYYY-MM-DD, for example 2026-12-01";
  }
  return undefined;
}

export function DateField(props: { id: string; label: string; hint?: string; value: string; error?: string; name?: string; class?: string; onInput: (value: string) => void }) {
  const hint = props.hint ? `${props.hint} (YYYY-MM-DD)` : "YYYY-MM-DD";
  return (
    <Field id={props.id} label={props.label} hint={hint} error={props.error}>
      <input
        id={props.id}
        name={props.name}
        type="text"
        inputMode="numeric"
        pattern="\d{4}-\d{2}-\d{2}"
        placeholder="YYYY-MM-DD"
        autocomplete="off"
        class={props.class ?? "input-medium"}
        value={props.value}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={describedBy(props.id, true, props.error)}
        onInput={(e) => props.onInput(e.currentTarget.value)}
      />
    </Field>
  );
}
