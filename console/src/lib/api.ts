/**
 * The REST API through the SDK, as the browser calls it: same origin, the session cookie
 * sent by the browser itself (fetch's default `credentials: "same-origin"`), no token in
 * the page, the session's CSRF token on every request.
 */
import { LoanClient, type ConsoleSession } from "../../../sdk/index.js";

export function clientFor(session: ConsoleSession): LoanClient {
  return new LoanClient({ baseUrl: window.location.origin, headers: { "x-csrf-token": session.csrf_token }, timeout: 15_000 });
}
