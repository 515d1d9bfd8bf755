/**
 * Side by side: the same load against loanstack and the baseline, warmed up, then
 * `runs` times with the order alternating (so drift on the shared machine hits both).
 */
import { isDeepStrictEqual } from "node:util";
import type { BenchContext, Measured } from "./context.js";
import { median, runLoad, type LoadResult, type LoadSpec } from "./load.js";
import { formatPg, perRequest, pgCounters, STATS_SETTLE_MS, type PgPerRequest } from "./pgstats.js";
import { peakRssMb, resetPeakRss, type Server } from "./procs.js";
import { DATABASES } from "./db.js";
import { cpuSnapshot, cpuUse, formatCpu, type CpuUse } from "./cpu.js";

export type Request = Omit<LoadSpec, "url" | "connections" | "duration">;

export interface Comparison {
  loanstack: Measured;
  baseline: Measured;
  ratio: number;
  ratios: number[];
  /** With a machine-limit server: its figures, and loanstack's req/s over its req/s (median of the runs). */
  limit?: Measured;
  limitRatio?: number;
  limitRatios?: number[];
}

function medianDb(runs: LoadResult[]): PgPerRequest | undefined {
  const all = runs.map((r) => r.db).filter((d): d is PgPerRequest => d !== undefined);
  if (all.length === 0) return undefined;
  const m = (k: keyof PgPerRequest) => median(all.map((d) => d[k]));
  return { commits: m("commits"), rowsRead: m("rowsRead"), rowsWritten: m("rowsWritten"), walSyncs: m("walSyncs"), walKB: m("walKB") };
}

function medianCpu(runs: LoadResult[]): CpuUse | undefined {
  const all = runs.map((r) => r.cpu).filter((c): c is CpuUse => c !== undefined);
  if (all.length === 0) return undefined;
  const of = (pick: (c: CpuUse) => Record<string, number>) => Object.fromEntries(Object.keys(pick(all[0]!)).map((k) => [k, median(all.map((c) => pick(c)[k]!))])) as CpuUse["share"];
  return { perRequest: of((c) => c.perRequest), share: of((c) => c.share), machineBusy: median(all.map((c) => c.machineBusy)) };
}

/**
 * One load run with its costs: PostgreSQL's counters and every process's CPU time before,
 * and after a pause (PostgreSQL publishes its counters within a second; the server's
 * after-work, such as an outbox relay, is counted too).
 */
export async function measuredRun(ctx: BenchContext, loanstack: Server, load: () => Promise<LoadResult>): Promise<LoadResult> {
  const pids = (s: Server) => s.procs.map((p) => p.pid);
  const pgBefore = await pgCounters(ctx.opts.pgUrl, Object.values(DATABASES));
  const cpuBefore = cpuSnapshot(pids(loanstack), pids(ctx.baseline));
  const r = await load();
  const cpuAtEnd = cpuSnapshot(pids(loanstack), pids(ctx.baseline));
  await new Promise((resolve) => setTimeout(resolve, STATS_SETTLE_MS));
  const cpuAfter = cpuSnapshot(pids(loanstack), pids(ctx.baseline));
  r.db = perRequest(pgBefore, await pgCounters(ctx.opts.pgUrl, Object.values(DATABASES)), r.requests);
  // processes' time up to the pause's end; the machine's busy share over the load only
  r.cpu = { ...cpuUse(cpuBefore, { ...cpuAfter, machine: cpuAtEnd.machine }, r.loadgenCpuMs, r.requests), machineBusy: cpuUse(cpuBefore, cpuAtEnd, 0, 1).machineBusy };
  return r;
}

export function measured(runs: LoadResult[], rssMb: number | null): Measured {
  return {
    cpu: medianCpu(runs),
    db: medianDb(runs),
    rps: Math.round(median(runs.map((r) => r.rps))),
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    errors: runs.reduce((n, r) => n + r.errors, 0),
    rssMb,
    runs,
  };
}

export const fmtRun = (r: LoadResult) =>
  r.stalled ? `0 req/s — no request completed in ${r.duration} s (p99 ≥ ${r.p99} ms)` : `${r.rps} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms${r.errors ? `, ${r.errors} errors` : ""}`;

