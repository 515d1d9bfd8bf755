/** Audit log (admin): every recorded event, oldest first, filtered by entity (and its id). */
import { useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { AUDIT_ENTITIES, type AuditEvent } from "../../../sdk/index.js";
import { AuditTable } from "../components/audit-table.js";
import { Field } from "../components/field.js";
import { ErrorSummary, Loading } from "../components/messages.js";
import { Page } from "../components/page.js";
import { Paging } from "../components/paging.js";
import { oneOf, pageOf, paths, withQuery } from "../lib/paths.js";
import { useResource } from "../lib/resource.js";
import { useSession } from "../lib/session-context.js";

function positiveId(value: string | undefined): number | undefined {
  const id = Number(value);
  return Number.isSafeInteger(id) && id > 0 ? id : undefined;
}

function Subject(props: { event: AuditEvent }) {
  const { entity, entity_id } = props.event;
  if (entity === "loan") return <a href={paths.loan(entity_id)}>Loan {entity_id}</a>;
  // A product's entity id is its row id; people know it by its code, which the event carries.
  if (entity === "product") return <a href={paths.products}>Product {codeOf(props.event.after) ?? codeOf(props.event.before) ?? entity_id}</a>;
  if (entity === "agent_limit") return <>Lending limit of user {entity_id}</>;
  return <>User {entity_id}</>;
}

function codeOf(value: unknown): string | undefined {
  return typeof value === "object" && value !== null && "code" in value && typeof value.code === "string" ? value.code : undefined;
}

export function AuditLog() {
  const { client } = useSession();
  const { query, route } = useLocation();
  const entity = oneOf(AUDIT_ENTITIES, query.entity);
  const entityId = positiveId(query.entity_id);
  const page = pageOf(query);
  const [list] = useResource(() => client.listAuditEvents({ entity, entity_id: entityId, page }), [entity, entityId, page]);
  const [draft, setDraft] = useState({ entity: entity ?? "", entityId: entityId ? String(entityId) : "" });
  const rows = list.data?.rows ?? [];

  function filter(event: Event) {
    event.preventDefault();
    route(withQuery(paths.audit, { entity: draft.entity, entity_id: positiveId(draft.entityId) }));
  }

  return (
    <Page title="Audit log">
      <form class="filters" onSubmit={filter}>
        <Field id="entity" label="Entity">
          <select id="entity" value={draft.entity} onChange={(e) => setDraft({ ...draft, entity: e.currentTarget.value })}>
            <option value="">All entities</option>
            {AUDIT_ENTITIES.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </Field>
        <Field id="entity-id" label="Entity id">
          <input id="entity-id" inputMode="numeric" class="input-short" value={draft.entityId} onInput={(e) => setDraft({ ...draft, entityId: e.currentTarget.value })} />
        </Field>
        <button type="submit" class="button button-secondary">
          Filter
        </button>
      </form>
      <ErrorSummary error={list.status === "error" ? list.error : undefined} />
      {!list.data && list.status === "loading" && <Loading what="the audit log" />}
      {list.data && rows.length === 0 && <p>No event recorded{entity ? ` for a ${entity}` : ""}.</p>}
      {rows.length > 0 && (
        <AuditTable
          rows={rows}
          busy={list.status === "loading"}
          caption={entity ? `Events of ${entity}s${entityId ? ` (id ${entityId})` : ""}` : "All events"}
          subjectOf={(event) => <Subject event={event} />}
        />
      )}
      {list.data && list.data.total > 0 && <Paging page={list.data} noun="event" hrefOf={(p) => withQuery(paths.audit, { entity, entity_id: entityId, page: p })} />}
    </Page>
  );
}
