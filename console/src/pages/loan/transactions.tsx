/**
 * Transactions: every money movement of the loan, by value date — the disbursement, its fee,
 * repayments, penalties, waivers, the write-off — with what each moved of principal, interest,
 * fee and penalty. A reversed repayment stays listed, marked, with why. Admins have Reverse on
 * each repayment not reversed and Waive on each charge with something unpaid, both asking for
 * a Reason; a 409 (reversed or written off meanwhile, nothing left to waive) shows here and
 * the page reloads the loan as it is now.
 */
import { useState } from "preact/hooks";
import type { LoanSchedule, LoanTransaction } from "../../../../sdk/contracts.js";
import { ErrorSummary, Loading } from "../../components/messages.js";
import { Person } from "../../components/person.js";
import { ReasonDialog, reasonProblem } from "../../components/reason-dialog.js";
import { TableBox } from "../../components/table-box.js";
import { fieldErrorsOf, isConflict } from "../../lib/errors.js";
import { money } from "../../lib/format.js";
import { handler } from "../../lib/handler.js";
import { useResource } from "../../lib/resource.js";
import { useSession } from "../../lib/session-context.js";
import type { LoanSectionProps } from "./sections.js";

const TYPE_NAMES: Record<LoanTransaction["type"], string> = {
  DISBURSEMENT: "Disbursement",
  REPAYMENT: "Repayment",
  FEE: "Fee",
  PENALTY: "Penalty",
  WAIVER: "Waiver",
  WRITE_OFF: "Write-off",
};

/** What a row's buttons and dialogs call it: "repayment of 1,066.19 paid on 2026-02-27". */
function described(t: LoanTransaction): string {
  const what = TYPE_NAMES[t.type].toLowerCase();
  if (t.type === "REPAYMENT") return `${what} of ${money(t.amount)} paid on ${t.value_date}`;
  const installment = t.installment_number === null ? "" : ` on installment ${t.installment_number}`;
  return `${what} of ${money(t.amount)}${installment} dated ${t.value_date}`;
}

/** A FEE or PENALTY with something left to waive, as far as the schedule tells. */
function unpaidCharge(t: LoanTransaction, rows: LoanTransaction[], schedule: LoanSchedule | undefined): boolean {
  if (t.type !== "FEE" && t.type !== "PENALTY") return false;
  if (rows.some((w) => w.type === "WAIVER" && w.charge_id === t.id && !w.reversed)) return false;
  const row = schedule?.rows.find((r) => r.number === t.installment_number);
  if (!row) return true;
  const [charged, paid] = t.type === "FEE" ? [row.fee, row.paid_fee] : [row.penalty, row.paid_penalty];
  return Number(paid) < Number(charged);
}

type Pending = { kind: "reverse" | "waive"; transaction: LoanTransaction };

