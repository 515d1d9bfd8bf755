/** The loans service's actions through a real broker and its own PostgreSQL database. */
import type { AuthUser, Loan, User } from "../../sdk/contracts.js";
import { Client } from "pg";
import { useStack } from "../support/fixture.js";

const { stack, restart } = useStack();
let customer: User;
let agent: AuthUser;
let admin: AuthUser;

beforeAll(async () => {
  customer = await stack.broker.call("users.signup", { email: "c@example.test", password: "password-123", first_name: "C", last_name: "C", is_customer: true, is_agent: false });
  agent = { id: 4242, email: "agent@example.test", role: "agent", is_approved: true };
  admin = { id: 1, email: stack.admin.email, role: "admin", is_approved: true };
});

const request = (principal: string | number = "250000.00", tenure = 24) =>
  stack.broker.call<Loan, object>("loans.request", { customer_id: customer.id, principal, tenure_months: tenure }, { meta: { user: agent } });

test("a request is priced from the rate table and starts NEW at version 1", async () => {
  const loan = await request();
  expect(loan).toMatchObject({
    customer_id: customer.id,
    agent_id: agent.id,
    principal: "250000.00",
    interest_rate: "12.00",
    tenure_months: 24,
    emi: "11768.37",
    status: "NEW",
    version: 1,
    decided_by: null,
  });
});

test("the customer is checked with the users service", async () => {
  await expect(stack.broker.call("loans.request", { customer_id: 999999, principal: "5000", tenure_months: 12 }, { meta: { user: agent } })).rejects.toMatchObject({
    code: 422,
    data: [expect.objectContaining({ field: "customer_id" })],
  });
});

test("an edit keeps the replaced version in the history, written in the same transaction", async () => {
  const loan = await request("40000.00", 12);
  const edited = await stack.broker.call<Loan, object>("loans.edit", { id: loan.id, principal: "600000.00" }, { meta: { user: agent } });
  expect(edited).toMatchObject({ principal: "600000.00", interest_rate: "10.50", tenure_months: 12, version: 2 });
  const history = await stack.broker.call<{ rows: unknown[] }, object>("loans.history", { id: loan.id }, { meta: { user: admin } });
  expect(history.rows).toEqual([expect.objectContaining({ version: 1, principal: "40000.00", interest_rate: "14.00", emi: loan.emi, edited_by: agent.id })]);
});

test("decisions are final: a decided loan can be neither decided nor edited again", async () => {
  const loan = await request();
  const approved = await stack.broker.call<Loan, object>("loans.decide", { id: loan.id, status: "APPROVED" }, { meta: { user: admin } });
  expect(approved).toMatchObject({ status: "APPROVED", decided_by: admin.id });
  expect(approved.decided_at).not.toBeNull();
  await expect(stack.broker.call("loans.decide", { id: loan.id, status: "REJECTED" }, { meta: { user: admin } })).rejects.toMatchObject({ code: 409, type: "LOAN_ALREADY_DECIDED" });
  await expect(stack.broker.call("loans.edit", { id: loan.id, tenure_months: 12 }, { meta: { user: agent } })).rejects.toMatchObject({ code: 409, type: "LOAN_NOT_EDITABLE" });
});

test("of concurrent decisions on one loan exactly one wins (row lock)", async () => {
  const loan = await request();
  const results = await Promise.allSettled(
    Array.from({ length: 8 }, (_, i) => stack.broker.call<Loan, object>("loans.decide", { id: loan.id, status: i % 2 ? "APPROVED" : "REJECTED" }, { meta: { user: admin } })),
  );
  const won = results.filter((r) => r.status === "fulfilled");
  expect(won).toHaveLength(1);
  expect(results.filter((r) => r.status === "rejected").map((r) => (r as PromiseRejectedResult).reason.code)).toEqual(Array(7).fill(409));
});

