/**
 * The users service's sessions: refresh, logout, the caller's list of sessions, ending one
 * of them, an admin ending all of a user's. A mixin of users.service.ts, which opens the
 * sessions at login and ends them on a password change or a deletion through `endSessionsIn`.
 *
 * Every end of a session is a row changing in the users database, recorded in the audit log
 * (`session.revoked` through the outbox), and the cached `users.resolve` answers for that
 * user are dropped on every users instance, so the session's tokens stop working at once on
 * every gateway.
 */
import type { Service } from "moleculer";
import type { ActionParams, ActionResult, ClientInfo, SessionEndReason, SessionInfo, TokenPair, User } from "../../sdk/contracts.js";
import type { AppConfig } from "../shared/config.js";
import { callerOf, type AppContext } from "../shared/context.js";
import type { DbServiceThis } from "../shared/db.js";
import { NotFoundError, UnauthorizedError } from "../shared/errors.js";
import { idParam } from "../shared/params.js";
import { NO_RETRY, defineMixin } from "../shared/schema.js";
import type { TokenService } from "../shared/tokens.js";
import type { Work } from "../shared/unit-of-work.js";
import type { SessionRow } from "./session.model.js";
import type { SessionFilter } from "./session-store.js";
import type { UsersRepository } from "./repository.js";
import type { UserModel } from "./user.model.js";
import { toUser } from "./user-view.js";

/** Broadcast to every users instance: drop the cached `resolve` answers of this user. */
export const SESSIONS_CACHE_EVENT = "cache.clean.users.sessions";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface SessionsVars {
  config: AppConfig;
  tokens: TokenService;
  repo: UsersRepository;
  endSessionsIn(work: Work, actorId: number | null, userId: number, filter: SessionFilter, reason: SessionEndReason): Promise<string[]>;
  endSessions(ctx: AppContext, userId: number, filter: SessionFilter, reason: SessionEndReason): Promise<string[]>;
  forgetSessions(userId: number): Promise<void>;
  tokenAnswer(ctx: AppContext, user: User, session: Pick<SessionRow, "id" | "expires_at">, refreshToken: string): TokenPair;
}
type SessionsThis = Service & SessionsVars & DbServiceThis<UserModel>;

export function clientOf(ctx: AppContext): ClientInfo {
  return ctx.meta.client ?? {};
}

function toSessionInfo(row: SessionRow, currentId: string | undefined): SessionInfo {
  return {
    id: row.id,
    created_at: new Date(row.created_at).toISOString(),
    last_used_at: new Date(row.last_used_at).toISOString(),
    user_agent: row.user_agent,
    ip: row.ip,
    current: row.id === currentId,
  };
}

const INVALID_REFRESH = "The refresh token is invalid, expired or already used: log in again";