/**
 * `limit`: a third server run in the same rotation (L B M, M B L, ...), the machine's limit
 * for the request (limit-server.ts).
 */
export async function compare(ctx: BenchContext, loanstack: Server, request: Request, label: string, limit?: Server): Promise<Comparison> {
  const { opts } = ctx;
  const spec = (server: Server, duration: number): LoadSpec => ({ ...request, url: server.url, connections: opts.connections, duration });
  resetPeakRss([...loanstack.procs, ...ctx.baseline.procs]);
  if (opts.warmup > 0) {
    await runLoad(spec(loanstack, opts.warmup));
    await runLoad(spec(ctx.baseline, opts.warmup));
    if (limit) await runLoad(spec(limit, opts.warmup));
  }
  const ls: LoadResult[] = [];
  const base: LoadResult[] = [];
  const lim: LoadResult[] = [];
  for (let run = 0; run < opts.runs; run++) {
    const sides: Array<readonly [string, Server, LoadResult[]]> = [
      ["loanstack", loanstack, ls],
      ["baseline", ctx.baseline, base],
    ];
    if (limit) sides.push(["limit", limit, lim]);
    const order = run % 2 === 0 ? sides : [...sides].reverse();
    for (const [name, server, into] of order) {
      const r = await measuredRun(ctx, loanstack, () => runLoad(spec(server, opts.duration)));
      into.push(r);
      ctx.log(`  ${label} run ${run + 1}/${opts.runs} ${name.padEnd(9)} ${fmtRun(r)}`);
    }
  }
  const ratios = ls.map((r, i) => r.rps / Math.max(1, base[i]!.rps));
  const result: Comparison = { loanstack: measured(ls, peakRssMb(loanstack.procs)), baseline: measured(base, peakRssMb(ctx.baseline.procs)), ratio: median(ratios), ratios };
  if (limit) {
    result.limitRatios = ls.map((r, i) => r.rps / Math.max(1, lim[i]!.rps));
    result.limit = measured(lim, peakRssMb(limit.procs));
    result.limitRatio = median(result.limitRatios);
  }
  ctx.log(`  ${label} PostgreSQL per request: loanstack ${formatPg(result.loanstack.db)}; baseline ${formatPg(result.baseline.db)}`);
  ctx.log(`  ${label} CPU: loanstack runs: ${formatCpu(result.loanstack.cpu)}; baseline runs: ${formatCpu(result.baseline.cpu)}`);
  return result;
}

export interface Answer {
  status: number;
  body: unknown;
}

export async function send(url: string, request: Request & { body?: string }): Promise<Answer> {
  const res = await fetch(url + request.path, {
    method: request.method,
    headers: { ...request.headers, ...(request.body ? { "content-type": "application/json" } : {}) },
    body: request.body,
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: kept as text
  }
  return { status: res.status, body };
}

/**
 * One request to each server before the load: both must succeed, and for reads answer the
 * same JSON (the baseline is only a baseline if it does the same thing). Answers a note.
 */
export async function sameAnswer(ctx: BenchContext, loanstack: Server, request: Request & { body?: string }, compareBodies: boolean): Promise<string> {
  const a = await send(loanstack.url, request);
  const b = await send(ctx.baseline.url, request);
  if (a.status >= 300 || b.status >= 300) {
    throw new Error(`${request.method} ${request.path}: loanstack answered ${a.status} ${JSON.stringify(a.body).slice(0, 300)}; baseline ${b.status} ${JSON.stringify(b.body).slice(0, 300)}`);
  }
  if (!compareBodies) {
    const keys = (v: unknown) => (typeof v === "object" && v !== null ? Object.keys(v).sort().join(",") : typeof v);
    return keys(a.body) === keys(b.body) ? "same response shape" : `RESPONSE SHAPES DIFFER: ${keys(a.body)} vs ${keys(b.body)}`;
  }
  if (isDeepStrictEqual(a.body, b.body)) return "identical responses";
  const msg = `RESPONSES DIFFER: loanstack ${JSON.stringify(a.body).slice(0, 400)} / baseline ${JSON.stringify(b.body).slice(0, 400)}`;
  ctx.log(`  warning: ${msg}`);
  return msg;
}
