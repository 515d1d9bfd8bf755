/** The audit_events table, as the audit service (and only it) sees it. */
import { DataTypes, Model, type ModelStatic, type Sequelize } from "sequelize";
import type { AuditEvent } from "../../sdk/contracts.js";

/** An audit entry as stored: the contract's AuditEvent, where it came from, Date timestamps. */
export type AuditRow = Omit<AuditEvent, "occurred_at" | "recorded_at"> & { source: string; source_event_id: number; occurred_at: Date; recorded_at: Date };
export type NewAuditRow = Omit<AuditRow, "id" | "recorded_at">;

export class AuditModel extends Model<AuditRow, NewAuditRow> {}

/** Defined per Sequelize instance: tests run several brokers, each on its own database. */
export function defineAuditModel(sequelize: Sequelize): ModelStatic<AuditModel> {
  return sequelize.define<AuditModel>(
    "auditEvent",
    {
      id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
      source: { type: DataTypes.STRING(32), allowNull: false },
      source_event_id: { type: DataTypes.BIGINT, allowNull: false },
      event: { type: DataTypes.STRING(64), allowNull: false },
      entity: { type: DataTypes.STRING(16), allowNull: false },
      entity_id: { type: DataTypes.INTEGER, allowNull: false },
      actor_id: { type: DataTypes.INTEGER, allowNull: true },
      before: { type: DataTypes.JSONB, allowNull: true },
      after: { type: DataTypes.JSONB, allowNull: true },
      occurred_at: { type: DataTypes.DATE, allowNull: false },
      recorded_at: { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW },
    },
    { tableName: "audit_events", timestamps: false },
  );
}
