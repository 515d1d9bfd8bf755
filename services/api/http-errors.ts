/**
 * Every error the gateway answers, in moleculer-web's shape `{ name, message, code, type,
 * data }`. Client errors pass through as the services raised them; what a client cannot
 * act on (a stack, a SQL message) never leaves: anything unexpected becomes a bare 500.
 */
import type { ApiErrorBody, ValidationFieldError } from "../../sdk/contracts.js";

interface LooseError {
  name?: string;
  message?: string;
  code?: unknown;
  status?: unknown;
  type?: unknown;
  data?: unknown;
}

/** What the error body depends on besides the error: facts of the request it answers. */
export interface RequestFacts {
  /** The request's body came with a Content-Encoding (gzip, deflate, br...). */
  bodyEncoded?: boolean;
}

const UNAVAILABLE_TYPES = new Set(["SERVICE_NOT_FOUND", "SERVICE_NOT_AVAILABLE", "REQUEST_TIMEOUT", "CIRCUIT_BREAKER_OPEN", "BROKER_DISCONNECTED", "QUEUE_FULL", "REQUEST_REJECTED"]);

/** moleculer-web raises some errors without a `type`; every answer carries one. */
const DEFAULT_TYPES: Record<number, string> = { 400: "BAD_REQUEST", 401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND", 409: "CONFLICT", 413: "PAYLOAD_TOO_LARGE", 429: "RATE_LIMIT_EXCEEDED" };

export function toErrorBody(err: unknown, request: RequestFacts = {}): ApiErrorBody {
  const e = (err ?? {}) as LooseError;
  // body-parser's own errors carry `status` and a dotted `type`.
  if (e.type === "entity.parse.failed") return body("BadRequestError", "The request body is not valid JSON", 400, "INVALID_JSON");
  if (e.type === "entity.too.large") return body("PayloadTooLarge", "The request body is larger than the limit", 413, "PAYLOAD_TOO_LARGE");
  if (e.type === "encoding.unsupported" || e.type === "charset.unsupported") {
    return body("UnsupportedMediaTypeError", "The request body's Content-Encoding or charset is not supported: send JSON in UTF-8, plain or gzip, deflate or br", 415, "UNSUPPORTED_MEDIA_TYPE");
  }
  if (typeof e.type === "string" && e.type.includes(".") && typeof e.status === "number" && e.status < 500) {
    return body("BadRequestError", "The request body could not be read", e.status, "INVALID_REQUEST_BODY");
  }
  if (request.bodyEncoded && isDecompressionError(e)) return body("BadRequestError", "The request body does not decode as its Content-Encoding says", 400, "INVALID_CONTENT_ENCODING");
  if ((typeof e.type === "string" && UNAVAILABLE_TYPES.has(e.type)) || e.code === 503) {
    return body("ServiceUnavailableError", "A service needed for this request is not available; retry shortly", 503, "SERVICE_UNAVAILABLE");
  }
  const code = typeof e.code === "number" ? e.code : 500;
  if (code === 422) {
    return body(e.name ?? "ValidationError", e.message ?? "Validation failed", 422, typeof e.type === "string" ? e.type : "VALIDATION_ERROR", validationFields(e.data));
  }
  if (code >= 400 && code < 500) {
    return body(e.name ?? "ClientError", e.message ?? "Bad request", code, typeof e.type === "string" ? e.type : (DEFAULT_TYPES[code] ?? "CLIENT_ERROR"), e.data);
  }
  return body("InternalServerError", "Internal server error", 500, "INTERNAL_ERROR");
}

/**
 * A gzip/deflate/br body that does not decompress: zlib's own error reaches the gateway with
 * its string `code` ("Z_DATA_ERROR", "Z_BUF_ERROR", "ERR__ERROR_FORMAT_PADDING_2"...) and no
 * `type` (moleculer-web keeps only message, code and type of a middleware's error), which
 * would otherwise make it a 500. Read so only for a request whose body was encoded.
 */
function isDecompressionError(e: LooseError): boolean {
  return typeof e.code === "string" && /^(Z_|ERR__ERROR_|ERR_BROTLI|ZSTD_)/.test(e.code);
}

/** The validator's entries carry the rejected value (`actual`), a password maybe: dropped. */
function validationFields(data: unknown): ValidationFieldError[] {
  if (!Array.isArray(data)) return [];
  return data.map((d: Record<string, unknown>) => ({ field: textOf(d.field, ""), message: textOf(d.message, "invalid"), type: typeof d.type === "string" ? d.type : undefined }));
}

/** The validator's field names and messages are strings or numbers (an array index). */
function textOf(value: unknown, otherwise: string): string {
  return typeof value === "string" || typeof value === "number" ? String(value) : otherwise;
}

function body(name: string, message: string, code: number, type?: string, data?: unknown): ApiErrorBody {
  return data === undefined ? { name, message, code, type } : { name, message, code, type, data };
}
