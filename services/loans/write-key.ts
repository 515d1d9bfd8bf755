/** The identity of a write request, by which a retried write finds the work it already did. */
import { callerOf, type AppContext } from "../shared/context.js";

/**
 * The client's Idempotency-Key (per caller) when it sent one, else the gateway's request
 * id, which Moleculer keeps across retries of the call.
 */
export function writeKey(ctx: AppContext): string {
  const key = ctx.meta.idempotencyKey;
  return key ? `client:${callerOf(ctx).id}:${key}` : `request:${ctx.requestID}`;
}
