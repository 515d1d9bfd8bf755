/**
 * Compile-time proof that the OpenAPI document and the SDK's types say the same thing.
 * `generated/openapi.ts` is what openapi-typescript makes of the document (drift.test.ts
 * writes it, then runs tsc on this file): a field renamed, added, dropped or retyped on
 * either side fails to compile, naming the type.
 *
 * - Answers: each operation's success body is exactly the type its SDK method resolves to,
 *   and each component is exactly its contracts.ts type.
 * - Requests: each body or query has the same fields as its contracts.ts type, and every
 *   request the SDK's type allows is one the document accepts.
 */
import type { LoanClient } from "../../sdk/client.js";
import type * as C from "../../sdk/contracts.js";
import type { components, operations } from "./generated/openapi.js";

/** True only when A and B are the same type (not merely assignable either way). */
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** Same fields, and every value of the SDK's type is one the document allows. */
type Accepts<Doc, Sdk> = Equals<keyof Doc, keyof Sdk> extends true ? ([Sdk] extends [Doc] ? true : false) : false;
/** Every request and answer the document gives is one the SDK's type allows. */
type Gives<Doc, Sdk> = Equals<keyof Doc, keyof Sdk> extends true ? ([Doc] extends [Sdk] ? true : false) : false;

/**
 * The SDK's request type as the document states it: money the SDK also takes as a number
 * (`Money | number`) is documented as the decimal string only, so generators never offer a
 * float; the server still accepts the number.
 */
type MoneyAsString<T> = { [K in keyof T]: string extends T[K] ? (number extends T[K] ? Exclude<T[K], number> : T[K]) : T[K] };

/** MoneyAsString in nested objects and lists too (a product's bands and charges). */
type DeepMoneyAsString<T> = string extends T
  ? number extends T
    ? Exclude<T, number>
    : T
  : T extends readonly (infer U)[]
    ? DeepMoneyAsString<U>[]
    : T extends object
      ? { [K in keyof T]: DeepMoneyAsString<T[K]> }
      : T;

type Schemas = components["schemas"];

type SuccessOf<R> = R extends { 200: infer S } ? S : R extends { 201: infer S } ? S : R extends { 202: infer S } ? S : R extends { 204: infer S } ? S : never;
type BodyOf<S> = S extends { content: { "application/json": infer B } } ? B : void;
type SuccessBody<K extends keyof operations> = BodyOf<SuccessOf<operations[K]["responses"]>>;
type SdkResult<K> = K extends keyof LoanClient ? (LoanClient[K] extends (...args: never[]) => Promise<infer R> ? R : "not a method") : "no such SDK method";
type RequestBody<K extends keyof operations> = NonNullable<operations[K]["requestBody"]> extends { content: { "application/json": infer B } } ? B : never;
type Query<K extends keyof operations> = NonNullable<operations[K]["parameters"]["query"]>;

/** Each operation answers what its SDK method resolves to; an error here names the operation. */
type AnswerChecks = { [K in keyof operations]: Equals<SuccessBody<K>, SdkResult<K>> };
export const answers: { [K in keyof operations]: true } = {} as AnswerChecks;

