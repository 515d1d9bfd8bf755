/**
 * Sessions in the users database: opening one at login, the refresh rotation with reuse
 * detection, the live check the gateway makes on every request, and ending them.
 *
 * A refresh token is 32 random bytes (base64url), opaque: it cannot pass for a JWT. Only its
 * SHA-256 is kept — a fast hash is enough for a random 256-bit value, which nobody can guess.
 * Each refresh spends the token and issues the next; every spent hash is kept, so a spent
 * token presented again (stolen and replayed, or replayed by a thief after the owner
 * refreshed) is recognised and its whole session revoked.
 *
 * A session ends SESSION_MAX_AGE after its login whatever its refreshes: a refresh token's
 * expiry (`expires_at`, which is also when the session's access tokens stop) never passes it.
 */
import crypto from "node:crypto";
import type { ClientInfo, SessionEndReason } from "../../sdk/contracts.js";
import type { SqlClient } from "../shared/sql.js";
import type { StatementWork } from "../shared/unit-of-work.js";
import { selectList } from "./columns.js";
import { SESSION_COLUMNS, type NewSessionRow, type SessionRow } from "./session.model.js";
import type { UserRow } from "./user.model.js";

/** last_used_at is written at most this often by the live check (it is a read path). */
const TOUCH_AFTER_MS = 60_000;

const ROW = selectList(SESSION_COLUMNS);

export function hashRefreshToken(token: string): string {
  return crypto.createHash("sha256").update(token, "utf8").digest("hex");
}

export function newRefreshToken(): { token: string; hash: string } {
  const token = crypto.randomBytes(32).toString("base64url");
  return { token, hash: hashRefreshToken(token) };
}

/** What a refresh found. */
export type Rotation =
  | { kind: "rotated"; session: SessionRow; refreshToken: string }
  /** Unknown, expired or of an ended session. */
  | { kind: "invalid" }
  /** Current when this refresh began, spent by a concurrent one that won the row lock. */
  | { kind: "superseded" }
  /** Spent before this refresh began: replayed. `ended` is the session it ended, if it was live. */
  | { kind: "replayed"; ended: SessionRow | null };

export type LiveUser = Pick<UserRow, "id" | "email" | "role" | "is_approved">;

/** Which of a user's live sessions to end. */
export interface SessionFilter {
  ids?: string[];
  /** Keep this one (the caller's own, on a password change). */
  except?: string;
}

export interface SessionLifetimes {
  /** How long a refresh token lives (REFRESH_EXPIRES_IN). */
  refreshSeconds: number;
  /** How long a session lives after its login, whatever its refreshes (SESSION_MAX_AGE). */
  maxAgeSeconds: number;
}

/**
 * The sessions table's reads and writes (and its spent tokens'): the only code of the service
 * that touches them. A request's writes run on the unit of work they are given (a
 * transaction, or autocommit for a login's one statement); reads, the live check's
 * bookkeeping write and the pruning on a timer run on the pool.
 */
export class SessionStore {
  constructor(
    /** Statements on connections of the service's pool, each in autocommit. */
    private readonly pool: SqlClient,
    private readonly lifetimes: SessionLifetimes,
    private readonly onTouchError: (err: unknown) => void,
  ) {}

  /** When a refresh token issued `now` stops: its own lifetime, cut at the session's end. */
  private expiry(now: Date, createdAt: Date): Date {
    return new Date(Math.min(now.getTime() + this.lifetimes.refreshSeconds * 1000, this.endOf(createdAt).getTime()));
  }

  /** The hard end of a session logged in at `createdAt`. */
  private endOf(createdAt: Date): Date {
    return new Date(new Date(createdAt).getTime() + this.lifetimes.maxAgeSeconds * 1000);
  }

  /** A new session for the user (one statement, no event: a login is not audited); answers it and its first refresh token. */
  async open(work: StatementWork, userId: number, client: ClientInfo): Promise<{ session: SessionRow; refreshToken: string }> {
    const { token, hash } = newRefreshToken();
    const now = new Date();
    const row: NewSessionRow = {
      id: crypto.randomUUID(),
      user_id: userId,
      refresh_hash: hash,
      created_at: now,
      expires_at: this.expiry(now, now),
      ip: client.ip ?? null,
      user_agent: client.user_agent ?? null,
    };
    const [session] = await work.sql.rows<SessionRow>(
      `INSERT INTO sessions (id, user_id, refresh_hash, created_at, last_used_at, expires_at, ip, user_agent) VALUES ($1, $2, $3, $4, $4, $5, $6, $7) RETURNING ${ROW}`,
      [row.id, row.user_id, row.refresh_hash, row.created_at, row.expires_at, row.ip, row.user_agent],
    );
    if (!session) throw new Error("sessions: the insert answered no row");
    return { session, refreshToken: token };
  }

