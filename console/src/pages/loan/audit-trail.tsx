/**
 * Audit trail: every recorded event of the loan (admins read the audit log). The log is fed
 * by the services' outboxes a moment after each write, so after a change made here the
 * section asks again (a few times, half a second apart) until the change's event is there.
 */
import { useEffect, useRef } from "preact/hooks";
import { AuditTable } from "../../components/audit-table.js";
import { ErrorSummary, Loading } from "../../components/messages.js";
import { useResource } from "../../lib/resource.js";
import { useSession } from "../../lib/session-context.js";
import type { LoanSectionProps } from "./sections.js";

const RETRY_MS = 500;
const MAX_RETRIES = 10;

export function AuditTrail(props: LoanSectionProps) {
  const { session } = useSession();
  if (session.user.role !== "admin") return <p class="muted">The audit log is open to admins only.</p>;
  return <AdminAuditTrail {...props} />;
}

function AdminAuditTrail(props: LoanSectionProps) {
  const { client } = useSession();
  const { loan } = props;
  const [events, reload] = useResource(() => client.listAuditEvents({ entity: "loan", entity_id: loan.id, pageSize: 100 }), [loan.id, props.revision]);
  const retries = useRef(0);
  // How many events there were when the loan last changed here: the change adds at least one.
  const countAtChange = useRef<number | null>(null);
  const rows = events.data?.rows ?? [];
  useEffect(() => {
    if (props.revision === 0) return;
    countAtChange.current = rows.length;
    retries.current = 0;
  }, [props.revision]);
  const caughtUp = countAtChange.current === null || rows.length > countAtChange.current;
  useEffect(() => {
    if (events.status !== "ready" || caughtUp || retries.current >= MAX_RETRIES) return;
    retries.current += 1;
    const timer = setTimeout(reload, RETRY_MS);
    return () => clearTimeout(timer);
  }, [events, caughtUp]);

  if (!events.data) return events.status === "error" ? <ErrorSummary error={events.error} /> : <Loading what="the audit trail" />;
  if (rows.length === 0) return <p>No event recorded yet.</p>;
  return <AuditTable rows={rows} caption={`Audit trail of loan ${loan.id}`} captionHidden />;
}