export const schemas: Record<string, true> = {
  User: {} as Equals<Schemas["User"], C.User>,
  Loan: {} as Equals<Schemas["Loan"], C.Loan>,
  LoanVersion: {} as Equals<Schemas["LoanVersion"], C.LoanVersion>,
  LoanHistory: {} as Equals<Schemas["LoanHistory"], C.LoanHistoryResponse>,
  LoginResponse: {} as Equals<Schemas["LoginResponse"], C.LoginResponse>,
  HealthResponse: {} as Equals<Schemas["HealthResponse"], C.HealthResponse>,
  AuditEvent: {} as Equals<Schemas["AuditEvent"], C.AuditEvent>,
  UserPage: {} as Equals<Schemas["UserPage"], C.Page<C.User>>,
  LoanPage: {} as Equals<Schemas["LoanPage"], C.Page<C.Loan>>,
  AuditEventPage: {} as Equals<Schemas["AuditEventPage"], C.Page<C.AuditEvent>>,
  ValidationFieldError: {} as Equals<Schemas["ValidationFieldError"], C.ValidationFieldError>,
  // servicing
  ScheduleRow: {} as Equals<Schemas["ScheduleRow"], C.ScheduleRow>,
  LoanSchedule: {} as Equals<Schemas["LoanSchedule"], C.LoanSchedule>,
  InstallmentAllocation: {} as Equals<Schemas["InstallmentAllocation"], C.InstallmentAllocation>,
  Repayment: {} as Equals<Schemas["Repayment"], C.Repayment>,
  Repayments: {} as Equals<Schemas["Repayments"], C.RepaymentsResponse>,
  Portfolio: {} as Equals<Schemas["Portfolio"], C.Portfolio>,
  // sessions
  SessionInfo: {} as Equals<Schemas["SessionInfo"], C.SessionInfo>,
  SessionList: {} as Equals<Schemas["SessionList"], C.SessionList>,
  RefreshResponse: {} as Equals<SuccessBody<"refresh">, C.RefreshResponse>,
  // products
  RateBand: {} as Equals<Schemas["RateBand"], C.LoanRateBand>,
  DisbursementFeeRule: {} as Equals<Schemas["DisbursementFeeRule"], C.DisbursementFeeRule>,
  PenaltyRule: {} as Equals<Schemas["PenaltyRule"], C.PenaltyRule>,
  Product: {} as Equals<Schemas["Product"], C.Product>,
  ProductPage: {} as Equals<Schemas["ProductPage"], C.Page<C.Product>>,
  // The server always sends `type`; the SDK's type also reads bodies of other servers.
  ApiError: {} as Gives<Schemas["ApiError"], C.ApiErrorBody>,
  // agent lending limits
  AgentLimit: {} as Equals<Schemas["AgentLimit"], C.AgentLimit>,
  AgentLimitPage: {} as Equals<Schemas["AgentLimitPage"], C.Page<C.AgentLimit>>,
  // the ledger
  LedgerAccountBalance: {} as Equals<Schemas["LedgerAccountBalance"], C.LedgerAccountBalance>,
  LedgerAccounts: {} as Equals<Schemas["LedgerAccounts"], C.LedgerAccounts>,
  TrialBalanceRow: {} as Equals<Schemas["TrialBalanceRow"], C.TrialBalanceRow>,
  TrialBalance: {} as Equals<Schemas["TrialBalance"], C.TrialBalance>,
  LedgerLine: {} as Equals<Schemas["LedgerLine"], C.LedgerLine>,
  LedgerEntry: {} as Equals<Schemas["LedgerEntry"], C.LedgerEntry>,
  LedgerEntryPage: {} as Equals<Schemas["LedgerEntryPage"], C.Page<C.LedgerEntry>>,
  ReconciliationMismatch: {} as Equals<Schemas["ReconciliationMismatch"], C.ReconciliationMismatch>,
  Reconciliation: {} as Equals<Schemas["Reconciliation"], C.Reconciliation>,
};

