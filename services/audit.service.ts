/**
 * audit: every domain event, who did what to which entity and when, before and after.
 * Owns the audit database. One consumer of the publishers' outboxes (subscriptions.ts):
 * events arrive through `record`, at least once; the (source, event id) key keeps each
 * exactly once, and an event this code does not know is acknowledged and skipped. Its table
 * is read and written through its repository (audit/audit-repository.ts).
 */
import type { Service } from "moleculer";
import { AUDIT_ENTITIES, type ActionParams, type ActionResult, type AuditEvent } from "../sdk/contracts.js";
import { EVENT_NAMES } from "../sdk/schemas.js";
import type { AppContext } from "./shared/context.js";
import { ownDatabase, type DbServiceThis } from "./shared/db.js";
import { pageParams, pageWindow, toPage } from "./shared/pagination.js";
import { eventDeliveryParams, isDomainEvent } from "./shared/event-delivery.js";
import { idParam } from "./shared/params.js";
import { defineService } from "./shared/schema.js";
import { defineAuditModel, type AuditModel, type AuditRow } from "./audit/audit-event.model.js";
import { AuditRepository } from "./audit/audit-repository.js";
import { toAuditRow } from "./audit/from-outbox.js";
import { auditMigrations } from "./audit/migrations.js";

interface AuditVars {
  /** The audit table (audit/audit-repository.ts), once the service started. */
  audit: AuditRepository;
}
type AuditThis = Service & AuditVars & DbServiceThis<AuditModel>;

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

const AuditService = defineService<AuditVars & DbServiceThis<AuditModel>>({
  name: "audit",
  mixins: [ownDatabase({ urlVariable: "AUDIT_DATABASE_URL", defineModels: defineAuditModel, migrations: auditMigrations })],

  actions: {
    /** The publishers' outbox relays call this; answering is the acknowledgement (of the unknown events too). */
    record: {
      params: eventDeliveryParams,
      async handler(this: AuditThis, ctx: AppContext<ActionParams<"audit.record">>): Promise<ActionResult<"audit.record">> {
        const rows = ctx.params.events.filter(isDomainEvent).map((e) => toAuditRow(ctx.params.source, e));
        if (rows.length === 0) return { recorded: 0 };
        // One statement for the batch: atomic by itself, no transaction around it.
        const recorded = await this.unitOfWork.run(ctx, { autocommit: true }, (work) => this.audit.record(work, rows));
        return { recorded };
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
        const window = pageWindow(ctx.params);
        const { rows, count } = await this.audit.list({ entity, entity_id, event }, window);
        return toPage(rows.map(toAuditEvent), count, window);
      },
    },
  },

  // After the database mixin's `started` connected (the mixins' handlers run first).
  started(this: AuditThis) {
    this.audit = new AuditRepository(this.adapter.db);
  },
});

export default AuditService;
