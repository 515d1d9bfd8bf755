/**
 * Loan servicing through a real broker on its own PostgreSQL database: the full cycle to
 * CLOSED with exact totals, partial and early payments, arrears as of a later date, the
 * row lock under concurrent disbursements and repayments, retried repayments, the events
 * in the audit log, and the list cache. Figures checked against Python's decimal module.
 */
import Decimal from "decimal.js";
import type { AuthUser, Loan, LoanSchedule, Page, Portfolio, Repayment, RepaymentsResponse, User } from "../../sdk/contracts.js";
import { eventually } from "../support/eventually.js";
import { useStack } from "../support/fixture.js";
import { testClock } from "../support/clock.js";

const { stack } = useStack({ clock: testClock });
let customer: User;
let agent: AuthUser;
let admin: AuthUser;

beforeAll(async () => {
  customer = await stack.broker.call("users.signup", { email: "servicing@example.test", password: "password-123", first_name: "S", last_name: "C", is_customer: true, is_agent: false });
  agent = { id: 4242, email: "agent@example.test", role: "agent", is_approved: true };
  admin = { id: 1, email: stack.admin.email, role: "admin", is_approved: true };
});

interface CallOptions {
  key?: string;
  /** The id the gateway gives an HTTP request's write (a Moleculer retry of the call keeps it). */
  writeId?: string;
}
function call<T>(action: string, params: object, user: AuthUser = admin, options: CallOptions = {}): Promise<T> {
  return stack.broker.call<T, object>(action, params, { meta: { user, ...(options.key && { idempotencyKey: options.key }), ...(options.writeId && { writeId: options.writeId }) } });
}

async function approvedLoan(principal = "250000.00", tenure = 24): Promise<Loan> {
  const loan = await call<Loan>("loans.request", { customer_id: customer.id, principal, tenure_months: tenure }, agent);
  return call<Loan>("loans.decide", { id: loan.id, status: "APPROVED" });
}

async function activeLoan(disbursedOn: string, principal = "250000.00", tenure = 24): Promise<Loan> {
  const loan = await approvedLoan(principal, tenure);
  return call<Loan>("loans.disburse", { id: loan.id, disbursed_on: disbursedOn });
}

const repay = (id: number, amount: string, paid_on?: string, options?: CallOptions) => call<Repayment>("loans.repay", { id, amount, ...(paid_on && { paid_on }) }, agent, options);
const schedule = (id: number, as_of?: string) => call<LoanSchedule>("loans.schedule", { id, ...(as_of && { as_of }) });
const details = (id: number) => call<Loan>("loans.details", { id });

/** Waits for the audit log to hold `count` events of a loan (the outbox relays them). */
async function auditEvents(loanId: number, event: string, count: number): Promise<number> {
  return eventually(
    async () => {
      const { total } = await call<Page<unknown>>("audit.listEvents", { entity: "loan", entity_id: loanId, event });
      expect(total).toBeGreaterThanOrEqual(count);
      return total;
    },
    { what: `${count} ${event} event(s) of loan ${loanId} in the audit log` },
  );
}

