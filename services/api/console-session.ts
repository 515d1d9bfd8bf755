/**
 * The console's session routes, a mixin of the gateway:
 *   POST   /admin/session  { email, password } → signs in through users.login, sets the cookie
 *   GET    /admin/session  → who is signed in (by the cookie), with the session's CSRF token
 *   POST   /admin/session/refresh → a new access cookie from the refresh cookie (users.refresh)
 *   DELETE /admin/session  → signs out: the server session ends (users.logout), the cookies are cleared
 * Each answers a ConsoleSession (see sdk/contracts.ts); the tokens never leave their cookies:
 * the access token in `loanstack_session` (Path=/), the refresh token in `loanstack_refresh`
 * (Path=/admin/session, so only these routes ever receive it). A sign-in also sets the login's
 * device token in `loanstack_device` (same path, kept across sign-outs) and sends it back on
 * the next one: a browser that signed in before is not locked out by others' guesses.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Service } from "moleculer";
import type { AuthUser, ConsoleSession, ContextMeta, LoginRequest, LoginResponse, LoanRateBand, TokenPair, User } from "../../sdk/contracts.js";
import type { AppConfig } from "../shared/config.js";
import { configOf } from "../shared/deps.js";
import { ForbiddenError, UnauthorizedError } from "../shared/errors.js";
import type { AppContext } from "../shared/context.js";
import { defineService } from "../shared/schema.js";
import { resolveJwtSecret } from "../shared/secret.js";
import { authRateLimit } from "./auth-rate-limit.js";
import { takeClientInfo } from "./client-info.js";
import {
  CookieSession,
  clearedRefreshCookie,
  clearedSessionCookie,
  deviceCookie,
  deviceTokenOf,
  expiryOf,
  isSameOriginRequest,
  isSecureRequest,
  refreshCookie,
  refreshTokenOf,
  sessionCookie,
  sessionIdOf,
  sessionTokenOf,
} from "./cookie-session.js";

/** What the console's routes learn of the HTTP request; no token goes into ctx.meta. */
export interface ConsoleRequestMeta {
  secure: boolean;
  /** The CSRF token of the request's session cookie, when it has one. */
  csrfToken?: string;
  expiresAt?: string;
  /** The server session of the request's session cookie. */
  sessionId?: string;
}

type ConsoleMeta = ContextMeta & { console?: ConsoleRequestMeta };
type ConsoleContext<P = unknown> = AppContext<P> & { meta: ConsoleMeta };

export interface ConsoleVars {
  cookieSession: CookieSession;
  consoleRateTable: LoanRateBand[];
  consoleAnswer(user: User, csrfToken: string, expiresAt: string | undefined): ConsoleSession;
  consoleSignedIn(ctx: ConsoleContext, login: TokenPair, deviceToken?: string): ConsoleSession;
  consoleEndByRefresh(ctx: ConsoleContext, req: IncomingMessage): Promise<void>;
}
/** The gateway's own authenticate hook (api.service.ts), which this mixin reuses. */
export interface GatewayAuth {
  authenticate(ctx: AppContext, route: unknown, req: IncomingMessage): Promise<AuthUser | null>;
}
type ConsoleThis = Service & ConsoleVars & GatewayAuth;

/** Staff only: customers have the REST API and their own apps, not the back office. */
const STAFF = new Set(["admin", "agent"]);

/** ctx.meta.console for the session routes (this: the gateway service). */
function describeRequest(this: ConsoleThis, ctx: ConsoleContext, route: unknown, req: IncomingMessage): void {
  // The address and client a sign-in's session is listed with (GET /api/v1/user/sessions).
  takeClientInfo(ctx, route, req);
  const token = sessionTokenOf(req);
  ctx.meta.console = { secure: isSecureRequest(req), ...(token && { csrfToken: this.cookieSession.csrfTokenFor(token), expiresAt: expiryOf(token), sessionId: sessionIdOf(token) }) };
}

