/**
 * The distributed topology over one transporter (nats.test.ts, redis.test.ts and
 * rabbitmq.test.ts run it): users, loans, audit and api each in a process of its own; the
 * whole REST flow through the gateway; the audit log fed across processes; a second loans
 * process sharing the calls with the first.
 */
import type { HealthResponse, Loan, LoanVersion, Page, User } from "../../sdk/contracts.js";
import { eventually } from "../support/eventually.js";
import { Api, email } from "../support/http.js";
import { acquireClusterLock, Cluster, describeCluster, requestsReceived, sleep, waitAudit, waitHealthy, type NodeProcess, type TransportKind } from "../support/cluster.js";

const PASSWORD = "password-123";

interface AuditRow {
  event: string;
  entity: string;
  entity_id: number;
  actor_id: number | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

export function transportSuite(kind: TransportKind): void {
  describeCluster(kind, `loanstack over ${kind}: one process per service`, (transporter) => {
    let release: (() => void) | undefined;
    let cluster: Cluster | undefined;
    let api: Api;
    let adminToken: string;
    let loans: NodeProcess;
    const procs: Record<string, NodeProcess> = {};

    beforeAll(async () => {
      release = await acquireClusterLock();
      cluster = await Cluster.create({ transporter });
      const c = cluster;
      // LOG_LEVEL=debug on loans: each process logs every request it receives, which is how
      // the balancing test tells which instance served a call.
      const [users, loansProc, audit, gateway] = await Promise.all([c.start("users"), c.start("loans", { name: "loans-a", env: { LOG_LEVEL: "debug" } }), c.start("audit"), c.start("api")]);
      Object.assign(procs, { users, loans: loansProc, audit, api: gateway });
      loans = loansProc;
      api = new Api(gateway.url!);
      await waitHealthy(api);
      adminToken = await api.login(c.admin.email, c.admin.password);
      await waitAudit(api, adminToken);
    }, 300_000);

    afterAll(async () => {
      try {
        await cluster?.destroy();
      } finally {
        release?.();
      }
    }, 60_000);

    test("each process runs only the service it was given", () => {
      for (const name of ["users", "loans", "audit"]) {
        expect(procs[name]!.output()).toMatch(new RegExp(`loanstack running ${name}\\s*$`, "m"));
      }
      expect(procs.api!.output()).toMatch(/loanstack running api — gateway on http:\/\/localhost:\d+/);
    });

    test("the REST flow works across the processes", async () => {
      const health = await api.call<HealthResponse>("GET", "/health");
      expect({ status: health.status, body: health.body }).toEqual({ status: 200, body: { status: "ok", services: ["users", "loans"] } });

      // users: signup, a pending agent, approval
      const customerEmail = email("x-customer");
      const agentEmail = email("x-agent");
      const customer = await api.signup("customer", customerEmail);
      const agent = await api.signup("agent", agentEmail);
      expect((await api.call("POST", "/api/user/login", { body: { email: agentEmail, password: PASSWORD } })).status).toBe(403);
      const approvals = await api.call<Page<User>>("GET", "/api/user/list-approvals", { token: adminToken });
      expect(approvals.status).toBe(200);
      expect(approvals.body.rows.map((u) => u.id)).toContain(agent.id);
      const approved = await api.call<User>("PUT", `/api/user/approve-delete/${agent.id}`, { token: adminToken });
      expect(approved.status).toBe(200);
      expect(approved.body).toMatchObject({ id: agent.id, role: "agent", is_approved: true });
      const agentToken = await api.login(agentEmail, PASSWORD);
      const customerToken = await api.login(customerEmail, PASSWORD);
      const profile = await api.call<User>("GET", "/api/user/profile", { token: customerToken });
      expect(profile.body).toMatchObject({ id: customer.id, role: "customer" });

      // loans (which asks users whether the customer exists): request, edit, history
      const created = await api.call<Loan>("POST", "/api/loan/customer-loan", { token: agentToken, body: { customer_id: customer.id, principal: "250000.00", tenure_months: 24 } });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ customer_id: customer.id, agent_id: agent.id, principal: "250000.00", interest_rate: "12.00", emi: "11768.37", status: "NEW", version: 1 });
      const loanId = created.body.id;
      const notCustomer = await api.call("POST", "/api/loan/customer-loan", { token: agentToken, body: { customer_id: agent.id, principal: "5000", tenure_months: 6 } });
      expect(notCustomer.status).toBe(422);
      const edited = await api.call<Loan>("PUT", `/api/loan/edit-loan/${loanId}`, { token: agentToken, body: { principal: "40000.00", tenure_months: 12 } });
      expect(edited.status).toBe(200);
      expect(edited.body).toMatchObject({ id: loanId, principal: "40000.00", interest_rate: "14.00", tenure_months: 12, version: 2 });
      const history = await api.call<{ rows: LoanVersion[] }>("GET", `/api/loan/loan-history/${loanId}`, { token: customerToken });
      expect(history.status).toBe(200);
      expect(history.body.rows).toEqual([expect.objectContaining({ version: 1, principal: "250000.00", tenure_months: 24, edited_by: agent.id })]);

      // the admin decides; the decision is final
      const decided = await api.call<Loan>("PUT", `/api/loan/approve-reject-loan/${loanId}`, { token: adminToken, body: { status: "APPROVED" } });
      expect(decided.status).toBe(200);
      expect(decided.body).toMatchObject({ id: loanId, status: "APPROVED", decided_by: expect.any(Number), version: 2 });
      expect((await api.call("PUT", `/api/loan/edit-loan/${loanId}`, { token: agentToken, body: { tenure_months: 6 } })).status).toBe(409);
      expect((await api.call("PUT", `/api/loan/approve-reject-loan/${loanId}`, { token: adminToken, body: { status: "REJECTED" } })).status).toBe(409);

      // lists, as each role sees them
      const mine = await api.call<Page<Loan>>("GET", "/api/loan/list-loans-customer", { token: customerToken });
      expect(mine.status).toBe(200);
      expect(mine.body.rows.map((l) => l.id)).toEqual([loanId]);
      const approvedList = await api.call<Page<Loan>>("GET", "/api/loan/list-loans-admin-agent?status=APPROVED&pageSize=100", { token: agentToken });
      expect(approvedList.body.rows.map((l) => l.id)).toContain(loanId);
      const customers = await api.call<Page<User>>("GET", "/api/user/list-agents?pageSize=100", { token: agentToken });
      expect(customers.body.rows.map((u) => u.id)).toContain(customer.id);
      const details = await api.call<Loan>("GET", `/api/loan/loan-details/${loanId}`, { token: customerToken });
      expect(details.body).toMatchObject({ id: loanId, status: "APPROVED", version: 2 });

      // the audit process got every event through the outboxes of the other two
      let loanEvents: AuditRow[] = [];
      await eventually(
        async () => {
          const res = await api.call<Page<AuditRow>>("GET", `/api/audit/events?entity=loan&entity_id=${loanId}`, { token: adminToken });
          loanEvents = res.body.rows;
          expect(loanEvents.length).toBeGreaterThanOrEqual(3);
        },
        { what: "the loan's three audit events", timeoutMs: 20_000 },
      );
      expect(loanEvents.map((e) => e.event)).toEqual(["loan.created", "loan.updated", "loan.decided"]);
      expect(loanEvents[1]).toMatchObject({ actor_id: agent.id, before: { version: 1, principal: "250000.00" }, after: { version: 2, principal: "40000.00" } });
      expect(loanEvents[2]).toMatchObject({ before: { status: "NEW" }, after: { status: "APPROVED" } });
      let agentEvents: AuditRow[] = [];
      await eventually(
        async () => {
          const res = await api.call<Page<AuditRow>>("GET", `/api/audit/events?entity=user&entity_id=${agent.id}`, { token: adminToken });
          agentEvents = res.body.rows;
          expect(agentEvents.length).toBeGreaterThanOrEqual(2);
        },
        { what: "the agent's two audit events", timeoutMs: 20_000 },
      );
      expect(agentEvents.map((e) => e.event)).toEqual(["user.created", "agent.approved"]);
    }, 60_000);

    test("a second loans process shares the calls with the first", async () => {
      const second = await cluster!.start("loans", { name: "loans-b", env: { LOG_LEVEL: "debug" } });
      const customer = await api.signup("customer", email("b-customer"));
      const agent = await api.signup("agent", email("b-agent"));
      expect((await api.call("PUT", `/api/user/approve-delete/${agent.id}`, { token: adminToken })).status).toBe(200);
      const agentToken = await api.login(agent.email, PASSWORD);

      // The gateway learns of the new node from its INFO packet: wait until it called it once.
      await eventually(
        async () => {
          expect((await api.call("GET", "/api/loan/list-loans-admin-agent", { token: adminToken })).status).toBe(200);
          expect(requestsReceived(second, "loans.listAll")).toBeGreaterThan(0);
        },
        { what: "the gateway to call the second loans process", timeoutMs: 20_000 },
      );

      // The processes' logs arrive through pipes: let them catch up before each count.
      await sleep(300);
      const before = { a: requestsReceived(loans, "loans.listAll"), b: requestsReceived(second, "loans.listAll") };
      const requestsBefore = { a: requestsReceived(loans, "loans.request"), b: requestsReceived(second, "loans.request") };
      const ids: number[] = [];
      for (let i = 0; i < 30; i += 1) {
        const list = await api.call("GET", "/api/loan/list-loans-admin-agent", { token: adminToken });
        expect(list.status).toBe(200);
        if (i % 3 === 0) {
          const created = await api.call<Loan>("POST", "/api/loan/customer-loan", { token: agentToken, body: { customer_id: customer.id, principal: "10000.00", tenure_months: 12 } });
          expect(created.status).toBe(201);
          ids.push(created.body.id);
        }
      }
      await sleep(300);
      const lists = { a: requestsReceived(loans, "loans.listAll") - before.a, b: requestsReceived(second, "loans.listAll") - before.b };
      const writes = { a: requestsReceived(loans, "loans.request") - requestsBefore.a, b: requestsReceived(second, "loans.request") - requestsBefore.b };
      // Round robin: 15 and 15, give or take a few.
      expect(lists.a + lists.b).toBe(30);
      expect(Math.min(lists.a, lists.b)).toBeGreaterThanOrEqual(10);
      expect(writes.a + writes.b).toBe(10);
      expect(Math.min(writes.a, writes.b)).toBeGreaterThanOrEqual(3);

      // Both instances write to the one loans database: every loan is seen whoever answers.
      const customerToken = await api.login(customer.email, PASSWORD);
      for (let i = 0; i < 4; i += 1) {
        const list = await api.call<Page<Loan>>("GET", "/api/loan/list-loans-customer?pageSize=100", { token: customerToken });
        expect(list.body.rows.map((l) => l.id).sort((x, y) => x - y)).toEqual([...ids].sort((x, y) => x - y));
      }

      // A product change reaches both instances' memory of it (product-cache.ts's broadcast):
      // after it, every request, whichever instance serves it, uses the product as it now is.
      const code = `CLUSTER-${kind.toUpperCase()}`;
      const product = { code, name: "Cluster", min_principal: "1000.00", max_principal: "50000.00", min_tenure_months: 1, max_tenure_months: 24, rate_bands: [{ up_to: null, rate: "20.00" }] };
      expect((await api.call("POST", "/api/loan/products", { token: adminToken, body: product })).status).toBe(201);
      const rates = async () => {
        const got: string[] = [];
        for (let i = 0; i < 6; i += 1) {
          const res = await api.call<Loan>("POST", "/api/loan/customer-loan", { token: agentToken, body: { customer_id: customer.id, principal: "5000.00", tenure_months: 6, product_code: code } });
          got.push(res.status === 201 ? res.body.interest_rate : String(res.status));
        }
        return [...new Set(got)];
      };
      expect(await rates()).toEqual(["20.00"]);
      expect((await api.call("PUT", `/api/loan/products/${code}`, { token: adminToken, body: { rate_bands: [{ up_to: null, rate: "7.00" }] } })).status).toBe(200);
      await eventually(async () => expect(await rates()).toEqual(["7.00"]), { what: "both loans instances to use the changed product" });
      expect((await api.call("DELETE", `/api/loan/products/${code}`, { token: adminToken })).status).toBe(204);
      await eventually(async () => expect(await rates()).toEqual(["422"]), { what: "both loans instances to refuse the deactivated product" });

      expect(await second.stop("SIGTERM")).toMatchObject({ code: 0 });
      // With the second gone, the first serves everything again.
      expect((await api.call("GET", "/api/loan/list-loans-admin-agent", { token: adminToken })).status).toBe(200);
    }, 60_000);
  });
}
