/**
 * The public contract of loanstack: the one definition of every type that crosses a
 * process boundary. The services (action params/results, events, ctx.meta), the SDK and
 * loanctl all import this file, so a renamed field breaks the build, not production.
 * It holds types and a few constant tables only: no runtime dependency on Moleculer.
 */

export const ROLES = ["admin", "agent", "customer"] as const;
export type Role = (typeof ROLES)[number];

/**
 * NEW → APPROVED | REJECTED; APPROVED → ACTIVE (disbursed) → CLOSED (paid off), and back to
 * ACTIVE when a reversal leaves something owed; ACTIVE → WRITTEN_OFF (never repaid).
 */
export const LOAN_STATUSES = ["NEW", "APPROVED", "REJECTED", "ACTIVE", "CLOSED", "WRITTEN_OFF"] as const;
export type LoanStatus = (typeof LOAN_STATUSES)[number];
export type LoanDecision = "APPROVED" | "REJECTED";

/** A decimal amount with exactly two places, e.g. "250000.00". Never a float. */
export type Money = string;
/** An annual interest rate in percent with two places, e.g. "12.00". */
export type Rate = string;
/** An ISO-8601 timestamp. */
export type Timestamp = string;

export interface User {
  id: number;
  email: string;
  first_name: string;
  last_name: string;
  role: Role;
  is_approved: boolean;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface Loan {
  id: number;
  customer_id: number;
  agent_id: number;
  principal: Money;
  interest_rate: Rate;
  tenure_months: number;
  emi: Money;
  status: LoanStatus;
  version: number;
  decided_by: number | null;
  decided_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** Servicing (see the "servicing" block): null until the loan is disbursed. */
  disbursed_on: CalendarDate | null;
  closed_at: Timestamp | null;
  outstanding_principal: Money | null;
  outstanding_interest: Money | null;
  /** Fees and penalties charged and not paid, waived or written off; null before disbursement. */
  outstanding_fee: Money | null;
  outstanding_penalty: Money | null;
  /** The due date of the oldest installment not fully paid (null once nothing is). */
  next_due_date: CalendarDate | null;
  /** Days from next_due_date to the list's `as_of` (default today) when it is past, else 0. */
  days_past_due: number | null;
  /** The product whose terms the loan copied at its request and at each edit (STANDARD by default). */
  product_code: string;
  /** The product's disbursement fee on this principal, "0.00" when it has none. */
  disbursement_fee: Money;
}

/** One earlier version of a loan, as it was before an edit. */
export interface LoanVersion {
  version: number;
  principal: Money;
  interest_rate: Rate;
  tenure_months: number;
  emi: Money;
  status: LoanStatus;
  edited_by: number;
  edited_at: Timestamp;
}

export interface Page<T> {
  rows: T[];
  total: number;
  page: number;
  pageSize: number;
  totalPages: number;
}

export interface PageQuery {
  page?: number;
  pageSize?: number;
}

export const PAGE_SIZE_DEFAULT = 20;
export const PAGE_SIZE_MAX = 100;
export const PAGE_MAX = 10_000_000;
export const PASSWORD_MIN = 8;
/** bcrypt reads 72 bytes: a longer password (in UTF-8) is refused rather than cut. */
export const PASSWORD_MAX = 72;
export const PRINCIPAL_MIN = "1000.00";
export const PRINCIPAL_MAX = "10000000.00";
export const TENURE_MIN = 1;
export const TENURE_MAX = 360;

// ---- requests and responses of the REST API ----

export interface HealthResponse {
  status: "ok" | "degraded";
  services: string[];
}

export interface SignupRequest {
  email: string;
  password: string;
  first_name: string;
  last_name: string;
  is_customer: boolean;
  is_agent: boolean;
}

export interface LoginRequest {
  email: string;
  password: string;
  /**
   * The device token of an earlier login of this account from this client: with it, only this
   * device's own failed logins count against it, so guessing at the email by others cannot
   * lock it out. Unknown, altered or another account's: as if none was sent.
   */
  device_token?: string;
}

/** A session's token pair and its user: what a refresh answers. */
export interface TokenPair {
  /** The access token, sent as `Authorization: Bearer <token>`. */
  token: string;
  token_type: "Bearer";
  /** Seconds until the access token expires. */
  expires_in: number;
  /** Opaque, single use: trade it for a new pair at POST /api/v1/user/token/refresh. */
  refresh_token: string;
  /** Seconds until the refresh token expires. */
  refresh_expires_in: number;
  user: User;
}

/** A login's answer: the pair, and the device token to keep and send on this client's next login. */
export interface LoginResponse extends TokenPair {
  /** Opaque, bound to the account; keep it (a cookie, a 0600 file) and send it on the next login. */
  device_token: string;
}

export interface ChangePasswordRequest {
  current_password: string;
  new_password: string;
}

export interface CreateAdminRequest {
  email: string;
  password: string;
  first_name: string;
  last_name: string;
}

export interface ListUsersQuery extends PageQuery {
  role?: Role;
}

/** GET /api/v1/user/search: `q` (2 characters or more) is found in a first or last name, "first last", or an email. */
export interface UserSearchQuery extends PageQuery {
  q: string;
}

/** The shortest `q` a user search takes. */
export const USER_SEARCH_MIN = 2;

export interface LoanRequest {
  customer_id: number;
  /** Accepts a decimal string ("250000.00") or a number; answered as a two-place string. */
  principal: Money | number;
  tenure_months: number;
  /** The loan product (default STANDARD); principal and tenure must lie in its bounds. */
  product_code?: string;
}

export interface LoanEditRequest {
  principal?: Money | number;
  tenure_months?: number;
}

export interface LoanDecisionRequest {
  status: LoanDecision;
}

export interface ListLoansQuery extends PageQuery, ArrearsQuery {
  status?: LoanStatus;
}

export interface LoanHistoryResponse {
  rows: LoanVersion[];
}

/** moleculer-web's error body, the shape of every error answer. */
export interface ApiErrorBody {
  name: string;
  message: string;
  code: number;
  type?: string;
  data?: unknown;
}

/** One field that failed validation (in `data` of a 422). */
export interface ValidationFieldError {
  field: string;
  message: string;
  type?: string;
}

// ---- the Moleculer side: who is calling, actions and events ----

/** The caller as the gateway resolved it from the token; carried in ctx.meta.user. */
export interface AuthUser {
  id: number;
  email: string;
  role: Role;
  is_approved: boolean;
}

export interface ContextMeta {
  user?: AuthUser | null;
  /** The client's Idempotency-Key header: a repeated write with the same key is done once. */
  idempotencyKey?: string;
  /** The gateway's own id of a write's HTTP request, kept across Moleculer's retries of the call. */
  writeId?: string;
  /** Set by a handler to choose the HTTP status of a success answer (201, 204). */
  $statusCode?: number;
  /** The Location header of a 201: where the created thing can be read. */
  $location?: string;
  /** Headers of the answer; an array sends the header once per value (Set-Cookie). */
  $responseHeaders?: Record<string, string | string[]>;
  // -- sessions: set by the gateway --
  /** The session of the access token (its `sid` claim), on signed-in requests. */
  sessionId?: string;
  /** The HTTP client as the gateway saw it, on login and refresh: kept with the session. */
  client?: ClientInfo;
}

export interface IdParam {
  id: number;
}

/** Every action: its params and its result. Handlers and callers both type against this. */
export interface ActionContracts {
  "users.signup": { params: SignupRequest; result: User };
  "users.login": { params: LoginRequest; result: LoginResponse };
  "users.resolve": { params: ResolveParams; result: AuthUser | null };
  "users.profile": { params: Record<string, never>; result: User };
  "users.changePassword": { params: ChangePasswordRequest; result: null };
  "users.createAdmin": { params: CreateAdminRequest; result: User };
  "users.listCustomers": { params: PageQuery; result: Page<User> };
  "users.listUsers": { params: ListUsersQuery; result: Page<User> };
  "users.listApprovals": { params: PageQuery; result: Page<User> };
  "users.approveAgent": { params: IdParam & ApproveAgentRequest; result: User };
  "users.deleteAgent": { params: IdParam; result: null };
  "users.isCustomer": { params: IdParam; result: boolean };
  "loans.request": { params: LoanRequest; result: Loan };
  "loans.edit": { params: LoanEditRequest & IdParam; result: Loan };
  "loans.decide": { params: LoanDecisionRequest & IdParam; result: Loan };
  "loans.details": { params: IdParam; result: Loan };
  "loans.history": { params: IdParam; result: LoanHistoryResponse };
  "loans.listAll": { params: ListLoansQuery; result: Page<Loan> };
  "loans.listMine": { params: ListLoansQuery; result: Page<Loan> };
  "users.lookup": { params: IdParam; result: AuthUser | null };
  "users.refresh": { params: RefreshRequest; result: RefreshResponse };
  "users.logout": { params: Record<string, never>; result: null };
  "users.listSessions": { params: Record<string, never>; result: SessionList };
  "users.endSession": { params: SessionIdParam; result: null };
  "users.endSessionsOf": { params: UserIdParam; result: null };
  "users.getUser": { params: IdParam; result: User };
  "users.search": { params: UserSearchQuery; result: Page<User> };
  "users.clearLoginFailures": { params: UserIdParam; result: null };
  "audit.record": { params: AuditRecordParams; result: { recorded: number } };
  "audit.listEvents": { params: ListAuditQuery; result: Page<AuditEvent> };
}
export type ActionName = keyof ActionContracts;
export type ActionParams<A extends ActionName> = ActionContracts[A]["params"];
export type ActionResult<A extends ActionName> = ActionContracts[A]["result"];

/** Who did a thing, carried on every domain event. */
export interface EventActor {
  actor_id: number | null;
}

/** Domain events and their payloads. */
export interface EventContracts {
  "user.created": EventActor & { user: User };
  /** `lending_limit`: the limit the admin gave at approval, null for AGENT_DEFAULT_LIMIT. */
  "agent.approved": EventActor & { user: User; lending_limit: Money | null };
  "user.deleted": EventActor & { user: User };
  "user.passwordChanged": EventActor & { user_id: number };
  "session.revoked": EventActor & SessionsRevoked;
  "loan.created": EventActor & { loan: Loan };
  "loan.updated": EventActor & { before: Loan; loan: Loan };
  "loan.decided": EventActor & { before: Loan; loan: Loan };
}
export type EventName = keyof EventContracts;
export type EventPayload<E extends EventName> = EventContracts[E];

// ---- the audit log ----

export const AUDIT_ENTITIES = ["user", "loan", "product", "agent_limit"] as const;
export type AuditEntity = (typeof AUDIT_ENTITIES)[number];

/** One recorded domain event: who did what to which entity, when, before and after. */
export interface AuditEvent {
  id: number;
  event: EventName;
  entity: AuditEntity;
  entity_id: number;
  actor_id: number | null;
  before: unknown;
  after: unknown;
  occurred_at: Timestamp;
  recorded_at: Timestamp;
}

export interface ListAuditQuery extends PageQuery {
  entity?: AuditEntity;
  entity_id?: number;
  event?: EventName;
}

/**
 * A domain event as its publisher's outbox delivers it to each subscribing consumer. The
 * name decides the payload's type: `switch (e.event)` narrows `e.payload`, no casts.
 * `version`: the schema version of the payload (EVENT_VERSIONS in sdk/schemas.ts), stored
 * with the outbox row; a change a consumer could misread gets a new version.
 */
export type DomainEvent<E extends EventName = EventName> = {
  [K in E]: {
    /** The publisher's outbox id: with `source`, the event's identity (consumers dedupe on it). */
    id: number;
    event: K;
    version: number;
    payload: EventPayload<K>;
    occurred_at: Timestamp;
  };
}[E];

/** The outbox's name for a domain event (kept for the SDK's users). */
export type OutboxEvent<E extends EventName = EventName> = DomainEvent<E>;

/**
 * An event as a consumer's action receives it off the wire: possibly one its code does not
 * know (a newer publisher's, or one that consumer takes "all" of). `isDomainEvent` (in
 * services/shared/event-delivery.ts) tells the known ones, typed.
 */
export interface DeliveredEvent {
  id: number;
  event: string;
  /** Absent from a publisher older than event versions: version 1. */
  version?: number;
  payload: object;
  occurred_at: Timestamp;
}

/** What an outbox relay sends a consumer's action: a batch of one publisher's events, in id order. */
export interface EventDelivery {
  source: string;
  events: DeliveredEvent[];
}

export type AuditRecordParams = EventDelivery;

// ---- servicing: disbursement, schedule, repayments, arrears, portfolio ----

/** A calendar date "YYYY-MM-DD" (UTC), not a timestamp. */
export type CalendarDate = string;

/**
 * Every money movement on a loan is a transaction, kept forever (a repayment is reversed, not
 * deleted): the schedule's paid state and the outstanding figures are a replay of them.
 */
export const TRANSACTION_TYPES = ["DISBURSEMENT", "REPAYMENT", "FEE", "PENALTY", "WAIVER", "WRITE_OFF"] as const;
export type TransactionType = (typeof TRANSACTION_TYPES)[number];

export const INSTALLMENT_STATUSES = ["PAID", "PARTIAL", "OVERDUE", "DUE"] as const;
/**
 * PAID: fully paid; OVERDUE: due before `as_of`, not fully paid; PARTIAL: something paid,
 * not all, not yet past due; DUE: nothing paid, not yet past due.
 */
export type InstallmentStatus = (typeof INSTALLMENT_STATUSES)[number];

/** Arrears are judged as of a date (default today UTC), never by a nightly job. */
export interface AsOfQuery {
  as_of?: CalendarDate;
}

/** The list filter of loans past due: ACTIVE loans whose oldest unpaid installment fell due before `as_of`. */
export interface ArrearsQuery extends AsOfQuery {
  overdue?: boolean;
}

export interface DisburseRequest {
  /** Default today UTC; never in the future, may lie in the past. */
  disbursed_on?: CalendarDate;
}

export interface RepaymentRequest {
  /** More than 0, at most two decimals, at most the outstanding total. */
  amount: Money | number;
  /** Default today UTC; not before the disbursement, not in the future. */
  paid_on?: CalendarDate;
}

export interface ScheduleRow {
  number: number;
  due_date: CalendarDate;
  installment: Money;
  principal: Money;
  interest: Money;
  /** The principal still owed after this installment, as scheduled. */
  balance: Money;
  /** The fees and penalties charged with this installment, and what is paid of them. */
  fee: Money;
  penalty: Money;
  paid_principal: Money;
  paid_interest: Money;
  paid_fee: Money;
  paid_penalty: Money;
  status: InstallmentStatus;
}

export interface ScheduleTotals {
  principal: Money;
  interest: Money;
  installment: Money;
  fee: Money;
  penalty: Money;
}

export interface LoanSchedule {
  loan_id: number;
  /** Null before disbursement: the rows are then a projection as if disbursed on `as_of`. */
  disbursed_on: CalendarDate | null;
  as_of: CalendarDate;
  rows: ScheduleRow[];
  totals: ScheduleTotals;
  outstanding_principal: Money;
  outstanding_interest: Money;
  outstanding_fee: Money;
  outstanding_penalty: Money;
  next_due_date: CalendarDate | null;
  overdue_amount: Money;
  days_past_due: number;
}

/** What one repayment paid of one installment. */
export interface InstallmentAllocation {
  number: number;
  principal: Money;
  interest: Money;
  fee: Money;
  penalty: Money;
}

export interface Repayment {
  id: number;
  loan_id: number;
  amount: Money;
  principal_part: Money;
  interest_part: Money;
  fee_part: Money;
  penalty_part: Money;
  paid_on: CalendarDate;
  recorded_by: number;
  created_at: Timestamp;
  /**
   * The installments it pays, in due order; within each penalty, fee, interest, principal.
   * It follows from replaying the loan's transactions, so it changes when an earlier-dated
   * repayment is recorded or another is reversed. A reversed repayment keeps the parts it
   * had when it was reversed, and counts nowhere.
   */
  allocation: InstallmentAllocation[];
  reversed: boolean;
}

export interface RepaymentsResponse {
  /** In the order recorded; they are allocated by `paid_on`, ties in that order. */
  rows: Repayment[];
}

export interface Portfolio {
  as_of: CalendarDate;
  by_status: Record<LoanStatus, number>;
  active_outstanding_principal: Money;
  /** What ACTIVE loans should have paid before `as_of` and have not. */
  overdue_amount: Money;
  /** Outstanding principal of loans more than 30 days past due, in percent of all active outstanding principal ("0.00"–"100.00"). */
  par30: string;
  /** The principal the WRITTEN_OFF loans' write-offs took. */
  written_off_principal: Money;
}

// Declaration merging: the servicing actions and events join the tables above.
export interface ActionContracts {
  "loans.disburse": { params: DisburseRequest & IdParam; result: Loan };
  "loans.schedule": { params: AsOfQuery & IdParam; result: LoanSchedule };
  "loans.repay": { params: RepaymentRequest & IdParam; result: Repayment };
  "loans.repayments": { params: IdParam; result: RepaymentsResponse };
  "loans.repayment": { params: IdParam; result: Repayment };
  "loans.portfolio": { params: AsOfQuery; result: Portfolio };
}

export interface EventContracts {
  "loan.disbursed": EventActor & { before: Loan; loan: Loan };
  "loan.repaid": MoneyEvent & { repayment: Repayment };
  "loan.closed": EventActor & { before: Loan; loan: Loan };
}

// ---- sessions ----

export interface RefreshRequest {
  refresh_token: string;
}

/** A refresh answers a new pair, in the shape of a login without its device token. */
export type RefreshResponse = TokenPair;

/** One live session of the caller, as `GET /api/v1/user/sessions` lists it. */
export interface SessionInfo {
  /** A UUID; the `sid` claim of the session's access tokens. */
  id: string;
  created_at: Timestamp;
  /** The last login, refresh or request seen for this session (to about a minute). */
  last_used_at: Timestamp;
  user_agent: string | null;
  /** The client address as the gateway saw it (the socket's, not X-Forwarded-For). */
  ip: string | null;
  /** Whether this is the session of the token making the request. */
  current: boolean;
}

export interface SessionList {
  rows: SessionInfo[];
}

export interface ClientInfo {
  ip?: string;
  user_agent?: string;
}

/** `users.resolve`: a token's user, if its session (`sid`) is still live. */
export interface ResolveParams {
  id: number;
  sid: string;
}

export interface SessionIdParam {
  id: string;
}

export interface UserIdParam {
  user_id: number;
}

export const SESSION_END_REASONS = ["logout", "ended", "ended_by_admin", "password_changed", "user_deleted", "refresh_token_reused"] as const;
/** Why sessions ended: by their owner, an admin, a password change, a deletion, or a replayed refresh token. */
export type SessionEndReason = (typeof SESSION_END_REASONS)[number];

export interface SessionsRevoked {
  user_id: number;
  session_ids: string[];
  reason: SessionEndReason;
}

// ---- the back-office console's cookie session (/admin/session) ----

/** One band of the loan rate table: principals up to `up_to` (null: above every bound) pay `rate`. */
export interface LoanRateBand {
  up_to: Money | null;
  rate: Rate;
}

/**
 * What `/admin/session` answers: who is signed in, the CSRF token the console sends as
 * `X-CSRF-Token` on every write, when the session ends, and the rate table the loans
 * service applies (for the EMI preview). The access token itself stays in the HttpOnly cookie.
 */
export interface ConsoleSession {
  user: User;
  csrf_token: string;
  expires_at: Timestamp | null;
  rate_table: LoanRateBand[];
}

// ---- loan products (SPEC "Products and agent lending limits") ----

/** A product code: 2–32 of A-Z 0-9 _ -, unique, never changed. */
export const PRODUCT_CODE_PATTERN = "^[A-Z0-9_-]{2,32}$";
/** The product made at first start from LOAN_RATE_TABLE; a request without `product_code` uses it. */
export const STANDARD_PRODUCT_CODE = "STANDARD";
export const CHARGE_KINDS = ["FLAT", "PERCENT"] as const;
/** FLAT: `amount` is money; PERCENT: `amount` is a rate ("1.50" = 1.50 %), half-up to cents. */
export type ChargeKind = (typeof CHARGE_KINDS)[number];

export interface DisbursementFeeRule {
  kind: ChargeKind;
  amount: Money;
}

export interface PenaltyRule {
  grace_days: number;
  kind: ChargeKind;
  amount: Money;
}

export interface Product {
  code: string;
  name: string;
  active: boolean;
  min_principal: Money;
  max_principal: Money;
  min_tenure_months: number;
  max_tenure_months: number;
  /** Ascending `up_to`; the last band has `up_to: null`. */
  rate_bands: LoanRateBand[];
  disbursement_fee: DisbursementFeeRule | null;
  penalty: PenaltyRule | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** The copy of a product's terms a loan keeps: taken at request and at each edit, frozen from the decision on. */
export type ProductTerms = Pick<Product, "code" | "min_principal" | "max_principal" | "min_tenure_months" | "max_tenure_months" | "rate_bands" | "disbursement_fee" | "penalty">;

/** Money fields accept a decimal string or a number, as the loan request's principal does. */
export interface ProductCreateRequest {
  code: string;
  name: string;
  min_principal: Money | number;
  max_principal: Money | number;
  min_tenure_months: number;
  max_tenure_months: number;
  rate_bands: { up_to: Money | number | null; rate: Rate | number }[];
  disbursement_fee?: { kind: ChargeKind; amount: Money | number } | null;
  penalty?: { grace_days: number; kind: ChargeKind; amount: Money | number } | null;
}

/** Any field but `code`; `active: true` reactivates a deactivated product. */
export type ProductUpdateRequest = Partial<Omit<ProductCreateRequest, "code">> & { active?: boolean };

export interface ListProductsQuery extends PageQuery {
  active?: boolean;
}

export interface ProductCodeParam {
  code: string;
}

// ---- agent lending limits ----

/** What an approved agent may lend until the admin's limit (or agent.approved's) arrives. */
export const AGENT_DEFAULT_LIMIT = "5000000.00";

/** `used` = principals of the agent's NEW and APPROVED loans + outstanding principal of ACTIVE ones. */
export interface AgentLimit {
  agent_id: number;
  limit: Money;
  used: Money;
  available: Money;
}

export interface SetAgentLimitRequest {
  limit: Money | number;
}

export interface ApproveAgentRequest {
  lending_limit?: Money | number;
}

export interface AgentIdParam {
  agent_id: number;
}

export interface ActionContracts {
  "loans.listProducts": { params: ListProductsQuery; result: Page<Product> };
  "loans.getProduct": { params: ProductCodeParam; result: Product };
  "loans.createProduct": { params: ProductCreateRequest; result: Product };
  "loans.updateProduct": { params: ProductUpdateRequest & ProductCodeParam; result: Product };
  "loans.deactivateProduct": { params: ProductCodeParam; result: null };
  "loans.listAgentLimits": { params: PageQuery; result: Page<AgentLimit> };
  "loans.getAgentLimit": { params: AgentIdParam; result: AgentLimit };
  "loans.setAgentLimit": { params: SetAgentLimitRequest & AgentIdParam; result: AgentLimit };
}

export interface EventContracts {
  /** `product_id`: the product's row id, the audit log's entity id (codes are text). */
  "product.changed": EventActor & { product_id: number; before: Product | null; product: Product };
  "agent_limit.changed": EventActor & { before: AgentLimit | null; limit: AgentLimit };
}

export interface ActionContracts {
  /** The users outbox's relay delivers `agent.approved` here (internal, not routed); `applied`: how many were new. */
  "loans.receiveEvents": { params: EventDelivery; result: { applied: number } };
}

// ---- a loan's transactions: reversal, charges, waivers, write-off, close of business ----

/** One money movement on a loan, kept forever: a repayment is reversed, never deleted. */
export interface LoanTransaction {
  id: number;
  loan_id: number;
  type: TransactionType;
  amount: Money;
  /**
   * What it moved of each part: a repayment's current allocation, a write-off's take, a
   * waiver's; a DISBURSEMENT's principal; a FEE's or PENALTY's charge.
   */
  principal_part: Money;
  interest_part: Money;
  fee_part: Money;
  penalty_part: Money;
  value_date: CalendarDate;
  /** FEE, PENALTY and WAIVER: the installment it is booked against; else null. */
  installment_number: number | null;
  /** WAIVER: the FEE or PENALTY transaction it waives; else null. */
  charge_id: number | null;
  created_at: Timestamp;
  /** Who recorded it; null for what close of business charged. */
  recorded_by: number | null;
  /** WAIVER, WRITE_OFF: why (a reversal's reason is `reversal_reason`). */
  reason: string | null;
  reversed: boolean;
  reversed_at: Timestamp | null;
  reversed_by: number | null;
  reversal_reason: string | null;
}

export interface LoanTransactionsResponse {
  /** By value date, then recording order. */
  rows: LoanTransaction[];
}

export interface ReasonRequest {
  /** Why, for the audit log: 1–500 characters. */
  reason: string;
}

export interface WriteOffRequest extends ReasonRequest {
  /** Default today UTC; not in the future, not before the disbursement. */
  written_off_on?: CalendarDate;
}

export interface CloseOfBusinessRequest {
  /** Default yesterday UTC; never in the future. */
  business_date?: CalendarDate;
}

export const COB_STATUSES = ["RUNNING", "DONE", "FAILED"] as const;
export type CloseOfBusinessStatus = (typeof COB_STATUSES)[number];

/** One run of close of business: it charges the penalties due by `business_date` not yet charged. */
export interface CloseOfBusinessRun {
  id: number;
  business_date: CalendarDate;
  status: CloseOfBusinessStatus;
  /** The ACTIVE loans it looks at, and how many it has done. */
  loans_total: number;
  loans_done: number;
  penalties_charged: number;
  started_at: Timestamp;
  finished_at: Timestamp | null;
}

/** A repayment whose allocation a change moved: what it paid of each part before and after. */
export interface Reallocation {
  repayment_id: number;
  paid_on: CalendarDate;
  before: MoneyParts;
  after: MoneyParts;
}

export interface MoneyParts {
  principal: Money;
  interest: Money;
  fee: Money;
  penalty: Money;
}

/** What every money event carries, for the ledger to post: the other repayments it re-allocated. */
export interface MoneyEvent extends EventActor {
  before: Loan;
  loan: Loan;
  reallocated: Reallocation[];
}

export interface ActionContracts {
  "loans.transactions": { params: IdParam; result: LoanTransactionsResponse };
  "loans.reverseRepayment": { params: IdParam & ReasonRequest; result: Repayment };
  "loans.waiveCharge": { params: IdParam & ReasonRequest; result: LoanTransaction };
  "loans.writeOff": { params: IdParam & WriteOffRequest; result: Loan };
  "loans.runCloseOfBusiness": { params: CloseOfBusinessRequest; result: CloseOfBusinessRun };
  "loans.closeOfBusiness": { params: IdParam; result: CloseOfBusinessRun };
  "loans.listCloseOfBusiness": { params: PageQuery; result: Page<CloseOfBusinessRun> };
}

export interface EventContracts {
  "loan.repayment_reversed": MoneyEvent & { repayment: Repayment };
  "loan.charge_waived": MoneyEvent & { waiver: LoanTransaction; charge: LoanTransaction };
  "loan.written_off": MoneyEvent & { transaction: LoanTransaction };
  /** A fee at disbursement, or penalties by close of business (`actor_id` null). */
  "loan.charged": MoneyEvent & { charges: LoanTransaction[] };
}

// ---- the ledger: double-entry books of every money movement, kept by the ledger service ----

/** The fixed chart of accounts (cash basis). */
export const LEDGER_ACCOUNTS = [
  { code: "1000", name: "Cash", type: "ASSET" },
  { code: "1100", name: "Loans receivable", type: "ASSET" },
  { code: "4000", name: "Interest income", type: "INCOME" },
  { code: "4100", name: "Fee income", type: "INCOME" },
  { code: "4200", name: "Penalty income", type: "INCOME" },
  { code: "5000", name: "Loan losses", type: "EXPENSE" },
] as const;
export type LedgerAccountCode = (typeof LEDGER_ACCOUNTS)[number]["code"];
/** "1100 Loans receivable": the code the books use and the name a person reads (the chart is fixed: no call needed). */
export function ledgerAccountLabel(code: LedgerAccountCode): string {
  const account = LEDGER_ACCOUNTS.find((a) => a.code === code);
  return account ? `${code} ${account.name}` : code;
}
export const LEDGER_ACCOUNT_TYPES = ["ASSET", "INCOME", "EXPENSE"] as const;
export type LedgerAccountType = (typeof LEDGER_ACCOUNT_TYPES)[number];

/**
 * What a journal entry posts: DISBURSEMENT, REPAYMENT and WRITE_OFF their transaction;
 * REVERSAL a repayment's entry with debits and credits swapped (it was reversed, or a change
 * moved its allocation); REALLOCATION a repayment's allocation after such a move.
 */
export const LEDGER_ENTRY_KINDS = ["DISBURSEMENT", "REPAYMENT", "REVERSAL", "REALLOCATION", "WRITE_OFF"] as const;
export type LedgerEntryKind = (typeof LEDGER_ENTRY_KINDS)[number];

/** One account's debits, credits and balance (debits − credits for assets and expenses, credits − debits for income). */
export interface LedgerAccountBalance {
  code: LedgerAccountCode;
  name: string;
  type: LedgerAccountType;
  debit: Money;
  credit: Money;
  balance: Money;
}

export interface LedgerAccounts {
  /** Entries with a value date up to this day (default today UTC). */
  as_of: CalendarDate;
  rows: LedgerAccountBalance[];
}

/** An account's balance on its normal side: in `debit` for assets and expenses, in `credit` for income (a negative balance shows on the other side). */
export interface TrialBalanceRow {
  code: LedgerAccountCode;
  name: string;
  type: LedgerAccountType;
  debit: Money;
  credit: Money;
}

export interface TrialBalance {
  as_of: CalendarDate;
  rows: TrialBalanceRow[];
  total_debit: Money;
  total_credit: Money;
  /** total_debit = total_credit (the database refuses an entry that would make it false). */
  balanced: boolean;
}

export interface LedgerLine {
  account: LedgerAccountCode;
  /** One of the two is "0.00". */
  debit: Money;
  credit: Money;
}

/** One balanced journal entry: never edited, never deleted. */
export interface LedgerEntry {
  id: number;
  value_date: CalendarDate;
  loan_id: number;
  kind: LedgerEntryKind;
  /** The loan transaction it posts (the repayment, the write-off, the disbursement); null for a disbursement posted from its event. */
  transaction_id: number | null;
  /** The event it was posted from: `source:id`, e.g. "loans:118". */
  source_event: string;
  lines: LedgerLine[];
  created_at: Timestamp;
}

export interface LedgerEntriesQuery extends PageQuery {
  loan_id?: number;
  /** Value dates from and to (inclusive). */
  from?: CalendarDate;
  to?: CalendarDate;
}

/** A loan whose 1100 balance differs from the outstanding principal the loans service answers. */
export interface ReconciliationMismatch {
  loan_id: number;
  ledger_receivable: Money;
  outstanding_principal: Money;
}

export interface Reconciliation {
  /** When the comparison ran. */
  as_of: Timestamp;
  /** The disbursed loans (ACTIVE, CLOSED, WRITTEN_OFF) compared. */
  loans_checked: number;
  mismatches: ReconciliationMismatch[];
  /** Events the loans service holds for the ledger, not yet posted: mismatches are expected until they are. */
  pending_events: number;
}

/** A loan's outstanding principal, as the loans service answers the ledger's reconciliation. */
export interface OutstandingPrincipal {
  loan_id: number;
  outstanding_principal: Money;
}

export interface OutstandingPrincipalsQuery {
  /** Loans with an id above this one (paging by id). */
  after_id?: number;
  limit?: number;
}

/**
 * A transaction of a loan's history as `loan.history` carries it: its DISBURSEMENT, its
 * live REPAYMENTs with their current allocation, its WRITE_OFF.
 */
export type LoanHistoryTransaction = Pick<LoanTransaction, "id" | "type" | "value_date" | "principal_part" | "interest_part" | "fee_part" | "penalty_part">;

export interface ActionContracts {
  "ledger.accounts": { params: AsOfQuery; result: LedgerAccounts };
  "ledger.trialBalance": { params: AsOfQuery; result: TrialBalance };
  "ledger.entries": { params: LedgerEntriesQuery; result: Page<LedgerEntry> };
  "ledger.reconciliation": { params: Record<string, never>; result: Reconciliation };
  /** The loans outbox's relay delivers the money events here (internal, not routed); `posted`: how many were new. */
  "ledger.post": { params: EventDelivery; result: { posted: number } };
  /** Internal: the disbursed loans' outstanding principal by id, for the ledger's reconciliation. */
  "loans.outstandingPrincipals": { params: OutstandingPrincipalsQuery; result: { rows: OutstandingPrincipal[] } };
  /** Internal: how many of the loans outbox's events wait for a consumer. */
  "loans.pendingEvents": { params: { consumer: string }; result: { pending: number } };
}

export interface EventContracts {
  /**
   * A disbursed loan's money history, published once for each loan that existed when the
   * ledger became a consumer (loans migration 0011), so its books start complete.
   */
  "loan.history": EventActor & { loan_id: number; transactions: LoanHistoryTransaction[] };
}
