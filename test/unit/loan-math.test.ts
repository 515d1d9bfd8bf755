import { parseRateTable } from "../../domain/rate-table.js";
import { emi, loanTerms, rateFor, toMoney } from "../../domain/loan-math.js";
import { parsePrincipal } from "../../services/loans/loan-rules.js";

describe("EMI", () => {
  test("the spec's example: 250,000.00 at 12.00 over 24 months is 11768.37", () => {
    expect(emi("250000.00", "12.00", 24)).toBe("11768.37");
  });

  test.each([
    ["1000.00", "14.00", 1, "1011.67"],
    ["1000.00", "14.00", 12, "89.79"],
    ["100000.00", "12.00", 12, "8884.88"],
    ["10000000.00", "9.50", 360, "84085.42"], // values checked against Python's decimal module at 60 digits
    ["50000.00", "14.00", 360, "592.44"],
  ])("%s at %s over %i months is %s", (principal, rate, months, expected) => {
    expect(emi(principal, rate, months)).toBe(expected);
  });

  test("a zero rate divides the principal evenly, rounded half-up", () => {
    expect(emi("1000.00", "0.00", 3)).toBe("333.33");
    expect(emi("1000.00", "0.00", 8)).toBe("125.00");
  });

  test("rounds half-up to cents", () => {
    expect(toMoney("0.005")).toBe("0.01");
    expect(toMoney("2.675")).toBe("2.68"); // 2.675 as a float is 2.67499…: decimal arithmetic keeps it exact
    expect(toMoney(250000)).toBe("250000.00");
  });

  test("refuses a tenure that is not a whole positive number of months", () => {
    expect(() => emi("1000.00", "14.00", 0)).toThrow(RangeError);
    expect(() => emi("1000.00", "14.00", 1.5)).toThrow(RangeError);
  });
});

describe("rate table", () => {
  test.each([
    ["1000.00", "14.00"],
    ["50000.00", "14.00"],
    ["50000.01", "12.00"],
    ["500000.00", "12.00"],
    ["500000.01", "10.50"],
    ["2000000.00", "10.50"],
    ["2000000.01", "9.50"],
    ["10000000.00", "9.50"],
  ])("principal %s → %s", (principal, rate) => {
    expect(rateFor(principal)).toBe(rate);
  });

  test("is configurable", () => {
    const table = parseRateTable("1000:20,*:5");
    expect(rateFor("1000.00", table)).toBe("20.00");
    expect(rateFor("1000.01", table)).toBe("5.00");
    expect(loanTerms("250000", 24, table)).toEqual({ principal: "250000.00", interest_rate: "5.00", tenure_months: 24, emi: emi("250000.00", "5.00", 24) });
  });

  test("a malformed table is refused with the reason", () => {
    expect(() => parseRateTable("1000:20")).toThrow(/\*:rate/);
    expect(() => parseRateTable("abc:20,*:5")).toThrow(/abc:20/);
  });
});

describe("principal", () => {
  test("accepts decimal strings and numbers with up to two places", () => {
    expect(parsePrincipal("250000")).toBe("250000.00");
    expect(parsePrincipal("1000.5")).toBe("1000.50");
    expect(parsePrincipal(10000000)).toBe("10000000.00");
  });

  test.each(["999.99", "10000000.01", "1000.001", "abc", "-5000"])("refuses %s with a 422 on the field", (value) => {
    expect(() => parsePrincipal(value)).toThrow(expect.objectContaining({ code: 422, data: [expect.objectContaining({ field: "principal" })] }));
  });
});
