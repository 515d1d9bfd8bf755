/** The gateway's hook that hands a client's Idempotency-Key header to the action it calls. */
import type { IncomingMessage } from "node:http";
import type { Context } from "moleculer";
import type { ContextMeta } from "../../sdk/contracts.js";
import { UnprocessableError } from "../shared/errors.js";

/** A client may make a write safe to repeat with an Idempotency-Key header (≤ 100 chars). */
export function takeIdempotencyKey(ctx: Context<unknown, ContextMeta>, _route: unknown, req: IncomingMessage): void {
  const key = req.headers["idempotency-key"];
  if (typeof key !== "string" || key === "") return;
  if (key.length > 100) throw new UnprocessableError("The Idempotency-Key header is too long", [{ field: "Idempotency-Key", message: "at most 100 characters", type: "stringMax" }]);
  ctx.meta.idempotencyKey = key;
}
