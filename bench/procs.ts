/**
 * The processes the bench starts: loanstack (one process, or users/loans/api over a
 * transporter), the baseline server, and their peak resident memory.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import type { BenchOptions } from "./config.js";
import type { DatabaseUrls } from "./db.js";

export interface Proc {
  name: string;
  child: ChildProcess;
  pid: number;
  output(): string;
  stop(): Promise<void>;
}

export interface Server {
  url: string;
  procs: Proc[];
  stop(): Promise<void>;
}

/** Every child still running, so an interrupted bench leaves none behind. */
const running = new Set<ChildProcess>();

export function killAll(): void {
  for (const child of running) child.kill("SIGKILL");
}
process.on("exit", killAll);

/** The baseline's copy of the outbox table (see baseline-server.ts). */
export const BASELINE_OUTBOX = "bench_outbox";

export const JWT_SECRET = "bench-secret-0123456789-abcdefghijklmnopqrstuvwxyz";
export const ADMIN = { email: "admin@bench.local", password: "bench-admin-pass" };

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Resolves when `host:port` accepts a TCP connection, else false after a second. */
export function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/** Spawns `node [nodeArgs] script` and waits for `ready` in its stdout. */
export async function spawnNode(name: string, script: string, env: Record<string, string>, ready: RegExp, nodeArgs: string[] = [], timeoutMs = 60_000): Promise<Proc & { match: RegExpExecArray }> {
  const child = spawn(process.execPath, [...nodeArgs, script], { env: { ...process.env, NO_COLOR: "1", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const keep = (d: Buffer) => {
    out += d.toString();
    if (out.length > 200_000) out = out.slice(-100_000);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  running.add(child);
  const exited = new Promise<void>((resolve) =>
    child.once("exit", () => {
      running.delete(child);
      resolve();
    }),
  );
  const proc: Proc = {
    name,
    child,
    pid: child.pid!,
    output: () => out,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const killed = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(killed);
    },
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = ready.exec(out);
    if (match) return { ...proc, match };
    if (child.exitCode !== null || Date.now() > deadline) {
      await proc.stop();
      throw new Error(`${name} did not start (${child.exitCode !== null ? `exit ${child.exitCode}` : "timed out"}):\n${out.slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface LoanstackOptions {
  /** Absent: every service in one process. */
  transporter?: string;
  namespace: string;
  profileDir?: string;
  /** More environment for every loanstack process (e.g. CACHER=none). */
  env?: Record<string, string>;
}

function loanstackEnv(opts: BenchOptions, dbs: DatabaseUrls, namespace: string): Record<string, string> {
  return {
    USERS_DATABASE_URL: dbs.users,
    LOANS_DATABASE_URL: dbs.loans,
    AUDIT_DATABASE_URL: dbs.audit,
    LEDGER_DATABASE_URL: dbs.ledger,
    JWT_SECRET,
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    BCRYPT_ROUNDS: String(opts.bcryptRounds),
    RATE_LIMIT_AUTH_PER_MINUTE: "100000000",
    // The seeded agents hold a million loans between them, far past the product default
    // (5000000.00 each): the write scenario measures requests, not AGENT_LIMIT_EXCEEDED.
    AGENT_DEFAULT_LIMIT: "999999999999.99",
    NAMESPACE: namespace,
    LOG_LEVEL: "warn",
    HOST: "127.0.0.1",
    NODE_ENV: "development",
  };
}

/**
 * loanstack as `node dist/server.js`: every service in one process, or with a transporter
 * users, loans and api in three processes (audit is left out: the read scenarios write
 * nothing, so it would receive nothing).
 */
export async function startLoanstack(opts: BenchOptions, dbs: DatabaseUrls, ls: LoanstackOptions): Promise<Server> {
  const script = path.join(opts.root, "dist", "server.js");
  const env = { ...loanstackEnv(opts, dbs, ls.namespace), ...ls.env };
  const nodeArgs = ls.profileDir ? ["--cpu-prof", `--cpu-prof-dir=${ls.profileDir}`] : [];
  const port = await freePort();
  const procs: Proc[] = [];
  const stop = async () => {
    // The gateway first, so no request is in flight when the services go.
    for (const p of [...procs].reverse()) await p.stop();
  };
  try {
    if (!ls.transporter) {
      const p = await spawnNode("loanstack", script, { ...env, PORT: String(port) }, /gateway on http:\/\/\S+/, nodeArgs);
      procs.push(p);
    } else {
      for (const service of ["users", "loans"]) {
        procs.push(await spawnNode(`loanstack-${service}`, script, { ...env, SERVICES: service, TRANSPORTER: ls.transporter }, new RegExp(`loanstack running ${service}`), nodeArgs));
      }
      procs.push(await spawnNode("loanstack-api", script, { ...env, SERVICES: "api", TRANSPORTER: ls.transporter, PORT: String(port) }, /gateway on http:\/\/\S+/, nodeArgs));
    }
    const url = `http://127.0.0.1:${port}`;
    await waitHealthy(url);
    return { url, procs, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Until /health answers 200: over a transporter the gateway must first discover users and loans. */
async function waitHealthy(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${url}/health`);
      last = `${res.status} ${await res.text()}`;
      if (res.ok) return;
    } catch (err) {
      last = String(err);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url}/health did not answer 200 in ${timeoutMs / 1000} s (last: ${last})`);
}

export async function startBaseline(dbs: DatabaseUrls): Promise<Server> {
  const p = await spawnNode(
    "baseline",
    path.join(__dirname, "baseline-server.js"),
    { USERS_DATABASE_URL: dbs.users, LOANS_DATABASE_URL: dbs.loans, JWT_SECRET, BASELINE_PORT: "0", BASELINE_OUTBOX_TABLE: BASELINE_OUTBOX },
    /baseline listening on (http:\/\/\S+)/,
  );
  return { url: p.match[1]!, procs: [p], stop: () => p.stop() };
}

/**
 * The machine's limit for a read (limit-server.ts): node:http checking the JWT and
 * answering `body`, a fixed answer of the size of the real one, without any database.
 */
export async function startLimitServer(opts: BenchOptions, body: string): Promise<Server> {
  const bodyFile = path.join(opts.resultsDir, "limit-body.json");
  fs.mkdirSync(opts.resultsDir, { recursive: true });
  fs.writeFileSync(bodyFile, body);
  const p = await spawnNode("machine-limit", path.join(__dirname, "limit-server.js"), { JWT_SECRET, LIMIT_PORT: "0", LIMIT_BODY_FILE: bodyFile }, /limit listening on (http:\/\/\S+)/);
  return { url: p.match[1]!, procs: [p], stop: () => p.stop() };
}

/** Resident memory now (VmRSS) of the processes, summed, in MB; null when unreadable. */
export function rssMb(procs: Proc[]): number | null {
  let kb = 0;
  for (const p of procs) {
    const m = /VmRSS:\s+(\d+) kB/.exec(readStatus(p.pid) ?? "");
    if (!m) return null;
    kb += Number(m[1]);
  }
  return Math.round(kb / 102.4) / 10;
}

function readStatus(pid: number): string | null {
  try {
    return fs.readFileSync(`/proc/${pid}/status`, "utf8");
  } catch {
    return null;
  }
}

/** Starts a new peak: writing 5 to clear_refs resets VmHWM (Linux ≥ 4.0). */
export function resetPeakRss(procs: Proc[]): boolean {
  let ok = true;
  for (const p of procs) {
    try {
      fs.writeFileSync(`/proc/${p.pid}/clear_refs`, "5");
    } catch {
      ok = false;
    }
  }
  return ok;
}

/** The sum of the processes' peak resident memory (VmHWM), in MB; null when unreadable. */
export function peakRssMb(procs: Proc[]): number | null {
  let kb = 0;
  for (const p of procs) {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${p.pid}/status`, "utf8"));
      if (!m) return null;
      kb += Number(m[1]);
    } catch {
      return null;
    }
  }
  return Math.round(kb / 102.4) / 10;
}
