/**
 * The identity of a write request, by which a retried write finds the work it already did.
 * One rule: the client's Idempotency-Key, scoped to the caller; else the id the gateway made
 * for the HTTP request (`ctx.meta.writeId`, services/api/idempotency-key.ts). Never anything
 * else the client sends: moleculer-web takes `ctx.requestID` from the client's X-Request-ID,
 * so keying by it let two callers' writes merge. A client's key is claimed in the write's
 * unit of work (`LoanRepository.claimWriteKey`).
 */
import crypto from "node:crypto";
import { Errors } from "moleculer";
import { callerOf, type AppContext } from "../shared/context.js";

export interface WriteKey {
  /** Stored with the work (request_key, decision_key, …): a retry finds the work by it. */
  key: string;
  /**
   * For a client's key only: the hash of the request it was sent with (the action and its
   * params), so the same key on another request is refused rather than answered.
   */
  fingerprint?: string;
}

/**
 * The write's key. A call that did not come through the gateway (no `writeId`) is a write
 * of its own: a random key, never shared.
 */
export function writeKey(ctx: AppContext): WriteKey {
  const clientKey = ctx.meta.idempotencyKey;
  if (clientKey) return { key: `client:${callerOf(ctx).id}:${clientKey}`, fingerprint: fingerprintOf(ctx) };
  return { key: `request:${ctx.meta.writeId ?? crypto.randomUUID()}` };
}

/** The action and its params (the path's id and the body's fields), whatever their order. */
function fingerprintOf(ctx: AppContext): string {
  const action = ctx.action?.name ?? "";
  return crypto
    .createHash("sha256")
    .update(`${action}\n${canonicalJson(ctx.params)}`)
    .digest("hex");
}

/** JSON with each object's keys sorted; undefined fields left out, as JSON.stringify does. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

export class IdempotencyKeyMismatchError extends Errors.MoleculerClientError {
  constructor() {
    const message = "This Idempotency-Key was used for another request (another method, path or body): send a new key for a new request";
    super(message, 422, "IDEMPOTENCY_KEY_MISMATCH", [{ field: "Idempotency-Key", message, type: "idempotencyKeyMismatch" }]);
  }
}

/** Tells the client its answer is the one the first request with its key got. */
export function markReplayed(ctx: AppContext): void {
  ctx.meta.$responseHeaders = { ...ctx.meta.$responseHeaders, "Idempotent-Replayed": "true" };
}
