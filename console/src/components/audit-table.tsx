/**
 * Audit events as a table: the audit log (every entity, with each event's subject; sortable)
 * and a loan's audit trail (one subject, so no such column) show the same rows.
 */
import type { ComponentChildren } from "preact";
import type { AuditEvent } from "../../../sdk/index.js";
import { changeOf } from "../lib/audit.js";
import { when } from "../lib/format.js";
import { Person } from "./person.js";
import { useSort } from "./sortable.js";
import { TableBox } from "./table-box.js";

export interface AuditTableProps {
  rows: AuditEvent[];
  caption: string;
  /** The caption is read by screen readers only (the page's heading already says it). */
  captionHidden?: boolean;
  busy?: boolean;
  /** The Subject column, when the events are of several entities. */
  subjectOf?: (event: AuditEvent) => ComponentChildren;
  /** Headers with a sort button (When, Event, Subject). */
  sortable?: boolean;
}

export function AuditTable(props: AuditTableProps) {
  const { subjectOf } = props;
  const { rows, header } = useSort(props.rows, { when: (e) => e.occurred_at, event: (e) => e.event, subject: (e) => `${e.entity} ${String(e.entity_id).padStart(12, "0")}` });
  const th = (by: string, label: string) => (props.sortable ? header(by, label) : <th scope="col">{label}</th>);
  return (
    <TableBox label={props.caption}>
      <table aria-busy={props.busy}>
        <caption class={props.captionHidden ? "visually-hidden" : undefined}>{props.caption}</caption>
        <thead>
          <tr>
            {th("when", "When")}
            {th("event", "Event")}
            {subjectOf && th("subject", "Subject")}
            <th scope="col">By</th>
            <th scope="col">Change</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((event) => (
            <tr key={event.id}>
              <td class="nowrap">{when(event.occurred_at)}</td>
              <td>{event.event}</td>
              {subjectOf && <td>{subjectOf(event)}</td>}
              <td>{event.actor_id === null ? "the system" : <Person id={event.actor_id} />}</td>
              <td class="change">{changeOf(event)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableBox>
  );
}
