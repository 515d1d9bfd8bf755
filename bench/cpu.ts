/**
 * Where the CPU time of a run went: the servers under test, PostgreSQL, the message
 * brokers, the load generator, and everything else on the machine — per answered request,
 * from /proc/<pid>/stat (user + system time of every thread of a process).
 */
import { execSync } from "node:child_process";
import fs from "node:fs";
import { DATABASES } from "./db.js";
import { cpuTimes, type CpuTimes } from "./quiet.js";

const BENCH_DATABASES = new Set<string>(Object.values(DATABASES));

let ticksPerSecond = 100;
try {
  ticksPerSecond = Number(execSync("getconf CLK_TCK", { encoding: "utf8" }).trim()) || 100;
} catch {
  // 100 on every Linux this runs on
}

/** CPU milliseconds a process has used (all its threads), or 0 when it is gone. */
export function processCpuMs(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // the command name may hold spaces: fields start after the last ')'
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
  } catch {
    return 0;
  }
}

const WATCHED = { postgres: "postgres", "nats-server": "nats", "redis-server": "redis", "beam.smp": "rabbitmq" } as const;
type Watched = (typeof WATCHED)[keyof typeof WATCHED];

/**
 * A PostgreSQL backend serving one of the bench's databases, or one of the server's own
 * processes (WAL writer, checkpointer, autovacuum...): not the backends of other databases
 * (other people's tests on a shared server).
 */
function ourPostgres(pid: string): boolean {
  let cmdline: string;
  try {
    cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
  } catch {
    return false;
  }
  // a backend: "postgres: [15/main: ]<user> <database> <host>(<port>) <state>"
  const backend = /postgres: (?:\S+: )?\S+ (\S+) (?:\[local\]|[\d.:a-f]+\(\d+\))/.exec(cmdline);
  return backend ? BENCH_DATABASES.has(backend[1]!) : true;
}

/** CPU ms so far of every running postgres, nats-server and redis-server process, by pid. */
function byCommand(): Record<Watched, Map<number, number>> {
  const found: Record<Watched, Map<number, number>> = { postgres: new Map(), nats: new Map(), redis: new Map(), rabbitmq: new Map() };
  let entries: string[] = [];
  try {
    entries = fs.readdirSync("/proc");
  } catch {
    return found;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let comm: string;
    try {
      comm = fs.readFileSync(`/proc/${entry}/comm`, "utf8").trim();
    } catch {
      continue;
    }
    const key = WATCHED[comm as keyof typeof WATCHED];
    if (!key) continue;
    if (key === "postgres" && !ourPostgres(entry)) continue;
    found[key].set(Number(entry), processCpuMs(Number(entry)));
  }
  return found;
}

export interface CpuSnapshot {
  loanstack: number;
  baseline: number;
  watched: Record<Watched, Map<number, number>>;
  machine: CpuTimes;
  at: number;
}

export function cpuSnapshot(loanstackPids: number[], baselinePids: number[]): CpuSnapshot {
  const sum = (pids: number[]) => pids.reduce((n, pid) => n + processCpuMs(pid), 0);
  return { loanstack: sum(loanstackPids), baseline: sum(baselinePids), watched: byCommand(), machine: cpuTimes(), at: Date.now() };
}

/**
 * CPU used between two readings by the processes alive at the second: a process that
 * started in between counts whole; one that ended in between (say a pool's idle
 * connection closed) is left out rather than subtracting its whole life.
 */
function usedBetween(a: Map<number, number>, b: Map<number, number>): number {
  let ms = 0;
  for (const [pid, now] of b) ms += Math.max(0, now - (a.get(pid) ?? 0));
  return ms;
}

type Consumers = { loanstack: number; baseline: number; postgres: number; nats: number; redis: number; rabbitmq: number; loadgen: number; other: number };

/**
 * Per consumer: CPU ms per answered request, and share (%) of the machine's CPU time over
 * the window; `other` is the machine's busy time that none of the others used.
 */
export interface CpuUse {
  perRequest: Consumers;
  share: Consumers;
  /** The machine's CPUs busy over the window, %. */
  machineBusy: number;
}

export function cpuUse(a: CpuSnapshot, b: CpuSnapshot, loadgenMs: number, requests: number): CpuUse {
  const busyTicks = b.machine.busy - a.machine.busy;
  const allTicks = Math.max(1, busyTicks + (b.machine.idle - a.machine.idle) + (b.machine.steal - a.machine.steal));
  const toMs = (ticks: number) => (ticks * 1000) / ticksPerSecond;
  const used = {
    loanstack: b.loanstack - a.loanstack,
    baseline: b.baseline - a.baseline,
    postgres: usedBetween(a.watched.postgres, b.watched.postgres),
    nats: usedBetween(a.watched.nats, b.watched.nats),
    redis: usedBetween(a.watched.redis, b.watched.redis),
    rabbitmq: usedBetween(a.watched.rabbitmq, b.watched.rabbitmq),
    loadgen: loadgenMs,
    other: 0,
  };
  used.other = Math.max(0, toMs(busyTicks) - (used.loanstack + used.baseline + used.postgres + used.nats + used.redis + used.rabbitmq + used.loadgen));
  const map = (f: (ms: number) => number) => Object.fromEntries(Object.entries(used).map(([k, v]) => [k, f(v)])) as Consumers;
  return {
    perRequest: map((ms) => (requests > 0 ? Math.round((1000 * ms) / requests) / 1000 : NaN)),
    share: map((ms) => Math.round((1000 * ms) / toMs(allTicks)) / 10),
    machineBusy: Math.round((100 * busyTicks) / allTicks),
  };
}

const KEYS = ["loanstack", "baseline", "postgres", "nats", "redis", "rabbitmq", "loadgen", "other"] as const;
const LABEL: Record<(typeof KEYS)[number], string> = {
  loanstack: "loanstack",
  baseline: "baseline",
  postgres: "postgres",
  nats: "nats-server",
  redis: "redis-server",
  rabbitmq: "rabbitmq (beam.smp)",
  loadgen: "load generator",
  other: "other",
};

/** e.g. "loanstack 0.21, postgres 0.1, load generator 0.05, other 0.01 ms CPU/request (CPUs 97% busy)" */
export function formatCpu(c: CpuUse | undefined, how: "perRequest" | "share" = "perRequest"): string {
  if (!c) return "n/a";
  if (how === "perRequest" && Number.isNaN(c.perRequest.loanstack)) how = "share";
  const v = c[how];
  const parts = KEYS.filter((k) => v[k] >= (how === "share" ? 0.5 : 0.005)).map((k) => `${LABEL[k]} ${how === "share" ? `${v[k]}%` : v[k]}`);
  return how === "share" ? `CPU share: ${parts.join(", ")} (CPUs ${c.machineBusy}% busy)` : `${parts.join(", ")} ms CPU/request (CPUs ${c.machineBusy}% busy)`;
}
