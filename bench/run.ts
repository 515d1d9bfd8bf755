/**
 * `npm run bench`: fresh databases, loanstack's schema (made by loanstack itself at start),
 * seeded users and loans, the baseline server, then each scenario side by side; prints the
 * table and the targets, and writes bench/results/latest.json.
 */
import { execSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { TokenService } from "../services/shared/tokens.js";
import { HELP, parseOptions, type ScenarioName } from "./config.js";
import type { BenchContext, Row, ScenarioResult, TargetCheck } from "./context.js";
import { DATABASES, checkServer, freshDatabases, withClient } from "./db.js";
import { ADMIN, BASELINE_OUTBOX, JWT_SECRET, killAll, startBaseline, startLoanstack } from "./procs.js";
import { profileSummaries } from "./profile.js";
import { cpuShare, cpuTimes, waitForQuiet } from "./quiet.js";
import { formatMachine, formatNotes, formatRows, formatTargets, machineInfo, writeJson } from "./report.js";
import { cli } from "./scenarios/cli.js";
import { flood } from "./scenarios/flood.js";
import { mixed } from "./scenarios/mixed.js";
import { readDistributed, readOneProcess } from "./scenarios/read.js";
import { scale } from "./scenarios/scale.js";
import { soak } from "./scenarios/soak.js";
import { uncachedRead } from "./scenarios/uncached.js";
import { write } from "./scenarios/write.js";
import { repay } from "./scenarios/repay.js";
import { schedule } from "./scenarios/schedule.js";
import { reverse } from "./scenarios/reverse.js";
import { cob } from "./scenarios/cob.js";
import { ledger } from "./scenarios/ledger.js";
import { seedLoans, seedSessions, seedUsers } from "./seed.js";

const SCENARIO_RUNNERS: Record<ScenarioName, (ctx: BenchContext) => Promise<ScenarioResult>> = {
  read: readOneProcess,
  nats: (ctx) => readDistributed(ctx, "nats"),
  redis: (ctx) => readDistributed(ctx, "redis"),
  amqp: (ctx) => readDistributed(ctx, "amqp"),
  uncached: uncachedRead,
  mixed,
  write,
  flood,
  scale,
  cli,
  repay,
  reverse,
  schedule,
  cob,
  ledger,
};

const TITLES: Record<ScenarioName, string> = {
  read: "1 read, one process",
  nats: "2 read over NATS",
  redis: "2 read over Redis",
  amqp: "2 read over RabbitMQ",
  uncached: "7 uncached read",
  mixed: "8 mixed",
  write: "3 write",
  flood: "4 login flood",
  scale: "5 scale",
  cli: "6 CLI",
  repay: "10 repay",
  reverse: "12 reverse",
  schedule: "11 schedule read",
  cob: "13 close of business",
  ledger: "14 ledger",
};

const round2 = (n: number) => Math.round(n * 100) / 100;

/** The newest modification time under dist/app, dist/services and of dist/server.js: what loanstack runs. */
function buildStamp(root: string): number {
  let newest = 0;
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.name.endsWith(".js")) newest = Math.max(newest, fs.statSync(file).mtimeMs);
    }
  };
  try {
    walk(path.join(root, "dist", "app"));
    walk(path.join(root, "dist", "services"));
    newest = Math.max(newest, fs.statSync(path.join(root, "dist", "server.js")).mtimeMs);
  } catch {
    // reported as missing elsewhere
  }
  return newest;
}

function gitHead(root: string): string {
  try {
    const head = execSync("git rev-parse --short HEAD", { cwd: root, encoding: "utf8" }).trim();
    const dirty = execSync("git status --porcelain -- app services server.ts moleculer.config.ts", { cwd: root, encoding: "utf8" }).trim();
    return dirty ? `${head} + uncommitted changes in app/ or services/` : head;
  } catch {
    return "unknown";
  }
}

