/**
 * The console's cookie session (/admin/session on the gateway). The access token lives in
 * an HttpOnly cookie the page cannot read; what the page keeps, in memory only, is the
 * session's CSRF token, sent as X-CSRF-Token on every write. Errors are the SDK's.
 */
import type { ConsoleSession } from "../../../sdk/contracts.js";
import { AuthenticationError, ConnectionError, LoanApiError, type LoginRequest } from "../../../sdk/index.js";
import { forgetSignedIn, maySignedIn, rememberSignedIn } from "./session-hint.js";

const SESSION_PATH = "/admin/session";
const REFRESH_PATH = "/admin/session/refresh";

async function sessionCall(method: "GET" | "POST" | "DELETE", init: { body?: unknown; csrfToken?: string; path?: string } = {}): Promise<ConsoleSession | undefined> {
  const path = init.path ?? SESSION_PATH;
  const headers: Record<string, string> = { accept: "application/json" };
  if (init.body !== undefined) headers["content-type"] = "application/json";
  if (init.csrfToken) headers["x-csrf-token"] = init.csrfToken;
  let response: Response;
  let text: string;
  try {
    response = await fetch(path, { method, headers, credentials: "same-origin", body: init.body === undefined ? undefined : JSON.stringify(init.body) });
    text = await response.text();
  } catch (error) {
    throw new ConnectionError("Cannot reach the loanstack server: check your connection and try again", { method, path, cause: error });
  }
  let body: unknown = text || undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON (a proxy's error page): the error carries the text
  }
  if (!response.ok) throw LoanApiError.fromResponse(response.status, body, { headers: response.headers, method, path });
  return body as ConsoleSession | undefined;
}

export async function signIn(credentials: LoginRequest): Promise<ConsoleSession> {
  const session = (await sessionCall("POST", { body: credentials }))!;
  rememberSignedIn();
  return session;
}

/** A new access cookie from the refresh cookie (HttpOnly, sent to /admin/session only): the session with its new CSRF token. */
export async function refreshSession(): Promise<ConsoleSession> {
  try {
    const session = (await sessionCall("POST", { path: REFRESH_PATH }))!;
    rememberSignedIn();
    return session;
  } catch (error) {
    if (error instanceof AuthenticationError) forgetSignedIn();
    throw error;
  }
}

/**
 * The session of the cookies the browser holds, or null when there is none (or it ended).
 * An access cookie that expired is renewed from the refresh cookie, so a reload stays signed in.
 * A browser that never signed in here (or signed out) is not asked about: no request, no 401.
 */
export async function currentSession(): Promise<ConsoleSession | null> {
  if (!maySignedIn()) return null;
  try {
    return (await sessionCall("GET")) ?? null;
  } catch (error) {
    if (!(error instanceof AuthenticationError)) throw error;
  }
  try {
    return await refreshSession();
  } catch (error) {
    if (error instanceof AuthenticationError) return null;
    throw error;
  }
}

export async function signOut(csrfToken: string): Promise<void> {
  await sessionCall("DELETE", { csrfToken });
  forgetSignedIn();
}
