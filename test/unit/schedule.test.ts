/**
 * The repayment schedule and its calendar. Expected figures were computed independently
 * with Python's decimal module (80 digits, ROUND_HALF_UP) and calendar module, not by
 * running this code.
 */
import Decimal from "decimal.js";
import { addDays, addMonths, daysBetween, isCalendarDate, todayUtc } from "../../domain/calendar.js";
import { divideHalfUp, fromCents, toCents } from "../../domain/cents.js";
import { emi } from "../../domain/loan-math.js";
import { buildSchedule, figures, scheduleTotals, type Installment, type ScheduleTerms } from "../../domain/schedule.js";

const terms = (principal: string, rate: string, months: number): ScheduleTerms => ({ principal, interest_rate: rate, tenure_months: months, emi: emi(principal, rate, months) });
const row = (r: Installment) => {
  const f = figures(r);
  return [f.number, f.due_date, f.installment, f.principal, f.interest, f.balance];
};

describe("the spec's example: 250,000.00 at 12.00 over 24 months", () => {
  const rows = buildSchedule(terms("250000.00", "12.00", 24), "2026-01-31");

  test("24 rows; installments 1, 2 and 24 as the spec gives them", () => {
    expect(rows).toHaveLength(24);
    expect(row(rows[0]!)).toEqual([1, "2026-02-28", "11768.37", "9268.37", "2500.00", "240731.63"]);
    expect(row(rows[1]!)).toEqual([2, "2026-03-31", "11768.37", "9361.05", "2407.32", "231370.58"]);
    expect(row(rows[2]!)).toEqual([3, "2026-04-30", "11768.37", "9454.66", "2313.71", "221915.92"]);
    expect(row(rows[23]!)).toEqual([24, "2028-01-31", "11768.33", "11651.81", "116.52", "0.00"]);
  });

  test("every installment but the last is the EMI; the totals add up to the cent", () => {
    expect(rows.slice(0, 23).every((r) => figures(r).installment === "11768.37")).toBe(true);
    expect(scheduleTotals(rows)).toEqual({ principal: "250000.00", interest: "32440.84", installment: "282440.84" });
  });
});

describe("edges", () => {
  test("1 month: one installment of the whole principal plus a month's interest", () => {
    const rows = buildSchedule(terms("1000.00", "14.00", 1), "2026-03-15");
    expect(rows.map(row)).toEqual([[1, "2026-04-15", "1011.67", "1000.00", "11.67", "0.00"]]);
  });

  test("1,000.00 at 14.00 over 12 months: the last installment absorbs the rounding", () => {
    const rows = buildSchedule(terms("1000.00", "14.00", 12), "2026-03-15");
    expect(row(rows[0]!)).toEqual([1, "2026-04-15", "89.79", "78.12", "11.67", "921.88"]);
    expect(row(rows[1]!)).toEqual([2, "2026-05-15", "89.79", "79.03", "10.76", "842.85"]);
    expect(row(rows[11]!)).toEqual([12, "2027-03-15", "89.77", "88.73", "1.04", "0.00"]);
    expect(scheduleTotals(rows)).toEqual({ principal: "1000.00", interest: "77.46", installment: "1077.46" });
  });

  test("10,000,000.00 at 9.50 over 360 months", () => {
    const rows = buildSchedule(terms("10000000.00", "9.50", 360), "2026-01-31");
    expect(rows).toHaveLength(360);
    expect(row(rows[0]!)).toEqual([1, "2026-02-28", "84085.42", "4918.75", "79166.67", "9995081.25"]);
    expect(row(rows[1]!)).toEqual([2, "2026-03-31", "84085.42", "4957.69", "79127.73", "9990123.56"]);
    expect(row(rows[358]!)).toEqual([359, "2055-12-31", "84085.42", "82769.70", "1315.72", "83426.73"]);
    expect(row(rows[359]!)).toEqual([360, "2056-01-31", "84087.19", "83426.73", "660.46", "0.00"]);
    expect(scheduleTotals(rows)).toEqual({ principal: "10000000.00", interest: "20270752.97", installment: "30270752.97" });
  });

  test("50,000.00 at 14.00 over 360 months: a last installment below the EMI", () => {
    const rows = buildSchedule(terms("50000.00", "14.00", 360), "2026-01-31");
    expect(row(rows[0]!)).toEqual([1, "2026-02-28", "592.44", "9.11", "583.33", "49990.89"]);
    expect(row(rows[359]!)).toEqual([360, "2056-01-31", "569.40", "562.83", "6.57", "0.00"]);
    expect(scheduleTotals(rows).interest).toBe("163255.36");
  });

  test("a zero rate: no interest, equal principal parts, the last one the remainder", () => {
    const rows = buildSchedule(terms("1000.00", "0.00", 3), "2026-01-10");
    expect(rows.map(row)).toEqual([
      [1, "2026-02-10", "333.33", "333.33", "0.00", "666.67"],
      [2, "2026-03-10", "333.33", "333.33", "0.00", "333.34"],
      [3, "2026-04-10", "333.34", "333.34", "0.00", "0.00"],
    ]);
  });

  test("refuses a tenure that is not a whole positive number of months", () => {
    expect(() => buildSchedule({ ...terms("1000.00", "14.00", 1), tenure_months: 0 }, "2026-01-01")).toThrow(RangeError);
  });
});

