/**
 * loanstack/sdk: a typed client of the loanstack REST API.
 *
 *   import { LoanClient, LoanApiError } from "loanstack/sdk";
 *   const client = new LoanClient({ baseUrl: "http://localhost:8000" });
 *   await client.login({ email, password });
 *   const loans = await client.listLoans({ status: "NEW" });
 *
 * Every type of the API comes from contracts.ts, the definition the services use too. Only
 * the REST API's own types and limits are exported here: the services' internal contracts
 * (actions, events, outbox, request meta) stay internal, so changing them breaks no app.
 */
export {
  AUDIT_ENTITIES,
  INSTALLMENT_STATUSES,
  LOAN_STATUSES,
  PAGE_MAX,
  PAGE_SIZE_DEFAULT,
  PAGE_SIZE_MAX,
  PASSWORD_MAX,
  PASSWORD_MIN,
  PRINCIPAL_MAX,
  PRINCIPAL_MIN,
  ROLES,
  SESSION_END_REASONS,
  TENURE_MAX,
  TENURE_MIN,
  USER_SEARCH_MIN,
} from "./contracts.js";
export type {
  ApiErrorBody,
  ArrearsQuery,
  AsOfQuery,
  AuditEntity,
  AuditEvent,
  CalendarDate,
  ChangePasswordRequest,
  CreateAdminRequest,
  DisburseRequest,
  EventName,
  HealthResponse,
  InstallmentAllocation,
  InstallmentStatus,
  ListAuditQuery,
  ListLoansQuery,
  ListUsersQuery,
  Loan,
  LoanDecision,
  LoanDecisionRequest,
  LoanEditRequest,
  LoanHistoryResponse,
  LoanRateBand,
  LoanRequest,
  LoanSchedule,
  LoanStatus,
  LoanVersion,
  LoginRequest,
  LoginResponse,
  Money,
  Page,
  PageQuery,
  Portfolio,
  Rate,
  RefreshRequest,
  RefreshResponse,
  Repayment,
  RepaymentRequest,
  RepaymentsResponse,
  Role,
  ScheduleRow,
  ScheduleTotals,
  SessionEndReason,
  SessionInfo,
  SessionList,
  SignupRequest,
  Timestamp,
  User,
  UserSearchQuery,
  ValidationFieldError,
} from "./contracts.js";
export { CHARGE_KINDS, PRODUCT_CODE_PATTERN, STANDARD_PRODUCT_CODE } from "./contracts.js";
export type { ChargeKind, DisbursementFeeRule, ListProductsQuery, PenaltyRule, Product, ProductCreateRequest, ProductTerms, ProductUpdateRequest } from "./contracts.js";
// agent lending limits
export { AGENT_DEFAULT_LIMIT } from "./contracts.js";
export type { AgentIdParam, AgentLimit, ApproveAgentRequest, SetAgentLimitRequest } from "./contracts.js";
export { COB_STATUSES, TRANSACTION_TYPES } from "./contracts.js";
export { LEDGER_ACCOUNTS, LEDGER_ACCOUNT_TYPES, LEDGER_ENTRY_KINDS, ledgerAccountLabel } from "./contracts.js";
export type {
  LedgerAccountBalance,
  LedgerAccountCode,
  LedgerAccountType,
  LedgerAccounts,
  LedgerEntriesQuery,
  LedgerEntry,
  LedgerEntryKind,
  LedgerLine,
  Reconciliation,
  ReconciliationMismatch,
  TrialBalance,
  TrialBalanceRow,
} from "./contracts.js";
export type {
  CloseOfBusinessRequest,
  CloseOfBusinessRun,
  CloseOfBusinessStatus,
  LoanTransaction,
  LoanTransactionsResponse,
  MoneyParts,
  Reallocation,
  ReasonRequest,
  TransactionType,
  WriteOffRequest,
} from "./contracts.js";
export { LoanClient, paginate, DEFAULT_BASE_URL, DEFAULT_MAX_RETRIES, DEFAULT_MAX_RETRY_DELAY_MS, DEFAULT_TIMEOUT_MS } from "./client.js";
export type { FetchLike, LoanClientOptions, RequestOptions } from "./client.js";
export {
  ERROR_TYPES,
  LoanApiError,
  BadRequestError,
  AuthenticationError,
  PermissionDeniedError,
  NotFoundError,
  ConflictError,
  PayloadTooLargeError,
  ValidationError,
  RateLimitError,
  ServerError,
  ServiceUnavailableError,
  ConnectionError,
  ConnectionTimeoutError,
  RequestAbortedError,
} from "./errors.js";
export type { ApiErrorType, LoanApiErrorInit, LoanApiErrorKind } from "./errors.js";
