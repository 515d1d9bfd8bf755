/**
 * SIGTERM drains: a loans process told to stop finishes the requests it is running before
 * it exits (code 0), and takes no new ones. To hold requests in flight for certain, the test
 * locks a loan's row in the loans database: every edit of that loan then waits inside the
 * loans process, on its row lock, until the test lets go.
 */
import { Client } from "pg";
import type { Loan, LoanVersion } from "../../sdk/contracts.js";
import { approvedAgent, signedUp, type Actor } from "../support/actors.js";
import { eventually } from "../support/eventually.js";
import { Api, type HttpAnswer } from "../support/http.js";
import { acquireClusterLock, Cluster, describeClusters, requestsReceived, sleep, timed, transportsFor, waitHealthy, type ExitState, type NodeProcess } from "../support/cluster.js";

// RabbitMQ too: its transporter acknowledges a request only once answered, so the requests
// a node may hold at once (prefetch) are what this file puts to the test.
const KINDS = transportsFor("redis", "rabbitmq");
const IN_FLIGHT = 20;
/** Each loans process may hold every in-flight edit on a connection of its own. */
const LOANS_ENV = { DB_POOL_MAX: String(IN_FLIGHT + 5) };

describeClusters(
  KINDS,
  (kind) => `graceful shutdown over ${kind}`,
  (transporter) => {
    let release: (() => void) | undefined;
    let cluster: Cluster | undefined;
    let api: Api;
    let loansA: NodeProcess;
    let admin: Actor;
    let agent: Actor;
    let customer: Actor;
    /** Holds the row lock; `monitor` watches (pg_stat_activity is frozen inside a transaction). */
    let db: Client;
    let monitor: Client;

    beforeAll(async () => {
      release = await acquireClusterLock();
      cluster = await Cluster.create({ transporter });
      const c = cluster;
      const [, loans, gateway] = await Promise.all([c.start("users"), c.start("loans", { name: "loans-a", env: LOANS_ENV }), c.start("api")]);
      loansA = loans;
      api = new Api(gateway.url!);
      await waitHealthy(api);
      admin = { id: 0, email: c.admin.email, token: await api.login(c.admin.email, c.admin.password) };
      [agent, customer] = await Promise.all([approvedAgent(api, admin.token), signedUp(api, "customer")]);
      db = new Client({ connectionString: c.databases.loans });
      monitor = new Client({ connectionString: c.databases.loans });
      await Promise.all([db.connect(), monitor.connect()]);
    }, 300_000);

    afterAll(async () => {
      try {
        await Promise.all([db?.end(), monitor?.end()]);
        await cluster?.destroy();
      } finally {
        release?.();
      }
    }, 60_000);

    async function newLoan(): Promise<number> {
      const res = await api.call<Loan>("POST", "/api/loan/customer-loan", { token: agent.token, body: { customer_id: customer.id, principal: "30000.00", tenure_months: 6 } });
      expect(res.status).toBe(201);
      return res.body.id;
    }

    /** Locks the loan's row from the test's own connection; resolves with the release. */
    async function holdLoan(id: number): Promise<() => Promise<void>> {
      await db.query("BEGIN");
      await db.query("SELECT id FROM loans WHERE id = $1 FOR UPDATE", [id]);
      return async () => void (await db.query("ROLLBACK"));
    }

    /** How many statements of the loans services wait on a row lock right now. */
    async function waitingOnLocks(): Promise<number> {
      const res = await monitor.query<{ n: string }>("SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");
      return Number(res.rows[0]!.n);
    }

    /** IN_FLIGHT concurrent edits of the loan, each with its own tenure; resolves once all wait in loans. */
    async function editsInFlight(id: number): Promise<Promise<HttpAnswer<Loan>>[]> {
      const edits = Array.from({ length: IN_FLIGHT }, (_, i) =>
        // A connection the server dropped shows as status 0 (and never as an unhandled rejection).
        api
          .call<Loan>("PUT", `/api/loan/edit-loan/${id}`, { token: agent.token, body: { tenure_months: 12 + i } })
          .catch((err: unknown) => ({ status: 0, body: String(err) as unknown as Loan, headers: new Headers() })),
      );
      await eventually(async () => expect(await waitingOnLocks()).toBe(IN_FLIGHT), { what: `${IN_FLIGHT} edits waiting on the row lock`, timeoutMs: 15_000, intervalMs: 50 });
      return edits;
    }

    /** Exit code 0 after SIGTERM; on a failure, the process's own last lines say why it did not stop cleanly. */
    function expectCleanExit(proc: NodeProcess, exit: ExitState): void {
      expect({ code: exit.code, signal: exit.signal, log: exit.code === 0 ? "" : proc.output().slice(-4000) }).toEqual({ code: 0, signal: null, log: "" });
    }

    async function expectAllEdited(id: number, answers: HttpAnswer<Loan>[]): Promise<void> {
      expect(answers.map((a) => a.status)).toEqual(Array(IN_FLIGHT).fill(200));
      // Serialised on the row: each edit made one version, none was lost.
      expect(answers.map((a) => a.body.version).sort((x, y) => x - y)).toEqual(Array.from({ length: IN_FLIGHT }, (_, i) => i + 2));
      const history = await api.call<{ rows: LoanVersion[] }>("GET", `/api/loan/loan-history/${id}`, { token: admin.token });
      expect(history.body.rows).toHaveLength(IN_FLIGHT);
    }

    test("with one loans process: SIGTERM finishes the requests in flight, refuses new ones with 503, exits 0", async () => {
      const id = await newLoan();
      const letGo = await holdLoan(id);
      let edits: Promise<HttpAnswer<Loan>>[] = [];
      try {
        edits = await editsInFlight(id);
        loansA.child.kill("SIGTERM");
        await eventually(() => expect(loansA.output()).toMatch(/Waiting for \d+ running context/), { what: "the loans process to say it drains", timeoutMs: 5000, intervalMs: 50 });
        await sleep(500);
        expect(loansA.running()).toBe(true); // still waiting for its requests

        // What arrives now finds no loans instance: 503 at once, not a wait for the drain.
        const fresh = await timed(() => api.call("GET", "/api/loan/list-loans-admin-agent", { token: admin.token }));
        expect({ status: fresh.value.status, body: fresh.value.body }).toEqual({ status: 503, body: expect.objectContaining({ type: "SERVICE_UNAVAILABLE" }) });
        expect(fresh.ms).toBeLessThan(2000);
        expect(loansA.running()).toBe(true);
      } finally {
        await letGo();
      }
      const releasedAt = Date.now();
      const answers = await Promise.all(edits);
      const exit = await loansA.exited;
      expect(exit).toMatchObject({ code: 0, signal: null });
      expect(exit.at).toBeGreaterThanOrEqual(releasedAt);
      expect(loansA.output()).not.toMatch(/GracefulStopTimeoutError|is dropped because broker is stopped/);

      loansA = await cluster!.start("loans", { name: "loans-a", env: LOANS_ENV });
      await waitHealthy(api);
      await expectAllEdited(id, answers);
    }, 60_000);

    test("with two loans processes: SIGTERM to one finishes its requests, the other serves every new one", async () => {
      const loansB = await cluster!.start("loans", { name: "loans-b", env: { ...LOANS_ENV, LOG_LEVEL: "debug" } });
      const id = await newLoan();
      // Both instances known to the gateway before the edits are spread over them.
      await eventually(
        async () => {
          expect((await api.call("GET", "/api/loan/list-loans-admin-agent?pageSize=1", { token: admin.token })).status).toBe(200);
          expect(requestsReceived(loansB, "loans.listAll")).toBeGreaterThan(0);
        },
        { what: "the gateway to call loans-b", timeoutMs: 20_000 },
      );
      const letGo = await holdLoan(id);
      let edits: Promise<HttpAnswer<Loan>>[] = [];
      const during: number[] = [];
      try {
        edits = await editsInFlight(id);
        loansA.child.kill("SIGTERM");
        await eventually(() => expect(loansA.output()).toMatch(/Waiting for \d+ running context/), { what: "loans-a to say it drains", timeoutMs: 5000, intervalMs: 50 });
        const draining = Number(/Waiting for (\d+) running context/.exec(loansA.output())![1]);
        expect(draining).toBeGreaterThan(0);
        expect(draining).toBeLessThan(IN_FLIGHT); // the others wait in loans-b
        // While loans-a drains, new requests go to loans-b.
        for (let i = 0; i < 20; i += 1) {
          during.push((await api.call("GET", "/api/loan/list-loans-admin-agent?pageSize=5", { token: admin.token })).status);
          during.push((await api.call("POST", "/api/loan/customer-loan", { token: agent.token, body: { customer_id: customer.id, principal: "8000.00", tenure_months: 3 } })).status);
        }
        expect(loansA.running()).toBe(true);
      } finally {
        await letGo();
      }
      const answers = await Promise.all(edits);
      expectCleanExit(loansA, await loansA.exited);
      expect(during).toEqual(Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? 200 : 201)));
      await expectAllEdited(id, answers);
      expectCleanExit(loansB, await loansB.stop("SIGTERM"));
    }, 60_000);
  },
);
