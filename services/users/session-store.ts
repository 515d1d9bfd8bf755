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
import { Op, QueryTypes, type ModelStatic, type Sequelize, type Transaction } from "sequelize";
import type { ClientInfo, SessionEndReason } from "../../sdk/contracts.js";
import type { SessionModel, SessionRow } from "./session.model.js";
import type { UserRow } from "./user.model.js";
import { selectRows } from "../shared/sql.js";

/** last_used_at is written at most this often by the live check (it is a read path). */
const TOUCH_AFTER_MS = 60_000;

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

export class SessionStore {
  constructor(
    private readonly db: Sequelize,
    private readonly model: ModelStatic<SessionModel>,
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

  /** A new session for the user; answers it and its first refresh token. */
  async open(userId: number, client: ClientInfo): Promise<{ session: SessionRow; refreshToken: string }> {
    const { token, hash } = newRefreshToken();
    const now = new Date();
    const row = await this.model.create({
      id: crypto.randomUUID(),
      user_id: userId,
      refresh_hash: hash,
      created_at: now,
      expires_at: this.expiry(now, now),
      ip: client.ip ?? null,
      user_agent: client.user_agent ?? null,
    });
    return { session: row.get({ plain: true }), refreshToken: token };
  }

  /**
   * Trades a refresh token for the next one, under the session's row lock. The token is
   * looked up first without the lock: a refresh that found it current and then, holding the
   * lock, finds it replaced lost a race with a concurrent refresh (answered 401, the session
   * lives on); one that finds it already spent is a replay, and ends the session.
   */
  async rotate(token: string, client: ClientInfo, t: Transaction): Promise<Rotation> {
    const hash = hashRefreshToken(token);
    const current = await this.model.findOne({ where: { refresh_hash: hash }, attributes: ["id"], transaction: t });
    if (!current) return this.replayed(hash, t);
    const locked = await this.model.findByPk(current.get({ plain: true }).id, { lock: t.LOCK.UPDATE, transaction: t });
    const session = locked?.get({ plain: true });
    if (!locked || !session || session.refresh_hash !== hash) return { kind: "superseded" };
    const now = new Date();
    // Sessions opened before SESSION_MAX_AGE existed, or before it was shortened, end by it too.
    if (session.revoked_at !== null || session.expires_at <= now || this.endOf(session.created_at) <= now) return { kind: "invalid" };
    const next = newRefreshToken();
    await this.db.query("INSERT INTO session_spent_tokens (hash, session_id, generation) VALUES ($1, $2, $3)", {
      bind: [hash, session.id, session.generation],
      transaction: t,
    });
    await locked.update(
      {
        refresh_hash: next.hash,
        generation: session.generation + 1,
        last_used_at: now,
        expires_at: this.expiry(now, session.created_at),
        ip: client.ip ?? session.ip,
        user_agent: client.user_agent ?? session.user_agent,
      },
      { transaction: t },
    );
    return { kind: "rotated", session: locked.get({ plain: true }), refreshToken: next.token };
  }

  private async replayed(hash: string, t: Transaction): Promise<Rotation> {
    const [spent] = await this.db.query<{ session_id: string }>("SELECT session_id FROM session_spent_tokens WHERE hash = $1", {
      bind: [hash],
      type: QueryTypes.SELECT,
      transaction: t,
    });
    if (!spent) return { kind: "invalid" };
    const session = await this.model.findByPk(spent.session_id, { lock: t.LOCK.UPDATE, transaction: t });
    if (!session || session.get({ plain: true }).revoked_at !== null) return { kind: "replayed", ended: null };
    await session.update({ revoked_at: new Date(), revoked_reason: "refresh_token_reused" }, { transaction: t });
    return { kind: "replayed", ended: session.get({ plain: true }) };
  }

  /**
   * The user of a live session (the gateway's check of every token), or null. Plain SQL on a
   * pooled connection (a hot read: every uncached request makes it); the row goes to the
   * caller as is, which maps it (user-view.ts's toAuthUser).
   */
  async liveUser(userId: number, sessionId: string): Promise<LiveUser | null> {
    const now = new Date();
    const [row] = await selectRows<LiveUser & { last_used_at: Date }>(
      this.db,
      `SELECT u.id, u.email, u.role, u.is_approved, s.last_used_at
         FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.id = $1 AND s.user_id = $2 AND s.revoked_at IS NULL AND s.expires_at > $3 AND s.created_at > $4`,
      [sessionId, userId, now, new Date(now.getTime() - this.lifetimes.maxAgeSeconds * 1000)],
    );
    if (!row) return null;
    if (now.getTime() - row.last_used_at.getTime() > TOUCH_AFTER_MS) {
      // Not awaited: the request does not wait for a bookkeeping write.
      this.model.update({ last_used_at: now }, { where: { id: sessionId } }).catch(this.onTouchError);
    }
    return row;
  }

  /** The user's live sessions, the most recently used first. */
  async listLive(userId: number): Promise<SessionRow[]> {
    const rows = await this.model.findAll({
      where: { user_id: userId, revoked_at: null, expires_at: { [Op.gt]: new Date() } },
      order: [["last_used_at", "DESC"], ["created_at", "DESC"]],
    });
    return rows.map((r) => r.get({ plain: true }));
  }

  /** Ends the user's live sessions that match; answers the ids ended. */
  async revoke(userId: number, filter: SessionFilter, reason: SessionEndReason, t: Transaction): Promise<string[]> {
    const ids: Record<symbol, unknown> = {};
    if (filter.ids) ids[Op.in] = filter.ids;
    if (filter.except) ids[Op.ne] = filter.except;
    const [, rows] = await this.model.update(
      { revoked_at: new Date(), revoked_reason: reason },
      {
        where: { user_id: userId, revoked_at: null, expires_at: { [Op.gt]: new Date() }, ...(filter.ids || filter.except ? { id: ids } : {}) },
        returning: true,
        transaction: t,
      },
    );
    return rows.map((r) => r.get({ plain: true }).id);
  }

  /** Forgets sessions that ended (or expired) long ago, with their spent tokens. */
  async prune(keepSeconds: number): Promise<void> {
    await this.db.query("DELETE FROM sessions WHERE COALESCE(revoked_at, expires_at) < now() - make_interval(secs => $1)", { bind: [keepSeconds] });
  }
}
