/**
 * When the client may repeat a request, and how long it waits first. Pure functions, so the
 * policy is tested without a server.
 *
 * A request is repeated only when repeating cannot do a thing twice:
 * - GET, on a connection error, a timeout, 408, 429, 502, 503 or 504;
 * - any method, on 429 and 503 (the gateway refused it before any service acted on it) and on
 *   a connection error that happened before the request left (refused, no such host).
 * A `Retry-After` longer than `maxRetryDelay` is not waited for: the error goes to the caller
 * (set it to 0 to handle every 429 yourself).
 */
import { LoanApiError } from "./errors.js";

/** Connection failures where the request surely never reached the server. */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "EADDRNOTAVAIL"]);

export interface RetryDecision {
  retry: boolean;
  /** Milliseconds to wait before the next attempt. */
  delayMs: number;
}

export function isSafeToRetry(method: string, error: LoanApiError, code: string | undefined): boolean {
  const idempotent = method === "GET" || method === "HEAD";
  switch (error.kind) {
    case "rate_limited":
    case "unavailable":
      return true;
    case "connection":
      return idempotent || (code !== undefined && NOT_SENT_CODES.has(code));
    case "timeout":
      return idempotent;
    case "server":
      return idempotent && (error.status === 502 || error.status === 504);
    case "http":
      return idempotent && error.status === 408;
    default:
      return false;
  }
}

/** Exponential backoff: 0.5 s, 1 s, 2 s, ... capped at 8 s, with up to 25% jitter taken off. */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(500 * 2 ** attempt, 8000);
  return Math.round(base * (1 - 0.25 * random()));
}

/**
 * `Retry-After` in seconds: either a number of seconds or an HTTP date.
 * Answers undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, (date - now) / 1000);
}

export function retryDecision(opts: {
  method: string;
  error: LoanApiError;
  code: string | undefined;
  attempt: number;
  maxRetries: number;
  maxRetryDelayMs: number;
  random?: () => number;
}): RetryDecision {
  const { method, error, code, attempt, maxRetries, maxRetryDelayMs } = opts;
  if (attempt >= maxRetries || !isSafeToRetry(method, error, code)) return { retry: false, delayMs: 0 };
  if (error.retryAfter !== undefined) {
    const delayMs = Math.ceil(error.retryAfter * 1000);
    if (delayMs > maxRetryDelayMs) return { retry: false, delayMs: 0 };
    return { retry: true, delayMs };
  }
  return { retry: true, delayMs: backoffDelay(attempt, opts.random) };
}

/** Waits `ms`, or rejects early with the signal's reason when it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    // Rejects with the signal's own reason, whatever the caller aborted with, as fetch does
    // (an AbortError DOMException unless the caller gave one).
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- see above
    const aborted = (): void => reject(signal?.reason);
    if (signal?.aborted) {
      aborted();
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      aborted();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
