/**
 * Fault isolation across processes: with `loans` gone (SIGTERM or kill -9) the user
 * endpoints keep answering and the loan endpoints answer 503 quickly, not after a hang;
 * with `loans` back everything works on the same data. With two `loans` instances, a
 * kill -9 of one under load fails no request that was not in flight at that instant.
 *
 * Heartbeats every second, a node silent for 2 s is dropped (HEARTBEAT_TIMEOUT=2), so a
 * vanished node is noticed within about five seconds (the check runs every timeout).
 */
import type { Loan, LoanVersion, Page } from "../../sdk/contracts.js";
import { approvedAgent, signedUp, type Actor } from "../support/actors.js";
import { eventually } from "../support/eventually.js";
import { Api, type HttpAnswer } from "../support/http.js";
import { acquireClusterLock, Cluster, describeCluster, requestsReceived, timed, transportFor, waitHealthy, type NodeProcess } from "../support/cluster.js";

const KIND = transportFor("nats");
/** How long after a kill -9 a loan endpoint may take to answer 503. */
const KILL_BOUND_MS = 8000;
/** How long a loan endpoint may take to answer 503 when loans left with a goodbye (SIGTERM). */
const STOPPED_BOUND_MS = 2000;
/** How long a user endpoint may take while loans is away (a hang would take REQUEST_TIMEOUT, 10 s). */
const USERS_BOUND_MS = 2000;