test("disbursement: ACTIVE, its schedule stored as figures on the loan, the first due date next", async () => {
  const approved = await approvedLoan();
  expect(approved).toMatchObject({ disbursed_on: null, closed_at: null, outstanding_principal: null, next_due_date: null, days_past_due: null });
  const loan = await call<Loan>("loans.disburse", { id: approved.id, disbursed_on: "2026-01-31" });
  expect(loan).toMatchObject({ status: "ACTIVE", disbursed_on: "2026-01-31", closed_at: null, outstanding_principal: "250000.00", outstanding_interest: "32440.84", next_due_date: "2026-02-28" });
  // Today (2026-06-15, the stack's clock) it is past due since 2026-02-28, with nothing paid.
  expect(loan.days_past_due).toBe(107);
  const s = await schedule(loan.id, "2026-02-01");
  expect(s).toMatchObject({
    loan_id: loan.id,
    disbursed_on: "2026-01-31",
    as_of: "2026-02-01",
    totals: { principal: "250000.00", interest: "32440.84", installment: "282440.84", fee: "0.00", penalty: "0.00" },
    overdue_amount: "0.00",
    days_past_due: 0,
  });
  expect(s.rows).toHaveLength(24);
  expect(s.rows[0]).toEqual({
    number: 1,
    due_date: "2026-02-28",
    installment: "11768.37",
    principal: "9268.37",
    interest: "2500.00",
    balance: "240731.63",
    fee: "0.00",
    penalty: "0.00",
    paid_principal: "0.00",
    paid_interest: "0.00",
    paid_fee: "0.00",
    paid_penalty: "0.00",
    status: "DUE",
  });
  expect(s.rows[23]).toMatchObject({ number: 24, due_date: "2028-01-31", installment: "11768.33", principal: "11651.81", interest: "116.52", balance: "0.00" });
  expect(await auditEvents(loan.id, "loan.disbursed", 1)).toBe(1);
});

test("before disbursement the schedule is a projection as if disbursed on as_of", async () => {
  const loan = await approvedLoan("100000.00", 12);
  const s = await schedule(loan.id, "2026-01-31");
  expect(s).toMatchObject({
    disbursed_on: null,
    as_of: "2026-01-31",
    outstanding_principal: "100000.00",
    outstanding_interest: "6618.53",
    next_due_date: "2026-02-28",
    overdue_amount: "0.00",
    days_past_due: 0,
  });
  expect(s.rows.map((r) => r.status)).toEqual(Array(12).fill("DUE"));
});

test("the full cycle: every installment paid on its date, then CLOSED with the totals exact", async () => {
  const loan = await activeLoan("2024-01-31");
  const plan = await schedule(loan.id);
  for (const row of plan.rows) await repay(loan.id, row.installment, row.due_date);
  const closed = await details(loan.id);
  expect(closed).toMatchObject({ status: "CLOSED", outstanding_principal: "0.00", outstanding_interest: "0.00", next_due_date: null, days_past_due: 0 });
  expect(closed.closed_at).not.toBeNull();
  const { rows } = await call<RepaymentsResponse>("loans.repayments", { id: loan.id });
  expect(rows).toHaveLength(24);
  const sum = (pick: (r: Repayment) => string) => rows.reduce((acc, r) => acc.plus(pick(r)), new Decimal(0)).toFixed(2);
  expect([sum((r) => r.amount), sum((r) => r.principal_part), sum((r) => r.interest_part)]).toEqual(["282440.84", "250000.00", "32440.84"]);
  expect(rows[0]).toMatchObject({
    amount: "11768.37",
    principal_part: "9268.37",
    interest_part: "2500.00",
    paid_on: "2024-02-29",
    recorded_by: agent.id,
    allocation: [{ number: 1, principal: "9268.37", interest: "2500.00" }],
  });
  expect(rows[23]).toMatchObject({ amount: "11768.33", principal_part: "11651.81", interest_part: "116.52", paid_on: "2026-01-31" });
  const after = await schedule(loan.id);
  expect(after.rows.map((r) => r.status)).toEqual(Array(24).fill("PAID"));
  // Nothing more can be paid: a CLOSED loan is not repayable.
  await expect(repay(loan.id, "0.01")).rejects.toMatchObject({ code: 409, type: "LOAN_NOT_REPAYABLE" });
  expect(await auditEvents(loan.id, "loan.repaid", 24)).toBe(24);
  expect(await auditEvents(loan.id, "loan.closed", 1)).toBe(1);
});

