/** Approve, or Reject after a confirm: an admin's decision on a NEW loan. */
import { useState } from "preact/hooks";
import type { LoanDecision } from "../../../../sdk/index.js";
import { ConfirmDialog } from "../../components/confirm-dialog.js";
import { handler } from "../../lib/handler.js";
import { useSession } from "../../lib/session-context.js";
import type { LoanActionProps } from "./actions.js";

export function DecidePanel(props: LoanActionProps) {
  const { client } = useSession();
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const { loan } = props;

  async function decide(status: LoanDecision) {
    setBusy(true);
    try {
      await client.decideLoan(loan.id, { status });
      props.onChanged(`Loan ${loan.id} ${status === "APPROVED" ? "approved" : "rejected"}.`);
    } catch (error) {
      props.onFailed(error);
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  }

  return (
    <div class="action-panel">
      <button type="button" class="button" disabled={busy} onClick={handler(() => decide("APPROVED"))}>
        Approve
      </button>
      <button type="button" class="button button-warning" disabled={busy} onClick={() => setConfirming(true)}>
        Reject
      </button>
      {confirming && (
        <ConfirmDialog title={`Reject loan ${loan.id}?`} confirmLabel="Reject" busy={busy} onCancel={() => setConfirming(false)} onConfirm={handler(() => decide("REJECTED"))}>
          <p>A rejected loan cannot be approved or changed afterwards.</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
