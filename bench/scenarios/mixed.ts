/**
 * Scenario 8, a mixed and realistic load on one loanstack process against the baseline:
 * the 1,000 customers, each with a token of their own, read their own loan list (75% of
 * the requests); the 10 agents page random pages of the list of all loans (20%) and
 * request loans for random customers (5%). Most reads are then a customer's first in a
 * while, and every loan request clears loanstack's loan-list cache.
 */
import { compare, sameAnswer, type Request } from "../compare.js";
import type { BenchContext, ScenarioResult } from "../context.js";
import { withClient } from "../db.js";
import type { MixSpec } from "../load.js";
import { JWT_SECRET, startLoanstack } from "../procs.js";
import { seedSessions } from "../seed.js";
import { TokenService } from "../../services/shared/tokens.js";
import { afterLoanstack } from "../wrap-up.js";

/** Agents page among the newest 100 pages (2,000 loans): a back office looks at recent work. */
const AGENT_PAGES = 100;
export const MIX_SHARES = { agent: 0.2, write: 0.05 };

/**
 * The mix's load: a token for every seeded customer and agent, signed as loanstack signs
 * them, each on a live session of its own (as a login would open one).
 */
export async function mixRequest(ctx: BenchContext): Promise<Request & { mix: MixSpec }> {
  const issuer = new TokenService(JWT_SECRET, "2h");
  const tokens = async (range: { first: number; count: number }, role: "customer" | "agent") => {
    const ids = Array.from({ length: range.count }, (_, i) => range.first + i);
    const sids = await seedSessions(ctx.dbs, ids);
    return ids.map((id, i) => issuer.issue({ id, role }, sids[i]!).token);
  };
  const [customerTokens, agentTokens] = [await tokens(ctx.actors.customers, "customer"), await tokens(ctx.actors.agents, "agent")];
  return {
    method: "GET",
    path: "/api/loan/list-loans-customer",
    mix: {
      customerTokens,
      agentTokens,
      agentPages: AGENT_PAGES,
      loanCustomers: ctx.actors.customers,
      agentShare: MIX_SHARES.agent,
      writeShare: MIX_SHARES.write,
    },
  };
}

/** One request of each kind to both servers: the reads answer the same JSON, the write the same shape. */
async function sameWork(ctx: BenchContext, loanstack: Parameters<typeof sameAnswer>[1], mix: MixSpec): Promise<string> {
  const customer = await sameAnswer(ctx, loanstack, { method: "GET", path: "/api/loan/list-loans-customer", headers: { authorization: `Bearer ${mix.customerTokens[7]}` } }, true);
  const agent = await sameAnswer(ctx, loanstack, { method: "GET", path: `/api/loan/list-loans-admin-agent?page=${AGENT_PAGES}`, headers: { authorization: `Bearer ${mix.agentTokens[3]}` } }, true);
  const body = JSON.stringify({ customer_id: mix.loanCustomers.first + 11, principal: "120000.00", tenure_months: 36 });
  const write = await sameAnswer(ctx, loanstack, { method: "POST", path: "/api/loan/customer-loan", headers: { authorization: `Bearer ${mix.agentTokens[3]}` }, body }, false);
  return `customer read: ${customer}; agent page: ${agent}; loan request: ${write}`;
}

/** Drops what loanstack's relay had not delivered to its consumers, so no later scenario pays for it. */
export async function settleOutbox(ctx: BenchContext): Promise<void> {
  await withClient(ctx.dbs.loans, (c) => c.query("DELETE FROM outbox_pending"));
}

export async function mixed(ctx: BenchContext): Promise<ScenarioResult> {
  ctx.log(`scenario 8 — mixed: ${ctx.actors.customers.count} customers read their own lists, ${ctx.actors.agents.count} agents page and request loans, one process`);
  const loanstack = await startLoanstack(ctx.opts, ctx.dbs, { namespace: ctx.namespace, profileDir: ctx.profileDir });
  try {
    const request = await mixRequest(ctx);
    const note = await sameWork(ctx, loanstack, request.mix);
    const c = await compare(ctx, loanstack, request, "mixed");
    const kinds = c.loanstack.runs.map((r) => r.kinds);
    const rss = c.loanstack.rssMb;
    const title = "8 mixed: customers, agents, 5% writes";
    return {
      rows: [
        {
          id: "mixed",
          title,
          ...c,
          note: `${note}; ${Math.round((1 - MIX_SHARES.agent - MIX_SHARES.write) * 100)}% customer reads (each of ${request.mix.customerTokens.length} with its own token), ${MIX_SHARES.agent * 100}% agent pages 1–${AGENT_PAGES}, ${MIX_SHARES.write * 100}% loan requests; loanstack's requests by kind per run: ${kinds.map((k) => (k ? `${k.customer}/${k.agent}/${k.write}` : "?")).join(", ")}`,
        },
      ],
      targets: [
        { scenario: title, target: "≥ 1.2× baseline req/s", measured: `${c.ratio.toFixed(2)}×`, pass: c.ratio >= 1.2 },
        { scenario: title, target: "peak RSS ≤ 250 MB", measured: rss === null ? "n/a" : `${rss} MB`, pass: rss === null ? null : rss <= 250 },
      ],
      extra: { kinds },
    };
  } finally {
    await loanstack.stop();
    afterLoanstack(ctx, "mixed", loanstack);
    await settleOutbox(ctx);
  }
}
