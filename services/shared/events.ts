/** Typed domain events: the payload of each name comes from the contracts file. */
import type { Context } from "moleculer";
import type { ContextMeta, EventName, EventPayload } from "../../sdk/contracts.js";

export type AppContext<P = unknown> = Context<P, ContextMeta>;

export function emitEvent<E extends EventName>(ctx: Context<unknown, ContextMeta>, name: E, payload: EventPayload<E>): Promise<void> {
  return ctx.emit(name, payload);
}

/** The signed-in caller; the gateway guarantees one on every action that needs it. */
export function callerOf(ctx: Context<unknown, ContextMeta>) {
  const user = ctx.meta.user;
  if (!user) throw new Error("no caller on an action that requires one: is it routed without access?");
  return user;
}
