/**
 * Loan servicing end to end through the gateway over HTTP: the full cycle to CLOSED with
 * exact totals, partial and early payments, arrears as of a later date, concurrency (the
 * row lock seen from clients), retried repayments, the audit trail, and every bad input
 * of the issue with its status and named field.
 */
import Decimal from "decimal.js";
import { eventually } from "../support/eventually.js";
import { useStack } from "../support/fixture.js";
import { TEST_TODAY, testClock } from "../support/clock.js";
import type { HttpAnswer, HttpOptions, Json } from "../support/http.js";

const { api, people } = useStack({ people: true, clock: testClock });

const call = (method: string, path: string, options: HttpOptions = {}): Promise<HttpAnswer<Json>> => api.call(method, path, options);

function expectStatus(res: HttpAnswer<Json>, status: number): void {
  expect({ status: res.status, body: res.body }).toEqual({ status, body: res.body });
}

function expectError(res: HttpAnswer<Json>, status: number, field?: string): void {
  expectStatus(res, status);
  expect(res.body).toEqual(expect.objectContaining({ name: expect.any(String), message: expect.any(String), code: status, type: expect.any(String) }));
  if (field) expect(res.body.data.map((d: { field: string }) => d.field)).toContain(field);
}

async function newLoan(principal = "250000.00", tenure = 24): Promise<number> {
  const res = await call("POST", "/api/loan/customer-loan", { token: people.agent.token, body: { customer_id: people.customer.id, principal, tenure_months: tenure } });
  expectStatus(res, 201);
  return res.body.id;
}

async function approvedLoan(principal?: string, tenure?: number): Promise<number> {
  const id = await newLoan(principal, tenure);
  expectStatus(await call("PUT", `/api/loan/approve-reject-loan/${id}`, { token: people.admin.token, body: { status: "APPROVED" } }), 200);
  return id;
}

async function activeLoan(disbursedOn: string, principal?: string, tenure?: number): Promise<number> {
  const id = await approvedLoan(principal, tenure);
  expectStatus(await disburse(id, { disbursed_on: disbursedOn }), 200);
  return id;
}

const disburse = (id: number, body: object = {}, token = people.admin.token) => call("PUT", `/api/loan/disburse-loan/${id}`, { token, body });
const repay = (id: number, body: object, options: { token?: string; key?: string } = {}) =>
  call("POST", `/api/loan/repayment/${id}`, { token: options.token ?? people.agent.token, body, headers: options.key ? { "idempotency-key": options.key } : {} });
const schedule = (id: number, query = "") => call("GET", `/api/loan/loan-schedule/${id}${query}`, { token: people.customer.token });
const loan = async (id: number) => (await call("GET", `/api/loan/loan-details/${id}`, { token: people.customer.token })).body;

