/**
 * Scenario 5: 1,000,000 loans (100,000 with --quick), GET list-loans-admin-agent?status=NEW
 * at page 1 and page 500 with an admin's token. Under load (loanstack's cache warm after
 * the first request), and uncached: a loan request first (it clears loanstack's list
 * cache), then one timed GET of each page, one at a time.
 */
import { compare, sameAnswer, send, type Request } from "../compare.js";
import type { BenchContext, Measured, Row, ScenarioResult } from "../context.js";
import { median, quantile } from "../load.js";
import { peakRssMb, startLoanstack, type Server } from "../procs.js";
import { afterLoanstack } from "../wrap-up.js";
import { seedLoans } from "../seed.js";

const PAGES = [1, 500];
const SETTLE_MS = Number(process.env.BENCH_UNCACHED_SETTLE_MS ?? 50);

function pageRequest(ctx: BenchContext, page: number): Request {
  return { method: "GET", path: `/api/loan/list-loans-admin-agent?status=NEW&page=${page}`, headers: { authorization: `Bearer ${ctx.tokens.admin}` } };
}

/** Latencies (ms) of the first GET of each page after a write, `samples` times. */
async function uncached(ctx: BenchContext, server: Server): Promise<Record<number, number[]>> {
  const times: Record<number, number[]> = Object.fromEntries(PAGES.map((p) => [p, []]));
  const write = { method: "POST" as const, path: "/api/loan/customer-loan", headers: { authorization: `Bearer ${ctx.tokens.agent}` } };
  for (let i = 0; i < ctx.opts.uncachedSamples; i++) {
    const body = JSON.stringify({ customer_id: ctx.actors.writeCustomer, principal: `${10_000 + i}.00`, tenure_months: 12 });
    const w = await send(server.url, { ...write, body });
    if (w.status !== 201) throw new Error(`uncached probe: the write answered ${w.status}`);
    // The read path is measured, not the write's after-effects (loanstack's outbox relay).
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    for (const page of PAGES) {
      const started = performance.now();
      const a = await send(server.url, pageRequest(ctx, page));
      times[page]!.push(Math.round((performance.now() - started) * 100) / 100);
      if (a.status !== 200) throw new Error(`uncached probe: page ${page} answered ${a.status}`);
    }
  }
  return times;
}

function latencyOnly(samples: number[], rssMb: number | null): Measured {
  return { rps: NaN, p50: median(samples), p99: quantile(samples, 0.99), errors: 0, rssMb, runs: [] };
}

export async function scale(ctx: BenchContext): Promise<ScenarioResult> {
  const { opts } = ctx;
  ctx.log(`scenario 5 — scale: ${opts.scaleLoans.toLocaleString("en")} loans, list-loans-admin-agent?status=NEW`);
  const keepTriggers = process.env.BENCH_SEED_TRIGGERS === "on";
  const seeded = await seedLoans(ctx.dbs, opts.scaleLoans, ctx.actors, keepTriggers, (line) => ctx.log(`  ${line}`));
  const loanstack = await startLoanstack(opts, ctx.dbs, { namespace: ctx.namespace, profileDir: ctx.profileDir });
  const rows: Row[] = [];
  const targets: ScenarioResult["targets"] = [];
  const extra: Record<string, unknown> = { seeded };
  try {
    for (const page of PAGES) {
      const request = pageRequest(ctx, page);
      const note = await sameAnswer(ctx, loanstack, request, true);
      const c = await compare(ctx, loanstack, request, `page ${page}`);
      rows.push({ id: `scale-p${page}`, title: `5 scale, page ${page}, under load`, ...c, note: `${note}; loanstack answers from its cache after the first request` });
      targets.push({ scenario: `5 scale, page ${page}, under load`, target: "p99 ≤ 50 ms", measured: `${c.loanstack.p99} ms`, pass: c.loanstack.p99 <= 50 });
    }
    ctx.log(`  uncached: ${opts.uncachedSamples} × (write, then GET page 1, GET page 500), one at a time`);
    const ls = await uncached(ctx, loanstack);
    const base = await uncached(ctx, ctx.baseline);
    extra.uncachedMs = { loanstack: ls, baseline: base };
    for (const page of PAGES) {
      const a = latencyOnly(ls[page]!, peakRssMb(loanstack.procs));
      const b = latencyOnly(base[page]!, peakRssMb(ctx.baseline.procs));
      ctx.log(`  uncached page ${page}: loanstack p50 ${a.p50.toFixed(1)} ms p99 ${a.p99.toFixed(1)} ms | baseline p50 ${b.p50.toFixed(1)} ms p99 ${b.p99.toFixed(1)} ms`);
      rows.push({
        id: `scale-p${page}-uncached`,
        title: `5 scale, page ${page}, uncached`,
        loanstack: a,
        baseline: b,
        note: `${opts.uncachedSamples} sequential first requests, each ${SETTLE_MS} ms after a write that cleared the cache (latency only)`,
      });
      targets.push({ scenario: `5 scale, page ${page}, uncached`, target: "p99 ≤ 50 ms", measured: `${a.p99.toFixed(1)} ms`, pass: a.p99 <= 50 });
    }
    return { rows, targets, extra };
  } finally {
    await loanstack.stop();
    afterLoanstack(ctx, "scale", loanstack);
  }
}
