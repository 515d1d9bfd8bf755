/**
 * The errors the SDK throws. Every failure is a `LoanApiError`; its subclass (for
 * `instanceof`) and its `kind` (for `switch`, and across two copies of the SDK, e.g. one
 * ESM and one CommonJS) say what went wrong: an HTTP answer by class of status, or no
 * answer at all (connection refused, timeout, aborted by the caller).
 */
import type { ApiErrorBody, ValidationFieldError } from "./contracts.js";

/**
 * Every `type` an error answer of the loanstack API carries, by status: the one list of
 * them. The OpenAPI document's `ApiError.type` enum is made of it (sdk/schemas.ts), and
 * test/contract/error-types.test.ts fails while the services' code throws a type that is
 * not here. A new error type is added HERE, under its status.
 */
export const ERROR_TYPES = [
  // 400: the request itself could not be read
  "BAD_REQUEST", // moleculer-web's errors without a type of their own
  "INVALID_JSON", // the body is not JSON
  "INVALID_REQUEST_BODY", // the body could not be read (body-parser's other errors)
  "INVALID_CONTENT_ENCODING", // a compressed body that does not decode as its Content-Encoding says
  "UNABLE_DECODE_PARAM", // a path parameter is not valid percent-encoding
  // 401
  "UNAUTHORIZED",
  "NO_TOKEN",
  "INVALID_TOKEN",
  "INVALID_CREDENTIALS",
  "REFRESH_TOKEN_INVALID",
  "REFRESH_TOKEN_REUSED",
  // 403
  "FORBIDDEN",
  "AGENT_NOT_APPROVED",
  "ORIGIN_NOT_ALLOWED",
  "CSRF_TOKEN_INVALID",
  "CONSOLE_STAFF_ONLY",
  "CONSOLE_ORIGIN_REFUSED",
  // 404
  "NOT_FOUND",
  // 405: a known path, a method it does not take (`Allow` lists those it does)
  "METHOD_NOT_ALLOWED",
  // 409
  "CONFLICT",
  "EMAIL_TAKEN",
  "LOAN_ALREADY_DECIDED",
  "LOAN_NOT_EDITABLE",
  "LOAN_NOT_DISBURSABLE",
  "LOAN_NOT_REPAYABLE",
  "IDEMPOTENCY_KEY_REUSED",
  "PRODUCT_CODE_TAKEN", // a product with this code exists
  "LAST_ACTIVE_PRODUCT", // deactivating it would leave no product to lend with
  "LOAN_NOT_ACTIVE", // a write-off of a loan that is not ACTIVE
  "LOAN_WRITTEN_OFF", // a reversal on a WRITTEN_OFF loan
  "ALREADY_REVERSED", // the repayment was reversed before
  "NOTHING_TO_WAIVE", // nothing of the charge is unpaid
  // 413
  "PAYLOAD_TOO_LARGE",
  // 415: a body whose content type is not JSON
  "UNSUPPORTED_MEDIA_TYPE",
  // 422
  "VALIDATION_ERROR",
  "IDEMPOTENCY_KEY_MISMATCH",
  "AGENT_LIMIT_EXCEEDED", // a request or edit would take the agent's used amount past their lending limit
  // 429
  "RATE_LIMIT_EXCEEDED",
  "LOGIN_ATTEMPTS_EXCEEDED",
  // any other 4xx without a type
  "CLIENT_ERROR",
  // 5xx
  "SERVICE_UNAVAILABLE",
  "INTERNAL_ERROR",
] as const;
export type ApiErrorType = (typeof ERROR_TYPES)[number];

export type LoanApiErrorKind =
  | "bad_request" // 400 malformed body
  | "unauthorized" // 401 no/invalid/expired token, bad credentials
  | "forbidden" // 403 signed in but not allowed
  | "not_found" // 404
  | "conflict" // 409 state conflict or duplicate
  | "payload_too_large" // 413
  | "validation" // 422, `fields` lists what failed
  | "rate_limited" // 429, `retryAfter` says when to come back
  | "server" // 5xx (503: `unavailable` below)
  | "unavailable" // 503 a needed service is down
  | "http" // any other non-2xx status
  | "connection" // no HTTP answer: refused, reset, DNS failure
  | "timeout" // no answer within `timeout`
  | "aborted"; // the caller's AbortSignal fired

