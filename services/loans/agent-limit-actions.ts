/**
 * Agent lending limits, a mixin of the loans service: an admin's list, read and PUT of an
 * agent's limit (an agent reads their own), and the consumer of the users service's
 * `agent.approved` (subscriptions.ts), which the users outbox delivers at least once, also
 * after loans was down; `consumed_events` applies each once. Every change is an
 * `agent_limit.changed` event, stored in the change's transaction. The rules and tables are
 * in agent-limits.ts.
 */
import type { Service } from "moleculer";
import type { ActionParams, ActionResult, DomainEvent } from "../../sdk/contracts.js";
import { callerOf, type AppContext } from "../shared/context.js";
import { ForbiddenError, NotFoundError } from "../shared/errors.js";
import { eventDeliveryParams, isDomainEvent } from "../shared/event-delivery.js";
import { moneyParam, parseMoney } from "../shared/money-param.js";
import { pageParams, pageWindow, toPage } from "../shared/pagination.js";
import { idParam } from "../shared/params.js";
import { defineMixin } from "../shared/schema.js";
import type { LoansThis } from "./loans-this.js";

type Ctx<A extends "loans.listAgentLimits" | "loans.getAgentLimit" | "loans.setAgentLimit" | "loans.receiveEvents"> = AppContext<ActionParams<A>>;
type Approval = DomainEvent<"agent.approved">;

/**
 * Whether `id` is an agent, asked of the users service (the limit itself never is): a
 * limit is set and read for agents only. Internal calls carry the caller's meta; the
 * gateway's access check is not on this path.
 */
async function assertAgent(ctx: AppContext, id: number): Promise<void> {
  const user: { role: string } = await ctx.call("users.getUser", { id });
  if (user.role !== "agent") throw new NotFoundError("agent", id);
}

export const agentLimitActions = defineMixin<Omit<LoansThis, keyof Service>>({
  actions: {
    listAgentLimits: {
      access: ["admin"],
      params: { ...pageParams },
      async handler(this: LoansThis, ctx: Ctx<"loans.listAgentLimits">): Promise<ActionResult<"loans.listAgentLimits">> {
        const window = pageWindow(ctx.params);
        const { rows, total } = await this.agentLimits.page(window);
        return toPage(rows, total, window);
      },
    },

    getAgentLimit: {
      access: ["admin", "agent"],
      params: { agent_id: idParam },
      async handler(this: LoansThis, ctx: Ctx<"loans.getAgentLimit">): Promise<ActionResult<"loans.getAgentLimit">> {
        const caller = callerOf(ctx);
        if (caller.role === "agent" && caller.id !== ctx.params.agent_id) throw new ForbiddenError("an agent sees only their own lending limit");
        const { limit, stored } = await this.agentLimits.get(ctx.params.agent_id);
        // An agent the service holds nothing for yet: the default, if they are an agent.
        if (!stored && caller.role === "admin") await assertAgent(ctx, ctx.params.agent_id);
        return limit;
      },
    },

    setAgentLimit: {
      access: ["admin"],
      params: { agent_id: idParam, limit: moneyParam },
      async handler(this: LoansThis, ctx: Ctx<"loans.setAgentLimit">): Promise<ActionResult<"loans.setAgentLimit">> {
        const limit = parseMoney("limit", ctx.params.limit);
        const agentId = ctx.params.agent_id;
        await assertAgent(ctx, agentId);
        return this.unitOfWork.run(ctx, { plainSql: true }, async (work) => {
          const change = await this.agentLimits.set(work, agentId, limit, "admin");
          if (!change) return (await this.agentLimits.get(agentId)).limit;
          work.publish("agent_limit.changed", { actor_id: callerOf(ctx).id, before: change.before, limit: change.after });
          return change.after;
        });
      },
    },

    /** The users outbox's relay calls this with `agent.approved` events; answering acknowledges the batch. */
    receiveEvents: {
      params: eventDeliveryParams,
      async handler(this: LoansThis, ctx: Ctx<"loans.receiveEvents">): Promise<ActionResult<"loans.receiveEvents">> {
        const approvals = ctx.params.events.filter(isDomainEvent).filter((e): e is Approval => e.event === "agent.approved");
        if (approvals.length === 0) return { applied: 0 };
        return this.unitOfWork.run(ctx, { plainSql: true }, async (work) => {
          let applied = 0;
          for (const e of approvals) {
            if (!(await this.agentLimits.consume(work, ctx.params.source, e.id))) continue;
            applied += 1;
            const limit = e.payload.lending_limit ?? this.config.agentDefaultLimit;
            const change = await this.agentLimits.set(work, e.payload.user.id, limit, "event");
            if (change) work.publish("agent_limit.changed", { actor_id: e.payload.actor_id, before: change.before, limit: change.after });
          }
          return { applied };
        });
      },
    },
  },
});
