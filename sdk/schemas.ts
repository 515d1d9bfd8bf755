/**
 * The JSON Schemas (2020-12, the dialect of OpenAPI 3.1) of every body the API answers,
 * written once beside the types they describe (contracts.ts). The OpenAPI document takes
 * its `components.schemas` from here; request bodies come from the actions' own parameter
 * rules instead. test/contract holds the two together: types generated from the document
 * must equal the types of contracts.ts, and every e2e answer must match these schemas.
 *
 * Objects list every property as required and allow no other: an answer that gains,
 * loses or renames a field without this file fails the contract tests.
 */
import { LEDGER_ACCOUNTS, LEDGER_ACCOUNT_TYPES, LEDGER_ENTRY_KINDS } from "./contracts.js";
import { AUDIT_ENTITIES, CHARGE_KINDS, COB_STATUSES, INSTALLMENT_STATUSES, LOAN_STATUSES, PRODUCT_CODE_PATTERN, ROLES, TRANSACTION_TYPES, type EventName } from "./contracts.js";
import { ERROR_TYPES } from "./errors.js";

export type JsonType = "string" | "number" | "integer" | "boolean" | "object" | "array" | "null";

/** The part of JSON Schema the document uses. */
export interface JsonSchema {
  $ref?: string;
  type?: JsonType | readonly JsonType[];
  title?: string;
  description?: string;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  enum?: readonly unknown[];
  const?: unknown;
  default?: unknown;
  examples?: readonly unknown[];
  properties?: Record<string, JsonSchema>;
  required?: readonly string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  oneOf?: readonly JsonSchema[];
  anyOf?: readonly JsonSchema[];
  allOf?: readonly JsonSchema[];
}

/** Every event the audit log records; the type below fails to compile when one is missing. */
export const EVENT_NAMES = [
  "user.created",
  "agent.approved",
  "user.deleted",
  "user.passwordChanged",
  "loan.created",
  "loan.updated",
  "loan.decided",
  "loan.disbursed",
  "loan.repaid",
  "loan.closed",
  "session.revoked",
  "product.changed",
  "agent_limit.changed",
  "loan.repayment_reversed",
  "loan.charge_waived",
  "loan.written_off",
  "loan.charged",
  "loan.history",
] as const satisfies readonly EventName[];
type MissingEventName = Exclude<EventName, (typeof EVENT_NAMES)[number]>;
const _everyEventNamed: [MissingEventName] extends [never] ? true : MissingEventName = true;
void _everyEventNamed;

/**
 * The schema version each event is published with (stored in its outbox row, sent with it).
 * Raise one when its payload changes in a way a consumer could misread.
 */
export const EVENT_VERSIONS: { readonly [E in EventName]: number } = {
  "user.created": 1,
  "agent.approved": 1,
  "user.deleted": 1,
  "user.passwordChanged": 1,
  "session.revoked": 1,
  "loan.created": 1,
  "loan.updated": 1,
  "loan.decided": 1,
  "loan.disbursed": 1,
  "loan.repaid": 1,
  "loan.closed": 1,
  "product.changed": 1,
  "agent_limit.changed": 1,
  "loan.repayment_reversed": 1,
  "loan.charge_waived": 1,
  "loan.written_off": 1,
  "loan.charged": 1,
  "loan.history": 1,
};

/** The named schemas of `components.schemas`. */
export type SchemaName =
  | "ApiError"
  | "ValidationFieldError"
  | "ValidationError"
  | "User"
  | "Loan"
  | "LoanVersion"
  | "LoanHistory"
  | "LoginResponse"
  | "RefreshResponse"
  | "HealthResponse"
  | "AuditEvent"
  | "UserPage"
  | "LoanPage"
  | "AuditEventPage"
  // servicing
  | "ScheduleRow"
  | "LoanSchedule"
  | "InstallmentAllocation"
  | "Repayment"
  | "Repayments"
  | "Portfolio"
  // transactions and close of business
  | "LoanTransaction"
  | "LoanTransactions"
  | "CloseOfBusinessRun"
  | "CloseOfBusinessRunPage"
  // sessions
  | "SessionInfo"
  | "SessionList"
  // products
  | "RateBand"
  | "DisbursementFeeRule"
  | "PenaltyRule"
  | "Product"
  | "ProductPage"
  // agent lending limits
  | "AgentLimit"
  | "AgentLimitPage"
  // the ledger
  | "LedgerAccountBalance"
  | "LedgerAccounts"
  | "TrialBalanceRow"
  | "TrialBalance"
  | "LedgerLine"
  | "LedgerEntry"
  | "LedgerEntryPage"
  | "ReconciliationMismatch"
  | "Reconciliation";

