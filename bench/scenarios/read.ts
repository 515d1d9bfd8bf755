/**
 * Scenarios 1 and 2: GET /api/loan/list-loans-customer with a customer's token (20 rows of
 * its loans), loanstack in one process, then users, loans and api in three processes over
 * NATS and over Redis; the baseline in the same run each time.
 */
import { compare, sameAnswer, type Request } from "../compare.js";
import type { BenchContext, ScenarioResult } from "../context.js";
import { reachable, startLoanstack } from "../procs.js";
import { afterLoanstack } from "../wrap-up.js";

export function readRequest(ctx: BenchContext): Request {
  return { method: "GET", path: "/api/loan/list-loans-customer", headers: { authorization: `Bearer ${ctx.tokens.reader}` } };
}

const fmtRatio = (r: number) => `${r.toFixed(2)}×`;

export async function readOneProcess(ctx: BenchContext): Promise<ScenarioResult> {
  ctx.log("scenario 1 — read, one process");
  const loanstack = await startLoanstack(ctx.opts, ctx.dbs, { namespace: ctx.namespace, profileDir: ctx.profileDir });
  try {
    const request = readRequest(ctx);
    const note = await sameAnswer(ctx, loanstack, request, true);
    const c = await compare(ctx, loanstack, request, "read");
    const rss = c.loanstack.rssMb;
    return {
      rows: [{ id: "read", title: "1 read, one process", ...c, note: `${note}; all services (audit too) in one process` }],
      targets: [
        { scenario: "1 read, one process", target: "≥ 1.0× baseline req/s", measured: fmtRatio(c.ratio), pass: c.ratio >= 1.0 },
        { scenario: "1 read, one process", target: "peak RSS ≤ 250 MB", measured: rss === null ? "n/a" : `${rss} MB`, pass: rss === null ? null : rss <= 250 },
      ],
    };
  } finally {
    await loanstack.stop();
    afterLoanstack(ctx, "read", loanstack);
  }
}

export async function readDistributed(ctx: BenchContext, kind: "nats" | "redis"): Promise<ScenarioResult> {
  const url = kind === "nats" ? ctx.opts.natsUrl : ctx.opts.redisUrl;
  const title = `2 read, 3 processes over ${kind === "nats" ? "NATS" : "Redis"}`;
  ctx.log(`scenario 2 — read, users + loans + api over ${kind} (${url})`);
  const where = new URL(url);
  if (!(await reachable(where.hostname, Number(where.port || (kind === "nats" ? 4222 : 6379))))) {
    const skipped = `${kind} at ${url} does not answer (set BENCH_${kind.toUpperCase()}_URL)`;
    ctx.log(`  skipped: ${skipped}`);
    return { rows: [{ id: kind, title, skipped }], targets: [{ scenario: title, target: "≥ 0.85× baseline req/s", measured: "not run", pass: null }] };
  }
  const loanstack = await startLoanstack(ctx.opts, ctx.dbs, { namespace: ctx.namespace, transporter: url, profileDir: ctx.profileDir });
  try {
    const request = readRequest(ctx);
    const note = await sameAnswer(ctx, loanstack, request, true);
    const c = await compare(ctx, loanstack, request, kind);
    return {
      rows: [{ id: kind, title, ...c, note: `${note}; audit not started (nothing is written); RSS is the sum of the 3 processes` }],
      targets: [{ scenario: title, target: "≥ 0.85× baseline req/s", measured: fmtRatio(c.ratio), pass: c.ratio >= 0.85 }],
    };
  } finally {
    await loanstack.stop();
    afterLoanstack(ctx, kind, loanstack);
  }
}
