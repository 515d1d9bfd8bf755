/**
 * The console's session cookie and its CSRF defence.
 *
 * The cookie holds the access token (HttpOnly, so no script can read it; SameSite=Strict;
 * Secure over HTTPS). A browser sends it on its own, so a page of another origin on the same
 * site (another port of the same host counts: SameSite ignores ports) could make the browser
 * send a request with it. Every state-changing request that is authenticated by the cookie
 * must therefore carry `X-CSRF-Token`: an HMAC of that very cookie's token under a key derived
 * from the JWT secret. It is bound to the session (a token of another session does not fit),
 * needs no server state, and a page of another origin can neither read it nor set the header
 * on a cross-origin request without a CORS preflight the gateway does not grant.
 * A request with an Authorization header is not a cookie request: the header wins, as only a
 * script of the caller's own can set it.
 */
import crypto from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { TLSSocket } from "node:tls";
import { parse, serialize } from "cookie";
import jwt from "jsonwebtoken";
import type { Timestamp } from "../../sdk/contracts.js";
import { ForbiddenError } from "../shared/errors.js";

export const SESSION_COOKIE = "loanstack_session";
export const CSRF_HEADER = "x-csrf-token";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Over TLS, or behind a proxy that says so (forging the header only makes one's own cookie Secure). */
export function isSecureRequest(req: IncomingMessage): boolean {
  if ((req.socket as TLSSocket).encrypted) return true;
  const proto = req.headers["x-forwarded-proto"];
  const first = (Array.isArray(proto) ? proto[0] : proto)?.split(",")[0]?.trim().toLowerCase();
  return first === "https";
}

/** The Set-Cookie value carrying a session's access token for `maxAge` seconds. */
export function sessionCookie(token: string, maxAge: number, secure: boolean): string {
  return serialize(SESSION_COOKIE, token, { httpOnly: true, sameSite: "strict", secure, path: "/", maxAge });
}

/** The Set-Cookie value that makes the browser forget the session. */
export function clearedSessionCookie(secure: boolean): string {
  return serialize(SESSION_COOKIE, "", { httpOnly: true, sameSite: "strict", secure, path: "/", maxAge: 0, expires: new Date(0) });
}

/** The access token in the request's session cookie, if any. */
export function sessionTokenOf(req: IncomingMessage): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  return parse(header)[SESSION_COOKIE] || undefined;
}

/** When a token expires, read from its own claims (it was verified before it got here). */
export function expiryOf(token: string): Timestamp | undefined {
  const claims = jwt.decode(token);
  return claims && typeof claims === "object" && typeof claims.exp === "number" ? new Date(claims.exp * 1000).toISOString() : undefined;
}

/** The session (`sid` claim) of a token issued by users.login, as the gateway reads it. */
export function sessionIdOf(token: string): string | undefined {
  const claims = jwt.decode(token);
  return claims && typeof claims === "object" && typeof claims.sid === "string" ? claims.sid : undefined;
}

// ---- the refresh cookie: the session's refresh token, sent to /admin/session only ----

export const REFRESH_COOKIE = "loanstack_refresh";
/** Only the session routes see it (sign-in, refresh, sign-out): no API call carries it. */
export const REFRESH_COOKIE_PATH = "/admin/session";

export function refreshCookie(refreshToken: string, maxAge: number, secure: boolean): string {
  return serialize(REFRESH_COOKIE, refreshToken, { httpOnly: true, sameSite: "strict", secure, path: REFRESH_COOKIE_PATH, maxAge });
}

export function clearedRefreshCookie(secure: boolean): string {
  return serialize(REFRESH_COOKIE, "", { httpOnly: true, sameSite: "strict", secure, path: REFRESH_COOKIE_PATH, maxAge: 0, expires: new Date(0) });
}

export function refreshTokenOf(req: IncomingMessage): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  return parse(header)[REFRESH_COOKIE] || undefined;
}

// ---- the device cookie: the login's device token, sent back on the console's next sign-in ----

/**
 * Names the browser as a device of the account (OWASP's device cookie), not a session: it
 * outlives sign-outs, so that someone guessing at the email cannot keep this browser out.
 * Only the sign-in route receives it.
 */
export const DEVICE_COOKIE = "loanstack_device";
/** 400 days, the longest a browser keeps a cookie. */
const DEVICE_COOKIE_MAX_AGE = 400 * 24 * 3600;

export function deviceCookie(deviceToken: string, secure: boolean): string {
  return serialize(DEVICE_COOKIE, deviceToken, { httpOnly: true, sameSite: "strict", secure, path: REFRESH_COOKIE_PATH, maxAge: DEVICE_COOKIE_MAX_AGE });
}

/** The request's device cookie; one longer than any device token is ignored (it would make every sign-in a 422). */
export function deviceTokenOf(req: IncomingMessage): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  const value = parse(header)[DEVICE_COOKIE];
  return value && value.length <= 512 ? value : undefined;
}

/**
 * Whether a request was sent by a page of the gateway's own origin. The refresh has no CSRF
 * token to check (the page that holds it may have been reloaded meanwhile, and the token is
 * bound to the access token that expired), so it asks for what browsers send on every
 * cross-origin and same-origin POST: an Origin header, here naming the request's own host.
 * A page on another port of the same site (which SameSite lets send the cookie) has another.
 */
export function isSameOriginRequest(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  const forwarded = req.headers["x-forwarded-host"];
  const host = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(",")[0]?.trim() || req.headers.host;
  if (!origin || !host || origin === "null") return false;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

export class CookieSession {
  private readonly key: Buffer;

  /** `secret` signs the JWTs; the CSRF key is derived from it, never the secret itself. */
  constructor(secret: string) {
    this.key = crypto.createHmac("sha256", secret).update("loanstack console csrf v1").digest();
  }

  /** The CSRF token that goes with a session's access token. */
  csrfTokenFor(accessToken: string): string {
    return crypto.createHmac("sha256", this.key).update(accessToken).digest("base64url");
  }

  csrfTokenFits(accessToken: string, presented: string): boolean {
    const expected = Buffer.from(this.csrfTokenFor(accessToken));
    const given = Buffer.from(presented);
    return given.length === expected.length && crypto.timingSafeEqual(given, expected);
  }

  /**
   * For the gateway's authenticate hook, when the request has no Authorization header:
   * `Bearer <token>` from the session cookie, or undefined without one. A state-changing
   * request must carry the session's CSRF token, else 403.
   */
  authorizationOf(req: IncomingMessage): string | undefined {
    const token = sessionTokenOf(req);
    if (!token) return undefined;
    if (!SAFE_METHODS.has(req.method ?? "GET")) {
      const presented = req.headers[CSRF_HEADER];
      if (typeof presented !== "string" || !this.csrfTokenFits(token, presented)) {
        throw new ForbiddenError("This request came with the console's session cookie but without its CSRF token (X-CSRF-Token)", "CSRF_TOKEN_INVALID");
      }
    }
    return `Bearer ${token}`;
  }
}