export function Transactions(props: LoanSectionProps) {
  const { client, session } = useSession();
  const { loan } = props;
  const [list] = useResource(() => client.listTransactions(loan.id), [loan.id, props.revision]);
  const [schedule] = useResource(() => client.loanSchedule(loan.id), [loan.id, props.revision]);
  const [pending, setPending] = useState<Pending>();
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>();

  const admin = session.user.role === "admin";
  const open = loan.status === "ACTIVE" || loan.status === "CLOSED";

  function ask(kind: Pending["kind"], transaction: LoanTransaction) {
    setReason("");
    setError(undefined);
    setFailure(undefined);
    setPending({ kind, transaction });
  }

  async function confirm() {
    if (!pending) return;
    const problem = reasonProblem(reason);
    if (problem) {
      setError(problem);
      return;
    }
    const { kind, transaction } = pending;
    setBusy(true);
    try {
      if (kind === "reverse") {
        await client.reverseRepayment(transaction.id, { reason: reason.trim() });
        setPending(undefined);
        props.onChanged(`The ${described(transaction)} is reversed; the other repayments are re-allocated.`);
      } else {
        const waiver = await client.waiveCharge(transaction.id, { reason: reason.trim() });
        setPending(undefined);
        props.onChanged(`${money(waiver.amount)} of the ${described(transaction)} is waived.`);
      }
    } catch (failed) {
      const fields = fieldErrorsOf(failed);
      if (fields.reason) {
        setError(fields.reason);
      } else {
        setPending(undefined);
        setFailure(failed);
        if (isConflict(failed)) props.refresh();
      }
    } finally {
      setBusy(false);
    }
  }

  if (!list.data) return list.status === "error" ? <ErrorSummary error={list.error} /> : <Loading what="the transactions" />;
  const rows = list.data.rows;
  return (
    <>
      <ErrorSummary error={failure} />
      {rows.length === 0 ? (
        <p>No transaction yet: the loan is not disbursed.</p>
      ) : (
        <TableBox label={`Transactions of loan ${loan.id}`}>
          {" "}
          <table aria-busy={list.status === "loading"}>
            <caption class="visually-hidden">Transactions of loan {loan.id}</caption>
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">Type</th>
                <th scope="col" class="number">
                  Amount
                </th>
                <th scope="col" class="number">
                  Principal
                </th>
                <th scope="col" class="number">
                  Interest
                </th>
                <th scope="col" class="number">
                  Fee
                </th>
                <th scope="col" class="number">
                  Penalty
                </th>
                <th scope="col" class="number">
                  Installment
                </th>
                <th scope="col">Recorded by</th>
                <th scope="col">Notes</th>
                {admin && <th scope="col">Actions</th>}
              </tr>
            </thead>
            <tbody>
              {rows.map((t) => (
                <tr key={t.id} class={t.reversed ? "reversed" : undefined}>
                  <th scope="row" class="nowrap">
                    {t.value_date}
                  </th>
                  <td>{TYPE_NAMES[t.type]}</td>
                  <td class="number amount">{money(t.amount)}</td>
                  <td class="number">{money(t.principal_part)}</td>
                  <td class="number">{money(t.interest_part)}</td>
                  <td class="number">{money(t.fee_part)}</td>
                  <td class="number">{money(t.penalty_part)}</td>
                  <td class="number">{t.installment_number ?? "—"}</td>
                  <td>
                    <Person id={t.recorded_by} none="close of business" />
                  </td>
                  <td>
                    {t.reversed ? (
                      <>
                        <span class="tag tag-reversed">REVERSED</span> on <span class="nowrap">{t.reversed_at?.slice(0, 10)}</span> by <Person id={t.reversed_by} />: {t.reversal_reason}
                      </>
                    ) : (
                      (t.reason ?? "")
                    )}
                  </td>
                  {admin && (
                    <td>
                      {open && t.type === "REPAYMENT" && !t.reversed && (
                        <button type="button" class="button button-secondary button-small" onClick={() => ask("reverse", t)}>
                          Reverse<span class="visually-hidden"> the {described(t)}</span>
                        </button>
                      )}
                      {loan.status === "ACTIVE" && unpaidCharge(t, rows, schedule.data) && (
                        <button type="button" class="button button-secondary button-small" onClick={() => ask("waive", t)}>
                          Waive<span class="visually-hidden"> the {described(t)}</span>
                        </button>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </TableBox>
      )}
      {pending && (
        <ReasonDialog
          id="transaction"
          title={pending.kind === "reverse" ? `Reverse the ${described(pending.transaction)}?` : `Waive the ${described(pending.transaction)}?`}
          confirmLabel={pending.kind === "reverse" ? "Reverse" : "Waive"}
          reason={reason}
          error={error}
          busy={busy}
          onReason={setReason}
          onCancel={() => setPending(undefined)}
          onConfirm={handler(confirm)}
        >
          <p>
            {pending.kind === "reverse"
              ? "It stays listed, marked reversed; every other repayment is re-allocated as if it had never been made."
              : "What is still unpaid of it is waived: the customer no longer owes it."}
          </p>
        </ReasonDialog>
      )}
    </>
  );
}
