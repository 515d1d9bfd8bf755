/**
 * The portfolio against a hand-computed book (figures from Python's decimal module), then
 * the SQL that computes arrears for the whole book held against the schedule computed per
 * loan, over disbursements on the 29th/30th/31st, leap days and partial payments.
 */
import Decimal from "decimal.js";
import type { AuthUser, Loan, LoanSchedule, Page, Portfolio, User } from "../../sdk/contracts.js";
import { useStack } from "../support/fixture.js";
import { testClock } from "../support/clock.js";

const { stack } = useStack({ clock: testClock });
let customer: User;
const agent: AuthUser = { id: 77, email: "agent@example.test", role: "agent", is_approved: true };
let admin: AuthUser;

beforeAll(async () => {
  customer = await stack.broker.call("users.signup", { email: "book@example.test", password: "password-123", first_name: "B", last_name: "C", is_customer: true, is_agent: false });
  admin = { id: 1, email: stack.admin.email, role: "admin", is_approved: true };
});

const call = <T>(action: string, params: object, user: AuthUser = admin) => stack.broker.call<T, object>(action, params, { meta: { user } });

async function loan(principal: string, tenure: number, state: "NEW" | "APPROVED" | "REJECTED" | { disbursed_on: string; paid?: string }): Promise<Loan> {
  const created = await call<Loan>("loans.request", { customer_id: customer.id, principal, tenure_months: tenure }, agent);
  if (state === "NEW") return created;
  const decided = await call<Loan>("loans.decide", { id: created.id, status: state === "REJECTED" ? "REJECTED" : "APPROVED" });
  if (typeof state === "string") return decided;
  await call("loans.disburse", { id: created.id, disbursed_on: state.disbursed_on });
  if (state.paid) await call("loans.repay", { id: created.id, amount: state.paid, paid_on: state.disbursed_on }, agent);
  return call<Loan>("loans.details", { id: created.id });
}

test("a hand-computed book as of 2026-06-15", async () => {
  await loan("250000.00", 24, { disbursed_on: "2026-01-31", paid: "11768.37" }); // 76 days past due, owes 35305.11
  await loan("100000.00", 12, { disbursed_on: "2026-05-20" }); // first due 2026-06-20: not overdue
  await loan("40000.00", 6, { disbursed_on: "2026-04-10", paid: "6941.52" }); // 5 days past due, owes 6941.52
  await loan("600000.00", 12, { disbursed_on: "2025-12-31", paid: "158767.48" }); // 3 EMIs + 100.00: 46 days, owes 105678.32
  const closed = await loan("1000.00", 1, { disbursed_on: "2026-01-15", paid: "1011.67" });
  expect(closed.status).toBe("CLOSED");
  await loan("5000.00", 6, "NEW");
  await loan("5000.00", 6, "APPROVED");
  await loan("5000.00", 6, "REJECTED");
  const book = await call<Portfolio>("loans.portfolio", { as_of: "2026-06-15" });
  expect(book).toEqual({
    as_of: "2026-06-15",
    by_status: { NEW: 1, APPROVED: 1, REJECTED: 1, ACTIVE: 4, CLOSED: 1, WRITTEN_OFF: 0 },
    active_outstanding_principal: "830085.13",
    overdue_amount: "147924.95",
    // (240731.63 + 455828.35) / 830085.13
    par30: "83.91",
    written_off_principal: "0.00",
  });
  // 30 days past due is not yet "more than 30": 2026-05-30 is 30 days after 2026-04-30
  const at30 = await call<Portfolio>("loans.portfolio", { as_of: "2026-05-30" });
  expect(at30.par30).toBe(new Decimal("240731.63").mul(100).div("830085.13").toFixed(2)); // the 250000.00 loan alone (60 days)
  const empty = await call<Portfolio>("loans.portfolio", { as_of: "2025-01-01" });
  expect(empty).toMatchObject({ overdue_amount: "0.00", par30: "0.00" });
});

test("the book's arrears in SQL agree with each loan's schedule, on any date", async () => {
  const days = ["2024-01-29", "2024-01-30", "2024-01-31", "2024-02-29", "2023-12-31", "2025-03-31", "2025-08-30", "2026-02-28"];
  for (const [i, d] of days.entries()) {
    const principal = ["1000.00", "75000.00", "250000.00", "999999.99", "10000000.00"][i % 5]!;
    const tenure = [1, 6, 13, 24, 360][i % 5]!;
    const created = await loan(principal, tenure, { disbursed_on: d });
    const s = await call<LoanSchedule>("loans.schedule", { id: created.id });
    // pay a few installments and a bit more, except for one loan paid nothing
    if (i % 4 !== 3) {
      const part = s.rows.slice(0, Math.min(i, s.rows.length - 1)).reduce((acc, r) => acc.plus(r.installment), new Decimal(i === 0 ? "0.01" : "37.50"));
      await call("loans.repay", { id: created.id, amount: part.toFixed(2), paid_on: d }, agent);
    }
  }
  const active = await call<Page<Loan>>("loans.listAll", { status: "ACTIVE", pageSize: 100 });
  for (const asOf of ["2024-02-29", "2024-03-01", "2024-03-30", "2024-12-31", "2025-06-15", "2026-06-15", "2027-01-31", "2060-01-01"]) {
    const schedules = await Promise.all(active.rows.map((l) => call<LoanSchedule>("loans.schedule", { id: l.id, as_of: asOf })));
    const overdue = schedules.reduce((acc, s) => acc.plus(s.overdue_amount), new Decimal(0));
    const outstanding = schedules.reduce((acc, s) => acc.plus(s.outstanding_principal), new Decimal(0));
    const atRisk = schedules.filter((s) => s.days_past_due > 30).reduce((acc, s) => acc.plus(s.outstanding_principal), new Decimal(0));
    const book = await call<Portfolio>("loans.portfolio", { as_of: asOf });
    expect({ asOf, overdue: book.overdue_amount, outstanding: book.active_outstanding_principal, par30: book.par30 }).toEqual({
      asOf,
      overdue: overdue.toFixed(2),
      outstanding: outstanding.toFixed(2),
      par30: atRisk.mul(100).div(outstanding).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2),
    });
    // and the overdue list holds exactly the loans whose schedule has days past due
    const listed = await call<Page<Loan>>("loans.listAll", { overdue: true, as_of: asOf, pageSize: 100 });
    expect(listed.rows.map((l) => l.id).sort()).toEqual(
      schedules
        .filter((s) => s.days_past_due > 0)
        .map((s) => s.loan_id)
        .sort(),
    );
  }
});
