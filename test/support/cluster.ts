/**
 * A distributed loanstack for a test file: each service in a `node dist/server.js` process
 * of its own, joined through the NATS, Redis or RabbitMQ server of this machine under a
 * namespace of the file's own, on fresh databases. Also: the reachability rule for those servers, a lock
 * that keeps two cluster files from running their processes at the same time (the machine
 * has two cores), and small timing helpers.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eventually, GiveUp } from "./eventually.js";
import { Api } from "./http.js";
import { createTestDatabases, type TestDatabases } from "./databases.js";
import { isSameLiveProcess, parseIdentity } from "../../services/shared/process-identity.js";

export const TRANSPORTERS = {
  nats: { url: "nats://127.0.0.1:4222", host: "127.0.0.1", port: 4222 },
  redis: { url: "redis://127.0.0.1:6379", host: "127.0.0.1", port: 6379 },
  rabbitmq: { url: "amqp://guest:guest@127.0.0.1:5672", host: "127.0.0.1", port: 5672 },
} as const satisfies Record<string, { url: string; host: string; port: number }>;

export type TransportKind = keyof typeof TRANSPORTERS;
export const TRANSPORT_KINDS = Object.keys(TRANSPORTERS) as TransportKind[];

/** The built entry; CLUSTER_SERVER runs another build (e.g. a patched copy) instead. */
const SERVER = path.resolve(process.env.CLUSTER_SERVER ?? path.join(__dirname, "../../dist/server.js"));

// ---------------------------------------------------------------------------------------
// Reachability: decided synchronously while the file is loaded, so a test is defined as
// skipped (and shows as skipped) rather than passing without having run.

/** Connects to host:port from a child process (synchronously): null if it answered, else why not. */
export function probeTcp(host: string, port: number, timeoutMs = 1500): string | null {
  const script = `
    const s = require("node:net").connect({ host: ${JSON.stringify(host)}, port: ${port} });
    s.setTimeout(${timeoutMs}, () => { console.log("no answer within ${timeoutMs} ms"); process.exit(1); });
    s.on("connect", () => { s.destroy(); process.exit(0); });
    s.on("error", (e) => { console.log(e.code || e.message); process.exit(1); });`;
  const result = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", timeout: timeoutMs + 3000 });
  if (result.status === 0) return null;
  return (result.stdout || result.stderr || String(result.error ?? "probe failed")).trim();
}

/**
 * `describe(title, body)` when the transporter's server answers. Otherwise the block is
 * defined with `describe.skip` (its tests are reported as skipped, its hooks do not run)
 * and a message says why; under CI=true a failing test is added as well.
 */
export function describeCluster(kind: TransportKind, title: string, body: (transporter: string) => void): void {
  const { url, host, port } = TRANSPORTERS[kind];
  const why = probeTcp(host, port);
  if (why === null) {
    describe(title, () => body(url));
    return;
  }
  const message = `${kind} server ${host}:${port} is not reachable (${why})`;
  if (process.env.CI === "true") {
    test(`${title}: the ${kind} server is reachable`, () => {
      throw new Error(`${message}; under CI=true the cluster tests need it (start it, e.g. with .ci/run)`);
    });
  } else {
    console.warn(`SKIPPED "${title}": ${message}. Start it to run these tests (under CI=true this is a failure).`);
  }
  describe.skip(title, () => body(url));
}

/** The transporter a file uses, overridable with CLUSTER_TRANSPORT=nats|redis|rabbitmq. */
export function transportFor(defaultKind: TransportKind): TransportKind {
  return transportsFor(defaultKind)[0]!;
}

/** The transporters a file runs over, each in turn; CLUSTER_TRANSPORT=nats|redis|rabbitmq picks one. */
export function transportsFor(...defaultKinds: TransportKind[]): TransportKind[] {
  const chosen = TRANSPORT_KINDS.find((kind) => kind === process.env.CLUSTER_TRANSPORT);
  return chosen ? [chosen] : defaultKinds;
}

/** `describeCluster` once per transporter, each block with a cluster (and namespace) of its own. */
export function describeClusters(kinds: TransportKind[], title: (kind: TransportKind) => string, body: (transporter: string, kind: TransportKind) => void): void {
  for (const kind of kinds) describeCluster(kind, title(kind), (transporter) => body(transporter, kind));
}

// ---------------------------------------------------------------------------------------
// One cluster file at a time: with Jest's two workers, two files would otherwise run ten
// node processes on two cores and skew every timing these tests measure.

const LOCK_DIR = path.join(os.tmpdir(), "loanstack-cluster-tests.lock");