describe("due dates: the same day each month, or the month's last day", () => {
  const dues = (from: string, n = 14) => buildSchedule(terms("100000.00", "12.00", n), from).map((r) => r.due_date);

  test("disbursed on the 31st", () => {
    expect(dues("2026-01-31")).toEqual([
      "2026-02-28",
      "2026-03-31",
      "2026-04-30",
      "2026-05-31",
      "2026-06-30",
      "2026-07-31",
      "2026-08-31",
      "2026-09-30",
      "2026-10-31",
      "2026-11-30",
      "2026-12-31",
      "2027-01-31",
      "2027-02-28",
      "2027-03-31",
    ]);
  });

  test("disbursed on the 30th", () => {
    expect(dues("2026-01-30")).toEqual([
      "2026-02-28",
      "2026-03-30",
      "2026-04-30",
      "2026-05-30",
      "2026-06-30",
      "2026-07-30",
      "2026-08-30",
      "2026-09-30",
      "2026-10-30",
      "2026-11-30",
      "2026-12-30",
      "2027-01-30",
      "2027-02-28",
      "2027-03-30",
    ]);
  });

  test("disbursed on the 29th", () => {
    expect(dues("2026-01-29")).toEqual([
      "2026-02-28",
      "2026-03-29",
      "2026-04-29",
      "2026-05-29",
      "2026-06-29",
      "2026-07-29",
      "2026-08-29",
      "2026-09-29",
      "2026-10-29",
      "2026-11-29",
      "2026-12-29",
      "2027-01-29",
      "2027-02-28",
      "2027-03-29",
    ]);
  });

  test("a leap year: February has its 29th", () => {
    expect(dues("2024-01-31", 3)).toEqual(["2024-02-29", "2024-03-31", "2024-04-30"]);
    expect(dues("2023-12-31", 3)).toEqual(["2024-01-31", "2024-02-29", "2024-03-31"]);
    expect(dues("2024-02-29", 14)).toEqual([
      "2024-03-29",
      "2024-04-29",
      "2024-05-29",
      "2024-06-29",
      "2024-07-29",
      "2024-08-29",
      "2024-09-29",
      "2024-10-29",
      "2024-11-29",
      "2024-12-29",
      "2025-01-29",
      "2025-02-28",
      "2025-03-29",
      "2025-04-29",
    ]);
  });

  test("each due date is counted from the disbursement, never from the clamped one before it", () => {
    expect(addMonths("2026-01-31", 1)).toBe("2026-02-28");
    expect(addMonths("2026-01-31", 2)).toBe("2026-03-31");
    expect(addMonths("2026-12-15", 1)).toBe("2027-01-15");
    expect(addMonths("2026-01-31", 360)).toBe("2056-01-31");
  });
});

describe("calendar dates", () => {
  test.each(["2026-01-01", "2024-02-29", "1900-01-01", "9999-12-31"])("%s is a date", (d) => expect(isCalendarDate(d)).toBe(true));
  test.each(["2026-02-29", "2026-02-30", "2026-13-01", "2026-00-10", "2026-1-1", "20260101", "0099-01-01", "", "2026-01-01T00:00:00Z", 20260101])("%p is not", (d) =>
    expect(isCalendarDate(d)).toBe(false),
  );

  test("day counts and day steps", () => {
    expect(daysBetween("2026-03-31", "2026-05-15")).toBe(45);
    expect(daysBetween("2024-02-28", "2024-03-01")).toBe(2);
    expect(daysBetween("2026-05-15", "2026-03-31")).toBe(-45);
    expect(addDays("2024-02-28", 1)).toBe("2024-02-29");
    expect(addDays("2026-01-01", -1)).toBe("2025-12-31");
  });

  test("today is the UTC calendar day", () => {
    expect(todayUtc(new Date("2026-03-31T23:59:59.999Z"))).toBe("2026-03-31");
    expect(todayUtc(new Date("2026-04-01T00:00:00Z"))).toBe("2026-04-01");
  });
});

describe("exact cents", () => {
  test("two-place amounts in and out", () => {
    expect([toCents("250000.00"), toCents("0.5"), toCents("7"), toCents("-1.05")]).toEqual([25000000n, 50n, 700n, -105n]);
    expect([fromCents(25000000n), fromCents(5n), fromCents(0n), fromCents(-105n)]).toEqual(["250000.00", "0.05", "0.00", "-1.05"]);
    for (const bad of ["1.234", "1e3", "", " 1.00", "abc"]) expect(() => toCents(bad)).toThrow(RangeError);
  });

  test("half-up division: .5 goes up, below it goes down", () => {
    expect([divideHalfUp(5n, 2n), divideHalfUp(149n, 100n), divideHalfUp(150n, 100n), divideHalfUp(7n, 3n)]).toEqual([3n, 1n, 2n, 2n]);
  });

  test("the schedule in cents agrees with the formula computed by decimal.js, over many terms", () => {
    // The spec's formula written out with decimal.js: interest = round(balance · rate / 1200).
    const reference = (t: ScheduleTerms) => {
      let balance = new Decimal(t.principal);
      return Array.from({ length: t.tenure_months }, (_, i) => {
        const interest = balance.mul(t.interest_rate).div(1200).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
        const principal = i === t.tenure_months - 1 ? balance : new Decimal(t.emi).minus(interest);
        balance = balance.minus(principal);
        return [principal.toFixed(2), interest.toFixed(2), balance.toFixed(2)];
      });
    };
    let seed = 42;
    const next = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    for (let i = 0; i < 200; i++) {
      const principal = `${1000 + next(9_999_000)}.${String(next(100)).padStart(2, "0")}`;
      const rate = ["14.00", "12.00", "10.50", "9.50", "0.00", "7.25", "19.99"][next(7)]!;
      const t = terms(principal, rate, 1 + next(360));
      expect(
        buildSchedule(t, "2026-01-31").map((r) => {
          const f = figures(r);
          return [f.principal, f.interest, f.balance];
        }),
      ).toEqual(reference(t));
    }
  });
});
