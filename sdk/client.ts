/**
 * `LoanClient`: one typed method per endpoint of the loanstack REST API, on Node's own
 * `fetch`. Timeouts per attempt, retries with backoff where repeating is safe (see
 * retry.ts), errors thrown as `LoanApiError` subclasses (see errors.ts).
 */
import type {
  AuditEvent,
  ChangePasswordRequest,
  CreateAdminRequest,
  HealthResponse,
  ListAuditQuery,
  ListLoansQuery,
  ListUsersQuery,
  Loan,
  LoanDecisionRequest,
  LoanEditRequest,
  LoanHistoryResponse,
  LoanRequest,
  LoginRequest,
  LoginResponse,
  Page,
  PageQuery,
  SignupRequest,
  User,
} from "./contracts.js";
import type { AsOfQuery, DisburseRequest, LoanSchedule, Portfolio, Repayment, RepaymentRequest, RepaymentsResponse } from "./contracts.js";
import {
  ConnectionError,
  ConnectionTimeoutError,
  LoanApiError,
  RequestAbortedError,
  systemErrorCode,
} from "./errors.js";
import { parseRetryAfter, retryDecision, sleep } from "./retry.js";

export const DEFAULT_BASE_URL = "http://localhost:8000";
export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_RETRIES = 2;
export const DEFAULT_MAX_RETRY_DELAY_MS = 60_000;

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface LoanClientOptions {
  /** The gateway's URL, default http://localhost:8000. */
  baseUrl?: string;
  /** A token from `login`; sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** Milliseconds to wait for each attempt's answer, default 30000 (0: no limit). */
  timeout?: number;
  /** How many times a failed request is repeated when that is safe, default 2. */
  maxRetries?: number;
  /** The longest `Retry-After` (in ms) the client waits for before giving up, default 60000. */
  maxRetryDelay?: number;
  /** A `fetch` to use instead of the global one (tests, proxies, instrumentation). */
  fetch?: FetchLike;
  /** Headers added to every request. */
  headers?: Record<string, string>;
  /** Called with one line per attempt and per retry, for `--debug` style tracing. */
  debug?: (line: string) => void;
}

/** Options of a single call, overriding the client's. */
export interface RequestOptions {
  signal?: AbortSignal;
  timeout?: number;
  maxRetries?: number;
  /**
   * Sent as `Idempotency-Key` on a write, the same on every retry of the call, so the server
   * does the write once. A random one is made per call when none is given.
   */
  idempotencyKey?: string;
}

type Method = "GET" | "POST" | "PUT" | "DELETE";
type Query = Record<string, string | number | boolean | undefined>;

interface RequestSpec {
  method: Method;
  path: string;
  query?: Query;
  body?: unknown;
  auth?: boolean;
}

export class LoanClient {
  readonly baseUrl: string;
  /** The token sent with each request; `login` sets it, assign undefined to drop it. */
  token: string | undefined;
  readonly timeout: number;
  readonly maxRetries: number;
  readonly maxRetryDelay: number;
  private readonly fetchImpl: FetchLike;
  private readonly extraHeaders: Record<string, string>;
  private readonly debug: ((line: string) => void) | undefined;

  constructor(options: LoanClientOptions = {}) {
    this.baseUrl = (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, "");
    if (!/^https?:\/\/[^/]/.test(this.baseUrl)) {
      throw new TypeError(`baseUrl must be an http(s) URL, got "${options.baseUrl}"`);
    }
    this.token = options.token;
    this.timeout = nonNegative("timeout", options.timeout, DEFAULT_TIMEOUT_MS);
    this.maxRetries = nonNegative("maxRetries", options.maxRetries, DEFAULT_MAX_RETRIES);
    this.maxRetryDelay = nonNegative("maxRetryDelay", options.maxRetryDelay, DEFAULT_MAX_RETRY_DELAY_MS);
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
    this.extraHeaders = { ...options.headers };
    this.debug = options.debug;
  }

  // ---- health ----

  /** GET /health: `{ status: "ok" }` when users and loans answer; a 503 is thrown otherwise. */
  health(options?: RequestOptions): Promise<HealthResponse> {
    return this.request({ method: "GET", path: "/health", auth: false }, options);
  }

  // ---- users ----