export const sessionsMixin = defineMixin<SessionsVars & DbServiceThis<UserModel>>({
  actions: {
    refresh: {
      access: "public",
      // A repeated refresh would present a spent token, and end the session.
      retryPolicy: NO_RETRY,
      params: { refresh_token: { type: "string", max: 4096 } },
      async handler(this: SessionsThis, ctx: AppContext<ActionParams<"users.refresh">>): Promise<ActionResult<"users.refresh">> {
        const outcome = await this.unitOfWork.run(ctx, async (work) => {
          const rotation = await this.repo.sessions.rotate(work, ctx.params.refresh_token, clientOf(ctx));
          if (rotation.kind === "replayed" && rotation.ended) {
            const { id, user_id } = rotation.ended;
            work.publish("session.revoked", { actor_id: null, user_id, session_ids: [id], reason: "refresh_token_reused" });
          }
          if (rotation.kind !== "rotated") return { rotation, user: null };
          const user = await this.repo.users.byId(rotation.session.user_id, work);
          return { rotation, user: user ? toUser(user) : null };
        });
        const { rotation, user } = outcome;
        if (rotation.kind === "replayed") {
          if (rotation.ended) await this.forgetSessions(rotation.ended.user_id);
          throw new UnauthorizedError("This refresh token was already used: its session is ended for safety; log in again", "REFRESH_TOKEN_REUSED");
        }
        if (rotation.kind !== "rotated" || !user) throw new UnauthorizedError(INVALID_REFRESH, "REFRESH_TOKEN_INVALID");
        return this.tokenAnswer(ctx, user, rotation.session, rotation.refreshToken);
      },
    },

    logout: {
      access: "signed-in",
      retryPolicy: NO_RETRY,
      async handler(this: SessionsThis, ctx: AppContext): Promise<null> {
        const sid = ctx.meta.sessionId;
        if (sid) await this.endSessions(ctx, callerOf(ctx).id, { ids: [sid] }, "logout");
        ctx.meta.$statusCode = 204;
        return null;
      },
    },

    listSessions: {
      access: "signed-in",
      async handler(this: SessionsThis, ctx: AppContext): Promise<ActionResult<"users.listSessions">> {
        const rows = await this.repo.sessions.listLive(callerOf(ctx).id);
        return { rows: rows.map((r) => toSessionInfo(r, ctx.meta.sessionId)) };
      },
    },

    endSession: {
      access: "signed-in",
      retryPolicy: NO_RETRY,
      params: { id: { type: "string", max: 64 } },
      async handler(this: SessionsThis, ctx: AppContext<ActionParams<"users.endSession">>): Promise<null> {
        const { id } = ctx.params;
        // Another user's session is "not found" too: the answer does not confirm it exists.
        const ended = UUID.test(id) ? await this.endSessions(ctx, callerOf(ctx).id, { ids: [id.toLowerCase()] }, id === ctx.meta.sessionId ? "logout" : "ended") : [];
        if (ended.length === 0) throw new NotFoundError("session", id);
        ctx.meta.$statusCode = 204;
        return null;
      },
    },

    endSessionsOf: {
      access: ["admin"],
      retryPolicy: NO_RETRY,
      params: { user_id: idParam },
      async handler(this: SessionsThis, ctx: AppContext<ActionParams<"users.endSessionsOf">>): Promise<null> {
        const { user_id } = ctx.params;
        if (!(await this.repo.users.exists(user_id))) throw new NotFoundError("user", user_id);
        await this.endSessions(ctx, user_id, {}, "ended_by_admin");
        ctx.meta.$statusCode = 204;
        return null;
      },
    },
  },

  events: {
    [SESSIONS_CACHE_EVENT](this: SessionsThis, ctx: AppContext<{ user_id: number }>) {
      return this.broker.cacher?.clean(`users.resolve:${ctx.params.user_id}|*`);
    },
  },

  methods: {
    /** Ends sessions inside the caller's unit of work; publishes `session.revoked` when any ended. */
    async endSessionsIn(this: SessionsThis, work: Work, actorId: number | null, userId: number, filter: SessionFilter, reason: SessionEndReason): Promise<string[]> {
      const ended = await this.repo.sessions.revoke(work, userId, filter, reason);
      if (ended.length > 0) work.publish("session.revoked", { actor_id: actorId, user_id: userId, session_ids: ended, reason });
      return ended;
    },

    async endSessions(this: SessionsThis, ctx: AppContext, userId: number, filter: SessionFilter, reason: SessionEndReason): Promise<string[]> {
      const actorId = ctx.meta.user?.id ?? null;
      const ended = await this.unitOfWork.run(ctx, (work) => this.endSessionsIn(work, actorId, userId, filter, reason));
      if (ended.length > 0) await this.forgetSessions(userId);
      return ended;
    },

    /** Drops the user's cached `resolve` answers here, then on every other users instance. */
    async forgetSessions(this: SessionsThis, userId: number): Promise<void> {
      await this.broker.cacher?.clean(`users.resolve:${userId}|*`);
      await this.broker.broadcast(SESSIONS_CACHE_EVENT, { user_id: userId });
    },

    /**
     * The answer of a login or a refresh: a new pair, never stored by a cache on the way. The
     * refresh token lives until the session's `expires_at` (its full time, unless the session's
     * SESSION_MAX_AGE ends sooner), and the access token never past it.
     */
    tokenAnswer(this: SessionsThis, ctx: AppContext, user: User, session: Pick<SessionRow, "id" | "expires_at">, refreshToken: string): TokenPair {
      // Rounded up: a pair issued a few milliseconds after its session opened still tells its full time.
      const refreshExpiresIn = Math.max(0, Math.min(this.config.refreshExpiresIn, Math.ceil((new Date(session.expires_at).getTime() - Date.now()) / 1000)));
      const { token, expiresIn } = this.tokens.issue(user, session.id, refreshExpiresIn);
      ctx.meta.$responseHeaders = { ...ctx.meta.$responseHeaders, "Cache-Control": "no-store", Pragma: "no-cache" };
      return { token, token_type: "Bearer", expires_in: expiresIn, refresh_token: refreshToken, refresh_expires_in: refreshExpiresIn, user };
    },
  },
});
