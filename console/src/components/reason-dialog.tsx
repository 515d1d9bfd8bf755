/**
 * A confirm dialog that asks why (Reversal, Waive, Write off): a required Reason, kept for
 * the audit log, checked here before anything is sent; `children` add fields of their own.
 * A 422 on the reason stays next to it; the caller decides what else stays in the dialog.
 */
import type { ComponentChildren } from "preact";
import { useEffect } from "preact/hooks";
import { ConfirmDialog } from "./confirm-dialog.js";
import { describedBy, Field } from "./field.js";

/** The API takes 1–500 characters. */
export const REASON_MAX = 500;

export function reasonProblem(reason: string): string | undefined {
  const text = reason.trim();
  if (!text) return "Enter the reason";
  if (text.length > REASON_MAX) return `Enter at most ${REASON_MAX} characters`;
  return undefined;
}

export function ReasonDialog(props: {
  id: string;
  title: string;
  confirmLabel: string;
  reason: string;
  error?: string;
  busy?: boolean;
  onReason: (value: string) => void;
  onConfirm: () => void;
  onCancel: () => void;
  children?: ComponentChildren;
}) {
  const inputId = `${props.id}-reason`;
  useEffect(() => {
    document.getElementById(inputId)?.focus();
  }, []);
  return (
    <ConfirmDialog title={props.title} confirmLabel={props.confirmLabel} busy={props.busy} onCancel={props.onCancel} onConfirm={props.onConfirm}>
      {props.children}
      <Field id={inputId} label="Reason" hint="Why: kept in the audit log" error={props.error}>
        <textarea
          id={inputId}
          name="reason"
          rows={2}
          maxLength={REASON_MAX}
          required
          class="input-wide"
          value={props.reason}
          aria-invalid={props.error ? true : undefined}
          aria-describedby={describedBy(inputId, true, props.error)}
          onInput={(e) => props.onReason(e.currentTarget.value)}
        />
      </Field>
    </ConfirmDialog>
  );
}
