/**
 * The outboxes deliver each event to every consumer that takes it, each at its own pace:
 * besides audit, a test consumer ("probe", a service of this test process's own broker in
 * the cluster's namespace) declared to the publishers the way any consumer outside this
 * package is, with EVENT_CONSUMERS. It takes every event, applies each once by (source, id)
 * and acknowledges the ones it does not know; the test makes it go away, slow, failing, or
 * hold a batch while its publisher is killed.
 */
import { ServiceBroker } from "moleculer";
import { Client } from "pg";
import { brokerOptions } from "../../moleculer.config.js";
import type { AuditEvent, Loan, Page } from "../../sdk/contracts.js";
import { EVENT_NAMES } from "../../sdk/schemas.js";
import { approvedAgent, signedUp, type Actor } from "../support/actors.js";
import { eventually } from "../support/eventually.js";
import { Api } from "../support/http.js";
import { acquireClusterLock, Cluster, describeCluster, sleep, transportFor, waitAudit, waitHealthy, type NodeProcess } from "../support/cluster.js";

/** What a consumer's action receives (sdk/contracts.ts's EventDelivery). */
interface Delivery {
  source: string;
  events: { id: number; event: string; version?: number; payload: Record<string, unknown>; occurred_at: string }[];
}

const KNOWN: ReadonlySet<string> = new Set(EVENT_NAMES);
const UNKNOWN_EVENT = "loan.renamed";

/** The test consumer: what it was delivered, what it applied (once each), what it skipped. */
class Probe {
  delayMs = 0;
  failing = false;
  /** While set, a batch is applied and then not answered until it resolves. */
  hold?: Promise<void>;
  readonly holding = new Set<string>();
  inFlight = 0;
  failures = 0;
  /** "source:id" → how often delivered. */
  readonly deliveries = new Map<string, number>();
  readonly applied = new Map<string, { event: string; version: number | undefined; payload: Record<string, unknown> }>();
  readonly skipped = new Set<string>();
  private broker?: ServiceBroker;
  private starts = 0;

  constructor(
    private readonly namespace: string,
    private readonly transporter: string,
  ) {}

  async start(): Promise<void> {
    this.starts += 1;
    const broker = new ServiceBroker({
      namespace: this.namespace,
      nodeID: `${this.namespace}-probe-${this.starts}`,
      transporter: brokerOptions({ TRANSPORTER: this.transporter }).transporter,
      logger: false,
      skipProcessEventRegistration: true,
    });
    broker.createService({ name: "probe", actions: { receive: { handler: (ctx) => this.receive(ctx.params as Delivery) } } });
    await broker.start();
    this.broker = broker;
  }

  async stop(): Promise<void> {
    await this.broker?.stop();
    this.broker = undefined;
  }

  private async receive(delivery: Delivery): Promise<{ applied: number }> {
    if (this.failing) {
      this.failures += 1;
      throw new Error("the probe fails on purpose");
    }
    this.inFlight += 1;
    try {
      let applied = 0;
      for (const e of delivery.events) {
        const key = `${delivery.source}:${e.id}`;
        this.deliveries.set(key, (this.deliveries.get(key) ?? 0) + 1);
        if (!KNOWN.has(e.event)) this.skipped.add(key);
        else if (!this.applied.has(key)) {
          this.applied.set(key, { event: e.event, version: e.version, payload: e.payload });
          applied += 1;
        }
      }
      if (this.hold) {
        this.holding.add(delivery.source);
        await this.hold;
      }
      if (this.delayMs) await sleep(this.delayMs);
      return { applied };
    } finally {
      this.inFlight -= 1;
    }
  }

  /** The events of loan `id` it applied. */
  loanEvents(id: number): string[] {
    return [...this.applied].filter(([key, e]) => key.startsWith("loans:") && (e.payload.loan as { id?: number } | undefined)?.id === id).map(([, e]) => e.event);
  }
}

const KIND = transportFor("nats");

