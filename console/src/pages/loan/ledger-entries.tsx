/**
 * Ledger entries (admin): the loan's journal entries, oldest value date first — each its value
 * date, kind and balanced lines (account, debit, credit) — a page at a time. The ledger posts
 * from the loans service's events a moment after each change, so a disbursed loan without
 * entries yet, and a change made on this page, make the section ask again (a few times, half a
 * second apart) until the new entries are there; Refresh asks at any time.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { ledgerAccountLabel, type LedgerEntry } from "../../../../sdk/contracts.js";
import type { Loan } from "../../../../sdk/index.js";
import { ErrorSummary, Loading } from "../../components/messages.js";
import { TableBox } from "../../components/table-box.js";
import { plural } from "../../lib/format.js";
import { side } from "../../lib/ledger.js";
import { useResource } from "../../lib/resource.js";
import { useSession } from "../../lib/session-context.js";
import type { LoanSectionProps } from "./sections.js";

const PAGE_SIZE = 25;
const RETRY_MS = 500;
const MAX_RETRIES = 10;

/** A loan that has moved money, so that the ledger has (or will have) entries for it. */
const disbursed = (loan: Loan) => loan.status === "ACTIVE" || loan.status === "CLOSED" || loan.status === "WRITTEN_OFF";

export function LedgerEntries(props: LoanSectionProps) {
  const { session } = useSession();
  // Never even asked for by anyone else: the endpoint is admin-only.
  if (session.user.role !== "admin") return null;
  return <AdminLedgerEntries {...props} />;
}

function AdminLedgerEntries(props: LoanSectionProps) {
  const { client } = useSession();
  const { loan } = props;
  const [page, setPage] = useState(1);
  const [entries, reload] = useResource(() => client.ledgerEntries({ loan_id: loan.id, page, pageSize: PAGE_SIZE }), [loan.id, props.revision, page]);
  const retries = useRef(0);
  // How many entries there were when the loan last changed here: a money change adds some.
  const totalAtChange = useRef<number | null>(null);
  const total = entries.data?.total ?? 0;
  useEffect(() => {
    if (props.revision === 0) return;
    totalAtChange.current = total;
    retries.current = 0;
  }, [props.revision]);
  const waiting = totalAtChange.current !== null ? total <= totalAtChange.current : disbursed(loan) && total === 0;
  useEffect(() => {
    if (entries.status !== "ready" || !waiting || retries.current >= MAX_RETRIES) return;
    retries.current += 1;
    const timer = setTimeout(reload, RETRY_MS);
    return () => clearTimeout(timer);
  }, [entries, waiting]);
  useEffect(() => {
    // Caught up: a later change waits for its own entries again.
    if (!waiting) totalAtChange.current = null;
  }, [waiting]);

  const refresh = (
    <button type="button" class="button button-secondary button-small" disabled={entries.status === "loading"} onClick={reload}>
      Refresh<span class="visually-hidden"> the ledger entries</span>
    </button>
  );
  if (!entries.data) return entries.status === "error" ? <ErrorSummary error={entries.error} /> : <Loading what="the ledger entries" />;
  const { rows, totalPages } = entries.data;
  return (
    <>
      {entries.status === "error" && <ErrorSummary error={entries.error} />}
      {rows.length === 0 ? (
        <p>
          No ledger entries yet{disbursed(loan) ? ": the ledger posts a moment after each transaction." : ": the loan is not disbursed."} {refresh}
        </p>
      ) : (
        <>
          <p class="muted">
            {plural(total, "entry", "entries")}, oldest first. {refresh}
          </p>
          <EntriesTable loanId={loan.id} rows={rows} loading={entries.status === "loading"} />
          {totalPages > 1 && <EntryPages page={page} last={totalPages} onPage={setPage} />}
        </>
      )}
    </>
  );
}

function EntriesTable(props: { loanId: number; rows: LedgerEntry[]; loading: boolean }) {
  return (
    <TableBox label={`Ledger entries of loan ${props.loanId}`}>
      <table class="ledger-entries" aria-busy={props.loading}>
        <caption class="visually-hidden">Ledger entries of loan {props.loanId}, one row per line</caption>
        <thead>
          <tr>
            <th scope="col">Value date</th>
            <th scope="col">Kind</th>
            <th scope="col">Account</th>
            <th scope="col" class="number">
              Debit
            </th>
            <th scope="col" class="number">
              Credit
            </th>
          </tr>
        </thead>
        {props.rows.map((entry) => (
          <tbody key={entry.id}>
            {entry.lines.map((line, i) => (
              <tr key={`${entry.id}-${i}`}>
                {i === 0 && (
                  <>
                    <th scope="rowgroup" rowSpan={entry.lines.length} class="nowrap">
                      {entry.value_date}
                    </th>
                    <td rowSpan={entry.lines.length}>{entry.kind}</td>
                  </>
                )}
                <td class="nowrap">{ledgerAccountLabel(line.account)}</td>
                <td class="number">{side(line.debit)}</td>
                <td class="number">{side(line.credit)}</td>
              </tr>
            ))}
          </tbody>
        ))}
      </table>
    </TableBox>
  );
}

/** Pages of entries with buttons, not links: paging here must not move the reader to the top of the loan's page. */
function EntryPages(props: { page: number; last: number; onPage: (page: number) => void }) {
  return (
    <nav class="paging" aria-label="Pages of ledger entries">
      <button type="button" class="button button-secondary button-small" disabled={props.page <= 1} onClick={() => props.onPage(props.page - 1)}>
        Previous page
      </button>
      <span class="paging-where">
        Page {props.page} of {props.last}
      </span>
      <button type="button" class="button button-secondary button-small" disabled={props.page >= props.last} onClick={() => props.onPage(props.page + 1)}>
        Next page
      </button>
    </nav>
  );
}