  /** POST /api/v1/user/signup: a customer (approved at once) or an agent (waits for approval). */
  signup(body: SignupRequest, options?: RequestOptions): Promise<User> {
    return this.request({ method: "POST", path: "/api/v1/user/signup", body, auth: false }, options);
  }

  /** POST /api/v1/user/login; the client keeps the token for the calls that follow. */
  async login(body: LoginRequest, options?: RequestOptions): Promise<LoginResponse> {
    const result = await this.request<LoginResponse>({ method: "POST", path: "/api/v1/user/login", body, auth: false }, options);
    this.token = result.token;
    return result;
  }

  /** GET /api/v1/user/profile: the signed-in user. */
  profile(options?: RequestOptions): Promise<User> {
    return this.request({ method: "GET", path: "/api/v1/user/profile" }, options);
  }

  /** PUT /api/v1/user/change-password (204). */
  async changePassword(body: ChangePasswordRequest, options?: RequestOptions): Promise<void> {
    await this.request<undefined>({ method: "PUT", path: "/api/v1/user/change-password", body }, options);
  }

  /** POST /api/v1/user/create-admin (admin). */
  createAdmin(body: CreateAdminRequest, options?: RequestOptions): Promise<User> {
    return this.request({ method: "POST", path: "/api/v1/user/create-admin", body }, options);
  }

  /** GET /api/v1/user/list-agents: the customers agents act for (approved agent, admin). */
  listCustomers(query: PageQuery = {}, options?: RequestOptions): Promise<Page<User>> {
    return this.request({ method: "GET", path: "/api/v1/user/list-agents", query: pageQuery(query) }, options);
  }

  /** GET /api/v1/user/list-users (admin), optionally of one role. */
  listUsers(query: ListUsersQuery = {}, options?: RequestOptions): Promise<Page<User>> {
    return this.request(
      { method: "GET", path: "/api/v1/user/list-users", query: { role: query.role, ...pageQuery(query) } },
      options,
    );
  }

  /** GET /api/v1/user/list-approvals (admin): agents waiting for approval. */
  listApprovals(query: PageQuery = {}, options?: RequestOptions): Promise<Page<User>> {
    return this.request({ method: "GET", path: "/api/v1/user/list-approvals", query: pageQuery(query) }, options);
  }

  /** PUT /api/v1/user/approve-delete/{id} (admin): approve an agent. */
  approveAgent(id: number, options?: RequestOptions): Promise<User> {
    return this.request({ method: "PUT", path: `/api/v1/user/approve-delete/${pathId(id)}` }, options);
  }

  /** DELETE /api/v1/user/approve-delete/{id} (admin): remove an agent, pending or approved (204). */
  async deleteAgent(id: number, options?: RequestOptions): Promise<void> {
    await this.request<undefined>({ method: "DELETE", path: `/api/v1/user/approve-delete/${pathId(id)}` }, options);
  }

  // ---- loans ----

  /** POST /api/v1/loan/customer-loan (approved agent): a NEW loan for a customer. */
  requestLoan(body: LoanRequest, options?: RequestOptions): Promise<Loan> {
    return this.request({ method: "POST", path: "/api/v1/loan/customer-loan", body }, options);
  }

  /** PUT /api/v1/loan/approve-reject-loan/{id} (admin): approve or reject a NEW loan. */
  decideLoan(id: number, body: LoanDecisionRequest, options?: RequestOptions): Promise<Loan> {
    return this.request({ method: "PUT", path: `/api/v1/loan/approve-reject-loan/${pathId(id)}`, body }, options);
  }

  /** PUT /api/v1/loan/edit-loan/{id} (approved agent): change a NEW loan's principal or tenure. */
  editLoan(id: number, body: LoanEditRequest, options?: RequestOptions): Promise<Loan> {
    return this.request({ method: "PUT", path: `/api/v1/loan/edit-loan/${pathId(id)}`, body }, options);
  }

  /** GET /api/v1/loan/loan-details/{id}. */
  getLoan(id: number, options?: RequestOptions): Promise<Loan> {
    return this.request({ method: "GET", path: `/api/v1/loan/loan-details/${pathId(id)}` }, options);
  }