test("partial and early payments: in due order, interest first; one payment over several installments", async () => {
  const loan = await activeLoan("2026-01-31");
  const first = await repay(loan.id, "5000.00", "2026-02-10");
  expect(first).toMatchObject({ amount: "5000.00", principal_part: "2500.00", interest_part: "2500.00", allocation: [{ number: 1, principal: "2500.00", interest: "2500.00" }] });
  expect((await schedule(loan.id, "2026-02-15")).rows[0]).toMatchObject({ status: "PARTIAL", paid_principal: "2500.00", paid_interest: "2500.00" });
  // 25000.00 more: the rest of 1 (6768.37), all of 2 (11768.37), and 6463.26 of 3
  const second = await repay(loan.id, "25000.00", "2026-02-20");
  expect(second.allocation).toEqual([
    { number: 1, principal: "6768.37", interest: "0.00", fee: "0.00", penalty: "0.00" },
    { number: 2, principal: "9361.05", interest: "2407.32", fee: "0.00", penalty: "0.00" },
    { number: 3, principal: "4149.55", interest: "2313.71", fee: "0.00", penalty: "0.00" },
  ]);
  const s = await schedule(loan.id, "2026-02-20");
  expect(s.rows.slice(0, 4).map((r) => r.status)).toEqual(["PAID", "PAID", "PARTIAL", "DUE"]);
  expect(s).toMatchObject({ outstanding_principal: "227221.03", outstanding_interest: "25219.81", next_due_date: "2026-04-30", overdue_amount: "0.00", days_past_due: 0 });
  expect(await details(loan.id)).toMatchObject({ outstanding_principal: "227221.03", outstanding_interest: "25219.81", next_due_date: "2026-04-30" });
});

test("arrears as of a later date: overdue rows, the amount, days past due; the overdue list", async () => {
  const loan = await activeLoan("2026-01-31");
  await repay(loan.id, "16768.37", "2026-02-28"); // installment 1 and 5000.00 of 2
  const s = await schedule(loan.id, "2026-05-15");
  expect(s.rows.slice(0, 4).map((r) => r.status)).toEqual(["PAID", "OVERDUE", "OVERDUE", "DUE"]);
  expect(s).toMatchObject({ next_due_date: "2026-03-31", overdue_amount: "18536.74", days_past_due: 45, outstanding_principal: "238138.95", outstanding_interest: "27533.52" });
  const overdue = await call<Page<Loan>>("loans.listAll", { overdue: true, as_of: "2026-05-15", pageSize: 100 });
  const listed = overdue.rows.find((l) => l.id === loan.id);
  expect(listed).toMatchObject({ days_past_due: 45, next_due_date: "2026-03-31" });
  expect(overdue.rows.every((l) => l.status === "ACTIVE" && l.next_due_date! < "2026-05-15")).toBe(true);
  expect(overdue.total).toBe(overdue.rows.length);
  // most overdue first
  const dues = overdue.rows.map((l) => l.next_due_date!);
  expect([...dues].sort()).toEqual(dues);
  const before = await call<Page<Loan>>("loans.listAll", { overdue: true, as_of: "2026-03-31", pageSize: 100 });
  expect(before.rows.map((l) => l.id)).not.toContain(loan.id); // due that day: not yet overdue
  expect((await call<Page<Loan>>("loans.listAll", { overdue: true, status: "CLOSED" })).total).toBe(0);
});

test("10 concurrent repayments are all applied, the sum exact", async () => {
  const loan = await activeLoan("2026-01-31");
  const results = await Promise.all(Array.from({ length: 10 }, (_, i) => repay(loan.id, `${1000 + i}.01`, "2026-03-01")));
  expect(new Set(results.map((r) => r.id)).size).toBe(10);
  const { rows } = await call<RepaymentsResponse>("loans.repayments", { id: loan.id });
  const paid = rows.reduce((acc, r) => acc.plus(r.amount), new Decimal(0));
  expect(paid.toFixed(2)).toBe("10045.10");
  const after = await details(loan.id);
  expect(new Decimal(after.outstanding_principal!).plus(after.outstanding_interest!).toFixed(2)).toBe(new Decimal("282440.84").minus(paid).toFixed(2));
  // serialised: the allocations follow one another without a gap or an overlap
  const allocated = rows.flatMap((r) => r.allocation).reduce((acc, a) => acc.plus(a.principal).plus(a.interest), new Decimal(0));
  expect(allocated.toFixed(2)).toBe("10045.10");
});

