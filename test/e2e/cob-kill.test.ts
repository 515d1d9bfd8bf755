/**
 * kill -9 of a close-of-business run half-way: the real `npm start` process (dist/server.js)
 * on its own embedded PostgreSQL, a run of one loan per batch killed once it has done some,
 * then a new process and a new run for the same date. What the dead run committed stays;
 * the new run finishes the rest; no installment is charged twice; the dead run is FAILED.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Api, email, type Json } from "../support/http.js";
import { startServerProcess, type ServerProcess } from "../support/server-process.js";
import { eventually } from "../support/eventually.js";
import { LATE_PENALTY_PRODUCT } from "../support/products.js";

const LOANS = 60;
const DATE = "2026-06-14";
let dataDir: string;
let server: ServerProcess | undefined;
const admin = { email: "root@example.test", password: "root-password-1" };

const env = () => ({
  LOANSTACK_DATA_DIR: dataDir,
  USERS_DATABASE_URL: "",
  LOANS_DATABASE_URL: "",
  AUDIT_DATABASE_URL: "",
  LEDGER_DATABASE_URL: "",
  JWT_SECRET: "",
  PORT: "0",
  HOST: "127.0.0.1",
  ADMIN_EMAIL: admin.email,
  ADMIN_PASSWORD: admin.password,
  BCRYPT_ROUNDS: "4",
  COB_AT: "off",
  COB_BATCH_SIZE: "1",
  COB_STALE_MS: "1000",
});

beforeAll(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "loanstack-cob-kill-"));
  fs.chmodSync(dataDir, 0o755);
});

afterAll(async () => {
  if (server && server.child.exitCode === null) {
    server.child.kill("SIGTERM");
    await server.exited;
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
});

jest.setTimeout(120_000);

const PRODUCT = LATE_PENALTY_PRODUCT;

test("a run killed half-way: the next run finishes the work and nothing is charged twice", async () => {
  server = await startServerProcess(env());
  let api = new Api(server.url);
  const adminToken = await api.login(admin.email, admin.password);
  expect((await api.call("POST", "/api/v1/loan/products", { token: adminToken, body: PRODUCT })).status).toBe(201);
  const customer = await api.signup("customer", email("cob-kill"));
  const agent = await api.signup("agent", email("cob-kill-agent"));
  expect((await api.call("PUT", `/api/v1/user/approve-delete/${agent.id}`, { token: adminToken })).status).toBe(200);
  const agentToken = await api.login(agent.email, "password-123");
  const ids: number[] = [];
  for (let i = 0; i < LOANS; i++) {
    const loan = await api.call("POST", "/api/v1/loan/customer-loan", { token: agentToken, body: { customer_id: customer.id, principal: "12000.00", tenure_months: 12, product_code: PRODUCT.code } });
    expect(loan.status).toBe(201);
    expect((await api.call("PUT", `/api/v1/loan/approve-reject-loan/${loan.body.id}`, { token: adminToken, body: { status: "APPROVED" } })).status).toBe(200);
    expect((await api.call("PUT", `/api/v1/loan/disburse-loan/${loan.body.id}`, { token: adminToken, body: { disbursed_on: "2026-01-31" } })).status).toBe(200);
    ids.push(loan.body.id);
  }

  const started = await api.call("POST", "/api/v1/loan/close-of-business", { token: adminToken, body: { business_date: DATE } });
  expect(started.status).toBe(202);
  expect(started.body.loans_total).toBe(LOANS);
  const runId = started.body.id as number;
  // Once it has committed some batches, and before it has done them all: kill -9.
  await eventually(
    async () => {
      const run = (await api.call("GET", `/api/v1/loan/close-of-business/${runId}`, { token: adminToken })).body;
      expect(run.loans_done).toBeGreaterThan(0);
    },
    { what: "the run's first batches", intervalMs: 5 },
  );
  server.child.kill("SIGKILL");
  await server.exited;

  server = await startServerProcess(env());
  api = new Api(server.url);
  const dead = (await api.call("GET", `/api/v1/loan/close-of-business/${runId}`, { token: adminToken })).body;
  expect(dead.loans_done).toBeGreaterThan(0);
  expect(dead.loans_done).toBeLessThan(LOANS);
  expect(dead.penalties_charged).toBe(dead.loans_done * 4);
  // It stopped beating: FAILED once COB_STALE_MS has passed.
  await eventually(async () => expect((await api.call("GET", `/api/v1/loan/close-of-business/${runId}`, { token: adminToken })).body.status).toBe("FAILED"), { what: "the dead run FAILED" });

  const rerun = await api.call("POST", "/api/v1/loan/close-of-business", { token: adminToken, body: { business_date: DATE } });
  expect(rerun.status).toBe(202);
  // Only the loans the dead run did not finish are left.
  expect(rerun.body.loans_total).toBe(LOANS - dead.loans_done);
  const finished = await eventually(
    async () => {
      const run = (await api.call("GET", `/api/v1/loan/close-of-business/${rerun.body.id}`, { token: adminToken })).body;
      expect(run.status).toBe("DONE");
      return run;
    },
    { what: "the rerun done", timeoutMs: 60_000 },
  );
  expect(finished.penalties_charged).toBe((LOANS - dead.loans_done) * 4);
  for (const id of ids) {
    const rows = (await api.call("GET", `/api/v1/loan/transactions/${id}`, { token: adminToken })).body.rows as Json[];
    expect(rows.filter((t) => t.type === "PENALTY").map((t) => [t.installment_number, t.value_date])).toEqual([
      [1, "2026-03-06"],
      [2, "2026-04-06"],
      [3, "2026-05-06"],
      [4, "2026-06-06"],
    ]);
  }
});