/** Waits for the cross-process lock; resolves with its release. Stale locks (dead owner) are taken over. */
export function acquireClusterLock(timeoutMs = 280_000): Promise<() => void> {
  const owner = path.join(LOCK_DIR, "owner");
  return eventually(
    () => {
      try {
        fs.mkdirSync(LOCK_DIR);
        // A bare pid, which every checkout's version of this lock reads (worktrees share /tmp).
        fs.writeFileSync(owner, String(process.pid));
        return () => fs.rmSync(LOCK_DIR, { recursive: true, force: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw new GiveUp(`cannot create ${LOCK_DIR}: ${String(err)}`);
      }
      if (lockIsStale(owner)) fs.rmSync(LOCK_DIR, { recursive: true, force: true }); // the next try takes it
      throw new Error(`another cluster test file holds ${LOCK_DIR}`);
    },
    { what: "the cluster tests' lock", timeoutMs, intervalMs: 200 },
  );
}

function lockIsStale(owner: string): boolean {
  try {
    const identity = parseIdentity(fs.readFileSync(owner, "utf8"));
    if (identity === null) throw new Error("the owner file is being written");
    return !isSameLiveProcess(identity); // a zombie is no owner
  } catch {
    // No owner file yet (or not written yet): being created, or its creator died in between.
    try {
      return Date.now() - fs.statSync(LOCK_DIR).mtimeMs > 10_000;
    } catch {
      return false; // gone already: try again
    }
  }
}

// ---------------------------------------------------------------------------------------
// Processes

export interface ExitState {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Date.now() when the process ended. */
  at: number;
}

export interface NodeProcess {
  name: string;
  nodeID: string;
  services: string[];
  child: ChildProcess;
  /** The gateway's base URL (api only). */
  url?: string;
  output(): string;
  exited: Promise<ExitState>;
  running(): boolean;
  /** Sends `signal` and waits for the exit (SIGKILL after timeoutMs). */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<ExitState>;
}

export interface StartOptions {
  /** Distinguishes several instances of one service; becomes part of the NODE_ID. */
  name?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}

export interface ClusterOptions {
  transporter: string;
  /** Extra environment for every process of the cluster. */
  env?: Record<string, string>;
}

/** Every variable loanstack reads: none leaks into a child from the Jest worker's environment. */
const LOANSTACK_VARIABLES = [
  "ADMIN_EMAIL",
  "ADMIN_PASSWORD",
  "AGENT_DEFAULT_LIMIT",
  "AUDIT_DATABASE_URL",
  "LEDGER_DATABASE_URL",
  "BCRYPT_ROUNDS",
  "BODY_LIMIT",
  "BULKHEAD",
  "BULKHEAD_CONCURRENCY",
  "BULKHEAD_QUEUE",
  "CACHER",
  "EVENT_CONSUMERS",
  "CIRCUIT_BREAKER",
  "DB_CONNECT_TIMEOUT",
  "DB_POOL_MAX",
  "HEARTBEAT_INTERVAL",
  "HEARTBEAT_TIMEOUT",
  "HOST",
  "JWT_EXPIRES_IN",
  "JWT_SECRET",
  "LOANSTACK_DATA_DIR",
  "LOANS_DATABASE_URL",
  "LOAN_RATE_TABLE",
  "LOG_FORMAT",
  "LOG_LEVEL",
  "METRICS_PORT",
  "NAMESPACE",
  "NODE_ENV",
  "NODE_ID",
  "NO_COLOR",
  "OUTBOX_POLL_MS",
  "PORT",
  "RATE_LIMIT_AUTH_PER_MINUTE",
  "REQUEST_TIMEOUT",
  "RETRIES",
  "SERVICES",
  "SHUTDOWN_TIMEOUT",
  "TRACING_ENDPOINT",
  "TRACING_EXPORTER",
  "TRANSPORTER",
  "USERS_DATABASE_URL",
  "REFRESH_EXPIRES_IN",
  "CORS_ORIGINS",
];

/** Every child of every cluster in this worker: killed if the worker exits without cleaning up. */
const children = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
});

const READY = /loanstack running ([^\n]*?)(?: — gateway on (http:\/\/\S+))?\s*$/m;