describe("the loan's life", () => {
  test("request → approve → disburse → every installment paid → CLOSED, the totals exact to the cent", async () => {
    const id = await approvedLoan();
    const disbursed = await disburse(id, { disbursed_on: "2024-01-31" });
    expectStatus(disbursed, 200);
    expect(disbursed.body).toMatchObject({ status: "ACTIVE", disbursed_on: "2024-01-31", outstanding_principal: "250000.00", outstanding_interest: "32440.84", next_due_date: "2024-02-29" });
    const plan = (await schedule(id)).body;
    expect(plan.rows.map((r: { due_date: string }) => r.due_date).slice(0, 3)).toEqual(["2024-02-29", "2024-03-31", "2024-04-30"]);
    let principal = new Decimal(0);
    let interest = new Decimal(0);
    for (const row of plan.rows) {
      const res = await repay(id, { amount: row.installment, paid_on: row.due_date });
      expectStatus(res, 201);
      expect(res.headers.get("location")).toBe(`/api/v1/loan/repayment/${res.body.id}`);
      expect(res.body.allocation).toEqual([{ number: row.number, principal: row.principal, interest: row.interest, fee: "0.00", penalty: "0.00" }]);
      principal = principal.plus(res.body.principal_part);
      interest = interest.plus(res.body.interest_part);
    }
    expect([principal.toFixed(2), interest.toFixed(2)]).toEqual(["250000.00", "32440.84"]);
    const closed = await loan(id);
    expect(closed).toMatchObject({ status: "CLOSED", outstanding_principal: "0.00", outstanding_interest: "0.00", next_due_date: null, days_past_due: 0 });
    expect(closed.closed_at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    const final = (await schedule(id)).body;
    expect(final).toMatchObject({ outstanding_principal: "0.00", outstanding_interest: "0.00", overdue_amount: "0.00", next_due_date: null });
    expect(final.rows.map((r: { status: string }) => r.status)).toEqual(Array(24).fill("PAID"));
    const repayments = await call("GET", `/api/loan/repayments/${id}`, { token: people.customer.token });
    expect(repayments.body.rows).toHaveLength(24);
    expect(Object.keys(repayments.body.rows[0]).sort()).toEqual([
      "allocation",
      "amount",
      "created_at",
      "fee_part",
      "id",
      "interest_part",
      "loan_id",
      "paid_on",
      "penalty_part",
      "principal_part",
      "recorded_by",
      "reversed",
    ]);
    // listed as CLOSED, and the audit trail holds the whole life
    const closedList = await call("GET", "/api/loan/list-loans-admin-agent?status=CLOSED&pageSize=100", { token: people.agent.token });
    expect(closedList.body.rows.map((l: { id: number }) => l.id)).toContain(id);
    const trail = async () => (await call("GET", `/api/audit/events?entity=loan&entity_id=${id}&pageSize=100`, { token: people.admin.token })).body;
    const events = await eventually(
      async () => {
        const events = await trail();
        expect(events.total).toBeGreaterThanOrEqual(28);
        return events;
      },
      { what: "the loan's 28 audit events" },
    );
    const names: string[] = events.rows.map((e: { event: string }) => e.event);
    expect(names.filter((n) => n === "loan.repaid")).toHaveLength(24);
    expect(names.slice(0, 3)).toEqual(["loan.created", "loan.decided", "loan.disbursed"]);
    expect(names.filter((n) => n === "loan.closed")).toHaveLength(1);
    const repaid = events.rows.find((e: { event: string }) => e.event === "loan.repaid");
    expect(repaid).toMatchObject({ actor_id: people.agent.id, before: { outstanding_principal: "250000.00" }, after: { outstanding_principal: "240731.63", repayment: { amount: "11768.37" } } });
  });

  test("partial and early payments: PARTIAL before the date, several installments at once, the loan's figures follow", async () => {
    const id = await activeLoan("2026-01-31");
    expectStatus(await repay(id, { amount: "5000.00", paid_on: "2026-02-10" }), 201);
    const early = await repay(id, { amount: 25000, paid_on: "2026-02-20" });
    expectStatus(early, 201);
    expect(early.body).toMatchObject({ amount: "25000.00", principal_part: "20278.97", interest_part: "4721.03" });
    const s = (await schedule(id, "?as_of=2026-02-20")).body;
    expect(s.rows.slice(0, 4).map((r: { status: string }) => r.status)).toEqual(["PAID", "PAID", "PARTIAL", "DUE"]);
    expect(s.rows[2]).toMatchObject({ paid_principal: "4149.55", paid_interest: "2313.71" });
    expect(await loan(id)).toMatchObject({ outstanding_principal: "227221.03", outstanding_interest: "25219.81", next_due_date: "2026-04-30" });
  });

  test("overdue as of a later date: the schedule's arrears, the list's ?overdue=true&as_of, and the loan's days past due", async () => {
    const id = await activeLoan("2026-01-31");
    expectStatus(await repay(id, { amount: "16768.37", paid_on: "2026-02-28" }), 201);
    const s = (await schedule(id, "?as_of=2026-05-15")).body;
    expect(s).toMatchObject({ as_of: "2026-05-15", next_due_date: "2026-03-31", overdue_amount: "18536.74", days_past_due: 45 });
    expect(s.rows.slice(0, 4).map((r: { status: string }) => r.status)).toEqual(["PAID", "OVERDUE", "OVERDUE", "DUE"]);
    const list = await call("GET", "/api/loan/list-loans-admin-agent?overdue=true&as_of=2026-05-15&pageSize=100", { token: people.admin.token });
    expectStatus(list, 200);
    expect(list.body.rows.find((l: { id: number }) => l.id === id)).toMatchObject({ days_past_due: 45, outstanding_principal: "238138.95" });
    const mine = await call("GET", "/api/loan/list-loans-customer?overdue=true&as_of=2026-03-31", { token: people.customer.token });
    expect(mine.body.rows.map((l: { id: number }) => l.id)).not.toContain(id);
    const today = TEST_TODAY; // the stack's clock
    const daysSince = (d: string) => Math.round((Date.parse(today) - Date.parse(d)) / 86_400_000);
    expect((await loan(id)).days_past_due).toBe(daysSince("2026-03-31"));
  });
});

describe("concurrency", () => {
  test("10 concurrent repayments: all applied, the sum exact", async () => {
    const id = await activeLoan("2026-01-31");
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => repay(id, { amount: `${(i + 1) * 111}.11`, paid_on: "2026-03-01" })));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(201));
    const sum = answers.reduce((acc, a) => acc.plus(a.body.amount), new Decimal(0));
    expect(sum.toFixed(2)).toBe("6106.10");
    const after = await loan(id);
    expect(new Decimal(after.outstanding_principal).plus(after.outstanding_interest).toFixed(2)).toBe(new Decimal("282440.84").minus(sum).toFixed(2));
    expect((await call("GET", `/api/loan/repayments/${id}`, { token: people.admin.token })).body.rows).toHaveLength(10);
  });

  test("10 concurrent disbursements: one wins, nine 409", async () => {
    const id = await approvedLoan();
    const answers = await Promise.all(Array.from({ length: 10 }, () => disburse(id, { disbursed_on: "2026-02-01" })));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    for (const a of answers.filter((x) => x.status !== 200)) {
      expectError(a, 409);
      expect(a.body.type).toBe("LOAN_NOT_DISBURSABLE");
    }
  });

  test("a repayment retried with its Idempotency-Key is applied once, concurrently or not", async () => {
    const id = await activeLoan("2026-01-31");
    const first = await Promise.all([repay(id, { amount: "300.00" }, { key: "till-1" }), repay(id, { amount: "300.00" }, { key: "till-1" })]);
    expect(first.map((a) => a.status)).toEqual([201, 201]);
    expect(first[1]!.body.id).toBe(first[0]!.body.id);
    const later = await repay(id, { amount: "300.00" }, { key: "till-1" });
    expect(later.body.id).toBe(first[0]!.body.id);
    expect((await call("GET", `/api/loan/repayments/${id}`, { token: people.admin.token })).body.rows).toHaveLength(1);
    expect((await loan(id)).outstanding_interest).toBe("32140.84");
  });

  test("a key used for a repayment of one loan, sent for another → 422 IDEMPOTENCY_KEY_MISMATCH, nothing applied", async () => {
    const [a, b] = [await activeLoan("2026-01-31"), await activeLoan("2026-01-31")];
    expectStatus(await repay(a, { amount: "10.00" }, { key: "reused-1" }), 201);
    const before = await loan(b);
    const res = await repay(b, { amount: "10.00" }, { key: "reused-1" });
    expectError(res, 422, "Idempotency-Key");
    expect(res.body.type).toBe("IDEMPOTENCY_KEY_MISMATCH");
    expect(await loan(b)).toEqual(before);
    expect((await call("GET", `/api/loan/repayments/${b}`, { token: people.admin.token })).body.rows).toHaveLength(0);
  });

  test("retries racing the repayment that closes the loan answer that repayment, not 409", async () => {
    // The retries wait for the loan's lock while the first one closes it: they must still
    // find the repayment their key made, although the loan is no longer repayable.
    const id = await activeLoan("2026-01-31", "1000.00", 1);
    const answers = await Promise.all(Array.from({ length: 10 }, () => repay(id, { amount: "1011.67" }, { key: "closing-1" })));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(201));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect((await call("GET", `/api/loan/repayments/${id}`, { token: people.admin.token })).body.rows).toHaveLength(1);
    expect((await loan(id)).status).toBe("CLOSED");
  });
});

