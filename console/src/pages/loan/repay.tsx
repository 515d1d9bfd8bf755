/**
 * Record repayment (admin or approved agent, ACTIVE loan): Amount, an optional Paid on, Save.
 * A 422 (more than the outstanding total, a date before the disbursement) shows next to its
 * field; anything else (a 409: the loan closed meanwhile) shows by the actions.
 */
import { useEffect, useState } from "preact/hooks";
import { describedBy, Field } from "../../components/field.js";
import { DateField, dateProblem } from "../../components/date-field.js";
import { ErrorSummary } from "../../components/messages.js";
import { todayUtc } from "../../lib/dates.js";
import { useFieldForm } from "../../lib/form-submit.js";
import { money } from "../../lib/format.js";
import { handler } from "../../lib/handler.js";
import { useSession } from "../../lib/session-context.js";
import type { LoanActionProps } from "./actions.js";

const FIELD_IDS: Record<string, string> = { amount: "repay-amount", paid_on: "repay-date" };

export function RepayPanel(props: LoanActionProps) {
  const { client } = useSession();
  const { loan } = props;
  const [open, setOpen] = useState(false);
  const [amount, setAmount] = useState(loan.emi);
  const [paidOn, setPaidOn] = useState("");
  const { errors, setErrors, busy, send } = useFieldForm(props.onFailed);

  useEffect(() => {
    document.getElementById(open ? "repay-amount" : "repay-open")?.focus();
  }, [open]);

  async function save(event: Event) {
    event.preventDefault();
    const problem = dateProblem(paidOn);
    if (problem) {
      setErrors({ paid_on: problem });
      return;
    }
    await send(async () => {
      const body = { amount: amount.trim(), ...(paidOn.trim() && { paid_on: paidOn.trim() }) };
      // The SDK sends an Idempotency-Key, the same on its own retries: a payment is applied once.
      const repayment = await client.recordRepayment(loan.id, body);
      setOpen(false);
      props.onChanged(`Repayment of ${money(repayment.amount)} recorded on loan ${loan.id} (paid on ${repayment.paid_on}).`);
    });
  }

  if (!open) {
    return (
      <div class="action-panel">
        <button type="button" class="button" id="repay-open" onClick={() => setOpen(true)}>
          Record repayment
        </button>
      </div>
    );
  }
  const summary = Object.entries(errors).map(([field, message]) => ({ id: FIELD_IDS[field] ?? "repay-amount", message }));
  return (
    <form class="form action-form" onSubmit={handler(save)} noValidate aria-labelledby="repay-title">
      <h3 id="repay-title">Record repayment on loan {loan.id}</h3>
      <ErrorSummary fields={summary} message={summary.length ? "The repayment was not recorded:" : undefined} />
      <Field id="repay-amount" label="Amount" hint={`The EMI is ${money(loan.emi)}`} error={errors.amount}>
        <input
          id="repay-amount"
          name="amount"
          inputMode="decimal"
          autocomplete="off"
          class="input-medium"
          value={amount}
          aria-invalid={errors.amount ? true : undefined}
          aria-describedby={describedBy("repay-amount", true, errors.amount)}
          onInput={(e) => setAmount(e.currentTarget.value)}
        />
      </Field>
      <DateField id="repay-date" name="paid_on" label="Paid on" hint={`Optional: today (${todayUtc()}) when left empty`} error={errors.paid_on} value={paidOn} onInput={setPaidOn} />
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
