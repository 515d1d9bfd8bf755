/**
 * The audit log: every domain event recorded once, with who, what, when, before and after,
 * and none lost while the audit service is down (the publishers' outboxes keep them).
 */
import type { Service } from "moleculer";
import type { AuditEvent, AuthUser, Loan, Page, User } from "../../sdk/contracts.js";
import { eventually } from "../support/eventually.js";
import { useStack } from "../support/fixture.js";
import { Api } from "../support/http.js";

const { stack } = useStack();
let customer: User;
const agent: AuthUser = { id: 77, email: "agent@example.test", role: "agent", is_approved: true };
let admin: AuthUser;

beforeAll(async () => {
  customer = await stack.broker.call("users.signup", { email: "audit-c@example.test", password: "password-123", first_name: "C", last_name: "C", is_customer: true, is_agent: false });
  const [found] = await stack.broker.call<User[], object>("users.find", { query: { role: "admin" } });
  admin = { id: found!.id, email: found!.email, role: "admin", is_approved: true };
});

const requestLoan = () => stack.broker.call<Loan, object>("loans.request", { customer_id: customer.id, principal: "20000.00", tenure_months: 12 }, { meta: { user: agent } });
const auditOf = (entity: "loan" | "user", id: number) => stack.broker.call<Page<AuditEvent>, object>("audit.listEvents", { entity, entity_id: id, pageSize: 100 });

/** The audit log of an entity, once it holds `total` events (the outboxes relay them). */
const auditHolds = (entity: "loan" | "user", id: number, total: number) =>
  eventually(
    async () => {
      const log = await auditOf(entity, id);
      expect(log.total).toBe(total);
      return log;
    },
    { what: `${total} audit event(s) of ${entity} ${id}` },
  );

test("a loan's life is recorded: who, what, when, before and after", async () => {
  const loan = await requestLoan();
  await stack.broker.call("loans.edit", { id: loan.id, tenure_months: 24 }, { meta: { user: agent } });
  await stack.broker.call("loans.decide", { id: loan.id, status: "APPROVED" }, { meta: { user: admin } });
  const log = await auditHolds("loan", loan.id, 3);
  expect(log.rows.map((e) => [e.event, e.actor_id])).toEqual([
    ["loan.created", agent.id],
    ["loan.updated", agent.id],
    ["loan.decided", admin.id],
  ]);
  expect(log.rows[1]).toMatchObject({ before: { tenure_months: 12, version: 1 }, after: { tenure_months: 24, version: 2 } });
  expect(log.rows[2]).toMatchObject({ before: { status: "NEW" }, after: { status: "APPROVED", decided_by: admin.id } });
});

test("user events are recorded without any password material", async () => {
  const log = await auditHolds("user", customer.id, 1);
  expect(log.rows[0]).toMatchObject({ event: "user.created", after: { id: customer.id, email: customer.email } });
  expect(JSON.stringify(log.rows)).not.toMatch(/password|\$2[aby]\$/);
});

test("no event is lost while the audit service is down", async () => {
  await stack.broker.destroyService(stack.broker.getLocalService("audit") as Service);
  const loans = await Promise.all(Array.from({ length: 5 }, requestLoan));
  for (const loan of loans) await stack.broker.call("loans.decide", { id: loan.id, status: "REJECTED" }, { meta: { user: admin } });

  stack.createService("audit");
  await stack.broker.waitForServices(["audit"]);
  for (const loan of loans) {
    const log = await auditHolds("loan", loan.id, 2);
    expect(log.rows.map((e) => e.event)).toEqual(["loan.created", "loan.decided"]);
  }
});

test("a redelivered event is kept once", async () => {
  const event = { id: 999_001, event: "loan.created" as const, payload: { actor_id: 1, loan: { id: 424242 } }, occurred_at: new Date().toISOString() };
  expect(await stack.broker.call("audit.record", { source: "loans", events: [event] })).toEqual({ recorded: 1 });
  expect(await stack.broker.call("audit.record", { source: "loans", events: [event] })).toEqual({ recorded: 0 });
  expect((await auditOf("loan", 424242)).total).toBe(1);
});

test("an event it does not know is acknowledged and skipped, the rest of its batch recorded", async () => {
  // A newer publisher's event: refusing the batch would stall that publisher's delivery to audit.
  const occurred_at = new Date().toISOString();
  const unknown = { id: 999_100, event: "loan.renamed", version: 1, payload: { actor_id: 1, loan: { id: 424243 } }, occurred_at };
  const known = { id: 999_101, event: "loan.created", version: 1, payload: { actor_id: 1, loan: { id: 424243 } }, occurred_at };
  expect(await stack.broker.call("audit.record", { source: "loans", events: [unknown, known] })).toEqual({ recorded: 1 });
  expect((await auditOf("loan", 424243)).rows.map((e) => e.event)).toEqual(["loan.created"]);
});

test("admins read the log through the gateway; nobody else does", async () => {
  const api = new Api(stack.url);
  const adminToken = await api.login(stack.admin.email, stack.admin.password);
  const customerToken = await api.login(customer.email, "password-123");
  const res = await api.call("GET", `/api/audit/events?entity=user&entity_id=${customer.id}&page=1`, { token: adminToken });
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ total: 1, page: 1, pageSize: 20, rows: [expect.objectContaining({ event: "user.created" })] });
  expect((await api.call("GET", "/api/audit/events", { token: customerToken })).status).toBe(403);
  expect((await api.call("GET", "/api/audit/events")).status).toBe(401);
  expect((await api.call("GET", "/api/audit/events?entity=account", { token: adminToken })).status).toBe(422);
});
