/**
 * Audit events as a table: the audit log (every entity, with each event's subject) and a
 * loan's audit trail (one subject, so no such column) show the same rows.
 */
import type { ComponentChildren } from "preact";
import type { AuditEvent } from "../../../sdk/index.js";
import { actorOf, changeOf } from "../lib/audit.js";
import { when } from "../lib/format.js";

export interface AuditTableProps {
  rows: AuditEvent[];
  caption: ComponentChildren;
  /** The caption is read by screen readers only (the page's heading already says it). */
  captionHidden?: boolean;
  busy?: boolean;
  /** The Subject column, when the events are of several entities. */
  subjectOf?: (event: AuditEvent) => ComponentChildren;
}

export function AuditTable(props: AuditTableProps) {
  const { subjectOf } = props;
  return (
    <table aria-busy={props.busy}>
      <caption class={props.captionHidden ? "visually-hidden" : undefined}>{props.caption}</caption>
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">Event</th>
          {subjectOf && <th scope="col">Subject</th>}
          <th scope="col">By</th>
          <th scope="col">Change</th>
        </tr>
      </thead>
      <tbody>
        {props.rows.map((event) => (
          <tr key={event.id}>
            <td>{when(event.occurred_at)}</td>
            <td>{event.event}</td>
            {subjectOf && <td>{subjectOf(event)}</td>}
            <td>{actorOf(event)}</td>
            <td class="change">{changeOf(event)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
