/**
 * The sessions table (see migration 0002): one row per login, as the users service sees it.
 * Its columns are named once, here; session-store.ts is the only code that reads or writes it.
 */
import type { SessionEndReason } from "../../sdk/contracts.js";
import { columnsOf } from "./columns.js";

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

/** What a login writes; the rest are the table's defaults (generation 1, last used now, live). */
export type NewSessionRow = Pick<SessionRow, "id" | "user_id" | "refresh_hash" | "created_at" | "expires_at" | "user_agent" | "ip">;

/** Every column of `sessions`, each once: the compiler holds the list to SessionRow. */
export const SESSION_COLUMNS = columnsOf<SessionRow>({
  id: "uuid",
  user_id: "integer",
  refresh_hash: "char(64)",
  generation: "integer",
  created_at: "timestamptz",
  last_used_at: "timestamptz",
  expires_at: "timestamptz",
  user_agent: "varchar(512)",
  ip: "varchar(64)",
  revoked_at: "timestamptz",
  revoked_reason: "varchar(32)",
});