export const ref = (name: SchemaName): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

/** The fields of a token pair, a login's answer and a refresh's. */
const TOKEN_PAIR: Record<string, JsonSchema> = {
  token: { type: "string", description: "The access token: send as `Authorization: Bearer <token>`" },
  token_type: { type: "string", const: "Bearer" },
  expires_in: { type: "integer", minimum: 0, description: "Seconds until the access token expires (JWT_EXPIRES_IN, never past the session's end)" },
  refresh_token: { type: "string", minLength: 1, description: "Opaque and single use: trade it for a new pair at POST /api/v1/user/token/refresh" },
  refresh_expires_in: { type: "integer", minimum: 0, description: "Seconds until the refresh token expires (REFRESH_EXPIRES_IN, never past SESSION_MAX_AGE after the login)" },
  user: ref("User"),
};

/** An object whose listed properties are all required and the only ones. */
function closed(description: string, properties: Record<string, JsonSchema>, optional: readonly string[] = []): JsonSchema {
  return { type: "object", description, properties, required: Object.keys(properties).filter((k) => !optional.includes(k)), additionalProperties: false };
}

const id: JsonSchema = { type: "integer", minimum: 1 };
const nullableId: JsonSchema = { type: ["integer", "null"], minimum: 1 };
const timestamp: JsonSchema = { type: "string", format: "date-time", examples: ["2026-01-15T09:30:00.000Z"] };
// `format: decimal` tells generators the string is a number kept exact (not a float to parse).
const money: JsonSchema = { type: "string", format: "decimal", pattern: "^\\d+\\.\\d{2}$", description: "A decimal amount with exactly two places, never a float", examples: ["250000.00"] };
const rate: JsonSchema = { type: "string", format: "decimal", pattern: "^\\d+\\.\\d{2}$", description: "An annual interest rate in percent, two places", examples: ["12.00"] };
const productCode: JsonSchema = { type: "string", pattern: PRODUCT_CODE_PATTERN, description: "2 to 32 of A-Z, 0-9, _ and -", examples: ["STANDARD"] };
const loanStatus: JsonSchema = { type: "string", enum: LOAN_STATUSES };
const calendarDate: JsonSchema = { type: "string", format: "date", pattern: "^\\d{4}-\\d{2}-\\d{2}$", description: "A calendar date YYYY-MM-DD (UTC), not a timestamp", examples: ["2026-01-31"] };
/** A balance, which may be negative (cash after disbursements). */
const signedMoney: JsonSchema = { ...money, pattern: "^-?\\d+\\.\\d{2}$", description: "A decimal amount with exactly two places, possibly negative, never a float", examples: ["-250000.00"] };
const ledgerAccount: JsonSchema = {
  type: "string",
  enum: LEDGER_ACCOUNTS.map((a) => a.code),
  description: "1000 Cash, 1100 Loans receivable, 4000 Interest income, 4100 Fee income, 4200 Penalty income, 5000 Loan losses",
};
const ledgerAccountType: JsonSchema = { type: "string", enum: LEDGER_ACCOUNT_TYPES };
const nullable = (schema: JsonSchema, description: string): JsonSchema => ({ ...schema, type: [schema.type as JsonType, "null"], description });

function page(of: SchemaName, description: string): JsonSchema {
  return closed(description, {
    rows: { type: "array", items: ref(of) },
    total: { type: "integer", minimum: 0, description: "How many there are in all pages" },
    page: { type: "integer", minimum: 1 },
    pageSize: { type: "integer", minimum: 1, maximum: 100 },
    totalPages: { type: "integer", minimum: 0 },
  });
}

