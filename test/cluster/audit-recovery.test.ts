/**
 * The audit log loses no event: while the audit process is down the publishers keep their
 * events in their outboxes, and once it is back it has every one of them exactly once, even
 * when a publisher crashed in between, and even when events are delivered twice.
 */
import { Client } from "pg";
import type { AuditEvent, Loan, Page } from "../../sdk/contracts.js";
import { approvedAgent, signedUp, type Actor } from "../support/actors.js";
import { Api } from "../support/http.js";
import { eventually } from "../support/eventually.js";
import { acquireClusterLock, Cluster, describeClusters, timed, transportsFor, waitAudit, waitHealthy, type NodeProcess } from "../support/cluster.js";

const KINDS = transportsFor("nats", "rabbitmq");

describeClusters(
  KINDS,
  (kind) => `the audit log after the audit service was down, over ${kind}`,
  (transporter) => {
    let release: (() => void) | undefined;
    let cluster: Cluster | undefined;
    let api: Api;
    let loans: NodeProcess;
    let audit: NodeProcess;
    let admin: Actor;
    let agent: Actor;
    let customer: Actor;
    let loansDb: Client;
    let usersDb: Client;
    let auditDb: Client;

    beforeAll(async () => {
      release = await acquireClusterLock();
      cluster = await Cluster.create({ transporter });
      const c = cluster;
      const started = await Promise.all([c.start("users"), c.start("loans"), c.start("audit"), c.start("api")]);
      [, loans, audit] = started;
      api = new Api(started[3].url!);
      await waitHealthy(api);
      admin = { id: 0, email: c.admin.email, token: await api.login(c.admin.email, c.admin.password) };
      await waitAudit(api, admin.token);
      [agent, customer] = await Promise.all([approvedAgent(api, admin.token), signedUp(api, "customer")]);
      loansDb = new Client({ connectionString: c.databases.loans });
      usersDb = new Client({ connectionString: c.databases.users });
      auditDb = new Client({ connectionString: c.databases.audit });
      await Promise.all([loansDb.connect(), usersDb.connect(), auditDb.connect()]);
    }, 300_000);

    afterAll(async () => {
      try {
        await Promise.all([loansDb?.end(), usersDb?.end(), auditDb?.end()]);
        await cluster?.destroy();
      } finally {
        release?.();
      }
    }, 60_000);

    /** The events a publisher's outbox still has to deliver to audit. */
    /** The outbox rows audit has not had yet; `prefix`: only the events whose name starts so. */
    async function undelivered(db: Client, prefix = ""): Promise<number> {
      const sql = "SELECT count(*) AS n FROM outbox_pending p JOIN outbox o ON o.id = p.outbox_id WHERE p.consumer = 'audit' AND starts_with(o.event, $1)";
      return Number((await db.query<{ n: string }>(sql, [prefix])).rows[0]!.n);
    }

    async function eventsOf(entity: "loan" | "user", id: number): Promise<string[]> {
      const res = await api.call<Page<AuditEvent>>("GET", `/api/audit/events?entity=${entity}&entity_id=${id}&pageSize=100`, { token: admin.token });
      expect(res.status).toBe(200);
      return res.body.rows.map((e) => e.event);
    }

    /** No (source, event id) twice, and the log holds exactly the outboxes' events. */
    async function expectExactlyOnce(): Promise<void> {
      const duplicates = await auditDb.query("SELECT source, source_event_id, count(*) FROM audit_events GROUP BY 1, 2 HAVING count(*) > 1");
      expect(duplicates.rows).toEqual([]);
      for (const [source, db] of [
        ["loans", loansDb],
        ["users", usersDb],
      ] as const) {
        const published = (await db.query<{ id: string }>("SELECT id FROM outbox ORDER BY id")).rows.map((r) => Number(r.id));
        const recorded = (await auditDb.query<{ id: string }>("SELECT source_event_id AS id FROM audit_events WHERE source = $1 ORDER BY 1", [source])).rows.map((r) => Number(r.id));
        expect({ source, recorded }).toEqual({ source, recorded: published });
      }
    }

    /** Loans requested, some edited, all decided: the events each must have, in order. */
    async function loanActivity(count: number): Promise<Map<number, string[]>> {
      const expected = new Map<number, string[]>();
      for (let i = 0; i < count; i += 1) {
        const created = await api.call<Loan>("POST", "/api/loan/customer-loan", { token: agent.token, body: { customer_id: customer.id, principal: `${10_000 + i * 1000}.00`, tenure_months: 12 } });
        expect(created.status).toBe(201);
        const events = ["loan.created"];
        if (i % 2 === 0) {
          expect((await api.call("PUT", `/api/loan/edit-loan/${created.body.id}`, { token: agent.token, body: { tenure_months: 24 } })).status).toBe(200);
          events.push("loan.updated");
        }
        const decision = await api.call("PUT", `/api/loan/approve-reject-loan/${created.body.id}`, { token: admin.token, body: { status: i % 3 === 0 ? "REJECTED" : "APPROVED" } });
        expect(decision.status).toBe(200);
        events.push("loan.decided");
        expected.set(created.body.id, events);
      }
      return expected;
    }

    async function expectLogged(expected: Map<number, string[]>): Promise<void> {
      await eventually(
        async () => {
          for (const [id, events] of expected) expect((await eventsOf("loan", id)).length).toBeGreaterThanOrEqual(events.length);
        },
        { what: "every event in the audit log", timeoutMs: 20_000, intervalMs: 200 },
      );
      for (const [id, events] of expected) expect({ id, events: await eventsOf("loan", id) }).toEqual({ id, events });
    }

    test("audit stopped with SIGTERM while loans are decided: back, it has every event exactly once", async () => {
      expect(await audit.stop("SIGTERM")).toMatchObject({ code: 0 });
      const down = await timed(() => api.call("GET", "/api/audit/events", { token: admin.token }));
      expect(down.value.status).toBe(503);
      expect(down.ms).toBeLessThan(2000);

      const expected = await loanActivity(6);
      const newAgent = await approvedAgent(api, admin.token); // user.created + agent.approved, from users
      // Nothing was lost and nothing went anywhere: the loans' events wait in the loans outbox
      // (beside the agents' agent_limit.changed, which loans publishes as it hears of approvals).
      const events = [...expected.values()].flat().length;
      expect(await undelivered(loansDb, "loan.")).toBe(events);
      expect(await undelivered(usersDb)).toBeGreaterThanOrEqual(2);

      audit = await cluster!.start("audit");
      await expectLogged(expected);
      await eventually(async () => expect((await eventsOf("user", newAgent.id)).length).toBeGreaterThanOrEqual(2), { what: "the agent's events", timeoutMs: 20_000 });
      expect(await eventsOf("user", newAgent.id)).toEqual(["user.created", "agent.approved"]);
      await eventually(async () => expect({ loans: await undelivered(loansDb), users: await undelivered(usersDb) }).toEqual({ loans: 0, users: 0 }), {
        what: "both outboxes to be delivered",
        timeoutMs: 20_000,
      });
      await expectExactlyOnce();
    }, 60_000);

    test("audit and then loans killed with kill -9: once both are back, every event is there exactly once", async () => {
      audit.child.kill("SIGKILL");
      await audit.exited;
      // Until the gateway notices the dead node, calls to audit may wait; the loans writes do not.
      const expected = await loanActivity(4);
      expect(await undelivered(loansDb)).toBeGreaterThanOrEqual([...expected.values()].flat().length);
      loans.child.kill("SIGKILL"); // the publisher crashes with its events undelivered
      await loans.exited;

      audit = await cluster!.start("audit");
      loans = await cluster!.start("loans");
      await waitHealthy(api);
      await expectLogged(expected);
      await eventually(async () => expect(await undelivered(loansDb)).toBe(0), { what: "the loans outbox to be delivered", timeoutMs: 20_000 });
      await expectExactlyOnce();
    }, 60_000);

    test("events delivered twice are recorded once", async () => {
      const before = Number((await auditDb.query<{ n: string }>("SELECT count(*) AS n FROM audit_events")).rows[0]!.n);
      // As if every acknowledgement had been lost: the relays deliver everything again.
      const redeliver = "INSERT INTO outbox_pending (consumer, outbox_id) SELECT 'audit', id FROM outbox";
      const again = (await loansDb.query(redeliver)).rowCount ?? 0;
      await usersDb.query(redeliver);
      expect(again).toBeGreaterThan(0);
      await eventually(async () => expect({ loans: await undelivered(loansDb), users: await undelivered(usersDb) }).toEqual({ loans: 0, users: 0 }), {
        what: "the outboxes to be delivered again",
        timeoutMs: 20_000,
      });
      expect(Number((await auditDb.query<{ n: string }>("SELECT count(*) AS n FROM audit_events")).rows[0]!.n)).toBe(before);
      await expectExactlyOnce();
    }, 60_000);
  },
);
