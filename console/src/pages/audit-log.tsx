/**
 * Audit log (admin): every recorded event, newest first, filtered by Event, entity (and its
 * id) and From / To days; each change in words, each person a link to their page. Columns
 * sort; Download CSV writes the whole filtered list.
 */
import { useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { AUDIT_ENTITIES, type AuditEvent, type EventName } from "../../../sdk/index.js";
import { EVENT_NAMES } from "../../../sdk/schemas.js";
import { AuditTable } from "../components/audit-table.js";
import { DateField, dateProblem } from "../components/date-field.js";
import { DownloadCsv } from "../components/download-csv.js";
import { Field } from "../components/field.js";
import { ErrorSummary, Loading } from "../components/messages.js";
import { Page } from "../components/page.js";
import { Paging } from "../components/paging.js";
import { Person } from "../components/person.js";
import { changeOf } from "../lib/audit.js";
import { auditNewestFirst, auditPager, type AuditFilter } from "../lib/audit-window.js";
import { namesOf } from "../lib/names.js";
import { oneOf, pageOf, paths, withQuery } from "../lib/paths.js";
import { useResource } from "../lib/resource.js";
import { useSession } from "../lib/session-context.js";

const PAGE_SIZE = 20;

function positiveId(value: string | undefined): number | undefined {
  const id = Number(value);
  return Number.isSafeInteger(id) && id > 0 ? id : undefined;
}

function isoDate(value: string | undefined): string | undefined {
  return value && !dateProblem(value) ? value : undefined;
}

export function Subject(props: { event: AuditEvent }) {
  const { entity, entity_id } = props.event;
  if (entity === "loan") return <a href={paths.loan(entity_id)}>Loan {entity_id}</a>;
  // A product's entity id is its row id; people know it by its code, which the event carries.
  if (entity === "product") return <a href={paths.products}>Product {codeOf(props.event.after) ?? codeOf(props.event.before) ?? entity_id}</a>;
  if (entity === "agent_limit")
    return (
      <>
        Lending limit of <Person id={entity_id} />
      </>
    );
  return <Person id={entity_id} />;
}

function codeOf(value: unknown): string | undefined {
  return typeof value === "object" && value !== null && "code" in value && typeof value.code === "string" ? value.code : undefined;
}

export function AuditLog() {
  const { client, people } = useSession();
  const { query, route } = useLocation();
  const filter: AuditFilter = {
    entity: oneOf(AUDIT_ENTITIES, query.entity),
    entity_id: positiveId(query.entity_id),
    event: oneOf<EventName>(EVENT_NAMES, query.event),
    from: isoDate(query.from),
    to: isoDate(query.to),
  };
  const { entity, entity_id: entityId, event, from, to } = filter;
  const page = pageOf(query);
  const [list] = useResource(() => auditNewestFirst(client, filter, page, PAGE_SIZE), [entity, entityId, event, from, to, page]);
  const [draft, setDraft] = useState({ entity: entity ?? "", entityId: entityId ? String(entityId) : "", event: event ?? "", from: from ?? "", to: to ?? "" });
  const [errors, setErrors] = useState<{ from?: string; to?: string }>({});
  const rows = list.data?.rows ?? [];
  const current = { entity, entity_id: entityId, event, from, to };

  function apply(e: Event) {
    e.preventDefault();
    const problems = { from: dateProblem(draft.from), to: dateProblem(draft.to) };
    setErrors(problems);
    if (problems.from || problems.to) return;
    route(withQuery(paths.audit, { entity: draft.entity, entity_id: positiveId(draft.entityId), event: draft.event, from: draft.from.trim(), to: draft.to.trim() }));
  }

  const names = new Map<number, string>();
  const what = [event, entity && `${entity}s${entityId ? ` (id ${entityId})` : ""}`, from && `from ${from}`, to && `to ${to}`].filter(Boolean).join(", ");
  const summary = Object.entries(errors)
    .filter(([, message]) => message)
    .map(([field, message]) => ({ id: `audit-${field}`, message: message ?? "" }));
  return (
    <Page title="Audit log">
      <ErrorSummary fields={summary} message={summary.length ? "Check the filters:" : undefined} />
      <form class="filters" onSubmit={apply} noValidate>
        <Field id="event" label="Event">
          <select id="event" value={draft.event} onChange={(e) => setDraft({ ...draft, event: e.currentTarget.value })}>
            <option value="">All events</option>
            {EVENT_NAMES.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </Field>
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
        <DateField id="audit-from" label="From" class="input-date" value={draft.from} error={errors.from} onInput={(value) => setDraft({ ...draft, from: value })} />
        <DateField id="audit-to" label="To" class="input-date" value={draft.to} error={errors.to} onInput={(value) => setDraft({ ...draft, to: value })} />
        <button type="submit" class="button button-secondary">
          Filter
        </button>
      </form>
      <ErrorSummary error={list.status === "error" ? list.error : undefined} />
      {!list.data && list.status === "loading" && <Loading what="the audit log" />}
      {list.data && rows.length === 0 && <p>No event recorded{what ? ` (${what})` : ""}.</p>}
      {rows.length > 0 && (
        <>
          <DownloadCsv
            name={["audit", event, entity, entityId, from && `from-${from}`, to && `to-${to}`]}
            columns={[
              { header: "id", value: (e: AuditEvent) => e.id },
              { header: "occurred_at", value: (e) => e.occurred_at },
              { header: "event", value: (e) => e.event },
              { header: "entity", value: (e) => e.entity },
              { header: "entity_id", value: (e) => e.entity_id },
              { header: "by_id", value: (e) => e.actor_id },
              { header: "by", value: (e) => (e.actor_id === null ? "the system" : names.get(e.actor_id)) },
              { header: "change", value: (e) => changeOf(e) },
            ]}
            pageOf={auditPager(client, filter)}
            rowsOf={async (all) => {
              for (const [id, name] of await namesOf(
                people,
                all.map((e) => e.actor_id),
              ))
                names.set(id, name);
              return all;
            }}
          />
          <AuditTable rows={rows} busy={list.status === "loading"} caption={what ? `Events, newest first: ${what}` : "All events, newest first"} subjectOf={(e) => <Subject event={e} />} sortable />
        </>
      )}
      {list.data && list.data.total > 0 && <Paging page={list.data} noun="event" hrefOf={(p) => withQuery(paths.audit, { ...current, page: p })} />}
    </Page>
  );
}