test("of 10 concurrent disbursements one wins, the others are 409", async () => {
  const loan = await approvedLoan();
  const results = await Promise.allSettled(Array.from({ length: 10 }, () => call<Loan>("loans.disburse", { id: loan.id, disbursed_on: "2026-02-01" })));
  expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
  expect(results.filter((r) => r.status === "rejected").map((r) => (r as PromiseRejectedResult).reason.type)).toEqual(Array(9).fill("LOAN_NOT_DISBURSABLE"));
  expect(await auditEvents(loan.id, "loan.disbursed", 1)).toBe(1);
});

test("a retried repayment is applied once: same Idempotency-Key, or the same request retried by Moleculer", async () => {
  const loan = await activeLoan("2026-01-31");
  const once = await Promise.all([repay(loan.id, "100.00", undefined, { key: "pay-1" }), repay(loan.id, "100.00", undefined, { key: "pay-1" })]);
  expect(once[1].id).toBe(once[0].id);
  const retried = [await repay(loan.id, "200.00", undefined, { writeId: "req-77" }), await repay(loan.id, "200.00", undefined, { writeId: "req-77" })];
  expect(retried[1].id).toBe(retried[0].id);
  const { rows } = await call<RepaymentsResponse>("loans.repayments", { id: loan.id });
  expect(rows.map((r) => r.amount)).toEqual(["100.00", "200.00"]);
  // the same key for another loan is refused rather than answered with the first loan's repayment
  const other = await activeLoan("2026-01-31");
  await expect(repay(other.id, "100.00", undefined, { key: "pay-1" })).rejects.toMatchObject({ code: 422, type: "IDEMPOTENCY_KEY_MISMATCH" });
  // a retried disbursement answers the loan, not 409
  const approved = await approvedLoan();
  const d1 = await call<Loan>("loans.disburse", { id: approved.id }, admin, { key: "out-1" });
  const d2 = await call<Loan>("loans.disburse", { id: approved.id }, admin, { key: "out-1" });
  expect(d2).toMatchObject({ status: "ACTIVE", disbursed_on: d1.disbursed_on });
});

test("state guards: disburse only APPROVED, repay only ACTIVE (named 409s)", async () => {
  const fresh = await call<Loan>("loans.request", { customer_id: customer.id, principal: "5000.00", tenure_months: 6 }, agent);
  await expect(call("loans.disburse", { id: fresh.id })).rejects.toMatchObject({ code: 409, type: "LOAN_NOT_DISBURSABLE", data: { status: "NEW" } });
  await expect(repay(fresh.id, "10.00")).rejects.toMatchObject({ code: 409, type: "LOAN_NOT_REPAYABLE", data: { status: "NEW" } });
  const approved = await approvedLoan("5000.00", 6);
  await expect(repay(approved.id, "10.00")).rejects.toMatchObject({ code: 409, type: "LOAN_NOT_REPAYABLE", data: { status: "APPROVED" } });
  const rejected = await call<Loan>("loans.request", { customer_id: customer.id, principal: "5000.00", tenure_months: 6 }, agent);
  await call("loans.decide", { id: rejected.id, status: "REJECTED" });
  await expect(call("loans.disburse", { id: rejected.id })).rejects.toMatchObject({ code: 409, type: "LOAN_NOT_DISBURSABLE" });
  const active = await activeLoan("2026-01-31", "5000.00", 6);
  await expect(call("loans.disburse", { id: active.id })).rejects.toMatchObject({ code: 409, type: "LOAN_NOT_DISBURSABLE", data: { status: "ACTIVE" } });
  await expect(call("loans.edit", { id: active.id, tenure_months: 12 }, agent)).rejects.toMatchObject({ code: 409, type: "LOAN_NOT_EDITABLE" });
});