/** The gateway routes of the session; sign-in is rate limited like the API's login. */
export function consoleSessionRoutes(config: AppConfig) {
  return [
    {
      name: "console-sign-in",
      path: "/admin/session",
      documented: false, // the console's own door, not the public API of /api/v1/openapi.json
      mappingPolicy: "restrict",
      // Sign-in and refresh read their cookies from the request itself ($req): the device and
      // refresh tokens never go into ctx.meta, which travels with every call the action makes.
      aliases: { "POST /": { action: "api.consoleSignIn", passReqResToParams: true }, "POST /refresh": { action: "api.consoleRefresh", passReqResToParams: true } },
      bodyParsers: { json: { strict: true, limit: config.bodyLimit } },
      onBeforeCall: describeRequest,
      rateLimit: authRateLimit(config),
    },
    {
      name: "console-session",
      path: "/admin/session",
      documented: false,
      mappingPolicy: "restrict",
      aliases: { "GET /": "api.consoleSession", "DELETE /": { action: "api.consoleSignOut", passReqResToParams: true } },
      bodyParsers: false,
      onBeforeCall: describeRequest,
      // The gateway's own authenticate (cookie, CSRF check on DELETE), but an expired or
      // unknown cookie is no reason to refuse a sign-out.
      authentication: "consoleAuthenticate",
      authorization: true,
    },
  ];
}

function requestMeta(ctx: ConsoleContext): ConsoleRequestMeta {
  return ctx.meta.console ?? { secure: false };
}