async function main(): Promise<number> {
  const parsed = parseOptions(process.argv.slice(2));
  if (parsed === "help") {
    console.log(HELP);
    return 0;
  }
  const opts = parsed;
  const started = new Date();
  const log = (line: string) => console.log(line);
  if (!fs.existsSync(path.join(opts.root, "dist/server.js"))) throw new Error("dist/server.js is missing: build loanstack first (npm run build)");

  const postgres = await checkServer(opts.pgUrl);
  const machine = machineInfo(postgres);
  log(formatMachine(machine));
  let builtAtMs = buildStamp(opts.root);
  const code = { git: gitHead(opts.root), builtAt: new Date(builtAtMs).toISOString(), rebuiltDuringRun: [] as string[] };
  log(`loanstack: ${code.git}, dist/ built ${code.builtAt}`);
  log(
    `scenarios: ${[...opts.only, ...(opts.soakSeconds !== null ? [`soak ${opts.soakSeconds} s`] : [])].join(", ")}; ${opts.runs} runs of ${opts.duration} s (warm-up ${opts.warmup} s), ${opts.connections} connections${opts.quick ? ", --quick" : ""}${opts.profile ? ", --profile (figures slowed by the profiler)" : ""}`,
  );

  const quiet = await waitForQuiet(25, 20_000);
  if (!quiet.quiet) {
    log(
      `warning: the CPUs are ${quiet.busy}% busy before the bench starts (waited ${Math.round(quiet.waitedMs / 1000)} s) — other work shares the machine and will skew the figures (the ratios less than the absolute numbers)`,
    );
  }
  const dbs = await freshDatabases(opts.pgUrl);
  const namespace = `bench-${process.pid}`;
  log(`databases ${Object.values(DATABASES).join(", ")} created; loanstack makes its schema`);
  await (await startLoanstack(opts, dbs, { namespace })).stop();
  await withClient(dbs.loans, (c) => c.query(`CREATE TABLE ${BASELINE_OUTBOX} (LIKE outbox INCLUDING ALL)`));
  const actors = await seedUsers(dbs, opts.customers, opts.bcryptRounds, ADMIN.email);
  log(`seeded ${actors.customers.count} customers and ${actors.agents.count} approved agents (bcrypt cost ${opts.bcryptRounds})`);
  await seedLoans(dbs, opts.baseLoans, actors, process.env.BENCH_SEED_TRIGGERS === "on", log);

  const issuer = new TokenService(JWT_SECRET, "2h");
  const [readerSid, agentSid, adminSid] = await seedSessions(dbs, [actors.reader, actors.agent, actors.admin]);
  const tokens = {
    reader: issuer.issue({ id: actors.reader, role: "customer" }, readerSid!).token,
    agent: issuer.issue({ id: actors.agent, role: "agent" }, agentSid!).token,
    admin: issuer.issue({ id: actors.admin, role: "admin" }, adminSid!).token,
  };
  const profileDir = opts.profile ? path.join(opts.resultsDir, "profiles", started.toISOString().replace(/[:.]/g, "-")) : undefined;
  if (profileDir) fs.mkdirSync(profileDir, { recursive: true });

  const baseline = await startBaseline(dbs);
  const ctx: BenchContext = { opts, dbs, actors, baseline, namespace, tokens, profileDir, log };
  const rows: Row[] = [];
  const targets: TargetCheck[] = [];
  const extra: Record<string, unknown> = {};
  try {
    // `--soak` runs after the scenarios, as one more.
    const runs: Array<[string, string, (ctx: BenchContext) => Promise<ScenarioResult>]> = opts.only.map((n) => [n, TITLES[n], SCENARIO_RUNNERS[n]]);
    if (opts.soakSeconds !== null) runs.push(["soak", "9 soak", (c) => soak(c, opts.soakSeconds!)]);
    for (const [name, title, runner] of runs) {
      await waitForQuiet(25, 15_000);
      if (buildStamp(opts.root) > builtAtMs) {
        builtAtMs = buildStamp(opts.root);
        code.builtAt = new Date(builtAtMs).toISOString();
        code.rebuiltDuringRun.push(`before ${name} (${code.builtAt}, now ${gitHead(opts.root)})`);
        log(`warning: dist/ was rebuilt during the bench (${code.builtAt}): scenario ${name} and the ones after it run the new build`);
      }
      const t0 = Date.now();
      const loadBefore = os.loadavg()[0]!;
      const cpuBefore = cpuTimes();
      try {
        const result = await runner(ctx);
        rows.push(...result.rows);
        targets.push(...result.targets);
        extra[name] = { ...result.extra, loadAverage: { before: round2(loadBefore), after: round2(os.loadavg()[0]!) }, cpu: cpuShare(cpuBefore, cpuTimes()) };
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        log(`  scenario ${name} failed: ${message}`);
        rows.push({ id: name, title, skipped: `failed: ${message.split("\n")[0]!.slice(0, 200)}` });
        targets.push({ scenario: title, target: "—", measured: "failed", pass: false });
      }
      const cpu = cpuShare(cpuBefore, cpuTimes());
      log(`  (${name}: ${Math.round((Date.now() - t0) / 1000)} s; CPU busy ${cpu.busy}%, idle ${cpu.idle}%, steal ${cpu.steal}%; load average ${round2(loadBefore)} → ${round2(os.loadavg()[0]!)})`);
    }
  } finally {
    await baseline.stop();
    fs.mkdirSync(path.join(opts.resultsDir, "logs"), { recursive: true });
    fs.writeFileSync(path.join(opts.resultsDir, "logs", "baseline.log"), baseline.procs[0]!.output());
  }

  const finished = new Date();
  log("");
  log(`loanstack vs baseline — ${finished.toISOString()}, ${Math.round((finished.getTime() - started.getTime()) / 1000)} s`);
  log(formatMachine(machine));
  log(`loanstack: ${code.git}${code.rebuiltDuringRun.length ? `; dist/ REBUILT during the run: ${code.rebuiltDuringRun.join("; ")}` : ""}`);
  log(`${opts.runs} runs × ${opts.duration} s, ${opts.connections} connections; req/s, p50 and p99 are medians over the runs; ratio = median over the runs of loanstack/baseline req/s`);
  log("");
  log(formatRows(rows));
  log("");
  log(formatTargets(targets));
  log("");
  log(formatNotes(rows));
  const file = writeJson(opts.resultsDir, {
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    machine,
    code,
    options: { ...opts, root: undefined, resultsDir: undefined },
    rows,
    targets,
    extra,
    profiles: profileSummaries,
  });
  log(`\nresults written to ${path.relative(process.cwd(), file)}`);
  // A missed target is a finding, not a failure; a scenario that could not run is.
  return rows.some((r) => r.skipped?.startsWith("failed")) ? 1 : 0;
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    killAll();
    process.exit(130);
  });
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`bench failed: ${err instanceof Error ? err.message : String(err)}`);
    killAll();
    process.exitCode = 2;
  },
);
