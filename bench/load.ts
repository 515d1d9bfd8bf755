/**
 * Running load: autocannon in a separate process (load-worker.ts) against 127.0.0.1,
 * bounded in time, and the figures the report needs from its result.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { CpuUse } from "./cpu.js";
import type { PgPerRequest } from "./pgstats.js";

export interface LoadSpec {
  url: string;
  method: "GET" | "POST" | "PUT";
  path: string;
  headers?: Record<string, string>;
  /** A fixed JSON body. */
  body?: string;
  /** JSON bodies taken in turn, one per request, instead of `body` (e.g. one account after another). */
  bodies?: string[];
  /** POST customer-loan bodies for this customer, the principal and tenure varying per request. */
  loanFor?: number;
  /** Paths taken in turn, one per request, instead of `path` (e.g. one loan after another). */
  paths?: string[];
  /** Instead of one request: each request drawn from this mix (method, path and headers above are ignored). */
  mix?: MixSpec;
  connections: number;
  duration: number;
}

/**
 * A realistic mix: customers reading their own list, agents paging the list of all
 * loans, agents requesting loans. Each request draws its kind, then its actor.
 */
export interface MixSpec {
  /** One token per customer: each reads GET /api/loan/list-loans-customer, its own loans. */
  customerTokens: string[];
  /** Agents' tokens: they page GET /api/loan/list-loans-admin-agent and request loans. */
  agentTokens: string[];
  /** Agents page pages 1..agentPages, at random. */
  agentPages: number;
  /** Loan requests are for these customers (ids first..first+count-1), at random. */
  loanCustomers: { first: number; count: number };
  /** Shares of the requests (the rest are customer reads). */
  agentShare: number;
  writeShare: number;
}

export type MixKind = "customer" | "agent" | "write";

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  mean: number;
  max: number;
  requests: number;
  /** non-2xx answers plus socket errors and timeouts. */
  errors: number;
  non2xx: number;
  socketErrors: number;
  duration: number;
  /**
   * No request completed within the run (the server stalled longer than the run): autocannon
   * reports no latency then; p50 and p99 are set to the run's length, a lower bound.
   */
  stalled?: boolean;
  /** What the run cost PostgreSQL per answered request (set by the caller). */
  db?: PgPerRequest;
  /** Where the CPU time went (set by the caller). */
  cpu?: CpuUse;
  /** CPU time of the load generator process during the run. */
  loadgenCpuMs: number;
  /** A mixed load: how many requests of each kind were sent. */
  kinds?: Record<MixKind, number>;
}

interface AutocannonResult {
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  "2xx": number;
  requests: { total: number; average: number };
  latency: { p50: number; p99: number; mean: number; max: number };
}

function summarise({ result: r, cpuMs, kinds }: { result: AutocannonResult; cpuMs: number; kinds?: Record<MixKind, number> }, spec: LoadSpec): LoadResult {
  const duration = r.duration || 1;
  const requests = r["2xx"] + r.non2xx;
  if (requests === 0) {
    const bound = spec.duration * 1000;
    return {
      rps: 0,
      p50: bound,
      p99: bound,
      mean: bound,
      max: bound,
      requests: 0,
      errors: r.errors + r.timeouts,
      non2xx: 0,
      socketErrors: r.errors + r.timeouts,
      duration,
      stalled: true,
      loadgenCpuMs: cpuMs,
      kinds,
    };
  }
  return {
    rps: Math.round((r["2xx"] + r.non2xx) / duration),
    p50: r.latency.p50,
    p99: r.latency.p99,
    mean: Math.round(r.latency.mean * 100) / 100,
    max: r.latency.max,
    requests: r["2xx"] + r.non2xx,
    errors: r.non2xx + r.errors + r.timeouts,
    non2xx: r.non2xx,
    socketErrors: r.errors + r.timeouts,
    duration: Math.round(duration * 100) / 100,
    loadgenCpuMs: Math.round(cpuMs),
    kinds,
  };
}

/** Starts the load now; resolves with its figures when it ends. */
export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const worker = path.join(__dirname, "load-worker.js");
  // A mix's thousand tokens exceed what one command-line argument may hold (128 KB): a file then.
  let arg = JSON.stringify(spec);
  let specFile: string | undefined;
  if (arg.length > 64 * 1024) {
    specFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "loanstack-bench-")), "spec.json");
    fs.writeFileSync(specFile, arg);
    arg = `@${specFile}`;
  }
  return new Promise<LoadResult>((resolve, reject) => {
    const child = spawn(process.execPath, [worker, arg], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.once("error", reject);
    child.once("exit", (code) => {
      if (code !== 0) return reject(new Error(`load generator failed (exit ${code}): ${err.slice(-2000)}`));
      try {
        resolve(summarise(JSON.parse(out.trim().split("\n").pop() ?? "") as { result: AutocannonResult; cpuMs: number }, spec));
      } catch (e) {
        reject(new Error(`load generator printed no result: ${String(e)}\n${out.slice(-500)}\n${err.slice(-1000)}`));
      }
    });
  }).finally(() => {
    if (specFile) fs.rmSync(path.dirname(specFile), { recursive: true, force: true });
  });
}

export const median = (values: number[]): number => {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** The q-quantile (0..1) of samples, nearest rank. */
export const quantile = (values: number[], q: number): number => {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
};
