/**
 * The REST API through the SDK, as the browser calls it: same origin, the session cookie
 * sent by the browser itself (fetch's default `credentials: "same-origin"`), no token in
 * the page, the session's CSRF token on every request. When the access cookie has expired
 * (a call answers 401), the session is refreshed once from the refresh cookie
 * (POST /admin/session/refresh) and the call repeated with the new CSRF token.
 */
import type { ConsoleSession } from "../../../sdk/contracts.js";
import { LoanClient, type FetchLike } from "../../../sdk/index.js";
import { refreshSession } from "./session.js";

export class ConsoleApi {
  readonly client: LoanClient;
  private csrf: string;
  /** The refresh in flight: calls answered 401 at the same time share it. */
  private refreshing: Promise<ConsoleSession | null> | null = null;

  constructor(session: ConsoleSession) {
    this.csrf = session.csrf_token;
    this.client = new LoanClient({ baseUrl: window.location.origin, fetch: this.send, timeout: 15_000 });
  }

  /** The CSRF token of the session as it is now (it changes with each refresh). */
  get csrfToken(): string {
    return this.csrf;
  }

  private readonly send: FetchLike = async (input, init) => {
    const withCsrf = (): RequestInit => ({ ...init, headers: { ...(init.headers as Record<string, string>), "x-csrf-token": this.csrf } });
    const response = await fetch(input, withCsrf());
    if (response.status !== 401) return response;
    const renewed = await this.refresh();
    // No session to refresh: the 401 stands (the page goes back to the sign-in).
    return renewed ? fetch(input, withCsrf()) : response;
  };

  private refresh(): Promise<ConsoleSession | null> {
    this.refreshing ??= refreshSession()
      .then((session) => {
        this.csrf = session.csrf_token;
        return session;
      })
      .catch(() => null)
      .finally(() => {
        this.refreshing = null;
      });
    return this.refreshing;
  }
}
