/**
 * A loan's transactions through the gateway on real PostgreSQL (SPEC "A loan's transactions"):
 * the disbursement fee charged, repayments paying penalty, fee, interest, principal in that
 * order, a reversal re-allocating the other repayments and reopening a CLOSED loan, a
 * back-dated repayment moving a later one, waivers, the write-off, and the race of a
 * reversal with a repayment on one loan.
 *
 * The figures are worked by hand: 12,000.00 at 12.00 % over 12 months, EMI 1066.19; the
 * first installment is 120.00 interest and 946.19 principal, the second 110.54 interest
 * (11053.81 × 1 %, half-up) and 955.65 principal; the disbursement fee is a flat 100.00.
 */
import Decimal from "decimal.js";
import { eventually } from "../support/eventually.js";
import { useStack } from "../support/fixture.js";
import { testClock } from "../support/clock.js";
import type { HttpAnswer, HttpOptions, Json } from "../support/http.js";
import { FEE_PRODUCT } from "../support/products.js";

const { api, people } = useStack({ people: true, clock: testClock });

const call = (method: string, path: string, options: HttpOptions = {}): Promise<HttpAnswer<Json>> => api.call(method, path, options);
const admin = () => people.admin.token;

function expectStatus(res: HttpAnswer<Json>, status: number): void {
  expect({ status: res.status, body: res.body }).toEqual({ status, body: res.body });
}

const PRODUCT = FEE_PRODUCT;

beforeAll(async () => {
  expectStatus(await call("POST", "/api/v1/loan/products", { token: admin(), body: PRODUCT }), 201);
});

async function activeLoan(disbursedOn = "2026-01-31", principal = "12000.00", tenure = 12): Promise<number> {
  const req = await call("POST", "/api/v1/loan/customer-loan", { token: people.agent.token, body: { customer_id: people.customer.id, principal, tenure_months: tenure, product_code: PRODUCT.code } });
  expectStatus(req, 201);
  const id = req.body.id as number;
  expectStatus(await call("PUT", `/api/v1/loan/approve-reject-loan/${id}`, { token: admin(), body: { status: "APPROVED" } }), 200);
  expectStatus(await call("PUT", `/api/v1/loan/disburse-loan/${id}`, { token: admin(), body: { disbursed_on: disbursedOn } }), 200);
  return id;
}

const repay = async (id: number, amount: string, paid_on: string): Promise<Json> => {
  const res = await call("POST", `/api/v1/loan/repayment/${id}`, { token: people.agent.token, body: { amount, paid_on } });
  expectStatus(res, 201);
  return res.body;
};
const reverse = (repaymentId: number, reason = "cheque bounced", headers: Record<string, string> = {}, token = admin()) =>
  call("POST", `/api/v1/loan/repayments/${repaymentId}/reverse`, { token, body: { reason }, headers });
const loan = async (id: number) => (await call("GET", `/api/v1/loan/loan-details/${id}`, { token: admin() })).body;
const transactions = async (id: number, token = admin()) => (await call("GET", `/api/v1/loan/transactions/${id}`, { token })).body.rows as Json[];
const repayments = async (id: number) => (await call("GET", `/api/v1/loan/repayments/${id}`, { token: admin() })).body.rows as Json[];
const parts = (r: Json) => [r.penalty_part, r.fee_part, r.interest_part, r.principal_part];
const owed = (l: Json) => [l.outstanding_principal, l.outstanding_interest, l.outstanding_fee, l.outstanding_penalty].reduce((s: Decimal, v: string) => s.plus(v), new Decimal(0)).toFixed(2);

test("disbursement charges the product's fee with the first installment; a repayment pays fee, then interest, then principal", async () => {
  const id = await activeLoan();
  const rows = await transactions(id, people.customer.token);
  expect(rows.map((t) => [t.type, t.amount, t.value_date, t.installment_number])).toEqual([
    ["DISBURSEMENT", "12000.00", "2026-01-31", null],
    ["FEE", "100.00", "2026-01-31", 1],
  ]);
  expect(await loan(id)).toMatchObject({ outstanding_principal: "12000.00", outstanding_fee: "100.00", outstanding_penalty: "0.00" });
  const paid = await repay(id, "1166.19", "2026-02-27");
  expect(parts(paid)).toEqual(["0.00", "100.00", "120.00", "946.19"]);
  expect(paid.allocation).toEqual([{ number: 1, penalty: "0.00", fee: "100.00", interest: "120.00", principal: "946.19" }]);
  const schedule = (await call("GET", `/api/v1/loan/loan-schedule/${id}?as_of=2026-03-01`, { token: admin() })).body;
  expect(schedule.rows[0]).toMatchObject({ fee: "100.00", paid_fee: "100.00", paid_interest: "120.00", paid_principal: "946.19", status: "PAID" });
  expect(schedule.totals).toMatchObject({ fee: "100.00", penalty: "0.00" });
  expect(await loan(id)).toMatchObject({ outstanding_principal: "11053.81", outstanding_fee: "0.00", next_due_date: "2026-03-31" });
});

