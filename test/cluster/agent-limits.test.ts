/**
 * agent.approved reaches the loans service's lending limits over a real transporter, each
 * service a process of its own: approved while loans is down, the limit arrives once loans
 * is back (the users outbox kept it for the "loans" consumer); delivered again — by the
 * relay, or by a consumer's caller repeating a batch — it is applied once.
 */
import { ServiceBroker } from "moleculer";
import { Client } from "pg";
import { brokerOptions } from "../../moleculer.config.js";
import { signedUp, type Actor } from "../support/actors.js";
import { acquireClusterLock, Cluster, describeCluster, sleep, transportFor, waitAudit, waitHealthy, type NodeProcess } from "../support/cluster.js";
import { eventually } from "../support/eventually.js";
import { Api, type Json } from "../support/http.js";

const KIND = transportFor("nats");

describeCluster(KIND, `agent.approved applied once to the lending limits, over ${KIND}`, (transporter) => {
  let release: (() => void) | undefined;
  let cluster: Cluster | undefined;
  let api: Api;
  let loans: NodeProcess;
  let admin: Actor;
  let usersDb: Client;
  let loansDb: Client;
  let caller: ServiceBroker | undefined;

  beforeAll(async () => {
    release = await acquireClusterLock();
    cluster = await Cluster.create({ transporter });
    const c = cluster;
    const started = await Promise.all([c.start("users"), c.start("loans"), c.start("audit"), c.start("api")]);
    loans = started[1];
    api = new Api(started[3].url!);
    await waitHealthy(api);
    admin = { id: 0, email: c.admin.email, token: await api.login(c.admin.email, c.admin.password) };
    await waitAudit(api, admin.token);
    usersDb = new Client({ connectionString: c.databases.users });
    loansDb = new Client({ connectionString: c.databases.loans });
    await Promise.all([usersDb.connect(), loansDb.connect()]);
  }, 300_000);

  afterAll(async () => {
    try {
      await caller?.stop();
      await Promise.all([usersDb?.end(), loansDb?.end()]);
      await cluster?.destroy();
    } finally {
      release?.();
    }
  }, 60_000);

  const pendingForLoans = async (): Promise<number> => (await usersDb.query<{ n: number }>("SELECT count(*)::int AS n FROM outbox_pending WHERE consumer = 'loans'")).rows[0]!.n;
  const consumed = async (eventId: number): Promise<number> =>
    (await loansDb.query<{ n: number }>("SELECT count(*)::int AS n FROM consumed_events WHERE source = 'users' AND event_id = $1", [eventId])).rows[0]!.n;
  const changes = async (agentId: number): Promise<number> =>
    (await loansDb.query<{ n: number }>("SELECT count(*)::int AS n FROM outbox WHERE event = 'agent_limit.changed' AND (payload->'limit'->>'agent_id')::int = $1", [agentId])).rows[0]!.n;
  const limitOf = async (agentId: number): Promise<Json> => (await api.call("GET", `/api/v1/loan/agent-limits/${agentId}`, { token: admin.token })).body;

  let agent: Actor;
  let eventId: number;

  test("approved while loans is down: the limit waits in the users outbox and is applied once loans is back", async () => {
    await loans.stop();
    agent = await signedUp(api, "agent");
    const approved = await api.call("PUT", `/api/v1/user/approve-delete/${agent.id}`, { token: admin.token, body: { lending_limit: "123456.78" } });
    expect(approved.status).toBe(200);
    const [row] = (await usersDb.query<{ id: string }>("SELECT id FROM outbox WHERE event = 'agent.approved' AND (payload->'user'->>'id')::int = $1", [agent.id])).rows;
    eventId = Number(row!.id);
    // Several relay polls (200 ms) later, it still waits for its consumer.
    await sleep(1500);
    expect(await pendingForLoans()).toBe(1);

    loans = await cluster!.start("loans");
    await waitHealthy(api);
    await eventually(async () => expect(await pendingForLoans()).toBe(0), { what: "the users outbox to deliver agent.approved to loans", timeoutMs: 20_000 });
    expect(await limitOf(agent.id)).toEqual({ agent_id: agent.id, limit: "123456.78", used: "0.00", available: "123456.78" });
    expect(await consumed(eventId)).toBe(1);
    expect(await changes(agent.id)).toBe(1);
  }, 120_000);

  test("delivered twice (the relay again, a caller repeating the batch with another limit): applied once", async () => {
    // The relay delivers it again, as after a lost acknowledgement.
    await usersDb.query("INSERT INTO outbox_pending (consumer, outbox_id) VALUES ('loans', $1)", [eventId]);
    await eventually(async () => expect(await pendingForLoans()).toBe(0), { what: "the redelivery", timeoutMs: 20_000 });

    // The same (source, id) straight to the consumer's action, its payload altered: skipped.
    caller = new ServiceBroker({ namespace: cluster!.namespace, nodeID: `${cluster!.namespace}-caller`, transporter: brokerOptions({ TRANSPORTER: transporter }).transporter, logger: false });
    await caller.start();
    await caller.waitForServices(["loans"], 20_000);
    const [stored] = (await usersDb.query<{ payload: Json; occurred_at: Date }>("SELECT payload, occurred_at FROM outbox WHERE id = $1", [eventId])).rows;
    const again = { id: eventId, event: "agent.approved", version: 1, payload: { ...stored!.payload, lending_limit: "1.00" }, occurred_at: stored!.occurred_at.toISOString() };
    expect(await caller.call("loans.receiveEvents", { source: "users", events: [again, again] })).toEqual({ applied: 0 });

    expect(await limitOf(agent.id)).toEqual({ agent_id: agent.id, limit: "123456.78", used: "0.00", available: "123456.78" });
    expect(await consumed(eventId)).toBe(1);
    expect(await changes(agent.id)).toBe(1);
    // A new event id of the same kind is applied: the key is (source, id), not the agent.
    const fresh = { ...again, id: eventId + 1_000_000, payload: { ...stored!.payload, lending_limit: "2000.00" } };
    expect(await caller.call("loans.receiveEvents", { source: "users", events: [fresh] })).toEqual({ applied: 1 });
    expect((await limitOf(agent.id)).limit).toBe("2000.00");
  }, 60_000);
});
