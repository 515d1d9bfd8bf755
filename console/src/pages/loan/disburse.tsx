/**
 * Disburse (admin, APPROVED loan): a confirm dialog with the Disbursed on date, today by
 * default. A 422 (a date in the future) stays in the dialog next to the field; anything
 * else (a 409: disbursed meanwhile) closes it and shows by the actions.
 */
import { useState } from "preact/hooks";
import { ConfirmDialog } from "../../components/confirm-dialog.js";
import { usePersonName } from "../../components/person.js";
import { DateField, dateProblem } from "../../components/date-field.js";
import { todayUtc } from "../../lib/dates.js";
import { fieldErrorsOf } from "../../lib/errors.js";
import { money } from "../../lib/format.js";
import { handler } from "../../lib/handler.js";
import { useSession } from "../../lib/session-context.js";
import type { LoanActionProps } from "./actions.js";

const DATE_ID = "disburse-date";

export function DisbursePanel(props: LoanActionProps) {
  const { client } = useSession();
  const { loan } = props;
  const [confirming, setConfirming] = useState(false);
  const [date, setDate] = useState(todayUtc);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const customer = usePersonName(loan.customer_id);

  function open() {
    setDate(todayUtc());
    setError(undefined);
    setConfirming(true);
  }

  async function disburse() {
    const problem = dateProblem(date);
    if (problem) {
      setError(problem);
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const saved = await client.disburseLoan(loan.id, date.trim() ? { disbursed_on: date.trim() } : {});
      setConfirming(false);
      props.onChanged(`Loan ${loan.id} disbursed on ${saved.disbursed_on}: it is ACTIVE.`);
    } catch (failure) {
      const fields = fieldErrorsOf(failure);
      if (fields.disbursed_on) {
        setError(fields.disbursed_on);
      } else {
        setConfirming(false);
        props.onFailed(failure);
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="action-panel">
      <button type="button" class="button" onClick={open}>
        Disburse
      </button>
      {confirming && (
        <ConfirmDialog title={`Disburse loan ${loan.id}?`} confirmLabel="Disburse" busy={busy} onCancel={() => setConfirming(false)} onConfirm={handler(disburse)}>
          <p>
            {money(loan.principal)} is paid out to {customer ?? `user ${loan.customer_id}`}; the first installment falls due a month after.
          </p>
          <DateField id={DATE_ID} name="disbursed_on" label="Disbursed on" hint="Today, or the day it was paid out (never in the future)" error={error} value={date} onInput={setDate} />
        </ConfirmDialog>
      )}
    </div>
  );
}