test("amounts and dates: more than outstanding, before disbursement, in the future → 422 naming the field", async () => {
  const loan = await activeLoan("2026-01-31", "1000.00", 1); // 1011.67 in all
  await expect(repay(loan.id, "1011.68")).rejects.toMatchObject({ code: 422, data: [expect.objectContaining({ field: "amount", type: "moneyMax" })] });
  await expect(repay(loan.id, "5.00", "2026-01-30")).rejects.toMatchObject({ code: 422, data: [expect.objectContaining({ field: "paid_on", type: "dateMin" })] });
  await expect(repay(loan.id, "5.00", "2999-01-01")).rejects.toMatchObject({ code: 422, data: [expect.objectContaining({ field: "paid_on", type: "dateMax" })] });
  const paidOnDisbursementDay = await repay(loan.id, "5.00", "2026-01-31");
  expect(paidOnDisbursementDay.paid_on).toBe("2026-01-31");
  // the last cent closes it
  await repay(loan.id, "1006.66");
  expect((await details(loan.id)).status).toBe("ACTIVE");
  await repay(loan.id, "0.01");
  expect((await details(loan.id)).status).toBe("CLOSED");
  const approved = await approvedLoan();
  await expect(call("loans.disburse", { id: approved.id, disbursed_on: "2999-01-01" })).rejects.toMatchObject({ code: 422, data: [expect.objectContaining({ field: "disbursed_on" })] });
  await expect(call("loans.disburse", { id: approved.id, disbursed_on: "2026-02-30" })).rejects.toMatchObject({ code: 422, data: [expect.objectContaining({ field: "disbursed_on" })] });
});

test("the list cache is cleared by disbursements and repayments", async () => {
  const loan = await approvedLoan();
  const listed = async (status: string) => (await call<Page<Loan>>("loans.listAll", { status, pageSize: 100 })).rows.find((l) => l.id === loan.id);
  expect(await listed("ACTIVE")).toBeUndefined(); // cached now
  await call("loans.disburse", { id: loan.id, disbursed_on: "2026-01-31" });
  expect(await listed("ACTIVE")).toMatchObject({ outstanding_principal: "250000.00" });
  await repay(loan.id, "11768.37", "2026-02-28");
  expect(await listed("ACTIVE")).toMatchObject({ outstanding_principal: "240731.63", next_due_date: "2026-03-31" });
});

test("today is the stack's clock (2026-06-15): the default dates, the last date allowed, days past due, the schedule's as_of", async () => {
  const approved = await approvedLoan("1000.00", 1);
  await expect(call("loans.disburse", { id: approved.id, disbursed_on: "2026-06-16" })).rejects.toMatchObject({
    code: 422,
    data: [expect.objectContaining({ field: "disbursed_on", type: "dateMax" })],
  });
  const loan = await call<Loan>("loans.disburse", { id: approved.id });
  expect(loan).toMatchObject({ disbursed_on: "2026-06-15", next_due_date: "2026-07-15", days_past_due: 0 });
  await expect(repay(loan.id, "1.00", "2026-06-16")).rejects.toMatchObject({ code: 422, data: [expect.objectContaining({ field: "paid_on", type: "dateMax" })] });
  expect((await repay(loan.id, "1.00")).paid_on).toBe("2026-06-15");
  expect(await schedule(loan.id)).toMatchObject({ as_of: "2026-06-15", days_past_due: 0 });
  expect((await call<Portfolio>("loans.portfolio", {})).as_of).toBe("2026-06-15");
  expect((await details((await activeLoan("2026-05-14", "1000.00", 1)).id)).days_past_due).toBe(1);
});
