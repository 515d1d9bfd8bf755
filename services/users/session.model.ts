/** The sessions table (see migration 0002): one row per login, as the users service sees it. */
import { DataTypes, Model, type ModelStatic, type Sequelize } from "sequelize";
import type { SessionEndReason } from "../../sdk/contracts.js";

export interface SessionRow {
  id: string;
  user_id: number;
  refresh_hash: string;
  generation: number;
  created_at: Date;
  last_used_at: Date;
  expires_at: Date;
  user_agent: string | null;
  ip: string | null;
  revoked_at: Date | null;
  revoked_reason: SessionEndReason | null;
}

export type NewSessionRow = Pick<SessionRow, "id" | "user_id" | "refresh_hash" | "expires_at" | "user_agent" | "ip"> & Partial<Pick<SessionRow, "created_at">>;

export class SessionModel extends Model<SessionRow, NewSessionRow> {}

export function defineSessionModel(sequelize: Sequelize): ModelStatic<SessionModel> {
  return sequelize.define<SessionModel>(
    "session",
    {
      id: { type: DataTypes.UUID, primaryKey: true },
      user_id: { type: DataTypes.INTEGER, allowNull: false },
      refresh_hash: { type: DataTypes.CHAR(64), allowNull: false },
      generation: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
      created_at: { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW },
      last_used_at: { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW },
      expires_at: { type: DataTypes.DATE, allowNull: false },
      user_agent: { type: DataTypes.STRING(512), allowNull: true },
      ip: { type: DataTypes.STRING(64), allowNull: true },
      revoked_at: { type: DataTypes.DATE, allowNull: true },
      revoked_reason: { type: DataTypes.STRING(32), allowNull: true },
    },
    // The table keeps its own times: last_used_at is not Sequelize's updated_at.
    { tableName: "sessions", timestamps: false },
  );
}
