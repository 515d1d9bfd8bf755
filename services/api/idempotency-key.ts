/**
 * The gateway's hook that gives each write its key (services/loans/write-key.ts): the
 * client's Idempotency-Key header when it sent one, and always an id of the server's own for
 * this HTTP request. Moleculer's retry of the call reuses the context and its meta
 * (moleculer/src/middlewares/retry.js: `ctx.copy()` keeps `meta`), so a retried call carries
 * the same id and finds the work it already did. The client's X-Request-ID is never used.
 */
import crypto from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Context } from "moleculer";
import type { ContextMeta } from "../../sdk/contracts.js";
import { UnprocessableError } from "../shared/errors.js";

/** A client may make a write safe to repeat with an Idempotency-Key header (≤ 100 chars). */
export function takeIdempotencyKey(ctx: Context<unknown, ContextMeta>, _route: unknown, req: IncomingMessage): void {
  if (req.method === "GET" || req.method === "HEAD") return;
  ctx.meta.writeId = crypto.randomUUID();
  const key = req.headers["idempotency-key"];
  if (typeof key !== "string" || key === "") return;
  if (key.length > 100) throw new UnprocessableError("The Idempotency-Key header is too long", [{ field: "Idempotency-Key", message: "at most 100 characters", type: "stringMax" }]);
  ctx.meta.idempotencyKey = key;
}
