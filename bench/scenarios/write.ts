/**
 * Scenario 3: POST /api/loan/customer-loan by an approved agent, the principal and tenure
 * varying per request, for a customer other than the reader.
 */
import { compare, sameAnswer, type Request } from "../compare.js";
import type { BenchContext, ScenarioResult } from "../context.js";
import { startLoanstack } from "../procs.js";
import { finishProfile } from "../profile.js";

export async function write(ctx: BenchContext): Promise<ScenarioResult> {
  ctx.log("scenario 3 — write, one process");
  const loanstack = await startLoanstack(ctx.opts, ctx.dbs, { namespace: ctx.namespace, profileDir: ctx.profileDir });
  try {
    const request: Request = { method: "POST", path: "/api/loan/customer-loan", headers: { authorization: `Bearer ${ctx.tokens.agent}` }, loanFor: ctx.actors.writeCustomer };
    const probe = JSON.stringify({ customer_id: ctx.actors.writeCustomer, principal: "250000.00", tenure_months: 24 });
    const note = await sameAnswer(ctx, loanstack, { ...request, loanFor: undefined, body: probe }, false);
    const c = await compare(ctx, loanstack, request, "write");
    return {
      rows: [
        {
          id: "write",
          title: "3 write (agent creates loan)",
          ...c,
          note: `${note}; loanstack also relays its outbox to audit (same process), the baseline only inserts loan + outbox row`,
        },
      ],
      targets: [{ scenario: "3 write", target: "≥ 0.7× baseline req/s", measured: `${c.ratio.toFixed(2)}×`, pass: c.ratio >= 0.7 }],
    };
  } finally {
    await loanstack.stop();
    finishProfile(ctx, "write", loanstack);
  }
}
