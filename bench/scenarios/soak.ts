/**
 * `--soak 10m`: scenario 8's mixed load on one loanstack process, without a break, for
 * the given time; its resident memory sampled every 5 s. Memory that grows with the
 * requests served shows as RSS at the end above RSS after the first minute (when the
 * caches, pools and JIT have warmed up). Errors are counted over the whole run.
 */
import type { BenchContext, ScenarioResult } from "../context.js";
import { median, runLoad } from "../load.js";
import { peakRssMb, resetPeakRss, rssMb, startLoanstack } from "../procs.js";
import { afterLoanstack } from "../wrap-up.js";
import { mixRequest, settleOutbox } from "./mixed.js";

const SAMPLE_MS = 5000;

interface Sample {
  /** Seconds since the load started. */
  s: number;
  rssMb: number;
}

/** RSS "after the first minute": the samples within 10 s of 60 s (of half the run, if shorter than 2 minutes). */
function settledAt(samples: Sample[], seconds: number): number {
  const near = samples.filter((x) => Math.abs(x.s - seconds) <= 10).map((x) => x.rssMb);
  return median(near.length ? near : samples.slice(0, 3).map((x) => x.rssMb));
}

export async function soak(ctx: BenchContext, seconds: number): Promise<ScenarioResult> {
  ctx.log(`soak — scenario 8's mixed load on one loanstack process for ${seconds} s, RSS every ${SAMPLE_MS / 1000} s`);
  const loanstack = await startLoanstack(ctx.opts, ctx.dbs, { namespace: ctx.namespace, profileDir: ctx.profileDir });
  const title = `9 soak: mixed load for ${seconds >= 60 ? `${Math.round(seconds / 60)} min` : `${seconds} s`}`;
  try {
    const request = await mixRequest(ctx);
    resetPeakRss(loanstack.procs);
    const samples: Sample[] = [];
    const started = Date.now();
    const load = runLoad({ ...request, url: loanstack.url, connections: ctx.opts.connections, duration: seconds });
    let done = false;
    void load.finally(() => (done = true)).catch(() => undefined);
    let lastLog = 0;
    while (!done) {
      await new Promise((r) => setTimeout(r, SAMPLE_MS));
      const rss = rssMb(loanstack.procs);
      const s = Math.round((Date.now() - started) / 1000);
      if (rss !== null && !done) samples.push({ s, rssMb: rss });
      if (s - lastLog >= 60) {
        lastLog = s;
        ctx.log(`  soak ${Math.round(s / 60)}/${Math.round(seconds / 60)} min: RSS ${rss} MB`);
      }
    }
    const r = await load;
    const firstAt = seconds >= 120 ? 60 : seconds / 2;
    const first = settledAt(samples, firstAt);
    const end = median(samples.slice(-3).map((x) => x.rssMb));
    const growth = end / first - 1;
    const peak = peakRssMb(loanstack.procs);
    const kinds = r.kinds ? `${r.kinds.customer}/${r.kinds.agent}/${r.kinds.write}` : "?";
    ctx.log(`  soak: ${r.rps} req/s, p99 ${r.p99} ms, ${r.errors} errors; RSS ${first} MB at ${firstAt} s, ${end} MB at the end (${(growth * 100).toFixed(1)}%), peak ${peak} MB`);
    return {
      rows: [
        {
          id: "soak",
          title,
          loanstack: { rps: r.rps, p50: r.p50, p99: r.p99, errors: r.errors, rssMb: peak, runs: [r] },
          note: `RSS ${first} MB after ${firstAt} s, ${end} MB at the end (${growth >= 0 ? "+" : ""}${(growth * 100).toFixed(1)}%); requests by kind (customer/agent/write) ${kinds}; no baseline (loanstack alone)`,
        },
      ],
      targets: [
        {
          scenario: title,
          target: "RSS at the end within 10% of after the first minute",
          measured: `${first} → ${end} MB (${growth >= 0 ? "+" : ""}${(growth * 100).toFixed(1)}%)`,
          pass: Math.abs(growth) <= 0.1,
        },
        { scenario: title, target: "zero errors", measured: String(r.errors), pass: r.errors === 0 },
        { scenario: title, target: "peak RSS ≤ 250 MB", measured: peak === null ? "n/a" : `${peak} MB`, pass: peak === null ? null : peak <= 250 },
      ],
      extra: { samples, firstAt, first, end, growth },
    };
  } finally {
    await loanstack.stop();
    afterLoanstack(ctx, "soak", loanstack);
    await settleOutbox(ctx);
  }
}
