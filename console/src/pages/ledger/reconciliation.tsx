/**
 * Reconciliation, on demand (it walks every disbursed loan, so it is not run on opening the
 * page): how many loans were checked, how many events the ledger has still to post, and each
 * loan whose receivable (1100) differs from its outstanding principal, linked to its page.
 */
import { useState } from "preact/hooks";
import type { Reconciliation } from "../../../../sdk/contracts.js";
import { ErrorSummary } from "../../components/messages.js";
import { TableBox } from "../../components/table-box.js";
import { isUnauthorized } from "../../lib/errors.js";
import { money, when } from "../../lib/format.js";
import { handler } from "../../lib/handler.js";
import { paths } from "../../lib/paths.js";
import { useSession } from "../../lib/session-context.js";

export function ReconciliationPart() {
  const { client, expired } = useSession();
  const [result, setResult] = useState<Reconciliation>();
  const [failure, setFailure] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  async function reconcile() {
    setBusy(true);
    setFailure(undefined);
    try {
      setResult(await client.reconcile());
    } catch (failed) {
      if (isUnauthorized(failed)) expired();
      setFailure(failed);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="ledger-reconciliation-title">
      <h2 id="ledger-reconciliation-title">Reconciliation</h2>
      <p>Compares each disbursed loan's Loans receivable (1100) in the ledger with its outstanding principal in the loan book.</p>
      <p>
        <button type="button" class="button" disabled={busy} onClick={handler(reconcile)}>
          Reconcile
        </button>
      </p>
      <ErrorSummary error={failure} />
      {/* Always in the page, so that a screen reader announces the result when it comes. */}
      <div role="status" aria-busy={busy}>
        {result && <ReconciliationResult result={result} />}
      </div>
    </section>
  );
}

function ReconciliationResult(props: { result: Reconciliation }) {
  const { result } = props;
  return (
    <>
      <dl class="figures">
        <div>
          <dt>Reconciled at</dt>
          <dd>{when(result.as_of)}</dd>
        </div>
        <div>
          <dt>Loans checked</dt>
          <dd>{result.loans_checked}</dd>
        </div>
        <div>
          <dt>Events pending</dt>
          <dd>{result.pending_events}</dd>
        </div>
        <div>
          <dt>Mismatches</dt>
          <dd>{result.mismatches.length}</dd>
        </div>
      </dl>
      {/* Events not yet posted explain a mismatch: the ledger is catching up. */}
      {result.pending_events > 0 && <p>The ledger has events still to post: a mismatch may only mean it has not caught up yet. Reconcile again in a moment.</p>}
      {result.mismatches.length === 0 ? <p>No mismatches.</p> : <Mismatches result={result} />}
    </>
  );
}

function Mismatches(props: { result: Reconciliation }) {
  return (
    <TableBox label="Mismatches">
      <table>
        <caption class="visually-hidden">Loans whose receivable in the ledger differs from their outstanding principal</caption>
        <thead>
          <tr>
            <th scope="col">Loan</th>
            <th scope="col" class="number">
              Ledger receivable
            </th>
            <th scope="col" class="number">
              Outstanding principal
            </th>
          </tr>
        </thead>
        <tbody>
          {props.result.mismatches.map((m) => (
            <tr key={m.loan_id}>
              <th scope="row">
                <a href={paths.loan(m.loan_id)}>Loan {m.loan_id}</a>
              </th>
              <td class="number">{money(m.ledger_receivable)}</td>
              <td class="number">{money(m.outstanding_principal)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableBox>
  );
}
