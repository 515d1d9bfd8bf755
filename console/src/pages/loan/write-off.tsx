/**
 * Write off (admin, ACTIVE loan): a confirm dialog with a required Reason and an optional
 * Written off on date (today when empty). Everything still owed goes into one WRITE_OFF
 * transaction and the loan is WRITTEN_OFF. A 422 (the date) stays in the dialog next to its
 * field; anything else (a 409: closed or written off meanwhile) shows by the actions.
 */
import Decimal from "decimal.js";
import { useState } from "preact/hooks";
import { DateField, dateProblem } from "../../components/date-field.js";
import { ReasonDialog, reasonProblem } from "../../components/reason-dialog.js";
import { todayUtc } from "../../lib/dates.js";
import { fieldErrorsOf } from "../../lib/errors.js";
import { money } from "../../lib/format.js";
import { handler } from "../../lib/handler.js";
import { useSession } from "../../lib/session-context.js";
import type { LoanActionProps } from "./actions.js";

export function WriteOffPanel(props: LoanActionProps) {
  const { client } = useSession();
  const { loan } = props;
  const [confirming, setConfirming] = useState(false);
  const [reason, setReason] = useState("");
  const [date, setDate] = useState("");
  const [errors, setErrors] = useState<{ reason?: string; date?: string }>({});
  const [busy, setBusy] = useState(false);

  function open() {
    setReason("");
    setDate("");
    setErrors({});
    setConfirming(true);
  }

  async function writeOff() {
    const problems = { reason: reasonProblem(reason), date: dateProblem(date) };
    if (problems.reason || problems.date) {
      setErrors(problems);
      return;
    }
    setBusy(true);
    setErrors({});
    try {
      const saved = await client.writeOff(loan.id, { reason: reason.trim(), ...(date.trim() && { written_off_on: date.trim() }) });
      setConfirming(false);
      props.onChanged(`Loan ${loan.id} written off: it is ${saved.status}.`);
    } catch (failure) {
      const fields = fieldErrorsOf(failure, { written_off_on: "date" });
      if (fields.reason || fields.date) {
        setErrors({ reason: fields.reason, date: fields.date });
      } else {
        setConfirming(false);
        props.onFailed(failure);
      }
    } finally {
      setBusy(false);
    }
  }

  const owed = [loan.outstanding_principal, loan.outstanding_interest, loan.outstanding_fee, loan.outstanding_penalty].reduce((sum, part) => sum.plus(part ?? "0"), new Decimal(0));
  return (
    <div class="action-panel">
      <button type="button" class="button button-warning" onClick={open}>
        Write off
      </button>
      {confirming && (
        <ReasonDialog
          id="write-off"
          title={`Write off loan ${loan.id}?`}
          confirmLabel="Write off"
          reason={reason}
          error={errors.reason}
          busy={busy}
          onReason={setReason}
          onCancel={() => setConfirming(false)}
          onConfirm={handler(writeOff)}
        >
          <p>Everything still owed ({money(owed.toFixed(2))}) is written off in one transaction; the loan becomes WRITTEN_OFF and takes no more repayments.</p>
          <DateField id="write-off-date" name="written_off_on" label="Written off on" hint={`Optional: today (${todayUtc()}) when left empty`} error={errors.date} value={date} onInput={setDate} />
        </ReasonDialog>
      )}
    </div>
  );
}