export interface LoanApiErrorInit {
  kind?: LoanApiErrorKind;
  status?: number;
  type?: string;
  data?: unknown;
  headers?: Headers;
  method?: string;
  path?: string;
  retryAfter?: number;
  cause?: unknown;
}

/** The base of every error thrown by `LoanClient`. */
export class LoanApiError extends Error {
  override name = "LoanApiError";
  readonly kind: LoanApiErrorKind;
  /** The HTTP status, or undefined when no answer came (connection error, timeout, abort). */
  readonly status: number | undefined;
  /** The server's error type, e.g. "UNAUTHORIZED", "VALIDATION_ERROR" (moleculer-web's `type`). */
  readonly type: string | undefined;
  /** The server's error details, e.g. the failed fields of a 422. */
  readonly data: unknown;
  /** The answer's headers, when there was an answer. */
  readonly headers: Headers | undefined;
  /** The request that failed, e.g. "PUT" and "/api/v1/loan/approve-reject-loan/7". */
  readonly method: string | undefined;
  readonly path: string | undefined;
  /** Seconds to wait before trying again, from `Retry-After` (429, 503). */
  readonly retryAfter: number | undefined;

  constructor(message: string, init: LoanApiErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.kind = init.kind ?? kindOfStatus(init.status);
    this.status = init.status;
    this.type = init.type;
    this.data = init.data;
    this.headers = init.headers;
    this.method = init.method;
    this.path = init.path;
    this.retryAfter = init.retryAfter;
  }

  /** Builds the right subclass for an HTTP error answer. */
  static fromResponse(status: number, body: unknown, init: Omit<LoanApiErrorInit, "status" | "kind"> = {}): LoanApiError {
    const parsed = errorBody(body);
    const message = parsed?.message || defaultMessage(status, body);
    const full: LoanApiErrorInit = {
      ...init,
      status,
      type: parsed?.type ?? init.type,
      data: parsed ? parsed.data : body,
    };
    const Class = classForStatus(status);
    return new Class(message, full);
  }
}

export class BadRequestError extends LoanApiError {
  override name = "BadRequestError";
}
export class AuthenticationError extends LoanApiError {
  override name = "AuthenticationError";
}
export class PermissionDeniedError extends LoanApiError {
  override name = "PermissionDeniedError";
}
export class NotFoundError extends LoanApiError {
  override name = "NotFoundError";
}
export class ConflictError extends LoanApiError {
  override name = "ConflictError";
}
export class PayloadTooLargeError extends LoanApiError {
  override name = "PayloadTooLargeError";
}
/** 422: the request was understood but some fields are invalid; `fields` lists them. */
export class ValidationError extends LoanApiError {
  override name = "ValidationError";
  get fields(): ValidationFieldError[] {
    return validationFields(this.data);
  }
}
/** 429: too many requests from this address; `retryAfter` is in seconds. */
export class RateLimitError extends LoanApiError {
  override name = "RateLimitError";
}
/** Any 5xx answer. A 500 is a bug of the server. */
export class ServerError extends LoanApiError {
  override name = "ServerError";
}
/** 503: a service the request needs is down; safe to retry later. */
export class ServiceUnavailableError extends ServerError {
  override name = "ServiceUnavailableError";
}
/** No HTTP answer: connection refused or reset, DNS failure, ... */
export class ConnectionError extends LoanApiError {
  override name = "ConnectionError";
  constructor(message: string, init: LoanApiErrorInit = {}) {
    super(message, { kind: "connection", ...init });
  }
  /** The system error code when there is one, e.g. "ECONNREFUSED". */
  get code(): string | undefined {
    return systemErrorCode(this.cause);
  }
}
/** No answer within the client's `timeout`. */
export class ConnectionTimeoutError extends ConnectionError {
  override name = "ConnectionTimeoutError";
  constructor(message: string, init: LoanApiErrorInit = {}) {
    super(message, { ...init, kind: "timeout" });
  }
}
/** The caller's `signal` aborted the request. */
export class RequestAbortedError extends LoanApiError {
  override name = "RequestAbortedError";
  constructor(message: string, init: LoanApiErrorInit = {}) {
    super(message, { ...init, kind: "aborted" });
  }
}