describeCluster(KIND, `events delivered to every consumer, over ${KIND}`, (transporter) => {
  let release: (() => void) | undefined;
  let cluster: Cluster | undefined;
  let api: Api;
  let loans: NodeProcess;
  let admin: Actor;
  let agent: Actor;
  let customer: Actor;
  let probe: Probe;
  let loansDb: Client;
  let usersDb: Client;
  let auditDb: Client;

  beforeAll(async () => {
    release = await acquireClusterLock();
    cluster = await Cluster.create({ transporter, env: { EVENT_CONSUMERS: "probe=probe.receive" } });
    const c = cluster;
    probe = new Probe(c.namespace, transporter);
    await probe.start();
    const started = await Promise.all([c.start("users"), c.start("loans"), c.start("audit"), c.start("api")]);
    loans = started[1];
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
      await probe?.stop();
      await Promise.all([loansDb?.end(), usersDb?.end(), auditDb?.end()]);
      await cluster?.destroy();
    } finally {
      release?.();
    }
  }, 60_000);

  const publishers = () =>
    [
      ["loans", loansDb],
      ["users", usersDb],
    ] as const;

  /** The outbox rows `consumer` has not had yet; `prefix`: only the events whose name starts so. */
  async function pending(db: Client, consumer: string, prefix = ""): Promise<number> {
    const sql = "SELECT count(*) AS n FROM outbox_pending p JOIN outbox o ON o.id = p.outbox_id WHERE p.consumer = $1 AND starts_with(o.event, $2)";
    return Number((await db.query<{ n: string }>(sql, [consumer, prefix])).rows[0]!.n);
  }

  /** Nothing of either outbox waits for `consumer`. */
  async function expectAllDelivered(consumer: string): Promise<void> {
    expect({ consumer, loans: await pending(loansDb, consumer), users: await pending(usersDb, consumer) }).toEqual({ consumer, loans: 0, users: 0 });
  }

  async function requestLoan(): Promise<Loan> {
    const res = await api.call<Loan>("POST", "/api/loan/customer-loan", { token: agent.token, body: { customer_id: customer.id, principal: "12000.00", tenure_months: 12 } });
    expect(res.status).toBe(201);
    return res.body;
  }

  async function decide(id: number): Promise<void> {
    expect((await api.call("PUT", `/api/loan/approve-reject-loan/${id}`, { token: admin.token, body: { status: "APPROVED" } })).status).toBe(200);
  }

  async function audited(id: number): Promise<string[]> {
    const res = await api.call<Page<AuditEvent>>("GET", `/api/audit/events?entity=loan&entity_id=${id}&pageSize=100`, { token: admin.token });
    expect(res.status).toBe(200);
    return res.body.rows.map((e) => e.event);
  }

  /** Waits until audit shows the loan's `events`; answers how long that took. */
  async function auditShows(id: number, events: string[], timeoutMs = 10_000): Promise<number> {
    const start = Date.now();
    await eventually(async () => expect((await audited(id)).length).toBeGreaterThanOrEqual(events.length), { what: `audit to show loan ${id}'s ${events.join(", ")}`, timeoutMs, intervalMs: 50 });
    expect(await audited(id)).toEqual(events);
    return Date.now() - start;
  }

  /** The probe saw every outbox row once at least and applied each known event once: it has exactly the outboxes. */
  async function expectProbeHasAll(): Promise<void> {
    for (const [source, db] of publishers()) {
      const rows = (await db.query<{ id: string; event: string }>("SELECT id, event FROM outbox ORDER BY id")).rows;
      const known = rows.filter((r) => KNOWN.has(r.event)).map((r) => `${source}:${r.id}`);
      const unknown = rows.filter((r) => !KNOWN.has(r.event)).map((r) => `${source}:${r.id}`);
      const applied = [...probe.applied.keys()].filter((k) => k.startsWith(`${source}:`));
      expect({ source, applied: applied.sort() }).toEqual({ source, applied: known.sort() });
      expect({ source, skipped: [...probe.skipped].filter((k) => k.startsWith(`${source}:`)).sort() }).toEqual({ source, skipped: unknown.sort() });
    }
    for (const e of probe.applied.values()) expect(e.version).toBe(1);
  }

  /** Audit holds each known outbox event exactly once, and nothing else. */
  async function expectAuditHasAll(): Promise<void> {
    const duplicates = await auditDb.query("SELECT source, source_event_id, count(*) FROM audit_events GROUP BY 1, 2 HAVING count(*) > 1");
    expect(duplicates.rows).toEqual([]);
    for (const [source, db] of publishers()) {
      const published = (await db.query<{ id: string }>("SELECT id FROM outbox WHERE event = ANY($1::text[]) ORDER BY id", [[...EVENT_NAMES]])).rows.map((r) => Number(r.id));
      const recorded = (await auditDb.query<{ id: string }>("SELECT source_event_id AS id FROM audit_events WHERE source = $1 ORDER BY 1", [source])).rows.map((r) => Number(r.id));
      expect({ source, recorded }).toEqual({ source, recorded: published });
    }
  }

  test("a consumer down for a while catches up, and holds up no other", async () => {
    await eventually(() => expectAllDelivered("probe"), { what: "the probe to have everything so far", timeoutMs: 20_000 });
    await probe.stop();
    const a = await requestLoan();
    const b = await requestLoan();
    await decide(b.id);
    const newAgent = await approvedAgent(api, admin.token);
    // Audit is not held up: it has them all while the probe is away.
    await auditShows(a.id, ["loan.created"]);
    await auditShows(b.id, ["loan.created", "loan.decided"]);
    await eventually(() => expectAllDelivered("audit"), { what: "audit to have every event", timeoutMs: 20_000 });
    await sleep(1000); // the probe stays away a while: its events wait
    // The three loan events wait (beside agent_limit.changed rows, which loans publishes as it
    // hears of approvals, this test's and earlier ones', whenever that is).
    expect(await pending(loansDb, "probe", "loan.")).toBe(3);
    expect(await pending(usersDb, "probe")).toBeGreaterThanOrEqual(2);
    expect(probe.loanEvents(b.id)).toEqual([]);

    await probe.start();
    await eventually(() => expectAllDelivered("probe"), { what: "the probe to catch up", timeoutMs: 20_000 });
    expect(probe.loanEvents(b.id)).toEqual(["loan.created", "loan.decided"]);
    expect([...probe.applied.values()].filter((e) => (e.payload.user as { id?: number } | undefined)?.id === newAgent.id).map((e) => e.event)).toEqual(["user.created", "agent.approved"]);
    await expectProbeHasAll();
    await expectAuditHasAll();
  }, 60_000);

  test("a slow consumer, then a failing one, delays no other", async () => {
    probe.delayMs = 4000;
    const first = await requestLoan();
    await eventually(() => expect(probe.inFlight).toBeGreaterThan(0), { what: "the probe to be busy with a batch", timeoutMs: 20_000 });
    const second = await requestLoan();
    // The probe's lane waits for its slow answer; audit's does not.
    expect(await auditShows(second.id, ["loan.created"])).toBeLessThan(2000);
    expect(probe.loanEvents(second.id)).toEqual([]);

    probe.delayMs = 0;
    probe.failing = true;
    await eventually(() => expect(probe.inFlight).toBe(0), { what: "the probe to answer the slow batch", timeoutMs: 20_000 });
    const third = await requestLoan();
    await eventually(() => expect(probe.failures).toBeGreaterThan(0), { what: "the probe to fail a delivery", timeoutMs: 20_000 });
    expect(await auditShows(third.id, ["loan.created"])).toBeLessThan(2000);
    await sleep(500);
    expect(await pending(loansDb, "probe")).toBeGreaterThanOrEqual(2); // second and third wait
    expect(await pending(loansDb, "audit")).toBe(0);

    probe.failing = false;
    await eventually(() => expectAllDelivered("probe"), { what: "the probe to catch up", timeoutMs: 20_000 });
    for (const loan of [first, second, third]) expect(probe.loanEvents(loan.id)).toEqual(["loan.created"]);
    await expectProbeHasAll();
    await expectAuditHasAll();
  }, 60_000);

  test("an event no consumer knows stalls nothing", async () => {
    // As if a newer publisher wrote an event this code does not know: the probe takes every
    // event; audit takes the ones it names, and is handed this one too (a newer registry's).
    const { rows } = await loansDb.query<{ id: string }>("INSERT INTO outbox (event, payload) VALUES ($1, $2) RETURNING id", [UNKNOWN_EVENT, { actor_id: null, loan: { id: 1 } }]);
    const unknownId = rows[0]!.id;
    await loansDb.query("INSERT INTO outbox_pending (consumer, outbox_id) VALUES ('audit', $1) ON CONFLICT DO NOTHING", [unknownId]);
    const loan = await requestLoan();
    await auditShows(loan.id, ["loan.created"]);
    await eventually(
      async () => {
        await expectAllDelivered("audit");
        await expectAllDelivered("probe");
      },
      { what: "both consumers to have acknowledged everything", timeoutMs: 20_000 },
    );
    expect(probe.loanEvents(loan.id)).toEqual(["loan.created"]);
    expect(probe.skipped.has(`loans:${unknownId}`)).toBe(true);
    expect((await auditDb.query("SELECT 1 FROM audit_events WHERE source = 'loans' AND source_event_id = $1", [unknownId])).rowCount).toBe(0);
    await expectProbeHasAll();
    await expectAuditHasAll();
  }, 60_000);

  test("kill -9 of the publisher during a relay pass loses and doubles nothing", async () => {
    let answer!: () => void;
    probe.hold = new Promise<void>((resolve) => (answer = resolve));
    probe.holding.clear();
    const loan = await requestLoan();
    await decide(loan.id);
    await eventually(() => expect(probe.holding.has("loans")).toBe(true), { what: "the probe to hold a batch of the loans outbox", timeoutMs: 20_000 });
    // The batch is applied at the probe; its acknowledgement never reaches the publisher.
    loans.child.kill("SIGKILL");
    await loans.exited;
    probe.hold = undefined;
    answer();

    loans = await cluster!.start("loans");
    await waitHealthy(api);
    await auditShows(loan.id, ["loan.created", "loan.decided"]);
    await eventually(
      async () => {
        await expectAllDelivered("audit");
        await expectAllDelivered("probe");
      },
      { what: "every consumer to have every event", timeoutMs: 20_000 },
    );
    expect(probe.loanEvents(loan.id)).toEqual(["loan.created", "loan.decided"]);
    // The held batch came again (at least once), and was applied once (the probe's dedupe).
    const redelivered = [...probe.deliveries].filter(([key, n]) => key.startsWith("loans:") && n > 1);
    expect(redelivered.length).toBeGreaterThan(0);
    await expectProbeHasAll();
    await expectAuditHasAll();
  }, 90_000);
});
