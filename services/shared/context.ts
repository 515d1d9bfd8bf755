/** The request context as loanstack's actions see it: typed params and meta. */
import type { Context } from "moleculer";
import type { ContextMeta } from "../../sdk/contracts.js";

export type AppContext<P = unknown> = Context<P, ContextMeta>;

/** The signed-in caller; the gateway guarantees one on every action that needs it. */
export function callerOf(ctx: Context<unknown, ContextMeta>) {
  const user = ctx.meta.user;
  if (!user) throw new Error("no caller on an action that requires one: is it routed without access?");
  return user;
}
