/** The audit database's one table, and the only code that reads or writes it. */
import type { ModelStatic, Sequelize, WhereOptions } from "sequelize";
import type { AuditEntity, EventName } from "../../sdk/contracts.js";
import type { PageWindow } from "../shared/pagination.js";
import type { StatementWork } from "../shared/unit-of-work.js";
import type { AuditModel, AuditRow, NewAuditRow } from "./audit-event.model.js";

export interface AuditFilter {
  entity?: AuditEntity;
  entity_id?: number;
  event?: EventName;
}

export class AuditRepository {
  constructor(private readonly db: Sequelize) {}

  private get events(): ModelStatic<AuditModel> {
    return this.db.models.auditEvent as ModelStatic<AuditModel>;
  }

  /**
   * The batch in one statement (atomic by itself: the unit of work may run it in autocommit);
   * an event delivered again hits the (source, source_event_id) key and is skipped. Answers
   * how many were new.
   */
  async record(work: StatementWork, rows: readonly NewAuditRow[]): Promise<number> {
    const inserted = await work.sql.rows<{ id: string }>(
      `INSERT INTO audit_events (source, source_event_id, event, entity, entity_id, actor_id, before, after, occurred_at)
       SELECT source, source_event_id, event, entity, entity_id, actor_id, before, after, occurred_at
         FROM jsonb_to_recordset($1::jsonb) AS r(source text, source_event_id bigint, event text, entity text, entity_id int, actor_id int, before jsonb, after jsonb, occurred_at timestamptz)
       ON CONFLICT (source, source_event_id) DO NOTHING
       RETURNING id`,
      [JSON.stringify(rows)],
    );
    return inserted.length;
  }

  /** A page of the log, oldest first, and how many match. */
  async list(filter: AuditFilter, window: PageWindow): Promise<{ rows: AuditRow[]; count: number }> {
    const { entity, entity_id, event } = filter;
    const where: WhereOptions<AuditRow> = { ...(entity && { entity }), ...(entity_id && { entity_id }), ...(event && { event }) };
    const { rows, count } = await this.events.findAndCountAll({
      where,
      order: [
        ["occurred_at", "ASC"],
        ["id", "ASC"],
      ],
      limit: window.limit,
      offset: window.offset,
    });
    return { rows: rows.map((r) => r.get({ plain: true })), count };
  }
}