export const ConsoleSessionMixin = defineService<ConsoleVars & GatewayAuth>({
  name: "api",

  actions: {
    consoleSignIn: {
      access: "public",
      params: { email: { type: "string", max: 254 }, password: { type: "string", max: 200 } },
      async handler(this: ConsoleThis, ctx: ConsoleContext<LoginRequest & { $req: IncomingMessage }>): Promise<ConsoleSession> {
        const request: LoginRequest = { email: ctx.params.email, password: ctx.params.password, device_token: deviceTokenOf(ctx.params.$req) };
        const login: LoginResponse = await ctx.call("users.login", request);
        if (!STAFF.has(login.user.role)) {
          // users.login opened a session that nobody will hold: it ends at once.
          const { id, email, role, is_approved } = login.user;
          await ctx.call("users.logout", {}, { meta: { user: { id, email, role, is_approved }, sessionId: sessionIdOf(login.token) } });
          throw new ForbiddenError("The console is for staff: sign in as an admin or an agent", "CONSOLE_STAFF_ONLY");
        }
        return this.consoleSignedIn(ctx, login, login.device_token);
      },
    },

    consoleRefresh: {
      access: "public",
      async handler(this: ConsoleThis, ctx: ConsoleContext<{ $req: IncomingMessage; $res: ServerResponse }>): Promise<ConsoleSession> {
        const req = ctx.params.$req;
        const { secure } = requestMeta(ctx);
        if (!isSameOriginRequest(req)) throw new ForbiddenError("A session refresh must come from the console's own page", "CONSOLE_ORIGIN_REFUSED");
        const refreshToken = refreshTokenOf(req);
        try {
          if (!refreshToken) throw new UnauthorizedError("No console session to refresh: sign in at /admin");
          return this.consoleSignedIn(ctx, await ctx.call("users.refresh", { refresh_token: refreshToken }));
        } catch (err) {
          // Spent, expired or revoked (or the session ended): the browser forgets both cookies.
          // On the response itself: the gateway's onError writes no $responseHeaders.
          if (err instanceof UnauthorizedError || (err as { code?: number }).code === 401) {
            ctx.params.$res.setHeader("Set-Cookie", [clearedSessionCookie(secure), clearedRefreshCookie(secure)]);
            ctx.params.$res.setHeader("Cache-Control", "no-store");
          }
          throw err;
        }
      },
    },

    consoleSession: {
      access: "signed-in",
      async handler(this: ConsoleThis, ctx: ConsoleContext): Promise<ConsoleSession> {
        const { csrfToken, expiresAt } = requestMeta(ctx);
        // Signed in by an Authorization header rather than the cookie: no console session.
        if (!csrfToken) throw new UnauthorizedError("No console session: sign in at /admin");
        const user: User = await ctx.call("users.profile", {});
        ctx.meta.$responseHeaders = { "Cache-Control": "no-store" };
        return this.consoleAnswer(user, csrfToken, expiresAt);
      },
    },

    consoleSignOut: {
      access: "public",
      async handler(this: ConsoleThis, ctx: ConsoleContext<{ $req: IncomingMessage }>): Promise<null> {
        // A live cookie (its CSRF token checked): its server session ends, so the old cookie
        // value stops working at once on every gateway, not only in this browser. Only the
        // cookie's own: a bearer token sent along is not the console's to end.
        const { sessionId, secure } = requestMeta(ctx);
        if (ctx.meta.user && sessionId && ctx.meta.sessionId === sessionId) await ctx.call("users.logout", {});
        else await this.consoleEndByRefresh(ctx, ctx.params.$req);
        ctx.meta.$responseHeaders = { "Set-Cookie": [clearedSessionCookie(secure), clearedRefreshCookie(secure)], "Cache-Control": "no-store" };
        ctx.meta.$statusCode = 204;
        return null;
      },
    },
  },

  methods: {
    /** Both cookies set for a new pair (sign-in, refresh), the device's at sign-in; the answer carries the new CSRF token. */
    consoleSignedIn(this: ConsoleThis, ctx: ConsoleContext, login: TokenPair, deviceToken?: string): ConsoleSession {
      const { secure } = requestMeta(ctx);
      const cookies = [sessionCookie(login.token, login.expires_in, secure), refreshCookie(login.refresh_token, login.refresh_expires_in, secure)];
      if (deviceToken) cookies.push(deviceCookie(deviceToken, secure));
      ctx.meta.$responseHeaders = { "Set-Cookie": cookies, "Cache-Control": "no-store" };
      return this.consoleAnswer(login.user, this.cookieSession.csrfTokenFor(login.token), expiryOf(login.token));
    },

    /**
     * Sign-out once the access cookie has expired: the refresh cookie still opens the server
     * session, which must end too (a refresh token left alive would outlive the sign-out).
     * Same-origin only, as the refresh; a refresh token that no longer works has nothing to end.
     */
    async consoleEndByRefresh(this: ConsoleThis, ctx: ConsoleContext, req: IncomingMessage): Promise<void> {
      const refreshToken = refreshTokenOf(req);
      if (!refreshToken || !isSameOriginRequest(req)) return;
      let login: TokenPair;
      try {
        login = await ctx.call("users.refresh", { refresh_token: refreshToken });
      } catch {
        return;
      }
      const { id, email, role, is_approved } = login.user;
      await ctx.call("users.logout", {}, { meta: { user: { id, email, role, is_approved }, sessionId: sessionIdOf(login.token) } });
    },

    /** authenticate, where a cookie that no longer works counts as none (the CSRF 403 stays). */
    async consoleAuthenticate(this: ConsoleThis, ctx: AppContext, route: unknown, req: IncomingMessage): Promise<AuthUser | null> {
      try {
        return await this.authenticate(ctx, route, req);
      } catch (err) {
        if (err instanceof UnauthorizedError) return null;
        throw err;
      }
    },

    consoleAnswer(this: ConsoleThis, user: User, csrfToken: string, expiresAt: string | undefined): ConsoleSession {
      return { user, csrf_token: csrfToken, expires_at: expiresAt ?? null, rate_table: this.consoleRateTable };
    },
  },

  created(this: ConsoleThis) {
    const config = configOf(this);
    this.cookieSession = new CookieSession(resolveJwtSecret(config));
    this.consoleRateTable = config.rateTable.map((band) => ({ up_to: band.upTo, rate: band.rate }));
  },
});
