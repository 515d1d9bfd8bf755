import { chargeOn } from "../../domain/charges.js";

describe("a product's charge on an amount", () => {
  test("no rule: 0.00", () => {
    expect(chargeOn(null, "250000.00")).toBe("0.00");
  });

  test("FLAT is the rule's amount whatever the base", () => {
    expect(chargeOn({ kind: "FLAT", amount: "250.00" }, "1000.00")).toBe("250.00");
    expect(chargeOn({ kind: "FLAT", amount: "250.5" }, "9999999.99")).toBe("250.50");
  });

  // Worked by hand: base × rate / 100, then half-up at the third decimal.
  test.each([
    ["1.50", "250000.00", "3750.00"], // 250000 × 0.015
    ["1.25", "1000.01", "12.50"], // 12.500125
    ["2.50", "1234.50", "30.86"], // 30.8625
    ["3.33", "1500.15", "49.95"], // 49.954995
    ["1.50", "333.30", "5.00"], // 4.9995: the carry goes up to the unit
    ["1.00", "50.50", "0.51"], // 0.505: half-up, not half-even (0.50)
    ["1.00", "0.50", "0.01"], // 0.005
    ["1.00", "0.49", "0.00"], // 0.0049
    ["100.00", "1234.56", "1234.56"],
    ["0.75", "10000000.00", "75000.00"],
    ["0.01", "1000.00", "0.10"],
    ["12.34", "0.00", "0.00"],
  ])("PERCENT %s of %s is %s", (rate, base, expected) => {
    expect(chargeOn({ kind: "PERCENT", amount: rate }, base)).toBe(expected);
  });

  test("a negative base is refused", () => {
    expect(() => chargeOn({ kind: "PERCENT", amount: "1.00" }, "-1.00")).toThrow(RangeError);
  });
});