type ErrorClass = new (message: string, init: LoanApiErrorInit) => LoanApiError;

function classForStatus(status: number): ErrorClass {
  switch (status) {
    case 400:
      return BadRequestError;
    case 401:
      return AuthenticationError;
    case 403:
      return PermissionDeniedError;
    case 404:
      return NotFoundError;
    case 409:
      return ConflictError;
    case 413:
      return PayloadTooLargeError;
    case 422:
      return ValidationError;
    case 429:
      return RateLimitError;
    case 503:
      return ServiceUnavailableError;
    default:
      return status >= 500 ? ServerError : LoanApiError;
  }
}

export function kindOfStatus(status: number | undefined): LoanApiErrorKind {
  switch (status) {
    case undefined:
      return "connection";
    case 400:
      return "bad_request";
    case 401:
      return "unauthorized";
    case 403:
      return "forbidden";
    case 404:
      return "not_found";
    case 409:
      return "conflict";
    case 413:
      return "payload_too_large";
    case 422:
      return "validation";
    case 429:
      return "rate_limited";
    case 503:
      return "unavailable";
    default:
      return status >= 500 ? "server" : "http";
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Reads moleculer-web's `{ name, message, code, type, data }` when the body has that shape. */
export function errorBody(body: unknown): ApiErrorBody | undefined {
  if (!isRecord(body) || typeof body.message !== "string") return undefined;
  return {
    name: typeof body.name === "string" ? body.name : "Error",
    message: body.message,
    code: typeof body.code === "number" ? body.code : 0,
    type: typeof body.type === "string" ? body.type : undefined,
    data: body.data,
  };
}

/** The failed fields of a 422's `data` (moleculer's validator answers a list of them). */
export function validationFields(data: unknown): ValidationFieldError[] {
  const list = Array.isArray(data) ? data : isRecord(data) && Array.isArray(data.fields) ? data.fields : [];
  const fields: ValidationFieldError[] = [];
  for (const item of list as unknown[]) {
    if (!isRecord(item)) continue;
    const field = typeof item.field === "string" ? item.field : "";
    const message = typeof item.message === "string" ? item.message : "";
    if (!field && !message) continue;
    fields.push({ field, message, ...(typeof item.type === "string" ? { type: item.type } : {}) });
  }
  return fields;
}

const STATUS_TEXT: Record<number, string> = {
  400: "Bad request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not found",
  409: "Conflict",
  413: "Request body too large",
  422: "Validation failed",
  429: "Too many requests",
  500: "Internal server error",
  502: "Bad gateway",
  503: "Service unavailable",
  504: "Gateway timeout",
};

function defaultMessage(status: number, body: unknown): string {
  const text = STATUS_TEXT[status] ?? `HTTP ${status}`;
  if (typeof body === "string" && body.trim() && body.length <= 200) return `${text}: ${body.trim()}`;
  return text;
}

/** The system error code (ECONNREFUSED, ENOTFOUND, ...) found in a fetch failure's causes. */
export function systemErrorCode(error: unknown, depth = 0): string | undefined {
  if (!isRecord(error) && !(error instanceof Error)) return undefined;
  if (depth > 4) return undefined;
  const record = error as unknown as Record<string, unknown>;
  if (typeof record.code === "string" && /^E[A-Z_]+$/.test(record.code)) return record.code;
  if (Array.isArray(record.errors)) {
    for (const inner of record.errors as unknown[]) {
      const code = systemErrorCode(inner, depth + 1);
      if (code) return code;
    }
  }
  return systemErrorCode(record.cause, depth + 1);
}
