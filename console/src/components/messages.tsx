/**
 * Messages, GOV.UK style: a failure in an element with role="alert" (read out at once),
 * listing each field's error with a link to the field; a success in a role="status" region.
 */
import { messageOf } from "../lib/errors.js";

export interface FieldLink {
  /** The id of the input. */
  id: string;
  message: string;
}

export function ErrorSummary(props: { error?: unknown; message?: string; fields?: FieldLink[] }) {
  const fields = props.fields ?? [];
  if (props.error === undefined && props.message === undefined && fields.length === 0) return null;
  return (
    <div class="error-summary" role="alert">
      <p class="error-summary-title">{props.message ?? (props.error !== undefined ? messageOf(props.error) : "Check the form")}</p>
      {fields.length > 0 && (
        <ul>
          {fields.map((f) => (
            <li key={f.id}>
              <a href={`#${f.id}`}>{f.message}</a>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** A success, announced politely; always in the page so that screen readers notice a change. */
export function Notice(props: { text?: string }) {
  return (
    <p class={props.text ? "notice" : "notice notice-empty"} role="status">
      {props.text ?? ""}
    </p>
  );
}

export function Loading(props: { what: string }) {
  return <p class="muted">Loading {props.what}…</p>;
}