describe("bad input", () => {
  let active: number;
  beforeAll(async () => {
    active = await activeLoan("2026-01-31", "1000.00", 1); // 1011.67 in all
  });

  test.each([
    ["zero", "0"],
    ["zero as a number", 0],
    ["negative", "-5.00"],
    ["negative number", -1],
    ["three decimals", "1.234"],
    ["three decimals as a number", 1.234],
    ["more than the outstanding total", "1011.68"],
    ["not a number", "abc"],
    ["a boolean", true],
    ["null", null],
    ["an object", { value: 1 }],
    ["an exponent", "1e3"],
  ])("amount %s → 422 naming amount", async (_name, amount) => {
    expectError(await repay(active, { amount }), 422, "amount");
  });

  test("no amount → 422 naming amount", async () => {
    expectError(await repay(active, {}), 422, "amount");
  });

  test.each([
    ["in the future", "2999-01-01"],
    ["before the disbursement", "2026-01-30"],
    ["not a real date", "2026-02-30"],
    ["not a date", "yesterday"],
    ["a timestamp", "2026-03-01T10:00:00Z"],
    ["a number", 20260301],
  ])("paid_on %s → 422 naming paid_on", async (_name, paid_on) => {
    expectError(await repay(active, { amount: "1.00", paid_on }), 422, "paid_on");
  });

  test.each([
    ["in the future", "2999-01-01"],
    ["not a real date", "2025-02-29"],
    ["not a date", "soon"],
  ])("disbursed_on %s → 422 naming disbursed_on", async (_name, disbursed_on) => {
    const id = await approvedLoan();
    expectError(await disburse(id, { disbursed_on }), 422, "disbursed_on");
    expect((await loan(id)).status).toBe("APPROVED");
  });

  test("as_of not a date → 422 naming as_of on the schedule, the lists and the portfolio; overdue not a boolean → 422", async () => {
    expectError(await schedule(active, "?as_of=2026-13-01"), 422, "as_of");
    expectError(await call("GET", "/api/loan/list-loans-admin-agent?overdue=true&as_of=tomorrow", { token: people.admin.token }), 422, "as_of");
    expectError(await call("GET", "/api/loan/portfolio?as_of=2026-02-30", { token: people.admin.token }), 422, "as_of");
    expectError(await call("GET", "/api/loan/list-loans-admin-agent?overdue=maybe", { token: people.admin.token }), 422, "overdue");
    expectError(await call("GET", "/api/loan/list-loans-admin-agent?status=PAID", { token: people.admin.token }), 422, "status");
  });

  test("repaying a NEW, APPROVED or CLOSED loan → 409; disbursing anything but APPROVED → 409", async () => {
    const fresh = await newLoan();
    const approved = await approvedLoan();
    const rejected = await newLoan();
    await call("PUT", `/api/loan/approve-reject-loan/${rejected}`, { token: people.admin.token, body: { status: "REJECTED" } });
    const closed = await activeLoan("2026-01-31", "1000.00", 1);
    expectStatus(await repay(closed, { amount: "1011.67" }), 201);
    for (const id of [fresh, approved, closed]) {
      const res = await repay(id, { amount: "1.00" });
      expectError(res, 409);
      expect(res.body.type).toBe("LOAN_NOT_REPAYABLE");
    }
    for (const id of [fresh, rejected, active, closed]) {
      const res = await disburse(id);
      expectError(res, 409);
      expect(res.body.type).toBe("LOAN_NOT_DISBURSABLE");
    }
    // 409 comes before the amount's ceiling: a CLOSED loan has nothing outstanding
    expect((await repay(closed, { amount: "5.00" })).body.type).toBe("LOAN_NOT_REPAYABLE");
  });

  test("a customer repaying or disbursing → 403, and nothing changed; a missing loan → 404", async () => {
    const id = await approvedLoan();
    expectError(await disburse(id, {}, people.customer.token), 403);
    expectError(await repay(active, { amount: "1.00" }, { token: people.customer.token }), 403);
    expectError(await repay(active, { amount: "1.00" }, { token: people.pendingAgent.token }), 403);
    expect((await loan(id)).status).toBe("APPROVED");
    expect((await call("GET", `/api/loan/repayments/${active}`, { token: people.admin.token })).body.rows).toHaveLength(0);
    expectError(await repay(99999999, { amount: "1.00" }), 404);
    expectError(await disburse(99999999), 404);
    expectError(await schedule(99999999), 404);
  });
});

test("the portfolio answers the book's figures as two-place strings", async () => {
  const res = await call("GET", "/api/loan/portfolio?as_of=2026-06-15", { token: people.admin.token });
  expectStatus(res, 200);
  expect(Object.keys(res.body).sort()).toEqual(["active_outstanding_principal", "as_of", "by_status", "overdue_amount", "par30", "written_off_principal"]);
  expect(Object.keys(res.body.by_status).sort()).toEqual(["ACTIVE", "APPROVED", "CLOSED", "NEW", "REJECTED", "WRITTEN_OFF"]);
  for (const money of [res.body.active_outstanding_principal, res.body.overdue_amount, res.body.par30]) expect(money).toMatch(/^\d+\.\d{2}$/);
  expect(Number(res.body.par30)).toBeLessThanOrEqual(100);
});
