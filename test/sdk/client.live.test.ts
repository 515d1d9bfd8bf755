/**
 * The SDK against a live gateway (all services in this process, fresh databases): every
 * method, and the error class of every kind of failure.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import {
  AuthenticationError,
  ConflictError,
  ConnectionError,
  ConnectionTimeoutError,
  LoanApiError,
  LoanClient,
  NotFoundError,
  PermissionDeniedError,
  RequestAbortedError,
  ServiceUnavailableError,
  ValidationError,
  paginate,
  type ListLoansQuery,
  type Loan,
  type User,
} from "../../sdk/index.js";
import { eventually } from "../support/eventually.js";
import { useStack } from "../support/fixture.js";
import { testClock } from "../support/clock.js";

const { stack } = useStack({ clock: testClock });
let admin: LoanClient;
let run = 0;

const PASSWORD = "password-123";
const uniqueEmail = (kind: string): string => `sdk-${kind}-${process.pid}-${Date.now().toString(36)}-${++run}@example.com`;

async function caught(promise: Promise<unknown>): Promise<LoanApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof LoanApiError) return error;
    throw error;
  }
  throw new Error("expected the call to fail");
}

async function signup(kind: "customer" | "agent", client = new LoanClient({ baseUrl: stack.url })): Promise<User> {
  return client.signup({
    email: uniqueEmail(kind),
    password: PASSWORD,
    first_name: "Sam",
    last_name: kind,
    is_customer: kind === "customer",
    is_agent: kind === "agent",
  });
}

async function approvedAgent(): Promise<{ user: User; client: LoanClient }> {
  const user = await signup("agent");
  await admin.approveAgent(user.id);
  const client = new LoanClient({ baseUrl: stack.url });
  await client.login({ email: user.email, password: PASSWORD });
  return { user, client };
}

beforeAll(async () => {
  admin = new LoanClient({ baseUrl: stack.url });
  await admin.login(stack.admin);
});

describe("health and accounts", () => {
  test("health answers ok with both services", async () => {
    const health = await new LoanClient({ baseUrl: stack.url }).health();
    expect(health.status).toBe("ok");
    expect(health.services).toEqual(expect.arrayContaining(["users", "loans"]));
  });

  test("signup makes an approved customer and a pending agent, never echoing the password", async () => {
    const customer = await signup("customer");
    expect(customer).toMatchObject({ role: "customer", is_approved: true, first_name: "Sam" });
    expect(typeof customer.id).toBe("number");
    expect(JSON.stringify(customer)).not.toContain(PASSWORD);
    const agent = await signup("agent");
    expect(agent).toMatchObject({ role: "agent", is_approved: false });
  });

  test("a duplicate email is a ConflictError (409), whatever its case", async () => {
    const customer = await signup("customer");
    const error = await caught(
      new LoanClient({ baseUrl: stack.url }).signup({
        email: customer.email.toUpperCase(),
        password: PASSWORD,
        first_name: "A",
        last_name: "B",
        is_customer: true,
        is_agent: false,
      }),
    );
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ status: 409, kind: "conflict", method: "POST", path: "/api/v1/user/signup" });
    expect(error.message).toBeTruthy();
  });

  test("an invalid signup is a ValidationError listing the fields", async () => {
    const error = await caught(
      new LoanClient({ baseUrl: stack.url }).signup({
        email: "not-an-email",
        password: "short",
        first_name: "A",
        last_name: "B",
        is_customer: true,
        is_agent: false,
      }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.status).toBe(422);
    const fields = (error as ValidationError).fields.map((f) => f.field);
    expect(fields).toEqual(expect.arrayContaining(["email", "password"]));
  });

  test("login keeps the token for the calls that follow; profile answers the user", async () => {
    const customer = await signup("customer");
    const client = new LoanClient({ baseUrl: stack.url });
    expect(client.token).toBeUndefined();
    const session = await client.login({ email: customer.email, password: PASSWORD });
    expect(session).toMatchObject({ token_type: "Bearer", user: { id: customer.id, role: "customer" } });
    expect(session.expires_in).toBeGreaterThan(0);
    expect(client.token).toBe(session.token);
    await expect(client.profile()).resolves.toMatchObject({ id: customer.id, email: customer.email });
    // the token can be handed to another client
    await expect(new LoanClient({ baseUrl: stack.url, token: session.token }).profile()).resolves.toMatchObject({ id: customer.id });
  });

  test("bad credentials and missing tokens are AuthenticationErrors (401)", async () => {
    const customer = await signup("customer");
    const wrong = await caught(new LoanClient({ baseUrl: stack.url }).login({ email: customer.email, password: "wrong-password" }));
    const unknown = await caught(new LoanClient({ baseUrl: stack.url }).login({ email: uniqueEmail("nobody"), password: PASSWORD }));
    expect(wrong).toBeInstanceOf(AuthenticationError);
    expect(wrong).toMatchObject({ status: 401, kind: "unauthorized" });
    expect(unknown.message).toBe(wrong.message);
    const anonymous = await caught(new LoanClient({ baseUrl: stack.url }).profile());
    expect(anonymous).toBeInstanceOf(AuthenticationError);
    const forged = await caught(new LoanClient({ baseUrl: stack.url, token: "not.a.token" }).profile());
    expect(forged).toBeInstanceOf(AuthenticationError);
  });

  test("an agent waiting for approval cannot log in: PermissionDeniedError (403)", async () => {
    const agent = await signup("agent");
    const error = await caught(new LoanClient({ baseUrl: stack.url }).login({ email: agent.email, password: PASSWORD }));
    expect(error).toBeInstanceOf(PermissionDeniedError);
    expect(error).toMatchObject({ status: 403, kind: "forbidden" });
  });

  test("changePassword answers nothing (204); the new password works, the old one not", async () => {
    const customer = await signup("customer");
    const client = new LoanClient({ baseUrl: stack.url });
    await client.login({ email: customer.email, password: PASSWORD });
    await expect(client.changePassword({ current_password: PASSWORD, new_password: "a-new-password-1" })).resolves.toBeUndefined();
    await expect(new LoanClient({ baseUrl: stack.url }).login({ email: customer.email, password: "a-new-password-1" })).resolves.toBeTruthy();
    const old = await caught(new LoanClient({ baseUrl: stack.url }).login({ email: customer.email, password: PASSWORD }));
    expect(old).toBeInstanceOf(AuthenticationError);
  });
});

describe("admin work", () => {
  test("approvals: list, approve, then the agent logs in", async () => {
    const agent = await signup("agent");
    const pending = await admin.listApprovals({ pageSize: 100 });
    expect(pending.rows.map((u) => u.id)).toContain(agent.id);
    expect(pending).toMatchObject({ page: 1, pageSize: 100 });
    const approved = await admin.approveAgent(agent.id);
    expect(approved).toMatchObject({ id: agent.id, is_approved: true });
    const after = await admin.listApprovals({ pageSize: 100 });
    expect(after.rows.map((u) => u.id)).not.toContain(agent.id);
    await expect(new LoanClient({ baseUrl: stack.url }).login({ email: agent.email, password: PASSWORD })).resolves.toBeTruthy();
  });

  test("deleteAgent answers nothing (204) and the agent's token stops working at once", async () => {
    const { user, client } = await approvedAgent();
    await expect(client.profile()).resolves.toMatchObject({ id: user.id });
    await expect(admin.deleteAgent(user.id)).resolves.toBeUndefined();
    const error = await caught(client.profile());
    expect(error).toBeInstanceOf(AuthenticationError);
    const again = await caught(admin.deleteAgent(user.id));
    expect(again).toBeInstanceOf(NotFoundError);
  });

  test("listUsers filters by role and pages", async () => {
    await signup("customer");
    await signup("customer");
    const page = await admin.listUsers({ role: "customer", page: 1, pageSize: 1 });
    expect(page.rows).toHaveLength(1);
    expect(page.rows[0]!.role).toBe("customer");
    expect(page.pageSize).toBe(1);
    expect(page.total).toBeGreaterThanOrEqual(2);
    expect(page.totalPages).toBe(page.total);
    const admins = await admin.listUsers({ role: "admin" });
    expect(admins.rows.map((u) => u.email)).toContain(stack.admin.email);
    expect(admins.rows.every((u) => u.role === "admin")).toBe(true);
  });

  test("createAdmin makes an admin who can log in; others may not create admins", async () => {
    const email = uniqueEmail("admin");
    const created = await admin.createAdmin({ email, password: PASSWORD, first_name: "Ada", last_name: "Min" });
    expect(created).toMatchObject({ email, role: "admin", is_approved: true });
    const customer = await signup("customer");
    const client = new LoanClient({ baseUrl: stack.url });
    await client.login({ email: customer.email, password: PASSWORD });
    const error = await caught(client.createAdmin({ email: uniqueEmail("admin"), password: PASSWORD, first_name: "A", last_name: "B" }));
    expect(error).toBeInstanceOf(PermissionDeniedError);
  });

  test("listCustomers answers customers only, for agents and admins", async () => {
    const customer = await signup("customer");
    const { client } = await approvedAgent();
    const all: User[] = [];
    for await (const user of paginate((q) => client.listCustomers(q))) all.push(user);
    expect(all.map((u) => u.id)).toContain(customer.id);
    expect(all.every((u) => u.role === "customer")).toBe(true);
    await expect(admin.listCustomers()).resolves.toMatchObject({ page: 1 });
  });
});

describe("loans", () => {
  let agent: LoanClient;
  let customer: User;
  let customerClient: LoanClient;

  beforeAll(async () => {
    agent = (await approvedAgent()).client;
    customer = await signup("customer");
    customerClient = new LoanClient({ baseUrl: stack.url });
    await customerClient.login({ email: customer.email, password: PASSWORD });
  });

  const request = (principal: string | number = "250000.00", tenure = 24): Promise<Loan> => agent.requestLoan({ customer_id: customer.id, principal, tenure_months: tenure });

  test("requestLoan answers a NEW loan with decimal strings and the spec's EMI", async () => {
    const loan = await request();
    expect(loan).toMatchObject({
      customer_id: customer.id,
      principal: "250000.00",
      interest_rate: "12.00",
      tenure_months: 24,
      emi: "11768.37",
      status: "NEW",
      version: 1,
      decided_by: null,
    });
    // a number is accepted and answered as a two-place string
    await expect(request(60000, 12)).resolves.toMatchObject({ principal: "60000.00", interest_rate: "12.00" });
  });

  test("a loan for someone who is not a customer, or out of range, is a ValidationError", async () => {
    const notCustomer = await caught(agent.requestLoan({ customer_id: (await signup("agent")).id, principal: "5000.00", tenure_months: 12 }));
    expect(notCustomer).toBeInstanceOf(ValidationError);
    expect(notCustomer.kind).toBe("validation");
    const tooSmall = await caught(request("10.00", 12));
    expect(tooSmall).toBeInstanceOf(ValidationError);
    expect((tooSmall as ValidationError).fields.map((f) => f.field)).toContain("principal");
    const tooLong = await caught(request("5000.00", 361));
    expect((tooLong as ValidationError).fields.map((f) => f.field)).toContain("tenure_months");
  });

  test("a customer may not request loans (403)", async () => {
    const error = await caught(customerClient.requestLoan({ customer_id: customer.id, principal: "5000.00", tenure_months: 12 }));
    expect(error).toBeInstanceOf(PermissionDeniedError);
  });

  test("editLoan makes a new version and keeps the old one in the history", async () => {
    const loan = await request("250000.00", 24);
    const edited = await agent.editLoan(loan.id, { principal: "600000.00", tenure_months: 36 });
    expect(edited).toMatchObject({ id: loan.id, principal: "600000.00", interest_rate: "10.50", tenure_months: 36, version: 2 });
    const history = await agent.loanHistory(loan.id);
    expect(history.rows).toHaveLength(1);
    expect(history.rows[0]).toMatchObject({ version: 1, principal: "250000.00", emi: "11768.37", status: "NEW" });
    await expect(customerClient.loanHistory(loan.id)).resolves.toMatchObject({ rows: [{ version: 1 }] });
  });

  test("decideLoan: only an admin, only once (409 after)", async () => {
    const loan = await request();
    const byCustomer = await caught(customerClient.decideLoan(loan.id, { status: "APPROVED" }));
    expect(byCustomer).toBeInstanceOf(PermissionDeniedError);
    const decided = await admin.decideLoan(loan.id, { status: "APPROVED" });
    expect(decided).toMatchObject({ status: "APPROVED", decided_by: expect.any(Number) });
    expect(decided.decided_at).toBeTruthy();
    const again = await caught(admin.decideLoan(loan.id, { status: "REJECTED" }));
    expect(again).toBeInstanceOf(ConflictError);
    expect(again.status).toBe(409);
    const edit = await caught(agent.editLoan(loan.id, { tenure_months: 12 }));
    expect(edit).toBeInstanceOf(ConflictError);
  });

  test("getLoan for the loan's customer and staff; a missing loan is a NotFoundError", async () => {
    const loan = await request();
    await expect(customerClient.getLoan(loan.id)).resolves.toMatchObject({ id: loan.id });
    await expect(admin.getLoan(loan.id)).resolves.toMatchObject({ id: loan.id });
    const missing = await caught(admin.getLoan(99_999_999));
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing).toMatchObject({ status: 404, kind: "not_found", path: "/api/v1/loan/loan-details/99999999" });
  });

  test("listLoans filters by status and pages; listMyLoans answers the customer's own", async () => {
    const loan = await request();
    const rejected = await admin.decideLoan((await request()).id, { status: "REJECTED" });
    const fresh: Loan[] = [];
    for await (const row of paginate((q) => admin.listLoans({ ...q, status: "NEW" }))) fresh.push(row);
    expect(fresh.map((l) => l.id)).toContain(loan.id);
    expect(fresh.every((l) => l.status === "NEW")).toBe(true);
    const onlyRejected = await agent.listLoans({ status: "REJECTED", pageSize: 100 });
    expect(onlyRejected.rows.map((l) => l.id)).toContain(rejected.id);
    const small = await admin.listLoans({ page: 1, pageSize: 2 });
    expect(small.rows.length).toBeLessThanOrEqual(2);
    expect(small).toMatchObject({ page: 1, pageSize: 2 });

    const mine = await customerClient.listMyLoans({ pageSize: 100 });
    expect(mine.rows.length).toBeGreaterThan(0);
    expect(mine.rows.every((l) => l.customer_id === customer.id)).toBe(true);
    const other = await signup("customer");
    const otherClient = new LoanClient({ baseUrl: stack.url });
    await otherClient.login({ email: other.email, password: PASSWORD });
    await expect(otherClient.listMyLoans()).resolves.toMatchObject({ rows: [], total: 0 });
    const forbidden = await caught(otherClient.getLoan(loan.id));
    expect([403, 404]).toContain(forbidden.status);
  });

  test("listAuditEvents: every change of a loan, oldest first, for admins only", async () => {
    const loan = await request();
    await agent.editLoan(loan.id, { tenure_months: 36 });
    await admin.decideLoan(loan.id, { status: "APPROVED" });
    // the audit log is fed asynchronously (through the services' outboxes)
    const events = await eventually(
      async () => {
        const events = await admin.listAuditEvents({ entity: "loan", entity_id: loan.id });
        expect(events.total).toBeGreaterThanOrEqual(3);
        return events;
      },
      { what: "the loan's three audit events" },
    );
    expect(events.rows.map((e) => e.event)).toEqual(["loan.created", "loan.updated", "loan.decided"]);
    expect(events.rows[2]).toMatchObject({ entity: "loan", entity_id: loan.id, actor_id: expect.any(Number) });
    const decided = await admin.listAuditEvents({ event: "loan.decided", pageSize: 100 });
    expect(decided.rows.map((e) => e.entity_id)).toContain(loan.id);
    expect(decided.rows.every((e) => e.event === "loan.decided")).toBe(true);
    const denied = await caught(agent.listAuditEvents());
    expect(denied).toBeInstanceOf(PermissionDeniedError);
  });

  test("an unknown status filter is a ValidationError", async () => {
    const error = await caught(admin.listLoans({ status: "PAID" } as unknown as ListLoansQuery));
    expect(error).toBeInstanceOf(ValidationError);
  });

  test("servicing: disburseLoan, loanSchedule, recordRepayment, listRepayments, portfolio", async () => {
    const loan = await request("1000.00", 1);
    await admin.decideLoan(loan.id, { status: "APPROVED" });
    const projected = await customerClient.loanSchedule(loan.id, { as_of: "2026-03-15" });
    expect(projected).toMatchObject({ disbursed_on: null, rows: [{ number: 1, due_date: "2026-04-15", installment: "1011.67" }] });
    const active = await admin.disburseLoan(loan.id, { disbursed_on: "2026-03-15" });
    expect(active).toMatchObject({ status: "ACTIVE", disbursed_on: "2026-03-15", outstanding_principal: "1000.00", outstanding_interest: "11.67" });
    // one key for every retry of the call: a repeated call with the same key is one repayment
    const first = await agent.recordRepayment(loan.id, { amount: "11.67", paid_on: "2026-04-01" }, { idempotencyKey: "sdk-pay-1" });
    const again = await agent.recordRepayment(loan.id, { amount: "11.67", paid_on: "2026-04-01" }, { idempotencyKey: "sdk-pay-1" });
    expect(again.id).toBe(first.id);
    expect(first).toMatchObject({ amount: "11.67", principal_part: "0.00", interest_part: "11.67", allocation: [{ number: 1, principal: "0.00", interest: "11.67" }] });
    expect((await customerClient.loanSchedule(loan.id, { as_of: "2026-05-01" })).days_past_due).toBe(16);
    const overdue = await agent.listLoans({ overdue: true, as_of: "2026-05-01", pageSize: 100 });
    expect(overdue.rows.map((l) => l.id)).toContain(loan.id);
    expect((await customerClient.listMyLoans({ overdue: true, as_of: "2026-04-15" })).rows.map((l) => l.id)).not.toContain(loan.id);
    const tooMuch = await caught(agent.recordRepayment(loan.id, { amount: "1000.01" }));
    expect(tooMuch).toBeInstanceOf(ValidationError);
    expect(tooMuch.data).toEqual([expect.objectContaining({ field: "amount" })]);
    await agent.recordRepayment(loan.id, { amount: 1000 });
    expect((await customerClient.getLoan(loan.id)).status).toBe("CLOSED");
    expect((await customerClient.listRepayments(loan.id)).rows.map((r) => r.amount)).toEqual(["11.67", "1000.00"]);
    expect(await caught(agent.recordRepayment(loan.id, { amount: "1.00" }))).toBeInstanceOf(ConflictError);
    const book = await admin.portfolio({ as_of: "2026-05-01" });
    expect(book.by_status.CLOSED).toBeGreaterThanOrEqual(1);
    expect(await caught(agent.portfolio())).toBeInstanceOf(PermissionDeniedError);
  });

  test("the ledger: ledgerEntries, trialBalance, ledgerAccounts and reconcile, for admins only", async () => {
    const loan = await request("2000.00", 2);
    await admin.decideLoan(loan.id, { status: "APPROVED" });
    await admin.disburseLoan(loan.id, { disbursed_on: "2026-03-15" });
    const paid = await agent.recordRepayment(loan.id, { amount: "100.00", paid_on: "2026-04-01" });
    // The ledger posts from the loans outbox, a moment after the commit.
    const entries = await eventually(
      async () => {
        const page = await admin.ledgerEntries({ loan_id: loan.id });
        expect(page.total).toBe(2);
        return page;
      },
      { what: "the loan's two ledger entries" },
    );
    expect(entries.rows.map((e) => [e.kind, e.value_date, e.lines.map((l) => `${l.account} ${l.debit} ${l.credit}`)])).toEqual([
      ["DISBURSEMENT", "2026-03-15", ["1100 2000.00 0.00", "1000 0.00 2000.00"]],
      ["REPAYMENT", "2026-04-01", ["1000 100.00 0.00", "1100 0.00 76.67", "4000 0.00 23.33"]],
    ]);
    expect(entries.rows[1]!.transaction_id).toBe(paid.id);
    expect(await admin.ledgerEntries({ loan_id: loan.id, from: "2026-03-16" })).toMatchObject({ total: 1 });
    const trial = await admin.trialBalance();
    expect(trial.balanced).toBe(true);
    expect(trial.total_debit).toBe(trial.total_credit);
    const before = await admin.ledgerAccounts({ as_of: "1999-12-31" });
    expect(before.rows.map((r) => r.balance)).toEqual(["0.00", "0.00", "0.00", "0.00", "0.00", "0.00"]);
    const check = await eventually(
      async () => {
        const r = await admin.reconcile();
        expect(r).toMatchObject({ mismatches: [], pending_events: 0 });
        return r;
      },
      { what: "the ledger reconciled" },
    );
    expect(check.loans_checked).toBeGreaterThanOrEqual(1);
    expect(await caught(agent.trialBalance())).toBeInstanceOf(PermissionDeniedError);
    expect(await caught(admin.ledgerEntries({ from: "2026-05-01", to: "2026-04-01" }))).toBeInstanceOf(ValidationError);
  });
});

describe("failures without an answer", () => {
  test("a closed port is a ConnectionError with the system code", async () => {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const client = new LoanClient({ baseUrl: `http://127.0.0.1:${port}`, maxRetries: 0 });
    const error = await caught(client.health());
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ kind: "connection", status: undefined });
    expect((error as ConnectionError).code).toBe("ECONNREFUSED");
  });

  test("no answer in time is a ConnectionTimeoutError; the caller's signal a RequestAbortedError", async () => {
    const sockets = new Set<import("node:net").Socket>();
    const server = http.createServer(() => undefined); // never answers
    server.on("connection", (socket) => sockets.add(socket));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const slow = await caught(new LoanClient({ baseUrl: url, timeout: 150, maxRetries: 0 }).profile());
      expect(slow).toBeInstanceOf(ConnectionTimeoutError);
      expect(slow.kind).toBe("timeout");
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 50);
      const aborted = await caught(new LoanClient({ baseUrl: url }).profile({ signal: controller.signal }));
      expect(aborted).toBeInstanceOf(RequestAbortedError);
      expect(aborted.kind).toBe("aborted");
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

// last: it takes the loans service down
describe("a service down", () => {
  test("health answers 503 with the services still up: ServiceUnavailableError", async () => {
    const loans = stack.broker.getLocalService("loans");
    expect(loans).toBeTruthy();
    await stack.broker.destroyService(loans!);
    const health = await caught(new LoanClient({ baseUrl: stack.url, maxRetries: 0 }).health());
    expect(health).toBeInstanceOf(ServiceUnavailableError);
    expect(health).toMatchObject({ status: 503, kind: "unavailable", data: { status: "degraded", services: ["users"] } });
    // a loan endpoint answers 503 at once, not 404 or a hang
    const loan = await caught(admin.getLoan(1, { maxRetries: 0 }));
    expect(loan).toBeInstanceOf(ServiceUnavailableError);
    expect(loan).toMatchObject({ status: 503, type: "SERVICE_UNAVAILABLE" });
    // the users service still answers
    await expect(admin.profile()).resolves.toMatchObject({ role: "admin" });
  });
});
