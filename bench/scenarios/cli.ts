/**
 * Scenario 6: `loanctl --help` and `loanctl loans list --json` (as the admin) as whole
 * processes, wall time, median of several runs. For scale, the same for `node -e 0`.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { BenchContext, Measured, ScenarioResult } from "../context.js";
import { median, quantile } from "../load.js";
import { ADMIN, startLoanstack } from "../procs.js";

function timeRuns(args: string[], env: NodeJS.ProcessEnv, runs: number, input?: string): { ms: number[]; failures: number; lastError: string } {
  const ms: number[] = [];
  let failures = 0;
  let lastError = "";
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const r = spawnSync(process.execPath, args, { env, input, encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] });
    ms.push(Math.round(performance.now() - started));
    if (r.status !== 0) {
      failures++;
      lastError = `exit ${r.status}: ${(r.stderr || r.stdout).slice(0, 500)}`;
    }
  }
  return { ms, failures, lastError };
}

const wall = (t: { ms: number[]; failures: number }): Measured => ({ rps: NaN, p50: median(t.ms), p99: quantile(t.ms, 0.99), errors: t.failures, rssMb: null, runs: [] });

export async function cli(ctx: BenchContext): Promise<ScenarioResult> {
  const { opts } = ctx;
  const loanctl = path.join(opts.root, "dist", "cli", "loanctl.js");
  ctx.log("scenario 6 — loanctl wall time");
  if (!fs.existsSync(loanctl)) {
    ctx.log("  not built: dist/cli/loanctl.js is missing");
    return {
      rows: [
        { id: "cli-help", title: "6 loanctl --help", skipped: "not built" },
        { id: "cli-list", title: "6 loanctl loans list --json", skipped: "not built" },
      ],
      targets: [{ scenario: "6 CLI", target: "loanctl --help ≤ 1.15× node -e 0 (medians)", measured: "not built", pass: null }],
    };
  }
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "loanctl-bench-"));
  const loanstack = await startLoanstack(opts, ctx.dbs, { namespace: ctx.namespace });
  try {
    const env = { ...process.env, XDG_CONFIG_HOME: home, HOME: home, LOANCTL_API_URL: loanstack.url, NO_COLOR: "1" };
    const empty = timeRuns(["-e", "0"], env, opts.cliRuns);
    const help = timeRuns([loanctl, "--help"], env, opts.cliRuns);
    const login = timeRuns([loanctl, "login", "--email", ADMIN.email], env, 1, `${ADMIN.password}\n`);
    let list: ReturnType<typeof timeRuns> | undefined;
    let listNote = "";
    if (login.failures) {
      listNote = `loanctl login failed (${login.lastError})`;
      ctx.log(`  ${listNote}`);
    } else {
      list = timeRuns([loanctl, "loans", "list", "--json"], env, opts.cliRuns);
      if (list.failures) listNote = `${list.failures} failed runs, last: ${list.lastError}`;
    }
    const base = wall(empty);
    ctx.log(`  node -e 0: median ${base.p50} ms; loanctl --help: median ${median(help.ms)} ms; loans list --json: ${list ? `median ${median(list.ms)} ms` : "not run"}`);
    const helpMedian = median(help.ms);
    return {
      rows: [
        {
          id: "cli-help",
          title: "6 loanctl --help",
          loanstack: wall(help),
          baseline: base,
          note: `wall ms, median (p50) and slowest (p99) of ${opts.cliRuns}; baseline column: node -e 0${help.failures ? `; failures: ${help.lastError}` : ""}`,
        },
        list
          ? {
              id: "cli-list",
              title: "6 loanctl loans list --json",
              loanstack: wall(list),
              baseline: base,
              note: `wall ms as the admin against a one-process loanstack${listNote ? `; ${listNote}` : ""}`,
            }
          : { id: "cli-list", title: "6 loanctl loans list --json", skipped: listNote },
      ],
      targets: [
        {
          scenario: "6 CLI",
          target: "loanctl --help ≤ 1.15× node -e 0 (medians)",
          measured: `${(helpMedian / base.p50).toFixed(2)}× (${helpMedian} / ${base.p50} ms)`,
          pass: help.failures === 0 && helpMedian <= 1.15 * base.p50,
        },
      ],
      extra: { cliMs: { nodeEmpty: empty.ms, help: help.ms, list: list?.ms } },
    };
  } finally {
    await loanstack.stop();
    fs.rmSync(home, { recursive: true, force: true });
  }
}
