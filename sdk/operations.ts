/**
 * What the OpenAPI document says of each routed action that its code cannot: the SDK
 * method that calls it (the operationId), its tag, summary, success answer, the error
 * statuses it gives of its own, and examples. One entry per action, keyed by action name.
 *
 * The rest comes from the code (services/api/openapi/document.ts): the path and method
 * from the gateway's alias table, parameters and request body from the action's `params`,
 * the roles from its `access`, and the statuses every route gives (400/413 for a body,
 * 401/403 from `access`, 422 from `params`, 429 where rate limited, 503 always).
 *
 * A new endpoint is documented by: its alias in api.service.ts (served under /api/v1 and
 * /api by `versioned`), its action's `params` and `access` as usual, one entry below, a
 * schema in sdk/schemas.ts for a new answer body (beside its type in contracts.ts), its
 * SDK method (named as the entry's operationId), and its line in
 * test/contract/drift.assert.ts for a new request type. test/contract fails, naming what
 * is missing, until all of it is there.
 */
import type { ActionName } from "./contracts.js";
import { EXAMPLE_AGENT_LIMIT, EXAMPLE_LOAN, EXAMPLE_PRODUCT, EXAMPLE_SESSION, EXAMPLE_USER, type SchemaName } from "./schemas.js";
import {
  EXAMPLE_ACTIVE_LOAN,
  EXAMPLE_COB_RUN,
  EXAMPLE_AS_OF,
  EXAMPLE_DISBURSED_ON,
  EXAMPLE_DISBURSEMENT,
  EXAMPLE_PORTFOLIO,
  EXAMPLE_REPAYMENT,
  EXAMPLE_SCHEDULE,
  EXAMPLE_TRANSACTION,
  EXAMPLE_WAIVER,
} from "./servicing-examples.js";
import { EXAMPLE_LEDGER_ACCOUNTS, EXAMPLE_LEDGER_ENTRIES, EXAMPLE_RECONCILIATION, EXAMPLE_TRIAL_BALANCE } from "./ledger-examples.js";

export const TAGS = {
  system: "The gateway itself",
  users: "Accounts, roles and agent approvals",
  loans: "The loan lifecycle: request, edit, decide, read",
  audit: "The audit log of every domain event",
  servicing: "After approval: disbursement, the repayment schedule, repayments, arrears and the portfolio",
  sessions: "Refresh tokens, logout, and the sessions a user (or an admin) can end",
  products: "Loan products: principal and tenure bounds, rate bands, disbursement fee and penalty",
  ledger: "The books: double-entry journal entries of every money movement, account balances, the trial balance and the reconciliation with the loans",
} as const;
export type Tag = keyof typeof TAGS;

export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 503;

export interface OperationDoc {
  /** The LoanClient method that calls this operation. */
  operationId: string;
  tag: Tag;
  summary: string;
  description?: string;
  success: {
    status: 200 | 201 | 202 | 204;
    description: string;
    /** The body's schema; none for a 204. */
    schema?: SchemaName;
    example?: unknown;
    /** A 201 answers where the created thing can be read. */
    location?: string;
  };
  /** The error statuses this operation gives of its own, and when. */
  errors?: Partial<Record<ErrorStatus, string>>;
  /** A status whose body is not the error shape (e.g. /health's 503). */
  bodies?: Partial<Record<ErrorStatus, { schema: SchemaName; description: string; example?: unknown }>>;
  /** An example request body. */
  requestExample?: unknown;
  /** Words added to the schema of a parameter or body field. */
  fields?: Record<string, { description?: string; examples?: readonly unknown[] }>;
}

/** Every action the gateway routes (see api.service.ts's aliases), documented. */
export type DocumentedAction = ActionName | "api.health";