describeCluster(KIND, `fault isolation over ${KIND}`, (transporter) => {
  let release: (() => void) | undefined;
  let cluster: Cluster | undefined;
  let api: Api;
  let loansA: NodeProcess;
  let admin: Actor;
  let agent: Actor;
  let customer: Actor;

  const startLoans = (name: string) => cluster!.start("loans", { name, env: { LOG_LEVEL: "debug" } });

  beforeAll(async () => {
    release = await acquireClusterLock();
    cluster = await Cluster.create({ transporter, env: { HEARTBEAT_INTERVAL: "1", HEARTBEAT_TIMEOUT: "2" } });
    const c = cluster;
    const [, loans, gateway] = await Promise.all([c.start("users"), startLoans("loans-a"), c.start("api")]);
    loansA = loans;
    api = new Api(gateway.url!);
    await waitHealthy(api);
    admin = { id: 0, email: c.admin.email, token: await api.login(c.admin.email, c.admin.password) };
    [agent, customer] = await Promise.all([approvedAgent(api, admin.token), signedUp(api, "customer")]);
  }, 300_000);

  afterAll(async () => {
    try {
      await cluster?.destroy();
    } finally {
      release?.();
    }
  }, 60_000);

  async function requestLoan(principal = "20000.00"): Promise<HttpAnswer<Loan>> {
    return api.call<Loan>("POST", "/api/loan/customer-loan", { token: agent.token, body: { customer_id: customer.id, principal, tenure_months: 12 } });
  }

  /** Everything the loans service holds that a client can see: every loan, and one loan's history. */
  async function loanState(historyOf: number): Promise<{ loans: Loan[]; history: LoanVersion[] }> {
    const list = await api.call<Page<Loan>>("GET", "/api/loan/list-loans-admin-agent?pageSize=100", { token: admin.token });
    expect(list.status).toBe(200);
    expect(list.body.total).toBeLessThanOrEqual(100);
    const history = await api.call<{ rows: LoanVersion[] }>("GET", `/api/loan/loan-history/${historyOf}`, { token: admin.token });
    expect(history.status).toBe(200);
    return { loans: list.body.rows, history: history.body.rows };
  }

  function expectUnavailable(res: HttpAnswer<unknown>): void {
    expect({ status: res.status, body: res.body }).toEqual({ status: 503, body: expect.objectContaining({ code: 503, type: "SERVICE_UNAVAILABLE" }) });
    expect(res.headers.get("retry-after")).toBe("5");
  }

  /** The user endpoints, each answering 200 promptly. */
  async function expectUsersAnswer(): Promise<void> {
    const checks: Array<[string, () => Promise<HttpAnswer<unknown>>, number]> = [
      ["profile", () => api.call("GET", "/api/user/profile", { token: customer.token }), 200],
      ["list-users", () => api.call("GET", "/api/user/list-users", { token: admin.token }), 200],
      ["list-agents", () => api.call("GET", "/api/user/list-agents", { token: agent.token }), 200],
      ["login", () => api.call("POST", "/api/user/login", { body: { email: customer.email, password: "password-123" } }), 200],
    ];
    for (const [name, call, status] of checks) {
      const res = await timed(call);
      expect({ name, status: res.value.status }).toEqual({ name, status });
      expect(res.ms).toBeLessThan(USERS_BOUND_MS);
    }
  }

  /** Some loans in each state: two NEW (one edited), one APPROVED. */
  async function someLoans(): Promise<number> {
    const ids: number[] = [];
    for (const principal of ["10000.00", "60000.00", "700000.00"]) {
      const res = await requestLoan(principal);
      expect(res.status).toBe(201);
      ids.push(res.body.id);
    }
    expect((await api.call("PUT", `/api/loan/edit-loan/${ids[0]}`, { token: agent.token, body: { tenure_months: 36 } })).status).toBe(200);
    expect((await api.call("PUT", `/api/loan/approve-reject-loan/${ids[2]}`, { token: admin.token, body: { status: "APPROVED" } })).status).toBe(200);
    return ids[0]!;
  }

  test("loans stopped with SIGTERM: users answer, loans answer 503 at once; restarted, all works on the same data", async () => {
    const edited = await someLoans();
    const before = await loanState(edited);
    expect(before.history).toHaveLength(1);

    expect(await loansA.stop("SIGTERM")).toMatchObject({ code: 0 });

    await expectUsersAnswer();
    const newcomer = await timed(() => signedUp(api, "customer"));
    expect(newcomer.ms).toBeLessThan(2000);
    for (const call of [
      () => api.call("GET", "/api/loan/list-loans-admin-agent", { token: admin.token }),
      () => api.call("GET", `/api/loan/loan-details/${edited}`, { token: customer.token }),
      () => api.call("GET", "/api/loan/list-loans-customer", { token: customer.token }),
      () => requestLoan(),
    ]) {
      const res = await timed(call);
      expectUnavailable(res.value);
      expect(res.ms).toBeLessThan(STOPPED_BOUND_MS);
    }
    const health = await api.call("GET", "/health");
    expect({ status: health.status, body: health.body }).toEqual({ status: 503, body: { status: "degraded", services: ["users"] } });

    // A gateway that starts while loans is away (it never saw the loans actions) answers the same.
    const lateGateway = await cluster!.start("api", { name: "api-late" });
    const late = new Api(lateGateway.url!);
    await eventually(async () => expect((await late.call("GET", "/api/user/profile", { token: customer.token })).status).toBe(200), { what: "the late gateway to see users", timeoutMs: 20_000 });
    const lateLoans = await timed(() => late.call("GET", "/api/loan/list-loans-admin-agent", { token: admin.token }));
    expectUnavailable(lateLoans.value);
    expect(lateLoans.ms).toBeLessThan(STOPPED_BOUND_MS);
    expect(await lateGateway.stop("SIGTERM")).toMatchObject({ code: 0 });

    loansA = await startLoans("loans-a");
    await waitHealthy(api);
    expect(await loanState(edited)).toEqual(before);
    // A customer who signed up while loans was away can be given a loan: the services agree again.
    const res = await api.call<Loan>("POST", "/api/loan/customer-loan", { token: agent.token, body: { customer_id: newcomer.value.id, principal: "5000.00", tenure_months: 6 } });
    expect(res.status).toBe(201);
    expect((await api.call("PUT", `/api/loan/edit-loan/${edited}`, { token: agent.token, body: { tenure_months: 48 } })).body).toMatchObject({ version: 3, tenure_months: 48 });
  }, 60_000);

  test("loans killed with kill -9: users keep answering, loans answer 503 within the heartbeat bound; restarted, no data lost", async () => {
    const edited = await someLoans();
    const before = await loanState(edited);

    const killedAt = Date.now();
    loansA.child.kill("SIGKILL");
    // The gateway does not know yet: this call waits for the node to be declared gone.
    const pending = timed(() => api.call("GET", "/api/loan/list-loans-admin-agent", { token: admin.token }));
    let settled = false;
    void pending.finally(() => (settled = true));
    // Meanwhile the users service answers as ever.
    let userRounds = 0;
    while (!settled && Date.now() - killedAt < KILL_BOUND_MS + 2000) {
      await expectUsersAnswer();
      userRounds += 1;
      await new Promise((r) => setTimeout(r, 100));
    }
    const first = await pending;
    expectUnavailable(first.value);
    expect(first.end - killedAt).toBeLessThan(KILL_BOUND_MS);
    expect(userRounds).toBeGreaterThan(0);
    console.log(`kill -9 of the only loans (${KIND}): first loan call answered 503 after ${first.end - killedAt} ms; ${userRounds} rounds of user calls meanwhile`);
    // Once the node is gone, the answer is immediate.
    const next = await timed(() => requestLoan());
    expectUnavailable(next.value);
    expect(next.ms).toBeLessThan(STOPPED_BOUND_MS);
    expect(await loansA.exited).toMatchObject({ signal: "SIGKILL" });

    loansA = await startLoans("loans-a");
    await waitHealthy(api);
    expect(await loanState(edited)).toEqual(before);
    expect((await requestLoan()).status).toBe(201);
  }, 60_000);

  test("two loans instances under load, one killed with kill -9: every request not in flight at the kill succeeds", async () => {
    const loansB = await startLoans("loans-b");
    const victim = loansA;
    await eventually(
      async () => {
        await api.call("GET", "/api/loan/list-loans-admin-agent?pageSize=1", { token: admin.token });
        expect({ loansB: requestsReceived(loansB, "loans.listAll") > 0, victim: requestsReceived(victim, "loans.listAll") > 0 }).toEqual({ loansB: true, victim: true });
      },
      { what: "the gateway to use both loans instances", timeoutMs: 20_000 },
    );
    const known = (await requestLoan()).body.id;
    const countBefore = (await api.call<Page<Loan>>("GET", "/api/loan/list-loans-admin-agent?pageSize=1", { token: admin.token })).body.total;

    interface Outcome {
      kind: "list" | "details" | "request";
      start: number;
      end: number;
      status: number;
      id?: number;
    }
    const TOTAL = 200;
    const KILL_AFTER = 60;
    const outcomes: Outcome[] = [];
    let next = 0;
    let killedAt = Infinity;
    let victimServed = 0;
    const kill = () => {
      victimServed = requestsReceived(victim, "loans.listAll") + requestsReceived(victim, "loans.details") + requestsReceived(victim, "loans.request");
      killedAt = Date.now();
      victim.child.kill("SIGKILL");
    };
    const worker = async () => {
      while (next < TOTAL) {
        const n = next++;
        const kind: Outcome["kind"] = n % 5 === 0 ? "request" : n % 5 === 1 ? "details" : "list";
        const start = Date.now();
        let res: HttpAnswer<Loan | Page<Loan>>;
        if (kind === "request") res = await requestLoan("15000.00");
        else if (kind === "details") res = await api.call<Loan>("GET", `/api/loan/loan-details/${known}`, { token: agent.token });
        else res = await api.call<Page<Loan>>("GET", "/api/loan/list-loans-admin-agent?pageSize=5", { token: admin.token });
        outcomes.push({ kind, start, end: Date.now(), status: res.status, id: kind === "request" && res.status === 201 ? (res.body as Loan).id : undefined });
        if (outcomes.length === KILL_AFTER) kill();
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    await victim.exited;

    // "In flight" at the kill: sent before it, answered after it.
    const inFlight = outcomes.filter((o) => o.start <= killedAt && o.end >= killedAt);
    const others = outcomes.filter((o) => !inFlight.includes(o));
    const failed = others.filter((o) => o.status >= 300);
    expect(outcomes).toHaveLength(TOTAL);
    expect(victimServed).toBeGreaterThan(0); // the victim really took part in the load
    expect(others.filter((o) => o.start > killedAt).length).toBeGreaterThan(100); // the load went on after the kill
    expect(failed).toEqual([]);
    // No request waited for longer than it takes to notice the dead node and try the other.
    expect(Math.max(...outcomes.map((o) => o.end - o.start))).toBeLessThan(KILL_BOUND_MS);

    // Every loan answered 201 is stored; the only extra rows can come from POSTs in flight at
    // the kill (committed by the victim, answer lost, retried on the survivor).
    const created = outcomes.filter((o) => o.id !== undefined).map((o) => o.id!);
    const total = (await api.call<Page<Loan>>("GET", "/api/loan/list-loans-admin-agent?pageSize=1", { token: admin.token })).body.total;
    expect(total - countBefore).toBeGreaterThanOrEqual(created.length);
    expect(total - countBefore).toBeLessThanOrEqual(created.length + inFlight.filter((o) => o.kind === "request").length);
    for (const id of created) {
      const res = await api.call<Loan>("GET", `/api/loan/loan-details/${id}`, { token: admin.token });
      expect({ id, status: res.status }).toEqual({ id, status: 200 });
    }
    console.log(
      `kill -9 under load (${KIND}): ${TOTAL} requests, ${inFlight.length} in flight at the kill (${inFlight.filter((o) => o.status >= 300).length} failed), ` +
        `${others.length} others all succeeded; slowest ${Math.max(...outcomes.map((o) => o.end - o.start))} ms`,
    );
    await loansB.stop("SIGTERM");
  }, 60_000);
});