test("reversing the first of two repayments re-allocates the second as if the first had never been made", async () => {
  const id = await activeLoan();
  const first = await repay(id, "500.00", "2026-02-10");
  const second = await repay(id, "1000.00", "2026-02-20");
  expect(parts(first)).toEqual(["0.00", "100.00", "120.00", "280.00"]);
  // the rest of installment 1's principal (666.19), installment 2's interest and 223.27 of its principal
  expect(second.allocation).toEqual([
    { number: 1, penalty: "0.00", fee: "0.00", interest: "0.00", principal: "666.19" },
    { number: 2, penalty: "0.00", fee: "0.00", interest: "110.54", principal: "223.27" },
  ]);
  const res = await reverse(first.id);
  expectStatus(res, 200);
  expect(res.body).toMatchObject({ id: first.id, reversed: true, amount: "500.00" });
  const [a, b] = await repayments(id);
  expect(a).toMatchObject({ id: first.id, reversed: true });
  expect(parts(b!)).toEqual(["0.00", "100.00", "120.00", "780.00"]);
  expect(b!.allocation).toEqual([{ number: 1, penalty: "0.00", fee: "100.00", interest: "120.00", principal: "780.00" }]);
  expect(await loan(id)).toMatchObject({ outstanding_principal: "11220.00", outstanding_fee: "0.00", next_due_date: "2026-02-28" });
  expect(await transactions(id)).toEqual(
    expect.arrayContaining([expect.objectContaining({ id: first.id, type: "REPAYMENT", reversed: true, reversal_reason: "cheque bounced", reversed_by: people.admin.id })]),
  );
  const again = await reverse(first.id);
  expectStatus(again, 409);
  expect(again.body.type).toBe("ALREADY_REVERSED");
  // The audit log shows it, with the repayment it reversed.
  await eventually(
    async () => {
      const trail = (await call("GET", `/api/v1/audit/events?entity=loan&entity_id=${id}&event=loan.repayment_reversed`, { token: admin() })).body;
      expect(trail.rows).toHaveLength(1);
      expect(trail.rows[0].after.repayment).toMatchObject({ id: first.id, reversed: true });
    },
    { what: "the reversal in the audit log" },
  );
});

test("a reversal reopens a CLOSED loan; only admins reverse; Idempotency-Key answers the same reversal", async () => {
  const id = await activeLoan("2026-01-31", "1000.00", 1);
  // 1000.00 at 1 % for one month: 10.00 interest, and the 100.00 fee
  const all = await repay(id, "1110.00", "2026-02-15");
  expect(await loan(id)).toMatchObject({ status: "CLOSED", outstanding_principal: "0.00", outstanding_fee: "0.00" });
  expectStatus(await reverse(all.id, "keyed twice", {}, people.agent.token), 403);
  const first = await reverse(all.id, "wrong account", { "idempotency-key": `reverse-${all.id}` });
  expectStatus(first, 200);
  const retried = await reverse(all.id, "wrong account", { "idempotency-key": `reverse-${all.id}` });
  expectStatus(retried, 200);
  expect(retried.body).toEqual(first.body);
  const reopened = await loan(id);
  expect(reopened).toMatchObject({ status: "ACTIVE", closed_at: null, outstanding_principal: "1000.00", outstanding_interest: "10.00", outstanding_fee: "100.00" });
  expectStatus(await reverse(999_999_999), 404);
});

test("a back-dated repayment goes first: the later one's allocation moves", async () => {
  const id = await activeLoan();
  const later = await repay(id, "1166.19", "2026-03-10");
  expect(parts(later)).toEqual(["0.00", "100.00", "120.00", "946.19"]);
  const earlier = await repay(id, "220.00", "2026-02-05");
  expect(parts(earlier)).toEqual(["0.00", "100.00", "120.00", "0.00"]);
  const moved = (await repayments(id)).find((r) => r.id === later.id)!;
  // what is left of it after installment 1's principal (946.19): installment 2's interest (110.54), then 109.46 of its principal
  expect(parts(moved)).toEqual(["0.00", "0.00", "110.54", "1055.65"]);
});

