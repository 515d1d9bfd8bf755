/**
 * Close of business through the gateway on real PostgreSQL (SPEC "A loan's transactions"):
 * which installments owe a penalty by a date, each charged once whatever runs repeat or
 * overlap, a run racing repayments, the run's progress, and its bad input.
 *
 * Today is 2026-06-15 (the pinned clock). Each loan: 12,000.00 at 12.00 % over 12 months
 * (EMI 1066.19) disbursed 2026-01-31, so its installments fall due 02-28, 03-31, 04-30,
 * 05-31, 06-30…; the product's penalty is 25.00 after 5 days' grace, so installment k's
 * penalty is dated 03-06, 04-06, 05-06, 06-06 for k = 1…4.
 */
import { useStack } from "../support/fixture.js";
import { testClock } from "../support/clock.js";
import type { HttpAnswer, HttpOptions, Json } from "../support/http.js";
import { eventually } from "../support/eventually.js";
import { LATE_PENALTY_PRODUCT } from "../support/products.js";

const { api, people } = useStack({ people: true, clock: testClock, env: { COB_BATCH_SIZE: "2", COB_AT: "off" } });

const call = (method: string, path: string, options: HttpOptions = {}): Promise<HttpAnswer<Json>> => api.call(method, path, options);
const admin = () => people.admin.token;

function expectStatus(res: HttpAnswer<Json>, status: number): void {
  expect({ status: res.status, body: res.body }).toEqual({ status, body: res.body });
}

const PRODUCT = LATE_PENALTY_PRODUCT;

beforeAll(async () => {
  expectStatus(await call("POST", "/api/v1/loan/products", { token: admin(), body: PRODUCT }), 201);
});

async function activeLoan(product = PRODUCT.code): Promise<number> {
  const req = await call("POST", "/api/v1/loan/customer-loan", {
    token: people.agent.token,
    body: { customer_id: people.customer.id, principal: "12000.00", tenure_months: 12, product_code: product },
  });
  expectStatus(req, 201);
  const id = req.body.id as number;
  expectStatus(await call("PUT", `/api/v1/loan/approve-reject-loan/${id}`, { token: admin(), body: { status: "APPROVED" } }), 200);
  expectStatus(await call("PUT", `/api/v1/loan/disburse-loan/${id}`, { token: admin(), body: { disbursed_on: "2026-01-31" } }), 200);
  return id;
}

const repay = async (id: number, amount: string, paid_on: string) => expectStatus(await call("POST", `/api/v1/loan/repayment/${id}`, { token: people.agent.token, body: { amount, paid_on } }), 201);
const penalties = async (id: number) =>
  ((await call("GET", `/api/v1/loan/transactions/${id}`, { token: admin() })).body.rows as Json[]).filter((t) => t.type === "PENALTY").map((t) => [t.installment_number, t.value_date, t.amount]);

/** Starts a run and waits for it to finish; answers the finished run. */
async function runCob(business_date?: string): Promise<Json> {
  const res = await call("POST", "/api/v1/loan/close-of-business", { token: admin(), body: business_date ? { business_date } : {} });
  expectStatus(res, 202);
  expect(res.headers.get("location")).toBe(`/api/v1/loan/close-of-business/${res.body.id}`);
  return eventually(
    async () => {
      const run = (await call("GET", `/api/v1/loan/close-of-business/${res.body.id}`, { token: admin() })).body;
      expect(run.status).toBe("DONE");
      return run;
    },
    { what: `close-of-business run ${res.body.id} done`, timeoutMs: 30_000 },
  );
}

