/**
 * audit: every domain event, who did what to which entity and when, before and after.
 * Owns the audit database. One consumer of the publishers' outboxes (subscriptions.ts):
 * events arrive through `record`, at least once; the (source, event id) key keeps each
 * exactly once, and an event this code does not know is acknowledged and skipped.
 */
import type { Service } from "moleculer";
import { QueryTypes, type WhereOptions } from "sequelize";
import { AUDIT_ENTITIES, type ActionParams, type ActionResult, type AuditEvent } from "../sdk/contracts.js";
import { EVENT_NAMES } from "../sdk/schemas.js";
import type { AppContext } from "./shared/context.js";
import { ownDatabase, type DbServiceThis } from "./shared/db.js";
import { pageParams, pageWindow, toPage } from "./shared/pagination.js";
import { eventDeliveryParams, isDomainEvent } from "./shared/event-delivery.js";
import { idParam } from "./shared/params.js";
import { defineService } from "./shared/schema.js";
import { defineAuditModel, type AuditModel, type AuditRow } from "./audit/audit-event.model.js";
import { toAuditRow } from "./audit/from-outbox.js";
import { auditMigrations } from "./audit/migrations.js";

type AuditThis = Service & DbServiceThis<AuditModel>;

function toAuditEvent(row: AuditRow): AuditEvent {
  return {
    id: Number(row.id),
    event: row.event,
    entity: row.entity,
    entity_id: row.entity_id,
    actor_id: row.actor_id,
    before: row.before,
    after: row.after,
    occurred_at: new Date(row.occurred_at).toISOString(),
    recorded_at: new Date(row.recorded_at).toISOString(),
  };
}

const AuditService = defineService<DbServiceThis<AuditModel>>({
  name: "audit",
  mixins: [ownDatabase({ urlVariable: "AUDIT_DATABASE_URL", defineModels: defineAuditModel, migrations: auditMigrations })],

  actions: {
    /** The publishers' outbox relays call this; answering is the acknowledgement (of the unknown events too). */
    record: {
      params: eventDeliveryParams,
      async handler(this: AuditThis, ctx: AppContext<ActionParams<"audit.record">>): Promise<ActionResult<"audit.record">> {
        const rows = ctx.params.events.filter(isDomainEvent).map((e) => toAuditRow(ctx.params.source, e));
        if (rows.length === 0) return { recorded: 0 };
        // One statement for the batch; a redelivered event hits the unique key and is skipped.
        const inserted = await this.adapter.db.query(
          `INSERT INTO audit_events (source, source_event_id, event, entity, entity_id, actor_id, before, after, occurred_at)
           SELECT source, source_event_id, event, entity, entity_id, actor_id, before, after, occurred_at
             FROM jsonb_to_recordset($1::jsonb) AS r(source text, source_event_id bigint, event text, entity text, entity_id int, actor_id int, before jsonb, after jsonb, occurred_at timestamptz)
           ON CONFLICT (source, source_event_id) DO NOTHING
           RETURNING id`,
          { bind: [JSON.stringify(rows)], type: QueryTypes.SELECT },
        );
        return { recorded: inserted.length };
      },
    },

    listEvents: {
      access: ["admin"],
      params: {
        ...pageParams,
        entity: { type: "enum", values: [...AUDIT_ENTITIES], optional: true },
        entity_id: { ...idParam, optional: true },
        event: { type: "enum", values: [...EVENT_NAMES], optional: true },
      },
      async handler(this: AuditThis, ctx: AppContext<ActionParams<"audit.listEvents">>): Promise<ActionResult<"audit.listEvents">> {
        const { entity, entity_id, event } = ctx.params;
        const filter: WhereOptions<AuditRow> = { ...(entity && { entity }), ...(entity_id && { entity_id }), ...(event && { event }) };
        const window = pageWindow(ctx.params);
        const { rows, count } = await this.model.findAndCountAll({ where: filter, order: [["occurred_at", "ASC"], ["id", "ASC"]], limit: window.limit, offset: window.offset });
        return toPage(rows.map((r) => toAuditEvent(r.get({ plain: true }))), count, window);
      },
    },
  },
});

export default AuditService;
