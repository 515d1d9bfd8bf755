/**
 * The embedded default as a user runs it: `node dist/server.js` with no database URL.
 * Data survives a clean stop and a `kill -9` (whose orphaned PostgreSQL is stopped at the
 * next start). A recorded owner of the data dir that is a zombie, or whose pid now belongs
 * to another process, does not keep the next start out.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Api, email } from "../support/http.js";
import { startServerProcess, type ServerProcess } from "../support/server-process.js";
import { killAll, zombie } from "../support/processes.js";
import { identityOf, isRunning } from "../../services/shared/process-identity.js";

let dataDir: string;
let server: ServerProcess | undefined;
const admin = { email: "root@example.test", password: "root-password-1" };

const env = () => ({
  LOANSTACK_DATA_DIR: dataDir,
  USERS_DATABASE_URL: "",
  LOANS_DATABASE_URL: "",
  AUDIT_DATABASE_URL: "", // every database embedded, whatever the suite itself runs on
  LEDGER_DATABASE_URL: "",
  JWT_SECRET: "",
  PORT: "0",
  HOST: "127.0.0.1",
  ADMIN_EMAIL: admin.email,
  ADMIN_PASSWORD: admin.password,
  BCRYPT_ROUNDS: "4",
});

function postmasterPid(): number {
  return Number(fs.readFileSync(path.join(dataDir, "postgres", "postmaster.pid"), "utf8").split("\n")[0]);
}

/** Running: a server that exited but was not reaped yet (a zombie of init's) counts as gone. */
const alive = isRunning;

beforeAll(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "loanstack-restart-"));
  fs.chmodSync(dataDir, 0o755);
});
/** Processes a test started to stand in for a former owner: killed at the end. */
const standIns: ChildProcess[] = [];

afterAll(async () => {
  await killAll(standIns);
  if (server && server.child.exitCode === null) {
    server.child.kill("SIGTERM");
    await server.exited;
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
});

// Whole processes with a PostgreSQL of their own: slower than the rest on a busy machine.
jest.setTimeout(90_000);

test("users, loans and tokens survive a SIGTERM and a restart", async () => {
  server = await startServerProcess(env());
  let api = new Api(server.url);
  const adminToken = await api.login(admin.email, admin.password);
  const customer = await api.signup("customer", email("persist"));
  const agent = await api.signup("agent", email("persist-agent"));
  expect((await api.call("PUT", `/api/user/approve-delete/${agent.id}`, { token: adminToken })).status).toBe(200);
  const agentToken = await api.login(agent.email, "password-123");
  const loan = await api.call("POST", "/api/loan/customer-loan", { token: agentToken, body: { customer_id: customer.id, principal: "5000.00", tenure_months: 6 } });
  expect(loan.status).toBe(201);
  expect((await api.call("PUT", `/api/loan/edit-loan/${loan.body.id}`, { token: agentToken, body: { tenure_months: 12 } })).status).toBe(200);
  const pgPid = postmasterPid();

  server.child.kill("SIGTERM");
  expect(await server.exited).toBe(0);
  expect(alive(pgPid)).toBe(false); // the embedded database stopped with the process

  server = await startServerProcess(env());
  api = new Api(server.url);
  // The same per-data-dir secret: a token from before the restart still works.
  const details = await api.call("GET", `/api/loan/loan-details/${loan.body.id}`, { token: adminToken });
  expect(details.status).toBe(200);
  expect(details.body).toMatchObject({ id: loan.body.id, customer_id: customer.id, version: 2, tenure_months: 12 });
  const history = await api.call("GET", `/api/loan/loan-history/${loan.body.id}`, { token: adminToken });
  expect(history.body.rows).toEqual([expect.objectContaining({ version: 1, tenure_months: 6 })]);
  expect((await api.call("GET", "/api/user/list-users", { token: adminToken })).body.total).toBe(3);
});

test("after a kill -9 the orphaned PostgreSQL is stopped and the data is there", async () => {
  const orphan = postmasterPid();
  server!.child.kill("SIGKILL");
  await server!.exited;
  expect(alive(orphan)).toBe(true); // what kill -9 leaves behind

  server = await startServerProcess(env());
  expect(alive(orphan)).toBe(false);
  expect(server.output()).toMatch(/stopping a stale embedded PostgreSQL/);
  const api = new Api(server.url);
  const adminToken = await api.login(admin.email, admin.password);
  expect((await api.call("GET", "/api/user/list-users", { token: adminToken })).body.total).toBe(3);
});

test("a second process on the same data dir is refused, and the first keeps running", async () => {
  await expect(startServerProcess(env(), 15_000)).rejects.toThrow(/in use by another loanstack process/);
  const api = new Api(server!.url);
  expect((await api.call("GET", "/health")).status).toBe(200);
});

async function stopServer(): Promise<void> {
  server!.child.kill("SIGTERM");
  expect(await server!.exited).toBe(0);
}

const ownerFile = () => path.join(dataDir, "postgres.owner");

async function expectStartsWithData(): Promise<void> {
  server = await startServerProcess(env());
  const api = new Api(server.url);
  const adminToken = await api.login(admin.email, admin.password);
  expect((await api.call("GET", "/api/user/list-users", { token: adminToken })).body.total).toBe(3);
}

test("an owner that died but is not yet reaped (a zombie) does not hold the data dir", async () => {
  await stopServer();
  const z = await zombie();
  standIns.push(z.parent);
  expect(() => process.kill(z.pid, 0)).not.toThrow(); // what made the old check refuse
  // The owner file as that process would have written it while it ran.
  fs.writeFileSync(ownerFile(), JSON.stringify(identityOf(z.pid)));
  await expectStartsWithData();
  expect(JSON.parse(fs.readFileSync(ownerFile(), "utf8"))).toMatchObject({ pid: server!.child.pid });
});

test("an owner whose pid now belongs to another process does not hold the data dir, nor is that process signalled", async () => {
  await stopServer();
  const other = spawn("sleep", ["120"], { stdio: "ignore" });
  standIns.push(other);
  const now = identityOf(other.pid!);
  // Recorded by a process of that pid which started at another time (the pid was reused since).
  fs.writeFileSync(ownerFile(), JSON.stringify({ pid: other.pid, start: `${now.start!.split(":")[0]}:1` }));
  // And a postmaster.pid left behind naming that pid: it is no PostgreSQL of this data dir.
  fs.writeFileSync(path.join(dataDir, "postgres", "postmaster.pid"), `${other.pid}\n${path.join(dataDir, "postgres")}\n`);
  await expectStartsWithData();
  expect(server!.output()).toMatch(/removing a stale .*postmaster\.pid: its pid \d+ is now another process/);
  expect(other.exitCode === null && other.signalCode === null).toBe(true);
});

test("a live owner is still refused", async () => {
  await expect(startServerProcess(env(), 15_000)).rejects.toThrow(/in use by another loanstack process \(pid \d+\)/);
});