  /**
   * Trades a refresh token for the next one, under the session's row lock, in `work`'s
   * transaction. The token is looked up first without the lock: a refresh that found it
   * current and then, holding the lock, finds it replaced lost a race with a concurrent
   * refresh (answered 401, the session lives on); one that finds it already spent is a
   * replay, and ends the session.
   */
  async rotate(work: StatementWork, token: string, client: ClientInfo): Promise<Rotation> {
    const { sql } = work;
    const hash = hashRefreshToken(token);
    const [current] = await sql.rows<Pick<SessionRow, "id">>("SELECT id FROM sessions WHERE refresh_hash = $1", [hash]);
    if (!current) return this.replayed(sql, hash);
    const [session] = await sql.rows<SessionRow>(`SELECT ${ROW} FROM sessions WHERE id = $1 FOR UPDATE`, [current.id]);
    if (!session || session.refresh_hash !== hash) return { kind: "superseded" };
    const now = new Date();
    // Sessions opened before SESSION_MAX_AGE existed, or before it was shortened, end by it too.
    if (session.revoked_at !== null || session.expires_at <= now || this.endOf(session.created_at) <= now) return { kind: "invalid" };
    const next = newRefreshToken();
    await sql.rows("INSERT INTO session_spent_tokens (hash, session_id, generation) VALUES ($1, $2, $3)", [hash, session.id, session.generation]);
    const [rotated] = await sql.rows<SessionRow>(
      `UPDATE sessions SET refresh_hash = $2, generation = generation + 1, last_used_at = $3, expires_at = $4, ip = $5, user_agent = $6 WHERE id = $1 RETURNING ${ROW}`,
      [session.id, next.hash, now, this.expiry(now, session.created_at), client.ip ?? session.ip, client.user_agent ?? session.user_agent],
    );
    if (!rotated) throw new Error("sessions: the locked row was not updated");
    return { kind: "rotated", session: rotated, refreshToken: next.token };
  }

  private async replayed(sql: SqlClient, hash: string): Promise<Rotation> {
    const [spent] = await sql.rows<{ session_id: string }>("SELECT session_id FROM session_spent_tokens WHERE hash = $1", [hash]);
    if (!spent) return { kind: "invalid" };
    const [session] = await sql.rows<Pick<SessionRow, "revoked_at">>("SELECT revoked_at FROM sessions WHERE id = $1 FOR UPDATE", [spent.session_id]);
    if (!session || session.revoked_at !== null) return { kind: "replayed", ended: null };
    const [ended] = await sql.rows<SessionRow>(`UPDATE sessions SET revoked_at = $2, revoked_reason = 'refresh_token_reused' WHERE id = $1 RETURNING ${ROW}`, [spent.session_id, new Date()]);
    return { kind: "replayed", ended: ended ?? null };
  }

  /**
   * The user of a live session (the gateway's check of every token), or null: a hot read,
   * one statement (every uncached request makes it); the row goes to the caller as is, which
   * maps it (user-view.ts's toAuthUser).
   */
  async liveUser(userId: number, sessionId: string): Promise<LiveUser | null> {
    const now = new Date();
    const [row] = await this.pool.rows<LiveUser & { last_used_at: Date }>(
      `SELECT u.id, u.email, u.role, u.is_approved, s.last_used_at
         FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.id = $1 AND s.user_id = $2 AND s.revoked_at IS NULL AND s.expires_at > $3 AND s.created_at > $4`,
      [sessionId, userId, now, new Date(now.getTime() - this.lifetimes.maxAgeSeconds * 1000)],
    );
    if (!row) return null;
    if (now.getTime() - row.last_used_at.getTime() > TOUCH_AFTER_MS) {
      // Not awaited: the request does not wait for a bookkeeping write.
      this.pool.rows("UPDATE sessions SET last_used_at = $2 WHERE id = $1", [sessionId, now]).catch(this.onTouchError);
    }
    return row;
  }

  /** The user's live sessions, the most recently used first. */
  listLive(userId: number): Promise<SessionRow[]> {
    return this.pool.rows<SessionRow>(`SELECT ${ROW} FROM sessions WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2 ORDER BY last_used_at DESC, created_at DESC`, [userId, new Date()]);
  }

  /** Ends the user's live sessions that match, in `work`'s transaction; answers the ids ended. */
  async revoke(work: StatementWork, userId: number, filter: SessionFilter, reason: SessionEndReason): Promise<string[]> {
    const now = new Date();
    const values: unknown[] = [userId, now, reason];
    const only = filter.ids ? ` AND id = ANY($${values.push(filter.ids)}::uuid[])` : "";
    const except = filter.except ? ` AND id <> $${values.push(filter.except)}::uuid` : "";
    const rows = await work.sql.rows<Pick<SessionRow, "id">>(
      `UPDATE sessions SET revoked_at = $2, revoked_reason = $3 WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2${only}${except} RETURNING id`,
      values,
    );
    return rows.map((r) => r.id);
  }

  /** Forgets sessions that ended (or expired) long ago, with their spent tokens. */
  async prune(keepSeconds: number): Promise<void> {
    await this.pool.rows("DELETE FROM sessions WHERE COALESCE(revoked_at, expires_at) < now() - make_interval(secs => $1)", [keepSeconds]);
  }
}
