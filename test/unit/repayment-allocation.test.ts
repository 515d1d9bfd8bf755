/**
 * Repayments over the schedule and the loan's position as of a date. Expected figures were
 * computed independently with Python's decimal module (see schedule.test.ts), not by
 * running this code.
 */
import { daysPastDue } from "../../domain/arrears.js";
import { allocatePayment, positionAfter, summarize } from "../support/replayed.js";
import { emi } from "../../domain/loan-math.js";
import { buildSchedule } from "../../domain/schedule.js";

// 250,000.00 at 12.00 over 24 months from 2026-01-31: EMI 11768.37, total 282440.84.
const schedule = buildSchedule({ principal: "250000.00", interest_rate: "12.00", tenure_months: 24, emi: "11768.37" }, "2026-01-31");

describe("allocation: due order, interest first, then principal", () => {
  test("one cent pays one cent of the first installment's interest", () => {
    expect(allocatePayment(schedule, "0.00", "0.01")).toEqual({ principal: "0.00", interest: "0.01", installments: [{ number: 1, principal: "0.00", interest: "0.01" }] });
  });

  test("exactly one installment", () => {
    expect(allocatePayment(schedule, "0.00", "11768.37")).toEqual({ principal: "9268.37", interest: "2500.00", installments: [{ number: 1, principal: "9268.37", interest: "2500.00" }] });
  });

  test("interest is paid before principal within an installment", () => {
    expect(allocatePayment(schedule, "0.00", "2600.00").installments).toEqual([{ number: 1, principal: "100.00", interest: "2500.00" }]);
    // then the rest of installment 1 is principal only
    expect(allocatePayment(schedule, "2600.00", "9168.37").installments).toEqual([{ number: 1, principal: "9168.37", interest: "0.00" }]);
  });

  test("one payment settles several installments and part of the next", () => {
    expect(allocatePayment(schedule, "0.00", "30000.00")).toEqual({
      principal: "22778.97",
      interest: "7221.03",
      installments: [
        { number: 1, principal: "9268.37", interest: "2500.00" },
        { number: 2, principal: "9361.05", interest: "2407.32" },
        { number: 3, principal: "4149.55", interest: "2313.71" },
      ],
    });
  });

  test("a payment after a partial one continues where that one stopped", () => {
    expect(allocatePayment(schedule, "11768.37", "5000.00").installments).toEqual([{ number: 2, principal: "2592.68", interest: "2407.32" }]);
  });

  test("a payment that settles everything pays the whole principal and all the interest", () => {
    const all = allocatePayment(schedule, "0.00", "282440.84");
    expect(all).toMatchObject({ principal: "250000.00", interest: "32440.84" });
    expect(all.installments).toHaveLength(24);
    expect(all.installments[23]).toEqual({ number: 24, principal: "11651.81", interest: "116.52" });
    expect(positionAfter(schedule, "282440.84")).toEqual({ outstanding_principal: "0.00", outstanding_interest: "0.00", next_due_date: null });
  });

  test("the last cent is principal of the last installment", () => {
    expect(allocatePayment(schedule, "282440.83", "0.01").installments).toEqual([{ number: 24, principal: "0.01", interest: "0.00" }]);
    expect(positionAfter(schedule, "282440.83")).toEqual({ outstanding_principal: "0.01", outstanding_interest: "0.00", next_due_date: "2028-01-31" });
  });

  test("paying more than is left is refused", () => {
    expect(() => allocatePayment(schedule, "282440.84", "0.01")).toThrow(RangeError);
    expect(() => allocatePayment(schedule, "0.00", "282440.85")).toThrow(RangeError);
  });

  test("two payments allocate as their sum would", () => {
    const split = [allocatePayment(schedule, "0.00", "12345.67"), allocatePayment(schedule, "12345.67", "17654.33")];
    const covered = summarize(schedule, "30000.00", "2026-01-31")
      .rows.slice(0, 3)
      .map((r) => [r.paid_principal, r.paid_interest]);
    expect(covered).toEqual([
      ["9268.37", "2500.00"],
      ["9361.05", "2407.32"],
      ["4149.55", "2313.71"],
    ]);
    expect(split[0]!.installments).toEqual([
      { number: 1, principal: "9268.37", interest: "2500.00" },
      { number: 2, principal: "0.00", interest: "577.30" },
    ]);
    expect(split[1]!.installments).toEqual([
      { number: 2, principal: "9361.05", interest: "1830.02" },
      { number: 3, principal: "4149.55", interest: "2313.71" },
    ]);
  });
});

