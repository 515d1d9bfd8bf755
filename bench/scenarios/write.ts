/**
 * Scenario 3: POST /api/loan/customer-loan by an approved agent, the principal and tenure
 * varying per request, for a customer other than the reader. loanstack's outbox relay
 * (to audit, in the same process) runs as it would; what it had not delivered when the
 * load stopped is reported, and dropped before the next scenario so that none
 * pays for this one's events.
 */
import { compare, sameAnswer, type Request } from "../compare.js";
import type { BenchContext, ScenarioResult } from "../context.js";
import { withClient } from "../db.js";
import { startLoanstack } from "../procs.js";
import { afterLoanstack } from "../wrap-up.js";

const undelivered = (ctx: BenchContext) => withClient(ctx.dbs.loans, async (c) => Number((await c.query<{ n: string }>("SELECT count(*) AS n FROM outbox_pending")).rows[0]!.n));

/** Seconds until loanstack's relay delivered its backlog (null: not within `limitS`). */
async function drain(ctx: BenchContext, limitS: number): Promise<number | null> {
  const started = Date.now();
  while (Date.now() - started < limitS * 1000) {
    if ((await undelivered(ctx)) === 0) return Math.round((Date.now() - started) / 100) / 10;
    await new Promise((r) => setTimeout(r, 200));
  }
  return null;
}

export async function write(ctx: BenchContext): Promise<ScenarioResult> {
  ctx.log("scenario 3 — write, one process");
  const loanstack = await startLoanstack(ctx.opts, ctx.dbs, { namespace: ctx.namespace, profileDir: ctx.profileDir });
  let relay = "";
  try {
    const request: Request = { method: "POST", path: "/api/loan/customer-loan", headers: { authorization: `Bearer ${ctx.tokens.agent}` }, loanFor: ctx.actors.writeCustomer };
    const probe = JSON.stringify({ customer_id: ctx.actors.writeCustomer, principal: "250000.00", tenure_months: 24 });
    const note = await sameAnswer(ctx, loanstack, { ...request, loanFor: undefined, body: probe }, false);
    const c = await compare(ctx, loanstack, request, "write");
    const backlog = await undelivered(ctx);
    const drained = backlog ? await drain(ctx, 20) : 0;
    relay = backlog
      ? `when the load stopped ${backlog} loanstack events were still waiting in its outbox; its relay delivered them in ${drained === null ? "more than 20" : drained} s`
      : "loanstack's outbox relay kept up (nothing waiting when the load stopped)";
    ctx.log(`  ${relay}`);
    return {
      rows: [
        {
          id: "write",
          title: "3 write (agent creates loan)",
          ...c,
          note: `${note}; loanstack also relays its outbox to audit (same process); the baseline runs the same key look-up and inserts (loan + outbox row, into a copy of the outbox table) and relays nothing; ${relay}`,
        },
      ],
      targets: [{ scenario: "3 write", target: "≥ 0.9× baseline req/s", measured: `${c.ratio.toFixed(2)}×`, pass: c.ratio >= 0.9 }],
      extra: { outboxBacklogAtEnd: backlog, drainSeconds: drained },
    };
  } finally {
    await loanstack.stop();
    afterLoanstack(ctx, "write", loanstack);
    await withClient(ctx.dbs.loans, (c) => c.query("DELETE FROM outbox_pending"));
  }
}
