/**
 * Scenario 7: scenario 1's read with loanstack's cache off (CACHER=none), so every request
 * does what the baseline does: the JWT, the token's user from the users database, the
 * customer's page and its count from the loans database. What a first read costs.
 */
import { compare, sameAnswer } from "../compare.js";
import type { BenchContext, ScenarioResult } from "../context.js";
import { startLoanstack } from "../procs.js";
import { afterLoanstack } from "../wrap-up.js";
import { readRequest } from "./read.js";

export async function uncachedRead(ctx: BenchContext): Promise<ScenarioResult> {
  ctx.log("scenario 7 — uncached read (CACHER=none), one process");
  const loanstack = await startLoanstack(ctx.opts, ctx.dbs, { namespace: ctx.namespace, profileDir: ctx.profileDir, env: { CACHER: "none" } });
  try {
    const request = readRequest(ctx);
    const note = await sameAnswer(ctx, loanstack, request, true);
    const c = await compare(ctx, loanstack, request, "uncached");
    const title = "7 uncached read (CACHER=none)";
    return {
      rows: [{ id: "uncached", title, ...c, note: `${note}; CACHER=none: users.resolve and the loan page are read from the databases on every request, as the baseline does` }],
      targets: [{ scenario: title, target: "≥ 0.8× baseline req/s", measured: `${c.ratio.toFixed(2)}×`, pass: c.ratio >= 0.8 }],
    };
  } finally {
    await loanstack.stop();
    afterLoanstack(ctx, "uncached", loanstack);
  }
}