test("a run charges each installment not paid by the end of its grace, dated the day after, once; a rerun charges nothing", async () => {
  const unpaid = await activeLoan();
  const onTime = await activeLoan();
  await repay(onTime, "1066.19", "2026-02-27");
  const late = await activeLoan();
  await repay(late, "1066.19", "2026-03-10");
  const standard = await activeLoan("STANDARD");

  const run = await runCob("2026-05-31");
  expect(run).toMatchObject({ business_date: "2026-05-31", status: "DONE" });
  expect(run.loans_done).toBeGreaterThanOrEqual(3);
  expect(await penalties(unpaid)).toEqual([
    [1, "2026-03-06", "25.00"],
    [2, "2026-04-06", "25.00"],
    [3, "2026-05-06", "25.00"],
  ]);
  expect(await penalties(onTime)).toEqual([
    [2, "2026-04-06", "25.00"],
    [3, "2026-05-06", "25.00"],
  ]);
  // Paid after its grace: the penalty is owed all the same, and that repayment now pays it first.
  expect(await penalties(late)).toEqual([
    [1, "2026-03-06", "25.00"],
    [2, "2026-04-06", "25.00"],
    [3, "2026-05-06", "25.00"],
  ]);
  const [moved] = (await call("GET", `/api/v1/loan/repayments/${late}`, { token: admin() })).body.rows;
  expect(moved).toMatchObject({ penalty_part: "25.00", interest_part: "120.00", principal_part: "921.19" });
  expect(await penalties(standard)).toEqual([]);
  expect((await call("GET", `/api/v1/loan/loan-details/${unpaid}`, { token: admin() })).body).toMatchObject({ outstanding_penalty: "75.00" });

  // The next day's run (the default: yesterday, 2026-06-14) adds installment 4's, and only it.
  const next = await runCob();
  expect(next.business_date).toBe("2026-06-14");
  expect(await penalties(unpaid)).toHaveLength(4);
  const again = await runCob("2026-06-14");
  expect(again.penalties_charged).toBe(0);
  expect(await penalties(unpaid)).toHaveLength(4);
  // The audit log shows them, as close of business's (no actor).
  await eventually(
    async () => {
      const trail = (await call("GET", `/api/v1/audit/events?entity=loan&entity_id=${unpaid}&event=loan.charged`, { token: admin() })).body;
      expect(trail.rows).toHaveLength(2);
      expect(trail.rows[0].actor_id).toBeNull();
    },
    { what: "loan.charged in the audit log" },
  );
});

test("two runs for one date at once, racing repayments: every penalty charged exactly once, every repayment applied", async () => {
  const loans = await Promise.all([activeLoan(), activeLoan(), activeLoan(), activeLoan(), activeLoan()]);
  const [a, b] = await Promise.all([
    call("POST", "/api/v1/loan/close-of-business", { token: admin(), body: { business_date: "2026-06-14" } }),
    call("POST", "/api/v1/loan/close-of-business", { token: admin(), body: { business_date: "2026-06-14" } }),
    ...loans.map((id) => repay(id, "100.00", "2026-06-15")),
  ]);
  for (const res of [a!, b!]) {
    expectStatus(res, 202);
    await eventually(async () => expect((await call("GET", `/api/v1/loan/close-of-business/${res.body.id}`, { token: admin() })).body.status).toBe("DONE"), {
      what: "both runs done",
      timeoutMs: 30_000,
    });
  }
  for (const id of loans) {
    expect((await penalties(id)).map((p) => p[0])).toEqual([1, 2, 3, 4]);
    // 4 × 25.00 charged, whichever came first; the 100.00 dated today fills installment 1 first: its penalty, then 75.00 of its interest.
    expect((await call("GET", `/api/v1/loan/loan-details/${id}`, { token: admin() })).body).toMatchObject({ outstanding_penalty: "75.00", outstanding_interest: "719.23" });
  }
});

test("runs are listed newest first; a future date or not a date is a 422; only admins run it", async () => {
  const list = (await call("GET", "/api/v1/loan/close-of-business?pageSize=2", { token: admin() })).body;
  expect(list.rows).toHaveLength(2);
  expect(list.rows[0].id).toBeGreaterThan(list.rows[1].id);
  expectStatus(await call("POST", "/api/v1/loan/close-of-business", { token: admin(), body: { business_date: "2026-06-16" } }), 422);
  expectStatus(await call("POST", "/api/v1/loan/close-of-business", { token: admin(), body: { business_date: "2026-02-30" } }), 422);
  expectStatus(await call("POST", "/api/v1/loan/close-of-business", { token: people.agent.token, body: {} }), 403);
  expectStatus(await call("GET", "/api/v1/loan/close-of-business/999999", { token: admin() }), 404);
});