  /** GET /api/v1/loan/loan-history/{id}: the earlier versions, oldest first. */
  loanHistory(id: number, options?: RequestOptions): Promise<LoanHistoryResponse> {
    return this.request({ method: "GET", path: `/api/v1/loan/loan-history/${pathId(id)}` }, options);
  }

  /**
   * GET /api/v1/loan/list-loans-admin-agent (admin, approved agent): all loans; `overdue: true`
   * lists the ACTIVE loans past due as of `as_of` (default today), most overdue first.
   */
  listLoans(query: ListLoansQuery = {}, options?: RequestOptions): Promise<Page<Loan>> {
    return this.request(
      { method: "GET", path: "/api/v1/loan/list-loans-admin-agent", query: { status: query.status, ...arrearsQuery(query), ...pageQuery(query) } },
      options,
    );
  }

  /** GET /api/v1/loan/list-loans-customer (customer): the caller's own loans, same filters. */
  listMyLoans(query: ListLoansQuery = {}, options?: RequestOptions): Promise<Page<Loan>> {
    return this.request(
      { method: "GET", path: "/api/v1/loan/list-loans-customer", query: { status: query.status, ...arrearsQuery(query), ...pageQuery(query) } },
      options,
    );
  }

  // ---- servicing ----

  /** PUT /api/v1/loan/disburse-loan/{id} (admin): an APPROVED loan becomes ACTIVE, disbursed today or on `disbursed_on`. */
  disburseLoan(id: number, body: DisburseRequest = {}, options?: RequestOptions): Promise<Loan> {
    return this.request({ method: "PUT", path: `/api/v1/loan/disburse-loan/${pathId(id)}`, body }, options);
  }

  /** GET /api/v1/loan/loan-schedule/{id}: the repayment schedule as of `as_of` (default today); a projection before disbursement. */
  loanSchedule(id: number, query: AsOfQuery = {}, options?: RequestOptions): Promise<LoanSchedule> {
    return this.request({ method: "GET", path: `/api/v1/loan/loan-schedule/${pathId(id)}`, query: { as_of: query.as_of } }, options);
  }

  /** POST /api/v1/loan/repayment/{id} (admin, approved agent): record a repayment of an ACTIVE loan; sent once whatever the retries. */
  recordRepayment(id: number, body: RepaymentRequest, options?: RequestOptions): Promise<Repayment> {
    return this.request({ method: "POST", path: `/api/v1/loan/repayment/${pathId(id)}`, body }, options);
  }

  /** GET /api/v1/loan/repayments/{id}: the loan's repayments in the order recorded. */
  listRepayments(id: number, options?: RequestOptions): Promise<RepaymentsResponse> {
    return this.request({ method: "GET", path: `/api/v1/loan/repayments/${pathId(id)}` }, options);
  }

  /** GET /api/v1/loan/portfolio (admin): counts by status, outstanding principal, overdue amount, PAR30, as of `as_of`. */
  portfolio(query: AsOfQuery = {}, options?: RequestOptions): Promise<Portfolio> {
    return this.request({ method: "GET", path: "/api/v1/loan/portfolio", query: { as_of: query.as_of } }, options);
  }

  // ---- audit ----

  /** GET /api/v1/audit/events (admin): the audit log, oldest first, by entity, entity id or event. */
  listAuditEvents(query: ListAuditQuery = {}, options?: RequestOptions): Promise<Page<AuditEvent>> {
    return this.request(
      {
        method: "GET",
        path: "/api/v1/audit/events",
        query: { entity: query.entity, entity_id: query.entity_id, event: query.event, ...pageQuery(query) },
      },
      options,
    );
  }

  // ---- transport ----

