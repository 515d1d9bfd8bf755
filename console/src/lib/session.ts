/**
 * The console's cookie session (/admin/session on the gateway). The access token lives in
 * an HttpOnly cookie the page cannot read; what the page keeps, in memory only, is the
 * session's CSRF token, sent as X-CSRF-Token on every write. Errors are the SDK's.
 */
import { AuthenticationError, ConnectionError, LoanApiError, type ConsoleSession, type LoginRequest } from "../../../sdk/index.js";

const SESSION_PATH = "/admin/session";

async function sessionCall(method: "GET" | "POST" | "DELETE", init: { body?: unknown; csrfToken?: string } = {}): Promise<ConsoleSession | undefined> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (init.body !== undefined) headers["content-type"] = "application/json";
  if (init.csrfToken) headers["x-csrf-token"] = init.csrfToken;
  let response: Response;
  let text: string;
  try {
    response = await fetch(SESSION_PATH, { method, headers, credentials: "same-origin", body: init.body === undefined ? undefined : JSON.stringify(init.body) });
    text = await response.text();
  } catch (error) {
    throw new ConnectionError("Cannot reach the loanstack server: check your connection and try again", { method, path: SESSION_PATH, cause: error });
  }
  let body: unknown = text || undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON (a proxy's error page): the error carries the text
  }
  if (!response.ok) throw LoanApiError.fromResponse(response.status, body, { headers: response.headers, method, path: SESSION_PATH });
  return body as ConsoleSession | undefined;
}

export async function signIn(credentials: LoginRequest): Promise<ConsoleSession> {
  return (await sessionCall("POST", { body: credentials }))!;
}

/** The session of the cookie the browser holds, or null when there is none (or it ended). */
export async function currentSession(): Promise<ConsoleSession | null> {
  try {
    return (await sessionCall("GET")) ?? null;
  } catch (error) {
    if (error instanceof AuthenticationError) return null;
    throw error;
  }
}

export async function signOut(session: ConsoleSession): Promise<void> {
  await sessionCall("DELETE", { csrfToken: session.csrf_token });
}