export class Cluster {
  readonly namespace = `lstest-${crypto.randomBytes(4).toString("hex")}`;
  readonly jwtSecret = crypto.randomBytes(32).toString("hex");
  readonly admin = { email: "admin@cluster.test", password: "admin-password-1" };
  private readonly processes = new Set<NodeProcess>();
  private readonly dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "loanstack-cluster-"));
  private counter = 0;

  private constructor(
    readonly options: ClusterOptions,
    readonly databases: TestDatabases,
  ) {}

  static async create(options: ClusterOptions): Promise<Cluster> {
    return new Cluster(options, await createTestDatabases());
  }

  /** Every process started and not yet ended. */
  live(): NodeProcess[] {
    return [...this.processes].filter((p) => p.running());
  }

  environment(services: string, nodeID: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const name of LOANSTACK_VARIABLES) delete env[name];
    return {
      ...env,
      SERVICES: services,
      NODE_ID: nodeID,
      NAMESPACE: this.namespace,
      TRANSPORTER: this.options.transporter,
      USERS_DATABASE_URL: this.databases.users,
      LOANS_DATABASE_URL: this.databases.loans,
      AUDIT_DATABASE_URL: this.databases.audit,
      LEDGER_DATABASE_URL: this.databases.ledger,
      LOANSTACK_DATA_DIR: this.dataDir,
      JWT_SECRET: this.jwtSecret,
      ADMIN_EMAIL: this.admin.email,
      ADMIN_PASSWORD: this.admin.password,
      BCRYPT_ROUNDS: "4",
      OUTBOX_POLL_MS: "200",
      RATE_LIMIT_AUTH_PER_MINUTE: "100000",
      PORT: "0",
      HOST: "127.0.0.1",
      LOG_LEVEL: "warn",
      NO_COLOR: "1",
      NODE_ENV: "test",
      ...this.options.env,
      ...extra,
    };
  }

  /** Starts `node dist/server.js` with SERVICES=services; resolves once it printed "loanstack running". */
  async start(services: string, options: StartOptions = {}): Promise<NodeProcess> {
    this.counter += 1;
    const name = options.name ?? services.replace(/,/g, "+");
    const nodeID = `${this.namespace}-${name}-${this.counter}`;
    const child = spawn(process.execPath, [SERVER], { env: this.environment(services, nodeID, options.env), stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
    children.add(child);
    const exited = new Promise<ExitState>((resolve) =>
      child.on("exit", (code, signal) => {
        children.delete(child);
        resolve({ code, signal, at: Date.now() });
      }),
    );
    const running = () => child.exitCode === null && child.signalCode === null;
    const proc: NodeProcess = {
      name,
      nodeID,
      services: services.split(","),
      child,
      output: () => out,
      exited,
      running,
      async stop(signal: NodeJS.Signals = "SIGTERM", timeoutMs = 15_000) {
        if (running()) child.kill(signal);
        const timer = setTimeout(() => running() && child.kill("SIGKILL"), timeoutMs);
        try {
          return await exited;
        } finally {
          clearTimeout(timer);
        }
      },
    };
    this.processes.add(proc);
    const ready = await eventually(
      () => {
        const match = READY.exec(out);
        if (match) return match;
        const said = `it said:\n${out}`;
        throw running() ? new Error(`not running yet; ${said}`) : new GiveUp(`it exited; ${said}`);
      },
      { what: `${name} (SERVICES=${services}) to start`, timeoutMs: options.timeoutMs ?? 40_000, intervalMs: 50 },
    ).catch((error: unknown) => {
      child.kill("SIGKILL");
      throw error;
    });
    if (ready[2]) proc.url = ready[2].replace("localhost", "127.0.0.1");
    return proc;
  }

  /** Kills every process still running (SIGKILL), drops the databases. */
  async destroy(): Promise<void> {
    await Promise.all(this.live().map((p) => p.stop("SIGKILL")));
    await this.databases.drop();
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** Waits until the gateway sees users and loans (its /health answers 200). */
export async function waitHealthy(api: Api, timeoutMs = 20_000): Promise<void> {
  await eventually(async () => expect((await api.call("GET", "/health")).status).toBe(200), { what: "the gateway's /health to answer 200", timeoutMs });
}

/** Waits until the gateway reaches the audit service (GET /api/audit/events answers 200). */
export async function waitAudit(api: Api, adminToken: string, timeoutMs = 20_000): Promise<void> {
  await eventually(async () => expect((await api.call("GET", "/api/audit/events?pageSize=1", { token: adminToken })).status).toBe(200), { what: "the audit service to answer", timeoutMs });
}

// ---------------------------------------------------------------------------------------
// Timing

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface Timed<T> {
  start: number;
  end: number;
  ms: number;
  value: T;
}

export async function timed<T>(work: () => Promise<T>): Promise<Timed<T>> {
  const start = Date.now();
  const value = await work();
  const end = Date.now();
  return { start, end, ms: end - start, value };
}

/** How often a loans process logged that it received `action` (needs LOG_LEVEL=debug). */
export function requestsReceived(proc: NodeProcess, action: string): number {
  const pattern = new RegExp(`<= Request '${action.replace(/\./g, "\\.")}' .*?received from`, "g");
  return proc.output().match(pattern)?.length ?? 0;
}