export const requests: Record<string, true> = {
  signup: {} as Accepts<RequestBody<"signup">, C.SignupRequest>,
  login: {} as Accepts<RequestBody<"login">, C.LoginRequest>,
  changePassword: {} as Accepts<RequestBody<"changePassword">, C.ChangePasswordRequest>,
  createAdmin: {} as Accepts<RequestBody<"createAdmin">, C.CreateAdminRequest>,
  requestLoan: {} as Accepts<RequestBody<"requestLoan">, MoneyAsString<C.LoanRequest>>,
  decideLoan: {} as Accepts<RequestBody<"decideLoan">, C.LoanDecisionRequest>,
  editLoan: {} as Accepts<RequestBody<"editLoan">, MoneyAsString<C.LoanEditRequest>>,
  listCustomers: {} as Accepts<Query<"listCustomers">, C.PageQuery>,
  listUsers: {} as Accepts<Query<"listUsers">, C.ListUsersQuery>,
  listApprovals: {} as Accepts<Query<"listApprovals">, C.PageQuery>,
  searchUsers: {} as Accepts<Query<"searchUsers">, C.UserSearchQuery>,
  listLoans: {} as Accepts<Query<"listLoans">, C.ListLoansQuery>,
  listMyLoans: {} as Accepts<Query<"listMyLoans">, C.ListLoansQuery>,
  listAuditEvents: {} as Accepts<Query<"listAuditEvents">, C.ListAuditQuery>,
  getLoan: {} as Accepts<operations["getLoan"]["parameters"]["path"], C.IdParam>,
  // servicing
  disburseLoan: {} as Accepts<RequestBody<"disburseLoan">, C.DisburseRequest>,
  recordRepayment: {} as Accepts<RequestBody<"recordRepayment">, MoneyAsString<C.RepaymentRequest>>,
  loanSchedule: {} as Accepts<Query<"loanSchedule">, C.AsOfQuery>,
  portfolio: {} as Accepts<Query<"portfolio">, C.AsOfQuery>,
  listRepayments: {} as Accepts<operations["listRepayments"]["parameters"]["path"], C.IdParam>,
  listTransactions: {} as Accepts<operations["listTransactions"]["parameters"]["path"], C.IdParam>,
  reverseRepayment: {} as Accepts<RequestBody<"reverseRepayment">, C.ReasonRequest>,
  waiveCharge: {} as Accepts<RequestBody<"waiveCharge">, C.ReasonRequest>,
  writeOff: {} as Accepts<RequestBody<"writeOff">, C.WriteOffRequest>,
  runCloseOfBusiness: {} as Accepts<RequestBody<"runCloseOfBusiness">, C.CloseOfBusinessRequest>,
  listCloseOfBusiness: {} as Accepts<Query<"listCloseOfBusiness">, C.PageQuery>,
  // sessions
  refresh: {} as Accepts<RequestBody<"refresh">, C.RefreshRequest>,
  endSession: {} as Accepts<operations["endSession"]["parameters"]["path"], C.SessionIdParam>,
  endSessionsOf: {} as Accepts<operations["endSessionsOf"]["parameters"]["path"], C.UserIdParam>,
  // products
  listProducts: {} as Accepts<Query<"listProducts">, C.ListProductsQuery>,
  getProduct: {} as Accepts<operations["getProduct"]["parameters"]["path"], C.ProductCodeParam>,
  createProduct: {} as Accepts<RequestBody<"createProduct">, DeepMoneyAsString<C.ProductCreateRequest>>,
  updateProduct: {} as Accepts<RequestBody<"updateProduct">, DeepMoneyAsString<C.ProductUpdateRequest>>,
  // agent lending limits
  approveAgent: {} as Accepts<RequestBody<"approveAgent">, MoneyAsString<C.ApproveAgentRequest>>,
  listAgentLimits: {} as Accepts<Query<"listAgentLimits">, C.PageQuery>,
  getAgentLimit: {} as Accepts<operations["getAgentLimit"]["parameters"]["path"], C.AgentIdParam>,
  setAgentLimit: {} as Accepts<RequestBody<"setAgentLimit">, MoneyAsString<C.SetAgentLimitRequest>>,
  // the ledger
  ledgerAccounts: {} as Accepts<Query<"ledgerAccounts">, C.AsOfQuery>,
  trialBalance: {} as Accepts<Query<"trialBalance">, C.AsOfQuery>,
  ledgerEntries: {} as Accepts<Query<"ledgerEntries">, C.LedgerEntriesQuery>,
};