  private async request<T>(spec: RequestSpec, options: RequestOptions = {}): Promise<T> {
    const maxRetries = nonNegative("maxRetries", options.maxRetries, this.maxRetries);
    const timeout = nonNegative("timeout", options.timeout, this.timeout);
    const idempotencyKey = spec.method === "GET" ? undefined : (options.idempotencyKey ?? randomKey());
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.attempt<T>(spec, timeout, options.signal, idempotencyKey);
      } catch (error) {
        if (!(error instanceof LoanApiError)) throw error;
        const decision = retryDecision({
          method: spec.method,
          error,
          code: systemErrorCode(error.cause),
          attempt,
          maxRetries,
          maxRetryDelayMs: this.maxRetryDelay,
        });
        if (!decision.retry) throw error;
        this.debug?.(`retry ${attempt + 1}/${maxRetries} of ${spec.method} ${spec.path} in ${decision.delayMs}ms (${error.message})`);
        try {
          await sleep(decision.delayMs, options.signal);
        } catch (reason) {
          throw new RequestAbortedError("Request aborted", { method: spec.method, path: spec.path, cause: reason });
        }
      }
    }
  }

  private async attempt<T>(spec: RequestSpec, timeout: number, signal: AbortSignal | undefined, idempotencyKey: string | undefined): Promise<T> {
    const { method, path } = spec;
    const url = this.baseUrl + path + queryString(spec.query);
    const headers: Record<string, string> = { accept: "application/json", ...this.extraHeaders };
    if (idempotencyKey) headers["idempotency-key"] = idempotencyKey;
    if (spec.body !== undefined) headers["content-type"] = "application/json";
    if (spec.auth !== false && this.token) headers.authorization = `Bearer ${this.token}`;

    const timeoutSignal = timeout > 0 ? AbortSignal.timeout(timeout) : undefined;
    const signals = [signal, timeoutSignal].filter((s): s is AbortSignal => s !== undefined);
    const combined = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    const started = Date.now();
    const failure = (error: unknown): LoanApiError => {
      if (signal?.aborted) return new RequestAbortedError("Request aborted", { method, path, cause: error });
      if (timeoutSignal?.aborted) {
        return new ConnectionTimeoutError(`No answer from ${this.baseUrl} within ${timeout} ms`, { method, path, cause: error });
      }
      const code = systemErrorCode(error);
      const reason = code ?? (error instanceof Error ? error.message : String(error));
      return new ConnectionError(`Cannot reach ${this.baseUrl} (${reason})`, { method, path, cause: error });
    };

    let response: Response;
    let text: string;
    try {
      response = await this.fetchImpl(url, {
        method,
        headers,
        body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
        signal: combined,
      });
      text = await response.text();
    } catch (error) {
      const failed = failure(error);
      this.debug?.(`${method} ${url} failed after ${Date.now() - started}ms: ${failed.message}`);
      throw failed;
    }
    this.debug?.(`${method} ${url} -> ${response.status} (${Date.now() - started}ms)`);

    const body = parseBody(text, response.headers.get("content-type"));
    if (!response.ok) {
      throw LoanApiError.fromResponse(response.status, body, {
        headers: response.headers,
        method,
        path,
        retryAfter: parseRetryAfter(response.headers.get("retry-after")),
      });
    }
    return (response.status === 204 || text === "" ? undefined : body) as T;
  }
}

function parseBody(text: string, contentType: string | null): unknown {
  if (text === "") return undefined;
  const looksJson = contentType?.includes("json") || /^\s*[[{"]/.test(text);
  if (!looksJson) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function pageQuery(query: PageQuery): Query {
  return { page: query.page, pageSize: query.pageSize };
}

function arrearsQuery(query: ListLoansQuery): Query {
  return { overdue: query.overdue, as_of: query.as_of };
}

function queryString(query: Query | undefined): string {
  if (!query) return "";
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

function pathId(id: number): string {
  if (!Number.isSafeInteger(id) || id < 1) throw new RangeError(`id must be a positive integer, got ${String(id)}`);
  return String(id);
}

// ---- browsers (the back-office console) ----

/**
 * A random Idempotency-Key. Browsers offer crypto.randomUUID only in secure contexts (HTTPS,
 * localhost), and the console may be opened over plain HTTP on a private network; the
 * random bytes are there in every context.
 */
function randomKey(): string {
  const crypto = globalThis.crypto;
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}

function nonNegative(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a number >= 0, got ${String(value)}`);
  return value;
}

/**
 * Walks every page of a list, e.g.
 * `for await (const loan of paginate((q) => client.listLoans({ ...q, status: "NEW" }))) ...`
 */
export async function* paginate<T>(
  list: (query: PageQuery) => Promise<Page<T>>,
  pageSize = 100,
): AsyncGenerator<T, void, undefined> {
  for (let page = 1; ; page++) {
    const result = await list({ page, pageSize });
    yield* result.rows;
    if (page >= result.totalPages || result.rows.length === 0) return;
  }
}
