/**
 * `LoanClient`: one typed method per endpoint of the loanstack REST API, on Node's own
 * `fetch`. Timeouts per attempt, retries with backoff where repeating is safe (see
 * retry.ts), errors thrown as `LoanApiError` subclasses (see errors.ts). A client holding a
 * refresh token trades it for a new pair once when a call answers 401, and repeats the call.
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
  TokenPair,
  Page,
  PageQuery,
  RefreshResponse,
  SessionList,
  SignupRequest,
  User,
} from "./contracts.js";
import type { AsOfQuery, DisburseRequest, LoanSchedule, Portfolio, Repayment, RepaymentRequest, RepaymentsResponse } from "./contracts.js";
import type { ListProductsQuery, Product, ProductCreateRequest, ProductUpdateRequest } from "./contracts.js";
import type { AgentLimit, ApproveAgentRequest, SetAgentLimitRequest } from "./contracts.js";
import type { LoanTransaction, LoanTransactionsResponse, ReasonRequest, WriteOffRequest } from "./contracts.js";
import type { CloseOfBusinessRequest, CloseOfBusinessRun } from "./contracts.js";
import type { LedgerAccounts, LedgerEntriesQuery, LedgerEntry, Reconciliation, TrialBalance } from "./contracts.js";
import { AuthenticationError, ConnectionError, ConnectionTimeoutError, LoanApiError, RequestAbortedError, systemErrorCode } from "./errors.js";
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
  // -- sessions --
  /** A refresh token from `login`: with it, a call answered 401 refreshes the pair once and is repeated. */
  refreshToken?: string;
  /**
   * Called with each new pair (after `login`, whose answer also has `device_token`, and every
   * refresh), to keep it: a file, a secure store. (A method signature: a callback written for
   * the login's answer type before refreshes answered a type of their own still compiles.)
   */
  onTokens?(tokens: TokenPair): void | Promise<void>;
  /**
   * The device token of an earlier login from this client (kept between runs): `login` sends it,
   * so that others' failed guesses at the email cannot lock this client out. `login` sets it.
   */
  deviceToken?: string;
  /**
   * Called before an automatic refresh, for clients that share their tokens (several processes
   * on one credentials file): when it answers a refresh token other than the client's, another
   * holder refreshed already, and the client takes that pair instead of spending its own token.
   */
  reloadTokens?: () => { token?: string; refreshToken?: string } | undefined;
  /**
   * Runs an automatic refresh (with `reloadTokens` before it) under the caller's lock, so that
   * holders sharing tokens across processes refresh one at a time and the others take the result.
   */
  lockRefresh?: (renew: () => Promise<boolean>) => Promise<boolean>;
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
  /** The refresh token; `login` and `refresh` set it, `logout` drops it. */
  refreshToken: string | undefined;
  /** This client's device token: `login` sends it and keeps the one answered; `logout` keeps it. */
  deviceToken: string | undefined;
  readonly timeout: number;
  readonly maxRetries: number;
  readonly maxRetryDelay: number;
  private readonly fetchImpl: FetchLike;
  private readonly extraHeaders: Record<string, string>;
  private readonly debug: ((line: string) => void) | undefined;
  private readonly onTokens: LoanClientOptions["onTokens"];
  private readonly reloadTokens: LoanClientOptions["reloadTokens"];
  private readonly lockRefresh: LoanClientOptions["lockRefresh"];
  /** The automatic refresh in flight: concurrent calls answered 401 share it. */
  private renewing: Promise<boolean> | undefined;

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
    this.refreshToken = options.refreshToken;
    this.deviceToken = options.deviceToken;
    // Declared as a method: called on the options object it came with, as a method would be.
    this.onTokens = options.onTokens?.bind(options);
    this.reloadTokens = options.reloadTokens;
    this.lockRefresh = options.lockRefresh;
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

  /**
   * POST /api/v1/user/login; the client keeps the tokens for the calls that follow, and the
   * device token (sent with this login when the body has none and the client holds one).
   */
  async login(body: LoginRequest, options?: RequestOptions): Promise<LoginResponse> {
    const deviceToken = body.device_token ?? this.deviceToken;
    const sent: LoginRequest = deviceToken === undefined ? body : { ...body, device_token: deviceToken };
    const result = await this.request<LoginResponse>({ method: "POST", path: "/api/v1/user/login", body: sent, auth: false }, options);
    this.deviceToken = result.device_token;
    await this.keep(result);
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
    return this.request({ method: "GET", path: "/api/v1/user/list-users", query: { role: query.role, ...pageQuery(query) } }, options);
  }

  /** GET /api/v1/user/list-approvals (admin): agents waiting for approval. */
  listApprovals(query: PageQuery = {}, options?: RequestOptions): Promise<Page<User>> {
    return this.request({ method: "GET", path: "/api/v1/user/list-approvals", query: pageQuery(query) }, options);
  }

  /** PUT /api/v1/user/approve-delete/{id} (admin): approve an agent, with their lending limit if given (else AGENT_DEFAULT_LIMIT). */
  approveAgent(id: number, body: ApproveAgentRequest = {}, options?: RequestOptions): Promise<User> {
    return this.request({ method: "PUT", path: `/api/v1/user/approve-delete/${pathId(id)}`, body }, options);
  }

  /** GET /api/v1/user/users/{id}: one user, where a new user's Location points (admin: anyone; approved agent: a customer; customer: themselves). */
  getUser(id: number, options?: RequestOptions): Promise<User> {
    return this.request({ method: "GET", path: `/api/v1/user/users/${pathId(id)}` }, options);
  }

  /**
   * GET /api/v1/user/search (admin, approved agent): users whose first name, last name, "first last"
   * or email holds `q` (2 characters or more, any case), by last name, first name, id. Agents find customers only.
   */
  searchUsers(q: string, query: PageQuery = {}, options?: RequestOptions): Promise<Page<User>> {
    return this.request({ method: "GET", path: "/api/v1/user/search", query: { q, ...pageQuery(query) } }, options);
  }

  /** DELETE /api/v1/user/login-failures/{user_id} (admin): clears the account's failed-login counts (204). */
  async clearLoginFailures(userId: number, options?: RequestOptions): Promise<void> {
    await this.request<undefined>({ method: "DELETE", path: `/api/v1/user/login-failures/${pathId(userId)}` }, options);
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
    return this.request({ method: "GET", path: "/api/v1/loan/list-loans-admin-agent", query: { status: query.status, ...arrearsQuery(query), ...pageQuery(query) } }, options);
  }

  /** GET /api/v1/loan/list-loans-customer (customer): the caller's own loans, same filters. */
  listMyLoans(query: ListLoansQuery = {}, options?: RequestOptions): Promise<Page<Loan>> {
    return this.request({ method: "GET", path: "/api/v1/loan/list-loans-customer", query: { status: query.status, ...arrearsQuery(query), ...pageQuery(query) } }, options);
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

  /** GET /api/v1/loan/repayment/{id}: one repayment (admins, agents, and its loan's customer); where a recorded repayment's Location points. */
  getRepayment(id: number, options?: RequestOptions): Promise<Repayment> {
    return this.request({ method: "GET", path: `/api/v1/loan/repayment/${pathId(id)}` }, options);
  }

  /** GET /api/v1/loan/portfolio (admin): counts by status, outstanding principal, overdue amount, PAR30, as of `as_of`. */
  portfolio(query: AsOfQuery = {}, options?: RequestOptions): Promise<Portfolio> {
    return this.request({ method: "GET", path: "/api/v1/loan/portfolio", query: { as_of: query.as_of } }, options);
  }

  /** GET /api/v1/loan/transactions/{loan_id}: every money movement of the loan, by value date (admins, agents, its customer). */
  listTransactions(loanId: number, options?: RequestOptions): Promise<LoanTransactionsResponse> {
    return this.request({ method: "GET", path: `/api/v1/loan/transactions/${pathId(loanId)}` }, options);
  }

  /** POST /api/v1/loan/repayments/{id}/reverse (admin): reverse a repayment; the others are re-allocated. */
  reverseRepayment(repaymentId: number, body: ReasonRequest, options?: RequestOptions): Promise<Repayment> {
    return this.request({ method: "POST", path: `/api/v1/loan/repayments/${pathId(repaymentId)}/reverse`, body }, options);
  }

  /** POST /api/v1/loan/charges/{id}/waive (admin): waive what is unpaid of a FEE or PENALTY. */
  waiveCharge(chargeId: number, body: ReasonRequest, options?: RequestOptions): Promise<LoanTransaction> {
    return this.request({ method: "POST", path: `/api/v1/loan/charges/${pathId(chargeId)}/waive`, body }, options);
  }

  /** POST /api/v1/loan/write-off/{loan_id} (admin): write off an ACTIVE loan. */
  writeOff(loanId: number, body: WriteOffRequest, options?: RequestOptions): Promise<Loan> {
    return this.request({ method: "POST", path: `/api/v1/loan/write-off/${pathId(loanId)}`, body }, options);
  }

  /** POST /api/v1/loan/close-of-business (admin): start close of business for a date (default yesterday); answers the RUNNING run. */
  runCloseOfBusiness(body: CloseOfBusinessRequest = {}, options?: RequestOptions): Promise<CloseOfBusinessRun> {
    return this.request({ method: "POST", path: "/api/v1/loan/close-of-business", body }, options);
  }

  /** GET /api/v1/loan/close-of-business/{id} (admin): one run and its progress. */
  closeOfBusiness(id: number, options?: RequestOptions): Promise<CloseOfBusinessRun> {
    return this.request({ method: "GET", path: `/api/v1/loan/close-of-business/${pathId(id)}` }, options);
  }

  /** GET /api/v1/loan/close-of-business (admin): the runs, newest first. */
  listCloseOfBusiness(query: PageQuery = {}, options?: RequestOptions): Promise<Page<CloseOfBusinessRun>> {
    return this.request({ method: "GET", path: "/api/v1/loan/close-of-business", query: { page: query.page, pageSize: query.pageSize } }, options);
  }

  // ---- products ----

  /** GET /api/v1/loan/products (admin, approved agent): the loan products by code; `active` filters. */
  listProducts(query: ListProductsQuery = {}, options?: RequestOptions): Promise<Page<Product>> {
    return this.request({ method: "GET", path: "/api/v1/loan/products", query: { active: query.active, ...pageQuery(query) } }, options);
  }

  /** GET /api/v1/loan/products/{code} (admin, approved agent): one product. */
  getProduct(code: string, options?: RequestOptions): Promise<Product> {
    return this.request({ method: "GET", path: `/api/v1/loan/products/${encodeURIComponent(code)}` }, options);
  }

  /** POST /api/v1/loan/products (admin): a new product (201; its code taken → 409). */
  createProduct(body: ProductCreateRequest, options?: RequestOptions): Promise<Product> {
    return this.request({ method: "POST", path: "/api/v1/loan/products", body }, options);
  }

  /** PUT /api/v1/loan/products/{code} (admin): any field but the code; `active: true` reactivates. Existing loans keep their terms. */
  updateProduct(code: string, body: ProductUpdateRequest, options?: RequestOptions): Promise<Product> {
    return this.request({ method: "PUT", path: `/api/v1/loan/products/${encodeURIComponent(code)}`, body }, options);
  }

  /** DELETE /api/v1/loan/products/{code} (admin): deactivate (204): no new loans with it; the last active product → 409. */
  async deactivateProduct(code: string, options?: RequestOptions): Promise<void> {
    await this.request<undefined>({ method: "DELETE", path: `/api/v1/loan/products/${encodeURIComponent(code)}` }, options);
  }

  // ---- agent lending limits ----

  /** GET /api/v1/loan/agent-limits (admin): the agents' lending limits, used and available. */
  listAgentLimits(query: PageQuery = {}, options?: RequestOptions): Promise<Page<AgentLimit>> {
    return this.request({ method: "GET", path: "/api/v1/loan/agent-limits", query: pageQuery(query) }, options);
  }

  /** GET /api/v1/loan/agent-limits/{agent_id} (admin, or that agent): one agent's limit, used and available. */
  getAgentLimit(agentId: number, options?: RequestOptions): Promise<AgentLimit> {
    return this.request({ method: "GET", path: `/api/v1/loan/agent-limits/${pathId(agentId)}` }, options);
  }

  /** PUT /api/v1/loan/agent-limits/{agent_id} (admin): set an agent's lending limit. */
  setAgentLimit(agentId: number, body: SetAgentLimitRequest, options?: RequestOptions): Promise<AgentLimit> {
    return this.request({ method: "PUT", path: `/api/v1/loan/agent-limits/${pathId(agentId)}`, body }, options);
  }

  // ---- the ledger ----

  /** GET /api/v1/ledger/accounts (admin): the chart of accounts with debits, credits and balance up to `as_of` (default today). */
  ledgerAccounts(query: AsOfQuery = {}, options?: RequestOptions): Promise<LedgerAccounts> {
    return this.request({ method: "GET", path: "/api/v1/ledger/accounts", query: { as_of: query.as_of } }, options);
  }

  /** GET /api/v1/ledger/trial-balance (admin): every account's balance on its side, the totals, `balanced`. */
  trialBalance(query: AsOfQuery = {}, options?: RequestOptions): Promise<TrialBalance> {
    return this.request({ method: "GET", path: "/api/v1/ledger/trial-balance", query: { as_of: query.as_of } }, options);
  }

  /** GET /api/v1/ledger/entries (admin): journal entries, oldest value date first, by loan and value dates. */
  ledgerEntries(query: LedgerEntriesQuery = {}, options?: RequestOptions): Promise<Page<LedgerEntry>> {
    return this.request({ method: "GET", path: "/api/v1/ledger/entries", query: { loan_id: query.loan_id, from: query.from, to: query.to, ...pageQuery(query) } }, options);
  }

  /** GET /api/v1/ledger/reconciliation (admin): each disbursed loan's 1100 balance against its outstanding principal. */
  reconcile(options?: RequestOptions): Promise<Reconciliation> {
    return this.request({ method: "GET", path: "/api/v1/ledger/reconciliation" }, options);
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

  // ---- sessions ----

  /**
   * POST /api/v1/user/token/refresh: trades the refresh token (the client's, by default) for a
   * new pair, which the client keeps. The token used is spent: presenting it again ends the session.
   */
  async refresh(refreshToken: string | undefined = this.refreshToken, options?: RequestOptions): Promise<RefreshResponse> {
    if (!refreshToken) throw new TypeError("refresh needs a refresh token: log in first, or pass one");
    const result = await this.request<RefreshResponse>({ method: "POST", path: "/api/v1/user/token/refresh", body: { refresh_token: refreshToken }, auth: false }, options);
    await this.keep(result);
    return result;
  }

  /**
   * POST /api/v1/user/logout: ends this session on the server (its access and refresh tokens stop
   * working), then forgets the tokens. A session that had ended already is no error.
   */
  async logout(options?: RequestOptions): Promise<void> {
    try {
      await this.request<undefined>({ method: "POST", path: "/api/v1/user/logout" }, options);
    } catch (error) {
      if (!(error instanceof AuthenticationError)) throw error;
    }
    this.token = undefined;
    this.refreshToken = undefined;
  }

  /** GET /api/v1/user/sessions: the caller's live sessions, `current` marking this one. */
  listSessions(options?: RequestOptions): Promise<SessionList> {
    return this.request({ method: "GET", path: "/api/v1/user/sessions" }, options);
  }

  /** DELETE /api/v1/user/sessions/{id}: ends one of the caller's sessions (204); another's is a 404. */
  async endSession(id: string, options?: RequestOptions): Promise<void> {
    await this.request<undefined>({ method: "DELETE", path: `/api/v1/user/sessions/${encodeURIComponent(id)}` }, options);
  }

  /** DELETE /api/v1/user/sessions-of/{user_id} (admin): ends every session of that user (204). */
  async endSessionsOf(userId: number, options?: RequestOptions): Promise<void> {
    await this.request<undefined>({ method: "DELETE", path: `/api/v1/user/sessions-of/${pathId(userId)}` }, options);
  }

  private async keep(tokens: TokenPair): Promise<void> {
    this.token = tokens.token;
    this.refreshToken = tokens.refresh_token;
    await this.onTokens?.(tokens);
  }

  /**
   * After a 401 on a call made with `used`: a new pair, once. Answers whether the call is worth
   * repeating. Calls failing together share one refresh; a call that failed with a token
   * already replaced by another call's refresh just repeats with the new one.
   */
  private renewAfter401(used: string | undefined): Promise<boolean> {
    if (this.token !== used) return Promise.resolve(true);
    const renew = () => this.renew();
    this.renewing ??= (this.lockRefresh ? this.lockRefresh(renew) : renew()).finally(() => {
      this.renewing = undefined;
    });
    return this.renewing;
  }

  private async renew(): Promise<boolean> {
    const stored = this.reloadTokens?.();
    if (stored?.token && stored.refreshToken && stored.refreshToken !== this.refreshToken) {
      this.debug?.("access token refused (401): taking the pair another holder refreshed");
      this.token = stored.token;
      this.refreshToken = stored.refreshToken;
      return true;
    }
    try {
      this.debug?.("access token refused (401): refreshing it once");
      await this.refresh();
      return true;
    } catch (error) {
      // The refresh token is dead too (expired, ended, spent): the caller gets the 401.
      if (!(error instanceof AuthenticationError)) throw error;
      this.refreshToken = undefined;
      return false;
    }
  }

  // ---- transport ----

  /** A call; answered 401 while the client holds a refresh token, it refreshes once and repeats the call once. */
  private async request<T>(spec: RequestSpec, options: RequestOptions = {}): Promise<T> {
    // The same key on the repeat: a write the server did do (it did not: a 401 is answered
    // before any service acts) would not be done twice.
    const call = spec.method === "GET" ? options : { ...options, idempotencyKey: options.idempotencyKey ?? randomKey() };
    const used = this.token;
    try {
      return await this.send<T>(spec, call);
    } catch (error) {
      if (!(error instanceof AuthenticationError) || spec.auth === false || !this.refreshToken) throw error;
      if (!(await this.renewAfter401(used))) throw error;
      return this.send<T>(spec, call);
    }
  }

  private async send<T>(spec: RequestSpec, options: RequestOptions = {}): Promise<T> {
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
export async function* paginate<T>(list: (query: PageQuery) => Promise<Page<T>>, pageSize = 100): AsyncGenerator<T, void, undefined> {
  for (let page = 1; ; page++) {
    const result = await list({ page, pageSize });
    yield* result.rows;
    if (page >= result.totalPages || result.rows.length === 0) return;
  }
}