export const EXAMPLE_USER = {
  id: 7,
  email: "ada@example.com",
  first_name: "Ada",
  last_name: "Lovelace",
  role: "customer",
  is_approved: true,
  created_at: "2026-01-15T09:30:00.000Z",
  updated_at: "2026-01-15T09:30:00.000Z",
} as const;

/** The spec's loan: 250,000.00 at 12.00 over 24 months, EMI 11768.37. */
export const EXAMPLE_LOAN = {
  id: 42,
  customer_id: 7,
  agent_id: 3,
  principal: "250000.00",
  interest_rate: "12.00",
  tenure_months: 24,
  emi: "11768.37",
  status: "NEW",
  version: 1,
  decided_by: null,
  decided_at: null,
  created_at: "2026-01-15T10:00:00.000Z",
  updated_at: "2026-01-15T10:00:00.000Z",
  disbursed_on: null,
  closed_at: null,
  outstanding_principal: null,
  outstanding_interest: null,
  outstanding_fee: null,
  outstanding_penalty: null,
  next_due_date: null,
  days_past_due: null,
  product_code: "STANDARD",
  disbursement_fee: "0.00",
} as const;

export const EXAMPLE_PRODUCT = {
  code: "STANDARD",
  name: "Standard",
  active: true,
  min_principal: "1000.00",
  max_principal: "10000000.00",
  min_tenure_months: 1,
  max_tenure_months: 360,
  rate_bands: [
    { up_to: "50000.00", rate: "14.00" },
    { up_to: "500000.00", rate: "12.00" },
    { up_to: "2000000.00", rate: "10.50" },
    { up_to: null, rate: "9.50" },
  ],
  disbursement_fee: null,
  penalty: null,
  created_at: "2026-01-15T09:00:00.000Z",
  updated_at: "2026-01-15T09:00:00.000Z",
} as const;

export const EXAMPLE_SESSION = {
  id: "0b8f3f2e-6c1d-4b7a-9a52-3f1e2d4c5b6a",
  created_at: "2026-01-15T09:30:00.000Z",
  last_used_at: "2026-01-15T10:05:00.000Z",
  user_agent: "loanctl/0.1.0",
  ip: "203.0.113.7",
  current: true,
} as const;

export const EXAMPLE_AGENT_LIMIT = { agent_id: 3, limit: "5000000.00", used: "250000.00", available: "4750000.00" } as const;