const page = <T>(rows: T[]) => ({ rows, total: rows.length, page: 1, pageSize: 20, totalPages: 1 });
const AGENT = { ...EXAMPLE_USER, id: 3, email: "grace@example.com", first_name: "Grace", last_name: "Hopper", role: "agent" };
const APPROVED_LOAN = { ...EXAMPLE_LOAN, status: "APPROVED", decided_by: 1, decided_at: "2026-01-16T08:00:00.000Z", updated_at: "2026-01-16T08:00:00.000Z" };
const EDITED_LOAN = { ...EXAMPLE_LOAN, tenure_months: 36, emi: "8303.58", version: 2, updated_at: "2026-01-15T11:00:00.000Z" };
const NOT_NEW = "The loan is not NEW any more (LOAN_ALREADY_DECIDED / LOAN_NOT_EDITABLE)";
/** A login's or a refresh's answer: a new token pair and its user. */
const TOKEN_PAIR = {
  token: "eyJhbGciOiJIUzI1NiIsImtpZCI6IjNmMWUyZDRjIiwidHlwIjoiSldUIn0.eyJzdWIiOiI3Iiwic2lkIjoiMGI4ZjNmMmUifQ.c2lnbmF0dXJl",
  token_type: "Bearer",
  expires_in: 7200,
  refresh_token: "q3Vd8f0kT2xWm9LpZr7sYh1cNb4eGu6jKa5oXi0wDtE",
  refresh_expires_in: 2592000,
  user: EXAMPLE_USER,
} as const;
const DEVICE_TOKEN = "d1.7.Xq3b9LkT0mWz2VhR8sYc4A.k9PzQ2rT7vW1xY3bN5mC8dF0gH4jL6sA2eR9uI1oP3w";
const pageFields = {
  page: { description: "The page to answer, from 1", examples: [1] },
  pageSize: { description: "Rows per page (default 20, at most 100)", examples: [20] },
};
const ledgerAsOf = { as_of: { description: "Entries with a value date up to this day, YYYY-MM-DD (default today UTC)", examples: [EXAMPLE_AS_OF] } };
const loanId = { id: { description: "The loan's id", examples: [42] } };
const asOf = { as_of: { description: "The date arrears are judged at, YYYY-MM-DD (default today UTC); any real calendar date, ahead included", examples: [EXAMPLE_AS_OF] } };
const loanListFields = {
  ...pageFields,
  ...asOf,
  status: { description: "Only loans of this status" },
  overdue: { description: "true: only the ACTIVE loans with an installment unpaid past its due date as of `as_of`, most overdue first", examples: [true] },
};
/** Every write that honours `Idempotency-Key` may answer this 422. */
const KEY_MISMATCH = "this Idempotency-Key was already sent with another request — another method, path or body (IDEMPOTENCY_KEY_MISMATCH)";
const productCode = { code: { description: "The product's code", examples: ["MICRO"] } };
const PRODUCT_REQUEST = {
  code: "MICRO",
  name: "Micro loan",
  min_principal: "1000.00",
  max_principal: "50000.00",
  min_tenure_months: 3,
  max_tenure_months: 24,
  rate_bands: [
    { up_to: "10000.00", rate: "18.00" },
    { up_to: null, rate: "16.00" },
  ],
  disbursement_fee: { kind: "PERCENT", amount: "1.50" },
  penalty: { grace_days: 5, kind: "FLAT", amount: "200.00" },
};
const PRODUCT_EXAMPLE = { ...PRODUCT_REQUEST, active: true, created_at: "2026-01-15T09:00:00.000Z", updated_at: "2026-01-15T09:00:00.000Z" };
/** A request or a raised principal over the agent's lending limit. */
const LIMIT_EXCEEDED = "the principal would take the agent's used amount past their lending limit (AGENT_LIMIT_EXCEEDED; the message says how much is still available)";
const NOT_ACTIVE = "The loan is not ACTIVE: NEW, APPROVED, REJECTED or CLOSED (LOAN_NOT_REPAYABLE)";