test("concurrent edits lose no version", async () => {
  const loan = await request("100000.00", 12);
  await Promise.all(Array.from({ length: 8 }, (_, i) => stack.broker.call("loans.edit", { id: loan.id, tenure_months: 13 + i }, { meta: { user: agent } })));
  const final = await stack.broker.call<Loan, object>("loans.details", { id: loan.id }, { meta: { user: admin } });
  expect(final.version).toBe(9);
  const history = await stack.broker.call<{ rows: Array<{ version: number }> }, object>("loans.history", { id: loan.id }, { meta: { user: admin } });
  expect(history.rows.map((r) => r.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
});

test("lists filter by status and page newest first", async () => {
  const page = await stack.broker.call<{ rows: Loan[]; total: number; totalPages: number }, object>("loans.listAll", { status: "NEW", page: 1, pageSize: 2 }, { meta: { user: admin } });
  expect(page.rows).toHaveLength(2);
  expect(page.rows.every((l) => l.status === "NEW")).toBe(true);
  expect(page.rows[0]!.id).toBeGreaterThan(page.rows[1]!.id);
  expect(page.totalPages).toBe(Math.ceil(page.total / 2));
  const mine = await stack.broker.call<{ rows: Loan[] }, object>("loans.listMine", {}, { meta: { user: { id: customer.id, email: customer.email, role: "customer", is_approved: true } } });
  expect(mine.rows.length).toBeGreaterThan(0);
  expect(mine.rows.every((l) => l.customer_id === customer.id)).toBe(true);
});

test("a customer's page carries its total, past the end too, and every row as stored", async () => {
  const me = { id: customer.id, email: customer.email, role: "customer", is_approved: true };
  const db = new Client({ connectionString: stack.databases.loans });
  await db.connect();
  try {
    const { rows } = await db.query<{ n: string }>("SELECT count(*) AS n FROM loans WHERE customer_id = $1", [customer.id]);
    const total = Number(rows[0]!.n);
    await stack.broker.cacher!.clean("loans.**");
    const first = await stack.broker.call<{ rows: Loan[]; total: number; totalPages: number }, object>("loans.listMine", { page: 1, pageSize: 2 }, { meta: { user: me } });
    expect(first).toMatchObject({ total, totalPages: Math.ceil(total / 2) });
    const details = await stack.broker.call<Loan, object>("loans.details", { id: first.rows[0]!.id }, { meta: { user: admin } });
    expect(first.rows[0]).toEqual(details); // one mapping: the list's row is the details' loan
    const past = await stack.broker.call<{ rows: Loan[]; total: number }, object>("loans.listMine", { page: 1000, pageSize: 2 }, { meta: { user: me } });
    expect(past).toMatchObject({ rows: [], total });
  } finally {
    await db.end();
  }
});

test("list totals come from trigger-kept counts that match COUNT(*) per status", async () => {
  const db = new Client({ connectionString: stack.databases.loans });
  await db.connect();
  try {
    await db.query("DELETE FROM loans WHERE id = (SELECT min(id) FROM loans)"); // a write behind the service's back counts too
    const { rows } = await db.query<{ status: string; n: string }>("SELECT status, count(*) AS n FROM loans GROUP BY status");
    const actual = Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
    await stack.broker.cacher!.clean("loans.**");
    for (const status of ["NEW", "APPROVED", "REJECTED"] as const) {
      const page = await stack.broker.call<{ total: number }, object>("loans.listAll", { status }, { meta: { user: admin } });
      expect(page.total).toBe(actual[status] ?? 0);
    }
    const everything = await stack.broker.call<{ total: number }, object>("loans.listAll", {}, { meta: { user: admin } });
    expect(everything.total).toBe(Object.values(actual).reduce((a, b) => a + b, 0));
  } finally {
    await db.end();
  }
});

test("a restart on the same database finds every loan and applies no migration twice", async () => {
  const before = await stack.broker.call<{ total: number }, object>("loans.listAll", {}, { meta: { user: admin } });
  await restart();
  const after = await stack.broker.call<{ total: number }, object>("loans.listAll", {}, { meta: { user: admin } });
  expect(after.total).toBe(before.total);
});