describe("the position as of a date", () => {
  // 11768.37 and 5000.00 paid: installment 1 paid, 2 paid in part.
  const paid = "16768.37";

  test("as of 2026-05-15: installments 2 and 3 overdue since 2026-03-31 (45 days), 4 due", () => {
    const s = summarize(schedule, paid, "2026-05-15");
    expect(s.rows.slice(0, 4).map((r) => [r.number, r.status, r.paid_principal, r.paid_interest])).toEqual([
      [1, "PAID", "9268.37", "2500.00"],
      [2, "OVERDUE", "2592.68", "2407.32"],
      [3, "OVERDUE", "0.00", "0.00"],
      [4, "DUE", "0.00", "0.00"],
    ]);
    expect(s).toMatchObject({
      outstanding_principal: "238138.95",
      outstanding_interest: "27533.52",
      next_due_date: "2026-03-31",
      overdue_amount: "18536.74",
      days_past_due: 45,
      totals: { principal: "250000.00", interest: "32440.84", installment: "282440.84", fee: "0.00", penalty: "0.00" },
    });
    expect(s.rows.slice(4).map((r) => r.status)).toEqual(Array(20).fill("DUE"));
  });

  test("a part paid before its due date is PARTIAL; on the due date itself still not overdue", () => {
    for (const asOf of ["2026-03-01", "2026-03-31"]) {
      const s = summarize(schedule, paid, asOf);
      expect(s.rows[1]!.status).toBe("PARTIAL");
      expect(s).toMatchObject({ overdue_amount: "0.00", days_past_due: 0, next_due_date: "2026-03-31" });
    }
    const dayAfter = summarize(schedule, paid, "2026-04-01");
    expect(dayAfter.rows[1]!.status).toBe("OVERDUE");
    expect(dayAfter).toMatchObject({ overdue_amount: "6768.37", days_past_due: 1 });
  });

  test("nothing paid, long after: everything overdue, days counted from the first due date", () => {
    const s = summarize(schedule, "0.00", "2030-01-01");
    expect(s.rows.map((r) => r.status)).toEqual(Array(24).fill("OVERDUE"));
    expect(s).toMatchObject({ overdue_amount: "282440.84", next_due_date: "2026-02-28", days_past_due: 1403 });
  });

  test("early payment: installments paid ahead of their dates are PAID, none overdue", () => {
    const s = summarize(schedule, "30000.00", "2026-02-01");
    expect(s.rows.slice(0, 4).map((r) => r.status)).toEqual(["PAID", "PAID", "PARTIAL", "DUE"]);
    expect(s).toMatchObject({ next_due_date: "2026-04-30", overdue_amount: "0.00", days_past_due: 0 });
  });

  test("paid off: nothing outstanding, no next due date", () => {
    const s = summarize(schedule, "282440.84", "2040-01-01");
    expect(s.rows.map((r) => r.status)).toEqual(Array(24).fill("PAID"));
    expect(s).toMatchObject({ outstanding_principal: "0.00", outstanding_interest: "0.00", next_due_date: null, overdue_amount: "0.00", days_past_due: 0 });
  });

  test("the paid total from a loan row's figures; days past due never negative", () => {
    expect(daysPastDue("2026-03-31", "2026-03-01")).toBe(0);
    expect(daysPastDue(null, "2026-03-01")).toBe(0);
  });

  test("a 1-month loan of 1,000.00 paid with one cent: PARTIAL, then OVERDUE after its date", () => {
    const one = buildSchedule({ principal: "1000.00", interest_rate: "14.00", tenure_months: 1, emi: emi("1000.00", "14.00", 1) }, "2026-03-15");
    expect(summarize(one, "0.01", "2026-04-15")).toMatchObject({ rows: [expect.objectContaining({ status: "PARTIAL", paid_interest: "0.01" })], outstanding_interest: "11.66" });
    expect(summarize(one, "0.01", "2026-04-16")).toMatchObject({ overdue_amount: "1011.66", days_past_due: 1 });
  });
});