test("a waiver takes what is unpaid of a charge; nothing left is a 409; other transactions are no charge", async () => {
  const id = await activeLoan();
  await repay(id, "40.00", "2026-02-01");
  const fee = (await transactions(id)).find((t) => t.type === "FEE")!;
  const res = await call("POST", `/api/v1/loan/charges/${fee.id}/waive`, { token: admin(), body: { reason: "goodwill" } });
  expectStatus(res, 200);
  expect(res.body).toMatchObject({ type: "WAIVER", amount: "60.00", fee_part: "60.00", charge_id: fee.id, installment_number: 1, reason: "goodwill" });
  expect(await loan(id)).toMatchObject({ outstanding_fee: "0.00" });
  const again = await call("POST", `/api/v1/loan/charges/${fee.id}/waive`, { token: admin(), body: { reason: "goodwill" } });
  expectStatus(again, 409);
  expect(again.body.type).toBe("NOTHING_TO_WAIVE");
  const disbursement = (await transactions(id)).find((t) => t.type === "DISBURSEMENT")!;
  expectStatus(await call("POST", `/api/v1/loan/charges/${disbursement.id}/waive`, { token: admin(), body: { reason: "x" } }), 404);
  expectStatus(await call("POST", `/api/v1/loan/charges/${fee.id}/waive`, { token: admin(), body: {} }), 422);
  // A write-off dated before the waiver (dated today) would take the waived fee a second time.
  const early = await call("POST", `/api/v1/loan/write-off/${id}`, { token: admin(), body: { reason: "insolvent", written_off_on: "2026-06-01" } });
  expectStatus(early, 422);
  expect(early.body.data[0].field).toBe("written_off_on");
});

test("write-off: everything outstanding in one WRITE_OFF, the loan WRITTEN_OFF with nothing owed; repayments and reversals refused", async () => {
  const id = await activeLoan();
  const paid = await repay(id, "1166.19", "2026-02-27");
  const before = await loan(id);
  const future = await call("POST", `/api/v1/loan/write-off/${id}`, { token: admin(), body: { reason: "insolvent", written_off_on: "2026-06-16" } });
  expectStatus(future, 422);
  const early = await call("POST", `/api/v1/loan/write-off/${id}`, { token: admin(), body: { reason: "insolvent", written_off_on: "2026-02-20" } });
  expectStatus(early, 422);
  const res = await call("POST", `/api/v1/loan/write-off/${id}`, { token: admin(), body: { reason: "insolvent", written_off_on: "2026-06-01" } });
  expectStatus(res, 200);
  expect(res.body).toMatchObject({ status: "WRITTEN_OFF", outstanding_principal: "0.00", outstanding_interest: "0.00", outstanding_fee: "0.00", outstanding_penalty: "0.00", next_due_date: null });
  const writeOff = (await transactions(id)).find((t) => t.type === "WRITE_OFF")!;
  expect(writeOff).toMatchObject({ amount: owed(before), principal_part: before.outstanding_principal, interest_part: before.outstanding_interest, value_date: "2026-06-01", reason: "insolvent" });
  const more = await call("POST", `/api/v1/loan/repayment/${id}`, { token: people.agent.token, body: { amount: "10.00" } });
  expectStatus(more, 409);
  const reversal = await reverse(paid.id);
  expectStatus(reversal, 409);
  expect(reversal.body.type).toBe("LOAN_WRITTEN_OFF");
  const twice = await call("POST", `/api/v1/loan/write-off/${id}`, { token: admin(), body: { reason: "again" } });
  expectStatus(twice, 409);
  const listed = (await call("GET", "/api/v1/loan/list-loans-admin-agent?status=WRITTEN_OFF&pageSize=100", { token: admin() })).body.rows.map((l: Json) => l.id);
  expect(listed).toContain(id);
  const portfolio = (await call("GET", "/api/v1/loan/portfolio", { token: admin() })).body;
  expect(portfolio.by_status.WRITTEN_OFF).toBeGreaterThanOrEqual(1);
  expect(new Decimal(portfolio.written_off_principal).gte(before.outstanding_principal)).toBe(true);
});

test("a reversal racing a repayment on one loan: both applied, one after the other, the figures exact", async () => {
  const id = await activeLoan();
  const first = await repay(id, "500.00", "2026-02-10");
  const [reversed, added] = await Promise.all([reverse(first.id), call("POST", `/api/v1/loan/repayment/${id}`, { token: people.agent.token, body: { amount: "700.00", paid_on: "2026-02-12" } })]);
  expectStatus(reversed, 200);
  expectStatus(added, 201);
  // Only the 700.00 counts: fee 100.00, interest 120.00, principal 480.00.
  const rows = await repayments(id);
  expect(rows.filter((r) => !r.reversed).map(parts)).toEqual([["0.00", "100.00", "120.00", "480.00"]]);
  expect(await loan(id)).toMatchObject({ outstanding_principal: "11520.00", outstanding_fee: "0.00" });
});
