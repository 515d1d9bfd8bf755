/** A form field with a visible label, an optional hint, and its error right by it. */
import type { ComponentChildren } from "preact";

export function Field(props: { id: string; label: string; hint?: string; error?: string; children: ComponentChildren }) {
  return (
    <div class={props.error ? "field field-error" : "field"}>
      <label for={props.id}>{props.label}</label>
      {props.hint && (
        <p class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      )}
      {props.error && (
        <p class="field-error-message" id={`${props.id}-error`}>
          <span class="visually-hidden">Error: </span>
          {props.error}
        </p>
      )}
      {props.children}
    </div>
  );
}

/** aria-describedby for an input of a Field: its hint and its error. */
export function describedBy(id: string, hint: boolean, error: string | undefined): string | undefined {
  const ids = [hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ");
  return ids || undefined;
}
