/**
 * Set limit (admin): an agent's Lending limit in the browser's modal <dialog>, the current
 * one filled in; a 422 shows by the field, anything else (a 404, a 503) above it.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import type { AgentLimit } from "../../../sdk/contracts.js";
import { useFieldForm } from "../lib/form-submit.js";
import { money } from "../lib/format.js";
import { handler } from "../lib/handler.js";
import { useSession } from "../lib/session-context.js";
import { describedBy, Field } from "./field.js";
import { ErrorSummary } from "./messages.js";

export function SetLimitDialog(props: { agentName: string; limit: AgentLimit; onSaved: (limit: AgentLimit) => void; onCancel: () => void }) {
  const { client } = useSession();
  const ref = useRef<HTMLDialogElement>(null);
  const [value, setValue] = useState(props.limit.limit);
  const [failure, setFailure] = useState<unknown>(undefined);
  const { errors, busy, send } = useFieldForm(setFailure);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);

  async function save(event: Event) {
    event.preventDefault();
    setFailure(undefined);
    await send(async () => props.onSaved(await client.setAgentLimit(props.limit.agent_id, { limit: value.trim() })));
  }

  const error = errors.limit;
  const hint = `Now ${money(props.limit.limit)}; used ${money(props.limit.used)}, available ${money(props.limit.available)}.`;
  return (
    <dialog
      ref={ref}
      class="dialog"
      aria-labelledby="set-limit-title"
      onCancel={(event) => {
        event.preventDefault();
        props.onCancel();
      }}
    >
      <form onSubmit={handler(save)} noValidate>
        <h2 id="set-limit-title">Set the lending limit of {props.agentName}</h2>
        <ErrorSummary error={failure} />
        <Field id="set-limit" label="Lending limit" hint={hint} error={error}>
          <input
            id="set-limit"
            name="limit"
            inputMode="decimal"
            autocomplete="off"
            class="input-medium"
            value={value}
            aria-invalid={error ? true : undefined}
            aria-describedby={describedBy("set-limit", true, error)}
            onInput={(e) => setValue(e.currentTarget.value)}
          />
        </Field>
        <div class="actions">
          <button type="submit" class="button" disabled={busy}>
            Set limit
          </button>
          <button type="button" class="button button-secondary" disabled={busy} onClick={props.onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </dialog>
  );
}