export const SCHEMAS: Record<SchemaName, JsonSchema> = {
  ApiError: closed(
    "moleculer-web's error shape, the body of every error answer; `code` is the HTTP status",
    {
      name: { type: "string", examples: ["NotFoundError"] },
      message: { type: "string", examples: ["loan 42 not found"] },
      code: { type: "integer", minimum: 400, maximum: 599, examples: [404] },
      type: { type: "string", enum: ERROR_TYPES, description: "A stable machine-readable reason, e.g. NOT_FOUND, LOAN_ALREADY_DECIDED", examples: ["NOT_FOUND"] },
      data: { description: "Details: the failed fields of a 422, the entity of a 404, the state of a 409" },
    },
    ["data"],
  ),
  ValidationFieldError: closed("One field that failed validation", { field: { type: "string" }, message: { type: "string" }, type: { type: "string" } }, ["type"]),
  ValidationError: {
    description: "A 422: the error shape, `data` listing every field that failed",
    allOf: [ref("ApiError"), { type: "object", properties: { code: { type: "integer", const: 422 }, data: { type: "array", items: ref("ValidationFieldError") } }, required: ["data"] }],
  },
  User: {
    ...closed("An account; never carries a password or its hash", {
      id,
      email: { type: "string", minLength: 3, maxLength: 254, description: "Unique, case-insensitively; stored lower-case" },
      first_name: { type: "string", minLength: 1, maxLength: 100 },
      last_name: { type: "string", minLength: 1, maxLength: 100 },
      role: { type: "string", enum: ROLES },
      is_approved: { type: "boolean", description: "Agents wait for an admin's approval; customers and admins are approved at once" },
      created_at: timestamp,
      updated_at: timestamp,
    }),
    examples: [EXAMPLE_USER],
  },
  Loan: {
    ...closed("A loan; rate and EMI follow from principal and tenure", {
      id,
      customer_id: id,
      agent_id: id,
      principal: money,
      interest_rate: rate,
      tenure_months: { type: "integer", minimum: 1, maximum: 360 },
      emi: { ...money, description: "The monthly installment, P·r·(1+r)^n / ((1+r)^n − 1), half-up to cents", examples: ["11768.37"] },
      status: loanStatus,
      version: { type: "integer", minimum: 1, description: "1 at creation, +1 on each edit" },
      decided_by: { ...nullableId, description: "The admin who approved or rejected it" },
      decided_at: { ...timestamp, type: ["string", "null"] },
      created_at: timestamp,
      updated_at: timestamp,
      // servicing: null before disbursement; the last four are kept for ACTIVE and CLOSED loans only
      disbursed_on: nullable(calendarDate, "When the money went out; null until disbursed"),
      closed_at: nullable(timestamp, "When the last payment closed it; null until CLOSED"),
      outstanding_principal: nullable(money, "Principal still owed (ACTIVE, CLOSED); null before disbursement"),
      outstanding_interest: nullable(money, "Scheduled interest still owed (ACTIVE, CLOSED; 0.00 once WRITTEN_OFF); null before disbursement"),
      outstanding_fee: nullable(money, "Fees charged and not paid, waived or written off; null before disbursement"),
      outstanding_penalty: nullable(money, "Penalties charged and not paid, waived or written off; null before disbursement"),
      next_due_date: nullable(calendarDate, "The due date of the oldest installment not fully paid; null before disbursement and once CLOSED"),
      days_past_due: { type: ["integer", "null"], minimum: 0, description: "Days from next_due_date to `as_of` (default today) when it is past, else 0; null before disbursement" },
      product_code: { ...productCode, description: "The product whose terms the loan copied at its request and each edit (STANDARD by default)" },
      disbursement_fee: { ...money, description: 'The product\'s disbursement fee on this principal, "0.00" when it has none', examples: ["0.00"] },
    }),
    examples: [EXAMPLE_LOAN],
  },
  LoanVersion: closed("A loan as it was before an edit", {
    version: { type: "integer", minimum: 1 },
    principal: money,
    interest_rate: rate,
    tenure_months: { type: "integer", minimum: 1, maximum: 360 },
    emi: money,
    status: loanStatus,
    edited_by: id,
    edited_at: timestamp,
  }),
  LoanHistory: closed("The earlier versions of a loan, oldest first", { rows: { type: "array", items: ref("LoanVersion") } }),
  LoginResponse: closed("A signed-in session: an access token, the refresh token that renews it, the user, and this client's device token", {
    ...TOKEN_PAIR,
    device_token: {
      type: "string",
      minLength: 1,
      description: "Opaque, bound to the account: keep it and send it on this client's next login, where only this device's own failures count against it",
    },
  }),
  RefreshResponse: closed("A new token pair of the same session, and its user", TOKEN_PAIR),
  HealthResponse: closed("Whether the services a request needs answer", {
    status: { type: "string", enum: ["ok", "degraded"] },
    services: { type: "array", items: { type: "string" }, description: "The required services that answered" },
  }),
  AuditEvent: closed("One recorded domain event: who did what to which entity, when, before and after", {
    id,
    event: { type: "string", enum: EVENT_NAMES },
    entity: { type: "string", enum: AUDIT_ENTITIES },
    entity_id: id,
    actor_id: { ...nullableId, description: "Who did it; null for a self-service signup" },
    before: { description: "The entity before (null when created)" },
    after: { description: "The entity after (null when deleted)" },
    occurred_at: timestamp,
    recorded_at: timestamp,
  }),
  UserPage: page("User", "A page of users"),
  LoanPage: page("Loan", "A page of loans"),
  AuditEventPage: page("AuditEvent", "A page of the audit log"),

  // ---- servicing ----
  ScheduleRow: closed("One installment of the schedule and what is paid of it as of `as_of`", {
    number: { type: "integer", minimum: 1, maximum: 360 },
    due_date: calendarDate,
    installment: { ...money, description: "principal + interest: the EMI, but for the last one, which absorbs the rounding" },
    principal: money,
    interest: { ...money, description: "The balance before it × rate / 1200, half-up to cents" },
    balance: { ...money, description: "The principal still owed once this installment is paid" },
    fee: { ...money, description: "The fees charged with this installment (a disbursement fee with the first)" },
    penalty: { ...money, description: "The penalty charged on it by close of business, if any" },
    paid_principal: money,
    paid_interest: money,
    paid_fee: money,
    paid_penalty: money,
    status: { type: "string", enum: INSTALLMENT_STATUSES, description: "PAID; PARTIAL (something paid, not yet due); OVERDUE (due before as_of, not fully paid); DUE (nothing paid, not yet due)" },
  }),
  LoanSchedule: closed("A loan's repayment schedule as of a date; before disbursement, a projection as if disbursed on `as_of`", {
    loan_id: id,
    disbursed_on: nullable(calendarDate, "Null before disbursement: the rows are then a projection"),
    as_of: { ...calendarDate, description: "The date the statuses and arrears are judged at" },
    rows: { type: "array", items: ref("ScheduleRow"), minItems: 1, maxItems: 360 },
    totals: closed("The sums of the rows", { principal: money, interest: money, installment: money, fee: money, penalty: money }),
    outstanding_principal: money,
    outstanding_interest: money,
    outstanding_fee: money,
    outstanding_penalty: money,
    next_due_date: nullable(calendarDate, "The oldest installment not fully paid; null once everything is"),
    overdue_amount: { ...money, description: "What fell due before `as_of` and is not paid" },
    days_past_due: { type: "integer", minimum: 0, description: "Days from next_due_date to as_of when it is past, else 0" },
  }),
  InstallmentAllocation: closed("What one repayment pays of one installment", { number: { type: "integer", minimum: 1, maximum: 360 }, principal: money, interest: money, fee: money, penalty: money }),
  Repayment: closed("A recorded repayment and how it is allocated: installments in due order; within each penalty, fee, interest, principal", {
    id,
    loan_id: id,
    amount: money,
    principal_part: money,
    interest_part: money,
    fee_part: money,
    penalty_part: money,
    paid_on: calendarDate,
    recorded_by: { ...id, description: "The admin or agent who recorded it" },
    created_at: timestamp,
    allocation: {
      type: "array",
      items: ref("InstallmentAllocation"),
      description: "The installments it pays, in due order, as of the latest replay of the loan's transactions (an earlier-dated repayment or a reversal moves it)",
    },
    reversed: { type: "boolean", description: "Reversed: it keeps the share it had then and counts nowhere" },
  }),
  Repayments: closed("A loan's repayments, in the order recorded (the order they were allocated)", { rows: { type: "array", items: ref("Repayment") } }),
  Portfolio: closed("The loan book as of a date", {
    as_of: calendarDate,
    by_status: { ...closed("How many loans there are of each status", Object.fromEntries(LOAN_STATUSES.map((s) => [s, { type: "integer", minimum: 0 }]))) },
    active_outstanding_principal: { ...money, description: "The principal still owed on ACTIVE loans" },
    overdue_amount: { ...money, description: "What ACTIVE loans should have paid before `as_of` and have not" },
    par30: {
      type: "string",
      format: "decimal",
      pattern: "^(100\\.00|\\d{1,2}\\.\\d{2})$",
      description: "Portfolio at risk: outstanding principal of loans more than 30 days past due, in percent of all active outstanding principal",
      examples: ["4.17"],
    },
    written_off_principal: { ...money, description: "The principal the WRITTEN_OFF loans' write-offs took" },
  }),
  LoanTransaction: closed("One money movement on a loan, kept forever", {
    id,
    loan_id: id,
    type: { type: "string", enum: TRANSACTION_TYPES },
    amount: money,
    principal_part: money,
    interest_part: money,
    fee_part: money,
    penalty_part: money,
    value_date: calendarDate,
    installment_number: { type: ["integer", "null"], minimum: 1, maximum: 360, description: "FEE, PENALTY and WAIVER: the installment it is booked against" },
    charge_id: { ...nullableId, description: "WAIVER: the FEE or PENALTY it waives" },
    created_at: timestamp,
    recorded_by: { ...nullableId, description: "Who recorded it; null for what close of business charged" },
    reason: { type: ["string", "null"], maxLength: 500, description: "WAIVER, WRITE_OFF: why" },
    reversed: { type: "boolean" },
    reversed_at: { ...timestamp, type: ["string", "null"] },
    reversed_by: nullableId,
    reversal_reason: { type: ["string", "null"], maxLength: 500 },
  }),
  LoanTransactions: closed("A loan's transactions, by value date, then recording order", { rows: { type: "array", items: ref("LoanTransaction") } }),
  CloseOfBusinessRun: closed("One run of close of business: it charges every penalty due by `business_date` not yet charged", {
    id,
    business_date: calendarDate,
    status: { type: "string", enum: COB_STATUSES },
    loans_total: { type: "integer", minimum: 0, description: "The ACTIVE loans it looks at" },
    loans_done: { type: "integer", minimum: 0 },
    penalties_charged: { type: "integer", minimum: 0 },
    started_at: timestamp,
    finished_at: { ...timestamp, type: ["string", "null"] },
  }),
  CloseOfBusinessRunPage: page("CloseOfBusinessRun", "A page of close-of-business runs, newest first"),
  // ---- sessions ----
  SessionInfo: {
    ...closed("One live session of the caller", {
      id: { type: "string", format: "uuid", description: "The session's id (the `sid` claim of its access tokens)" },
      created_at: timestamp,
      last_used_at: { ...timestamp, description: "The last login, refresh or request seen for this session (to about a minute)" },
      user_agent: { type: ["string", "null"], maxLength: 512, description: "The client's User-Agent at login or last refresh" },
      ip: { type: ["string", "null"], maxLength: 64, description: "The client's address as the gateway saw it (the socket's, not X-Forwarded-For)" },
      current: { type: "boolean", description: "Whether this is the session of the token making the request" },
    }),
    examples: [EXAMPLE_SESSION],
  },
  SessionList: closed("The caller's live sessions, the most recently used first", { rows: { type: "array", items: ref("SessionInfo") } }),
  // ---- products ----
  RateBand: closed("A band of principal and its annual rate", {
    up_to: nullable(money, "The band's upper bound of principal, inclusive; null for the last band, every larger principal"),
    rate,
  }),
  DisbursementFeeRule: closed("Charged at disbursement, due with installment 1", {
    kind: { type: "string", enum: CHARGE_KINDS, description: "FLAT: `amount` is money; PERCENT: `amount` is a rate of the principal, half-up to cents" },
    amount: { ...money, examples: ["1.50"] },
  }),
  PenaltyRule: closed("Charged once per installment not fully paid by its due date + grace_days", {
    grace_days: { type: "integer", minimum: 0 },
    kind: { type: "string", enum: CHARGE_KINDS, description: "FLAT: `amount` is money; PERCENT: a rate of the installment's unpaid principal + interest, half-up" },
    amount: { ...money, examples: ["500.00"] },
  }),
  Product: {
    ...closed("A loan product: bounds, rate bands and charges; a loan copies its terms at request and each edit", {
      code: productCode,
      name: { type: "string", minLength: 1, maxLength: 100 },
      active: { type: "boolean", description: "A deactivated product takes no new loans; its loans are unaffected" },
      min_principal: money,
      max_principal: money,
      min_tenure_months: { type: "integer", minimum: 1, maximum: 360 },
      max_tenure_months: { type: "integer", minimum: 1, maximum: 360 },
      rate_bands: { type: "array", items: ref("RateBand"), minItems: 1, description: "Ascending `up_to`; the last band has `up_to: null`" },
      disbursement_fee: { oneOf: [ref("DisbursementFeeRule"), { type: "null" }], description: "null: no fee" },
      penalty: { oneOf: [ref("PenaltyRule"), { type: "null" }], description: "null: no penalty" },
      created_at: timestamp,
      updated_at: timestamp,
    }),
    examples: [EXAMPLE_PRODUCT],
  },
  ProductPage: page("Product", "A page of products, by code"),
  // ---- agent lending limits ----
  AgentLimit: {
    ...closed("An agent's lending limit and what of it their open loans use", {
      agent_id: id,
      limit: { ...money, description: "The most the agent's open loans may use: an admin's, else agent.approved's, else AGENT_DEFAULT_LIMIT" },
      used: { ...money, description: "Principals of the agent's NEW and APPROVED loans + outstanding principal of their ACTIVE ones" },
      available: { ...money, description: "limit − used, never below 0.00" },
    }),
    examples: [EXAMPLE_AGENT_LIMIT],
  },
  AgentLimitPage: page("AgentLimit", "A page of agents' lending limits, by agent id"),
  // ---- the ledger ----
  LedgerAccountBalance: closed("An account's debits and credits up to `as_of`, and its balance", {
    code: ledgerAccount,
    name: { type: "string", minLength: 1 },
    type: ledgerAccountType,
    debit: money,
    credit: money,
    balance: { ...signedMoney, description: "debit − credit for ASSET and EXPENSE accounts, credit − debit for INCOME; negative when the other side is larger" },
  }),
  LedgerAccounts: closed("The chart of accounts with each account's figures up to `as_of`", {
    as_of: calendarDate,
    rows: { type: "array", items: ref("LedgerAccountBalance") },
  }),
  TrialBalanceRow: closed("An account's balance on its side: `debit` for ASSET and EXPENSE, `credit` for INCOME (a negative balance shows on the other side)", {
    code: ledgerAccount,
    name: { type: "string", minLength: 1 },
    type: ledgerAccountType,
    debit: money,
    credit: money,
  }),
  TrialBalance: closed("Every account's balance up to `as_of`, and whether debits equal credits", {
    as_of: calendarDate,
    rows: { type: "array", items: ref("TrialBalanceRow") },
    total_debit: money,
    total_credit: money,
    balanced: { type: "boolean", description: "total_debit = total_credit; the database refuses any entry that would make it false" },
  }),
  LedgerLine: closed("One line of a journal entry: a debit or a credit to one account", {
    account: ledgerAccount,
    debit: { ...money, description: '"0.00" on a credit line' },
    credit: { ...money, description: '"0.00" on a debit line' },
  }),
  LedgerEntry: closed("One balanced journal entry, never edited or deleted", {
    id,
    value_date: calendarDate,
    loan_id: id,
    kind: { type: "string", enum: LEDGER_ENTRY_KINDS, description: "REVERSAL: a repayment's entry swapped (reversed, or its allocation moved); REALLOCATION: its allocation after the move" },
    transaction_id: { ...nullableId, description: "The loan transaction it posts; null for a disbursement posted from its event" },
    source_event: { type: "string", pattern: "^[a-z0-9_-]+:\\d+$", description: "The event it was posted from, `source:id`", examples: ["loans:118"] },
    lines: { type: "array", items: ref("LedgerLine"), minItems: 2 },
    created_at: timestamp,
  }),
  LedgerEntryPage: page("LedgerEntry", "A page of journal entries, oldest value date first"),
  ReconciliationMismatch: closed("A loan whose 1100 balance is not its outstanding principal", {
    loan_id: id,
    ledger_receivable: signedMoney,
    outstanding_principal: money,
  }),
  Reconciliation: closed("Each disbursed loan's 1100 balance compared with the outstanding principal the loans service answers", {
    as_of: timestamp,
    loans_checked: { type: "integer", minimum: 0 },
    mismatches: { type: "array", items: ref("ReconciliationMismatch") },
    pending_events: { type: "integer", minimum: 0, description: "Events the loans service holds for the ledger; mismatches are expected until they are posted" },
  }),
};
