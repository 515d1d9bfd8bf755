/**
 * Scenario 4: scenario 1's read load, once quiet and once while 50 clients log in as fast
 * as they can (bcrypt, cost from the stored hash) — the read's p99 during the flood
 * against its p99 without, on each server.
 */
import { fmtRun, measured, measuredRun } from "../compare.js";
import { formatCpu } from "../cpu.js";
import type { BenchContext, Row, ScenarioResult } from "../context.js";
import { median, runLoad, type LoadResult, type LoadSpec } from "../load.js";
import { peakRssMb, resetPeakRss, startLoanstack, type Server } from "../procs.js";
import { afterLoanstack } from "../wrap-up.js";
import { waitForQuiet } from "../quiet.js";
import { PASSWORD } from "../seed.js";
import { readRequest } from "./read.js";

interface Side {
  quiet: LoadResult[];
  flooded: LoadResult[];
  logins: LoadResult[];
}

export async function flood(ctx: BenchContext): Promise<ScenarioResult> {
  const { opts } = ctx;
  ctx.log(`scenario 4 — login flood (${opts.floodConnections} concurrent logins, ${ctx.actors.floodEmails.length} accounts in turn) during the read, one process`);
  const loanstack = await startLoanstack(opts, ctx.dbs, { namespace: ctx.namespace, profileDir: ctx.profileDir });
  try {
    const read = (server: Server, duration: number): LoadSpec => ({ ...readRequest(ctx), url: server.url, connections: opts.connections, duration });
    const logins = (server: Server, duration: number): LoadSpec => ({
      url: server.url,
      method: "POST",
      path: "/api/user/login",
      bodies: ctx.actors.floodEmails.map((email) => JSON.stringify({ email, password: PASSWORD })),
      connections: opts.floodConnections,
      duration,
    });
    const probe = await fetch(`${loanstack.url}/api/user/login`, { method: "POST", headers: { "content-type": "application/json" }, body: logins(loanstack, 1).bodies![0] });
    if (probe.status !== 200) throw new Error(`loanstack login of ${ctx.actors.floodEmails[0]} answered ${probe.status}: ${await probe.text()}`);

    resetPeakRss([...loanstack.procs, ...ctx.baseline.procs]);
    const sides: Record<"loanstack" | "baseline", Side> = { loanstack: { quiet: [], flooded: [], logins: [] }, baseline: { quiet: [], flooded: [], logins: [] } };
    const servers = { loanstack, baseline: ctx.baseline };
    if (opts.warmup > 0) for (const s of Object.values(servers)) await runLoad(read(s, opts.warmup));
    for (let run = 0; run < opts.runs; run++) {
      const order = run % 2 === 0 ? (["loanstack", "baseline"] as const) : (["baseline", "loanstack"] as const);
      for (const name of order) {
        const server = servers[name];
        const quiet = await measuredRun(ctx, loanstack, () => runLoad(read(server, opts.duration)));
        // The flood starts first and outlasts the read by a second at each end.
        const flooding = runLoad(logins(server, opts.duration + 2));
        await new Promise((r) => setTimeout(r, 1000));
        // (the flood's own load generator counts as "other" in this run's CPU figures)
        const flooded = await measuredRun(ctx, loanstack, () => runLoad(read(server, opts.duration)));
        const login = await flooding;
        // The server may still be working off queued logins: the next run starts when the CPUs are quiet.
        const settled = await waitForQuiet(25, 30_000);
        if (!settled.quiet) ctx.log(`  (the CPUs were still ${settled.busy}% busy 30 s after the flood)`);
        sides[name].quiet.push(quiet);
        sides[name].flooded.push(flooded);
        sides[name].logins.push(login);
        ctx.log(`  flood run ${run + 1}/${opts.runs} ${name.padEnd(9)} quiet ${fmtRun(quiet)} | flooded ${fmtRun(flooded)} | logins ${login.rps}/s${login.errors ? ` (${login.errors} errors)` : ""}`);
        ctx.log(`    during the flood: ${formatCpu(flooded.cpu, "share")}`);
      }
    }
    const rss = { loanstack: peakRssMb(loanstack.procs), baseline: peakRssMb(ctx.baseline.procs) };
    const ratiosOf = (a: LoadResult[], b: LoadResult[]) => a.map((r, i) => r.rps / Math.max(1, b[i]!.rps));
    const p99Growth = (s: Side) => s.flooded.map((r, i) => r.p99 / Math.max(0.001, s.quiet[i]!.p99));
    const growth = { loanstack: median(p99Growth(sides.loanstack)), baseline: median(p99Growth(sides.baseline)) };
    const stalls = (s: Side) => s.flooded.filter((r) => r.stalled).length;
    const stallNote = (["loanstack", "baseline"] as const)
      .filter((n) => stalls(sides[n]))
      .map((n) => `${n}: in ${stalls(sides[n])} of ${opts.runs} flooded runs no read completed at all (p99 counted as ≥ the run's ${opts.duration} s)`)
      .join("; ");
    const row = (id: string, title: string, pick: (s: Side) => LoadResult[], note: string): Row => {
      const ratios = ratiosOf(pick(sides.loanstack), pick(sides.baseline));
      return { id, title, loanstack: measured(pick(sides.loanstack), rss.loanstack), baseline: measured(pick(sides.baseline), rss.baseline), ratio: median(ratios), ratios, note };
    };
    return {
      rows: [
        row("flood-quiet", "4 read, no flood", (s) => s.quiet, "scenario 1's load, just before each flooded run"),
        {
          ...row(
            "flood-read",
            "4 read during login flood",
            (s) => s.flooded,
            `p99 during / without flood: loanstack ${growth.loanstack.toFixed(2)}×, baseline ${growth.baseline.toFixed(2)}×${stallNote ? `; ${stallNote}` : ""}`,
          ),
          cpuAsShare: true,
        },
        row("flood-logins", `4 the flood: ${opts.floodConnections} concurrent logins`, (s) => s.logins, `bcrypt cost ${opts.bcryptRounds}; runs a second longer than the read at each end`),
      ],
      targets: [
        {
          scenario: "4 login flood",
          target: "read p99 during flood ≤ 2× without",
          measured: `${growth.loanstack.toFixed(2)}×${stalls(sides.loanstack) ? "+ (stalled)" : ""} (baseline ${growth.baseline.toFixed(2)}×${stalls(sides.baseline) ? "+" : ""})`,
          pass: growth.loanstack <= 2,
        },
      ],
      extra: { p99Growth: { loanstack: p99Growth(sides.loanstack), baseline: p99Growth(sides.baseline) } },
    };
  } finally {
    await loanstack.stop();
    afterLoanstack(ctx, "flood", loanstack);
  }
}