export const OPERATIONS: Partial<Record<DocumentedAction, OperationDoc>> = {
  "api.health": {
    operationId: "health",
    tag: "system",
    summary: "Whether the users and loans services answer",
    success: { status: 200, schema: "HealthResponse", description: "Every required service answered", example: { status: "ok", services: ["users", "loans"] } },
    bodies: { 503: { schema: "HealthResponse", description: "A required service did not answer", example: { status: "degraded", services: ["users"] } } },
  },

  "users.signup": {
    operationId: "signup",
    tag: "users",
    summary: "Sign up as a customer (approved at once) or an agent (waits for an admin)",
    description: "Exactly one of `is_customer` and `is_agent` must be true. Passwords are 8 to 72 characters (at most 72 bytes in UTF-8).",
    success: { status: 201, schema: "User", description: "The new user", example: EXAMPLE_USER, location: "The new user, GET /api/v1/user/users/{id} (admin)" },
    errors: { 409: "A user with this email already exists (EMAIL_TAKEN)", 422: "A field is missing or invalid, or not exactly one of is_customer and is_agent is true" },
    requestExample: { email: "ada@example.com", password: "correct-horse-1", first_name: "Ada", last_name: "Lovelace", is_customer: true, is_agent: false },
  },
  "users.login": {
    operationId: "login",
    tag: "users",
    summary: "Sign in: a bearer token for the calls that follow, and a refresh token that renews it",
    description:
      "Opens a session: the access token (`token`, JWT_EXPIRES_IN, default 2h) carries its id; the refresh token (REFRESH_EXPIRES_IN, default 30d) is stored by the server only as a hash. " +
      "Besides the per-address limit, failed logins are counted per email, known or not: after 10 within 15 minutes that email answers 429 until the window passes, with the right password too, for clients without a device token. " +
      "The answer's `device_token` is this client's: sent on its next login of this account, only that device's own failures count against it (10 within 15 minutes), so someone who knows only the email cannot keep the owner out. " +
      "A success without a device token resets the account-wide count; a success with one does not. A session ends SESSION_MAX_AGE (default 90d) after its login, whatever its refreshes.",
    success: {
      status: 200,
      schema: "LoginResponse",
      description: "The token pair, the signed-in user and the device token (sent with `Cache-Control: no-store`)",
      example: { ...TOKEN_PAIR, device_token: DEVICE_TOKEN },
    },
    errors: {
      401: "Unknown email or wrong password, the same answer for both (INVALID_CREDENTIALS)",
      403: "An agent not yet approved (AGENT_NOT_APPROVED)",
      429: "Too many requests from this address (RATE_LIMIT_EXCEEDED), or 10 failed logins for this email within 15 minutes (LOGIN_ATTEMPTS_EXCEEDED); retry after `Retry-After` seconds",
    },
    requestExample: { email: "ada@example.com", password: "correct-horse-1", device_token: DEVICE_TOKEN },
    fields: { device_token: { description: "The `device_token` of this client's last login of this account, if it has one" } },
  },
  "users.profile": {
    operationId: "profile",
    tag: "users",
    summary: "The signed-in user",
    success: { status: 200, schema: "User", description: "The caller's own account", example: EXAMPLE_USER },
  },
  "users.changePassword": {
    operationId: "changePassword",
    tag: "users",
    summary: "Change the caller's password",
    success: { status: 204, description: "Changed" },
    description:
      "A wrong current password counts as a failed login of the account: after 10 failures within 15 minutes (logins without a device token included) it answers 429 until the window passes.",
    errors: {
      422: "The current password is wrong, or the new one breaks the password rules",
      429: "10 failed logins or wrong current passwords for this account within 15 minutes (LOGIN_ATTEMPTS_EXCEEDED); retry after `Retry-After` seconds",
    },
    requestExample: { current_password: "correct-horse-1", new_password: "battery-staple-2" },
  },
  "users.createAdmin": {
    operationId: "createAdmin",
    tag: "users",
    summary: "Create another admin",
    success: {
      status: 201,
      schema: "User",
      description: "The new admin",
      example: { ...EXAMPLE_USER, id: 2, role: "admin", email: "root2@example.com" },
      location: "The new admin, GET /api/v1/user/users/{id}",
    },
    errors: { 409: "A user with this email already exists (EMAIL_TAKEN)" },
    requestExample: { email: "root2@example.com", password: "correct-horse-1", first_name: "Second", last_name: "Admin" },
  },
  "users.listCustomers": {
    operationId: "listCustomers",
    tag: "users",
    summary: "The customers, whom agents act for",
    success: { status: 200, schema: "UserPage", description: "A page of customers, by id", example: page([EXAMPLE_USER]) },
    fields: pageFields,
  },
  "users.listUsers": {
    operationId: "listUsers",
    tag: "users",
    summary: "Every user, optionally of one role",
    success: { status: 200, schema: "UserPage", description: "A page of users, by id", example: page([EXAMPLE_USER]) },
    fields: { ...pageFields, role: { description: "Only users of this role" } },
  },
  "users.listApprovals": {
    operationId: "listApprovals",
    tag: "users",
    summary: "Agents waiting for approval",
    success: { status: 200, schema: "UserPage", description: "A page of unapproved agents", example: page([{ ...AGENT, is_approved: false }]) },
    fields: pageFields,
  },
  "users.approveAgent": {
    operationId: "approveAgent",
    tag: "users",
    summary: "Approve an agent (approving an approved one changes nothing)",
    description:
      "The optional `lending_limit` becomes the agent's lending limit in the loans service, carried by the `agent.approved` event (without it, AGENT_DEFAULT_LIMIT); " +
      "a limit an admin set there (PUT /api/v1/loan/agent-limits/{agent_id}) is never overwritten by it. Approving an approved agent changes nothing, its limit included.",
    success: { status: 200, schema: "User", description: "The approved agent", example: AGENT },
    errors: { 404: "No agent has this id", 422: "`lending_limit` is not an amount from 0.00 with at most two places" },
    requestExample: { lending_limit: "2000000.00" },
    fields: {
      id: { description: "The agent's user id", examples: [3] },
      lending_limit: { description: "The agent's lending limit (optional; default AGENT_DEFAULT_LIMIT, 5000000.00 unless configured)", examples: ["2000000.00"] },
    },
  },
  "users.getUser": {
    operationId: "getUser",
    tag: "users",
    summary: "One user (where the Location of a new user points): admins read anyone, approved agents customers, customers themselves",
    success: { status: 200, schema: "User", description: "The user", example: EXAMPLE_USER },
    errors: {
      403: "An agent asking for an agent or an admin, or a customer asking for anyone but themselves (a customer is not told whether the id exists)",
      404: "No user has this id",
    },
    fields: { id: { description: "The user's id", examples: [7] } },
  },
  "users.search": {
    operationId: "searchUsers",
    tag: "users",
    summary: "Find people by name or email (staff): admins find every role, agents find customers",
    description:
      '`q` (2 to 254 characters, trimmed) is looked for anywhere in the first name, the last name, "first last" and the email, in any case; ' +
      "`%` and `_` in it are plain characters. Answers by last name, first name, id.",
    success: { status: 200, schema: "UserPage", description: "A page of the users that match, by last name, first name, id", example: page([EXAMPLE_USER]) },
    errors: { 422: "`q` is missing, shorter than 2 characters or longer than 254" },
    fields: { ...pageFields, q: { description: 'What to look for: part of a name, "first last", or part of an email (2 characters or more)', examples: ["lovelace"] } },
  },
  "users.clearLoginFailures": {
    operationId: "clearLoginFailures",
    tag: "users",
    summary: "Clear an account's failed-login counts (account-wide and every device's): its owner can sign in again at once",
    success: { status: 204, description: "Cleared (also when there was nothing to clear)" },
    errors: { 404: "No user has this id" },
    fields: { user_id: { description: "The user's id", examples: [7] } },
  },
  "users.deleteAgent": {
    operationId: "deleteAgent",
    tag: "users",
    summary: "Remove an agent, pending or approved; its tokens stop working at once, its loans stay",
    success: { status: 204, description: "Removed" },
    errors: { 404: "No agent has this id" },
    fields: { id: { description: "The agent's user id", examples: [3] } },
  },

  "loans.request": {
    operationId: "requestLoan",
    tag: "loans",
    summary: "Request a loan for a customer (status NEW)",
    description:
      "The rate follows from the principal (≤ 50,000.00: 14.00; ≤ 500,000.00: 12.00; ≤ 2,000,000.00: 10.50; above: 9.50 by default), the EMI from rate, principal and tenure. " +
      "`principal` is 1000.00 to 10000000.00 with at most two places, sent as a decimal string (or a number). Honours `Idempotency-Key`: a retried request makes one loan; a replay answers `Idempotent-Replayed: true`.",
    success: { status: 201, schema: "Loan", description: "The new loan", example: EXAMPLE_LOAN, location: "The new loan" },
    errors: {
      422: `A field is invalid, the principal out of range, or \`customer_id\` not a customer; \`product_code\` unknown or deactivated; principal or tenure outside the product's bounds (the 422 names the field and the bound); or ${LIMIT_EXCEEDED}; or ${KEY_MISMATCH}`,
    },
    requestExample: { customer_id: 7, principal: "250000.00", tenure_months: 24 },
    fields: {
      principal: { description: "1000.00 to 10000000.00, at most two places, and within the product's bounds", examples: ["250000.00"] },
      tenure_months: { examples: [24] },
      product_code: { description: "The loan product (default STANDARD): rate from its bands, bounds and fee from it", examples: ["STANDARD"] },
    },
  },
  "loans.decide": {
    operationId: "decideLoan",
    tag: "loans",
    summary: "Approve or reject a NEW loan; of two concurrent decisions exactly one wins",
    success: { status: 200, schema: "Loan", description: "The decided loan", example: APPROVED_LOAN },
    errors: { 404: "No loan has this id", 409: NOT_NEW, 422: `\`status\` is not APPROVED or REJECTED, or ${KEY_MISMATCH}` },
    requestExample: { status: "APPROVED" },
    fields: { id: { description: "The loan's id", examples: [42] } },
  },
  "loans.edit": {
    operationId: "editLoan",
    tag: "loans",
    summary: "Change a NEW loan's principal or tenure; rate and EMI are recomputed, the old version kept",
    success: { status: 200, schema: "Loan", description: "The loan, `version` + 1", example: EDITED_LOAN },
    errors: {
      403: "The loan was requested by another agent: an agent edits only their own loans",
      404: "No loan has this id",
      409: NOT_NEW,
      422: `A field is invalid, or neither principal nor tenure_months was sent; or a raised principal ${LIMIT_EXCEEDED}; or ${KEY_MISMATCH}`,
    },
    requestExample: { tenure_months: 36 },
    fields: { id: { description: "The loan's id", examples: [42] }, principal: { description: "1000.00 to 10000000.00, at most two places", examples: ["250000.00"] } },
  },
  "loans.details": {
    operationId: "getLoan",
    tag: "loans",
    summary: "One loan; a customer sees only their own",
    success: { status: 200, schema: "Loan", description: "The loan", example: EXAMPLE_LOAN },
    errors: { 403: "The loan belongs to another customer", 404: "No loan has this id" },
    fields: { id: { description: "The loan's id", examples: [42] } },
  },
  "loans.history": {
    operationId: "loanHistory",
    tag: "loans",
    summary: "A loan's earlier versions, oldest first",
    success: {
      status: 200,
      schema: "LoanHistory",
      description: "The versions before the current one",
      example: { rows: [{ version: 1, principal: "250000.00", interest_rate: "12.00", tenure_months: 24, emi: "11768.37", status: "NEW", edited_by: 3, edited_at: "2026-01-15T11:00:00.000Z" }] },
    },
    errors: { 403: "The loan belongs to another customer", 404: "No loan has this id" },
    fields: { id: { description: "The loan's id", examples: [42] } },
  },
  "loans.listAll": {
    operationId: "listLoans",
    tag: "loans",
    summary: "Every loan, newest first, optionally of one status, or the overdue ones",
    description: "`days_past_due` of each loan is counted to `as_of`. With `overdue=true` the list holds the ACTIVE loans past due as of `as_of`, most overdue first.",
    success: { status: 200, schema: "LoanPage", description: "A page of loans", example: page([EXAMPLE_LOAN]) },
    fields: loanListFields,
  },
  "loans.listMine": {
    operationId: "listMyLoans",
    tag: "loans",
    summary: "The calling customer's own loans, newest first, with the same filters",
    success: { status: 200, schema: "LoanPage", description: "A page of the caller's loans", example: page([EXAMPLE_LOAN]) },
    fields: loanListFields,
  },

  // ---- servicing ----
  "loans.disburse": {
    operationId: "disburseLoan",
    tag: "servicing",
    summary: "Disburse an APPROVED loan: it becomes ACTIVE and its schedule starts",
    description:
      "`disbursed_on` defaults to today (UTC); it may lie in the past (a disbursement recorded late), never in the future. " +
      "Due dates are the disbursement date plus 1, 2, … months (the month's last day when it has fewer days). " +
      "Locks the loan's row: of concurrent disbursements one wins, the others answer 409. Honours `Idempotency-Key`.",
    success: { status: 200, schema: "Loan", description: "The loan, ACTIVE, everything outstanding", example: EXAMPLE_ACTIVE_LOAN },
    errors: { 404: "No loan has this id", 409: "The loan is not APPROVED (LOAN_NOT_DISBURSABLE)", 422: `\`disbursed_on\` is not a calendar date, or lies in the future; or ${KEY_MISMATCH}` },
    requestExample: { disbursed_on: EXAMPLE_DISBURSED_ON },
    fields: { ...loanId, disbursed_on: { description: "YYYY-MM-DD, default today UTC, not in the future", examples: [EXAMPLE_DISBURSED_ON] } },
  },
  "loans.schedule": {
    operationId: "loanSchedule",
    tag: "servicing",
    summary: "A loan's repayment schedule, what is paid of each installment and its arrears as of a date",
    description:
      "interest_k = balance_{k−1} × rate / 1200 half-up to cents, principal_k = EMI − interest_k, the last installment taking the whole remaining balance. " +
      "Before disbursement the rows are a projection as if disbursed on `as_of`, `disbursed_on` is null and nothing is paid. A customer sees only their own loans.",
    success: { status: 200, schema: "LoanSchedule", description: "The schedule as of `as_of`", example: EXAMPLE_SCHEDULE },
    errors: {
      403: "The loan belongs to another customer",
      404: "No loan has this id",
      422: "`as_of` is not a calendar date, or (a loan not yet disbursed) so far ahead that the projected installments would fall after 9999-12-31",
    },
    fields: { ...loanId, ...asOf },
  },
  "loans.repay": {
    operationId: "recordRepayment",
    tag: "servicing",
    summary: "Record a repayment of an ACTIVE loan; the payment that leaves nothing outstanding closes it",
    description:
      "The amount fills the installments in due order, interest first then principal within each; it may settle several and part of the next (paying early is allowed). " +
      "Repayments of one loan are applied one at a time under the loan's row lock, none lost. Honours `Idempotency-Key`: a retried repayment is applied once (the SDK sends one per call).",
    success: { status: 201, schema: "Repayment", description: "The repayment and its allocation", example: EXAMPLE_REPAYMENT, location: "The repayment, `/api/v1/loan/repayment/{id}`" },
    errors: {
      404: "No loan has this id",
      409: NOT_ACTIVE,
      422: `\`amount\` is not more than 0, has more than two places or exceeds the outstanding total; or \`paid_on\` is not a calendar date, lies in the future or before the disbursement; or ${KEY_MISMATCH}`,
    },
    requestExample: { amount: "11768.37", paid_on: "2026-02-27" },
    fields: {
      ...loanId,
      amount: { description: "More than 0, at most two places, at most the outstanding principal + interest", examples: ["11768.37"] },
      paid_on: { description: "YYYY-MM-DD, default today UTC; not before the disbursement, not in the future", examples: ["2026-02-27"] },
    },
  },
  "loans.repayments": {
    operationId: "listRepayments",
    tag: "servicing",
    summary: "A loan's repayments, in the order recorded",
    success: { status: 200, schema: "Repayments", description: "Every repayment of the loan, oldest first", example: { rows: [EXAMPLE_REPAYMENT] } },
    errors: { 403: "The loan belongs to another customer", 404: "No loan has this id" },
    fields: loanId,
  },
  "loans.repayment": {
    operationId: "getRepayment",
    tag: "servicing",
    summary: "One repayment, by its id (where a recorded repayment's `Location` points)",
    description: "Admins and agents see any repayment; a customer only those of their own loans.",
    success: { status: 200, schema: "Repayment", description: "The repayment and its allocation", example: EXAMPLE_REPAYMENT },
    errors: { 403: "The repayment is of another customer's loan", 404: "No repayment has this id" },
    fields: { id: { description: "The repayment's id", examples: [EXAMPLE_REPAYMENT.id] } },
  },
  "loans.portfolio": {
    operationId: "portfolio",
    tag: "servicing",
    summary: "The loan book as of a date: loans by status, active outstanding principal, overdue amount, PAR30",
    description: "PAR30 is the outstanding principal of the ACTIVE loans more than 30 days past due as of `as_of`, in percent of all active outstanding principal.",
    success: { status: 200, schema: "Portfolio", description: "The portfolio figures", example: EXAMPLE_PORTFOLIO },
    errors: { 422: "`as_of` is not a calendar date" },
    fields: asOf,
  },
  "loans.transactions": {
    operationId: "listTransactions",
    tag: "servicing",
    summary: "A loan's transactions: disbursement, repayments (reversed ones marked), fees, penalties, waivers, write-off",
    description: "By value date, then recording order. Nothing is ever deleted: a reversed repayment stays, with `reversed: true`.",
    success: { status: 200, schema: "LoanTransactions", description: "Every transaction of the loan", example: { rows: [EXAMPLE_DISBURSEMENT, { ...EXAMPLE_TRANSACTION }] } },
    errors: { 403: "The loan belongs to another customer", 404: "No loan has this id" },
    fields: loanId,
  },
  "loans.reverseRepayment": {
    operationId: "reverseRepayment",
    tag: "servicing",
    summary: "Reverse a repayment (keyed in by mistake, a bounced cheque): every other repayment is re-allocated as if it had never been made",
    description:
      "The repayment stays listed with `reversed: true` and counts nowhere. A CLOSED loan that owes again becomes ACTIVE. Honours `Idempotency-Key`. " +
      "The `loan.repayment_reversed` event carries the repayment and each other repayment whose allocation moved.",
    success: { status: 200, schema: "Repayment", description: "The repayment, reversed", example: { ...EXAMPLE_REPAYMENT, reversed: true } },
    errors: {
      404: "No repayment has this id",
      409: "Already reversed (ALREADY_REVERSED), or the loan is WRITTEN_OFF (LOAN_WRITTEN_OFF)",
      422: `\`reason\` is missing or longer than 500 characters; or ${KEY_MISMATCH}`,
    },
    requestExample: { reason: "cheque bounced" },
    fields: { id: { description: "The repayment's id", examples: [EXAMPLE_REPAYMENT.id] }, reason: { description: "Why, for the audit log: 1–500 characters", examples: ["cheque bounced"] } },
  },
  "loans.waiveCharge": {
    operationId: "waiveCharge",
    tag: "servicing",
    summary: "Waive what is unpaid of a fee or a penalty",
    description: "Records a WAIVER transaction of the charge's unpaid part, dated today; the loan closes when that leaves nothing owed. Honours `Idempotency-Key`.",
    success: { status: 200, schema: "LoanTransaction", description: "The WAIVER transaction", example: EXAMPLE_WAIVER },
    errors: { 404: "No FEE or PENALTY transaction has this id", 409: "Nothing of it is unpaid (NOTHING_TO_WAIVE)", 422: `\`reason\` is missing or longer than 500 characters; or ${KEY_MISMATCH}` },
    requestExample: { reason: "goodwill: first late payment" },
    fields: {
      id: { description: "The FEE or PENALTY transaction's id", examples: [7] },
      reason: { description: "Why, for the audit log: 1–500 characters", examples: ["goodwill: first late payment"] },
    },
  },
  "loans.writeOff": {
    operationId: "writeOff",
    tag: "servicing",
    summary: "Write off an ACTIVE loan that will not be repaid: WRITTEN_OFF, one WRITE_OFF transaction of everything outstanding",
    description: "After it the loan's outstanding figures are 0.00 (what was written off is in the transaction), and repayments are refused. Honours `Idempotency-Key`.",
    success: {
      status: 200,
      schema: "Loan",
      description: "The loan, WRITTEN_OFF",
      example: { ...EXAMPLE_ACTIVE_LOAN, status: "WRITTEN_OFF", outstanding_principal: "0.00", outstanding_interest: "0.00", next_due_date: null },
    },
    errors: {
      404: "No loan has this id",
      409: "The loan is not ACTIVE (LOAN_NOT_ACTIVE)",
      422: `\`reason\` is missing or too long; or \`written_off_on\` is not a calendar date, lies in the future, before the disbursement or before the last repayment; or ${KEY_MISMATCH}`,
    },
    requestExample: { reason: "customer insolvent", written_off_on: "2026-04-10" },
    fields: {
      ...loanId,
      reason: { description: "Why, for the audit log: 1–500 characters", examples: ["customer insolvent"] },
      written_off_on: { description: "YYYY-MM-DD, default today UTC; not in the future, not before the disbursement or the last repayment", examples: ["2026-04-10"] },
    },
  },
  "loans.runCloseOfBusiness": {
    operationId: "runCloseOfBusiness",
    tag: "servicing",
    summary: "Run close of business for a date: charge every penalty due by it and not yet charged",
    description:
      "Answers at once with the run (202, RUNNING); `GET` its `Location` for progress. The run works through the ACTIVE loans due a penalty decision, in batches. " +
      "Installment k of a loan whose product has a penalty owes one when its principal + interest are not fully paid by the repayments dated up to its due date + grace days, " +
      "dated the day after, when that day is on or before `business_date`. At most one per installment, whatever runs repeat, overlap or die half-way (the next run finishes the work). " +
      "Every day at COB_AT one loans instance runs it for the day that ended.",
    success: { status: 202, schema: "CloseOfBusinessRun", description: "The run, started", example: EXAMPLE_COB_RUN, location: "The run, `/api/v1/loan/close-of-business/{id}`" },
    errors: { 422: "`business_date` is not a calendar date or lies in the future" },
    requestExample: { business_date: "2026-04-09" },
    fields: { business_date: { description: "YYYY-MM-DD, default yesterday UTC; not in the future", examples: ["2026-04-09"] } },
  },
  "loans.closeOfBusiness": {
    operationId: "closeOfBusiness",
    tag: "servicing",
    summary: "One close-of-business run and its progress",
    description: "A RUNNING run whose batches stopped committing a minute ago died with its process: it is FAILED, and the next run finishes its work.",
    success: { status: 200, schema: "CloseOfBusinessRun", description: "The run", example: { ...EXAMPLE_COB_RUN, status: "DONE", loans_done: 1250, finished_at: "2026-04-10T00:05:09.000Z" } },
    errors: { 404: "No run has this id" },
    fields: { id: { description: "The run's id", examples: [EXAMPLE_COB_RUN.id] } },
  },
  "loans.listCloseOfBusiness": {
    operationId: "listCloseOfBusiness",
    tag: "servicing",
    summary: "The close-of-business runs, newest first",
    success: { status: 200, schema: "CloseOfBusinessRunPage", description: "A page of runs", example: page([EXAMPLE_COB_RUN]) },
    fields: pageFields,
  },

  // ---- products ----
  "loans.listProducts": {
    operationId: "listProducts",
    tag: "products",
    summary: "The loan products, by code; `active` filters",
    success: { status: 200, schema: "ProductPage", description: "A page of products", example: page([EXAMPLE_PRODUCT]) },
    fields: { ...pageFields, active: { description: "true: only the active products; false: only the deactivated ones", examples: [true] } },
  },
  "loans.getProduct": {
    operationId: "getProduct",
    tag: "products",
    summary: "One product",
    success: { status: 200, schema: "Product", description: "The product", example: EXAMPLE_PRODUCT },
    errors: { 404: "No product has this code" },
    fields: productCode,
  },
  "loans.createProduct": {
    operationId: "createProduct",
    tag: "products",
    summary: "Create a loan product",
    description:
      "`rate_bands` ascend by `up_to`, the last with `up_to: null`; rates are 0.00–100.00. Principal bounds lie in 1000.00–10000000.00 and tenure bounds in 1–360, min ≤ max. " +
      "`disbursement_fee` and `penalty` are null or `{ kind: FLAT|PERCENT, amount }` (a PERCENT amount is a rate, at most 100.00); the penalty has `grace_days` ≥ 0.",
    success: { status: 201, schema: "Product", description: "The new product", example: PRODUCT_EXAMPLE, location: "The new product, GET /api/v1/loan/products/{code}" },
    errors: { 409: "A product has this code (PRODUCT_CODE_TAKEN)", 422: "A field is invalid: the 422 names it (`rate_bands[1].up_to`, `min_principal`, `disbursement_fee.amount`, …)" },
    requestExample: PRODUCT_REQUEST,
  },
  "loans.updateProduct": {
    operationId: "updateProduct",
    tag: "products",
    summary: "Change any field of a product but its code; `active: true` reactivates it",
    description:
      "Applies to loans requested or edited afterwards only: a loan keeps the copy of the terms it took. The fields sent are checked with those kept (a new minimum against the kept maximum).",
    success: { status: 200, schema: "Product", description: "The product after the change", example: { ...PRODUCT_EXAMPLE, name: "Micro loan (2026)", updated_at: "2026-01-16T09:00:00.000Z" } },
    errors: { 404: "No product has this code", 409: "`active: false` for the last active product (LAST_ACTIVE_PRODUCT)", 422: "A field is invalid: the 422 names it" },
    requestExample: { name: "Micro loan (2026)" },
    fields: productCode,
  },
  "loans.deactivateProduct": {
    operationId: "deactivateProduct",
    tag: "products",
    summary: "Deactivate a product: no new loans with it; its loans are unaffected",
    success: { status: 204, description: "Deactivated (also when it already was)" },
    errors: { 404: "No product has this code", 409: "It is the last active product (LAST_ACTIVE_PRODUCT)" },
    fields: productCode,
  },
  // ---- agent lending limits ----
  "loans.listAgentLimits": {
    operationId: "listAgentLimits",
    tag: "loans",
    summary: "The agents' lending limits, with what their open loans use, by agent id",
    description: "Lists the agents the loans service holds a limit for: those approved (through agent.approved), given a limit by an admin, or who requested a loan.",
    success: { status: 200, schema: "AgentLimitPage", description: "A page of lending limits", example: page([EXAMPLE_AGENT_LIMIT]) },
    fields: pageFields,
  },
  "loans.getAgentLimit": {
    operationId: "getAgentLimit",
    tag: "loans",
    summary: "An agent's lending limit, used and available (an agent reads only their own)",
    description:
      "`used` is the principal of the agent's NEW and APPROVED loans plus the outstanding principal of their ACTIVE ones. " +
      "Until an admin or the agent's approval set a limit it is AGENT_DEFAULT_LIMIT.",
    success: { status: 200, schema: "AgentLimit", description: "The agent's limit", example: EXAMPLE_AGENT_LIMIT },
    errors: { 403: "An agent asked for another agent's limit", 404: "No agent has this id" },
    fields: { agent_id: { description: "The agent's user id", examples: [3] } },
  },
  "loans.setAgentLimit": {
    operationId: "setAgentLimit",
    tag: "loans",
    summary: "Set an agent's lending limit",
    description:
      "Applies to the requests and edits that follow; loans already requested stay (a limit below `used` leaves `available` at 0.00). " +
      "A later agent.approved never overwrites it. Each change is an `agent_limit.changed` event in the audit log.",
    success: { status: 200, schema: "AgentLimit", description: "The agent's limit after the change", example: { ...EXAMPLE_AGENT_LIMIT, limit: "2000000.00", available: "1750000.00" } },
    errors: { 404: "No agent has this id", 422: "`limit` is not an amount from 0.00 with at most two places" },
    requestExample: { limit: "2000000.00" },
    fields: {
      agent_id: { description: "The agent's user id", examples: [3] },
      limit: { description: "The new limit, from 0.00, at most two places", examples: ["2000000.00"] },
    },
  },

  "audit.listEvents": {
    operationId: "listAuditEvents",
    tag: "audit",
    summary: "The audit log, oldest first, by entity, entity id or event",
    success: {
      status: 200,
      schema: "AuditEventPage",
      description: "A page of recorded events",
      example: page([
        {
          id: 1,
          event: "loan.created",
          entity: "loan",
          entity_id: 42,
          actor_id: 3,
          before: null,
          after: EXAMPLE_LOAN,
          occurred_at: "2026-01-15T10:00:00.000Z",
          recorded_at: "2026-01-15T10:00:00.210Z",
        },
      ]),
    },
    fields: pageFields,
  },

  // ---- the ledger ----
  "ledger.accounts": {
    operationId: "ledgerAccounts",
    tag: "ledger",
    summary: "The chart of accounts with each account's debits, credits and balance up to `as_of`",
    description: "Cash basis. Read from balances kept per account and day as entries are posted, never by summing every line.",
    success: { status: 200, schema: "LedgerAccounts", description: "Every account of the chart, by code", example: EXAMPLE_LEDGER_ACCOUNTS },
    fields: ledgerAsOf,
  },
  "ledger.trialBalance": {
    operationId: "trialBalance",
    tag: "ledger",
    summary: "The trial balance up to `as_of`: each account's balance on its side, the totals, and whether they agree",
    success: { status: 200, schema: "TrialBalance", description: "The trial balance", example: EXAMPLE_TRIAL_BALANCE },
    fields: ledgerAsOf,
  },
  "ledger.entries": {
    operationId: "ledgerEntries",
    tag: "ledger",
    summary: "Journal entries, oldest value date first, by loan and value dates",
    description:
      "One balanced entry per money movement, posted from the loans service's events: a disbursement, a repayment, a write-off; a reversal as the repayment's entry swapped (REVERSAL), " +
      "and every other repayment whose allocation moved as its old entry swapped and its new one posted (REALLOCATION). Entries are never edited or deleted.",
    success: { status: 200, schema: "LedgerEntryPage", description: "A page of entries", example: page(EXAMPLE_LEDGER_ENTRIES) },
    fields: {
      ...pageFields,
      loan_id: { description: "Only this loan's entries", examples: [42] },
      from: { description: "Value dates from this day, YYYY-MM-DD", examples: ["2026-01-01"] },
      to: { description: "Value dates up to this day, inclusive", examples: ["2026-03-31"] },
    },
  },
  "ledger.reconciliation": {
    operationId: "reconcile",
    tag: "ledger",
    summary: "Compare every disbursed loan's 1100 balance with the outstanding principal the loans service answers",
    description:
      "Asks the loans service (never its database) for each ACTIVE, CLOSED and WRITTEN_OFF loan's outstanding principal. " +
      "`pending_events` counts the events the loans service still holds for the ledger: while it is above 0, mismatches may be events on their way.",
    success: { status: 200, schema: "Reconciliation", description: "The comparison", example: EXAMPLE_RECONCILIATION },
  },

  // ---- sessions ----
  "users.refresh": {
    operationId: "refresh",
    tag: "sessions",
    summary: "Trade a refresh token for a new pair (rotation: the token used is spent)",
    description:
      "No access token is needed (a stale one sent along is ignored) and no rate limit applies. " +
      "A spent refresh token presented again ends its whole session (a stolen token was replayed). Of two concurrent refreshes with one token exactly one gets a new pair. " +
      "Nothing is spent on a failed call: after a 503 the token still works.",
    success: {
      status: 200,
      schema: "RefreshResponse",
      description: "A new token pair of the same session, and its user (sent with `Cache-Control: no-store`); neither outlives the session's end, SESSION_MAX_AGE after its login",
      example: TOKEN_PAIR,
    },
    errors: {
      401: "The refresh token is malformed, unknown, expired or ended, or its session is past SESSION_MAX_AGE (REFRESH_TOKEN_INVALID), or already used, which ends its session (REFRESH_TOKEN_REUSED)",
    },
    requestExample: { refresh_token: TOKEN_PAIR.refresh_token },
    fields: { refresh_token: { description: "The `refresh_token` of the last login or refresh" } },
  },
  "users.logout": {
    operationId: "logout",
    tag: "sessions",
    summary: "End the caller's session: its access and refresh tokens stop working at once, on every gateway",
    success: { status: 204, description: "Ended" },
  },
  "users.listSessions": {
    operationId: "listSessions",
    tag: "sessions",
    summary: "The caller's live sessions: when, from which address and client; `current` marks this one",
    success: {
      status: 200,
      schema: "SessionList",
      description: "The caller's live sessions",
      example: { rows: [EXAMPLE_SESSION, { ...EXAMPLE_SESSION, id: "5d2c1b0a-9e8f-4a7b-8c6d-1e2f3a4b5c6d", user_agent: "Mozilla/5.0", current: false }] },
    },
  },
  "users.endSession": {
    operationId: "endSession",
    tag: "sessions",
    summary: "End one of the caller's sessions (the current one too)",
    success: { status: 204, description: "Ended" },
    errors: { 404: "The caller has no live session of this id; another user's session is not found either (NOT_FOUND)" },
    fields: { id: { description: "The session's id, from GET /api/v1/user/sessions", examples: [EXAMPLE_SESSION.id] } },
  },
  "users.endSessionsOf": {
    operationId: "endSessionsOf",
    tag: "sessions",
    summary: "End every session of a user (a lost laptop, a leaver)",
    success: { status: 204, description: "Ended (also when the user had none)" },
    errors: { 404: "No user has this id" },
    fields: { user_id: { description: "The user's id", examples: [7] } },
  },
};
