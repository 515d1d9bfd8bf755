/**
 * loanstack/sdk: a typed client of the loanstack REST API.
 *
 *   import { LoanClient, LoanApiError } from "loanstack/sdk";
 *   const client = new LoanClient({ baseUrl: "http://localhost:8000" });
 *   await client.login({ email, password });
 *   const loans = await client.listLoans({ status: "NEW" });
 *
 * Every type of the API comes from contracts.ts, the definition the services use too.
 */
export * from "./contracts.js";
export {
  LoanClient,
  paginate,
  DEFAULT_BASE_URL,
  DEFAULT_MAX_RETRIES,
  DEFAULT_MAX_RETRY_DELAY_MS,
  DEFAULT_TIMEOUT_MS,
} from "./client.js";
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
