import type { ProductCreateRequest, ProductTerms } from "../../sdk/contracts.js";
import { assertWithinProduct, parseProductCreate, parseProductUpdate } from "../../services/loans/product-rules.js";

const VALID: ProductCreateRequest = {
  code: "MICRO_1",
  name: "Micro loan",
  min_principal: "1000.00",
  max_principal: 50000,
  min_tenure_months: 3,
  max_tenure_months: 24,
  rate_bands: [
    { up_to: "10000", rate: 18 },
    { up_to: null, rate: "16.5" },
  ],
  disbursement_fee: { kind: "PERCENT", amount: "1.50" },
  penalty: { grace_days: 5, kind: "FLAT", amount: "200" },
};

/** The field a 422 names, or "ok". */
function failingField(run: () => unknown): string {
  try {
    run();
    return "ok";
  } catch (err) {
    const e = err as { code?: number; data?: { field: string }[] };
    if (e.code !== 422) throw err;
    return e.data![0]!.field;
  }
}
const fieldOf = (change: Partial<Record<keyof ProductCreateRequest, unknown>>) => failingField(() => parseProductCreate({ ...VALID, ...change } as ProductCreateRequest));

describe("a product's fields", () => {
  test("a valid product is normalised: money and rates with two places", () => {
    expect(parseProductCreate(VALID)).toEqual({
      code: "MICRO_1",
      name: "Micro loan",
      min_principal: "1000.00",
      max_principal: "50000.00",
      min_tenure_months: 3,
      max_tenure_months: 24,
      rate_bands: [
        { up_to: "10000.00", rate: "18.00" },
        { up_to: null, rate: "16.50" },
      ],
      disbursement_fee: { kind: "PERCENT", amount: "1.50" },
      penalty: { grace_days: 5, kind: "FLAT", amount: "200.00" },
    });
  });

  test("no fee and no penalty: null", () => {
    const { disbursement_fee, penalty } = parseProductCreate({ ...VALID, disbursement_fee: null, penalty: undefined });
    expect([disbursement_fee, penalty]).toEqual([null, null]);
  });

  test.each([
    ["a lower-case code", { code: "micro" }, "code"],
    ["a one-character code", { code: "M" }, "code"],
    ["a 33-character code", { code: "M".repeat(33) }, "code"],
    ["a code with a space", { code: "MI CRO" }, "code"],
    ["an empty name", { name: "  " }, "name"],
    ["a name of 101 characters", { name: "n".repeat(101) }, "name"],
    ["three decimal places", { min_principal: "1000.001" }, "min_principal"],
    ["a principal below 1000.00", { min_principal: "999.99" }, "min_principal"],
    ["a principal above 10000000.00", { max_principal: "10000000.01" }, "max_principal"],
    ["min above max principal", { min_principal: "60000.00" }, "min_principal"],
    ["a tenure of 0", { min_tenure_months: 0 }, "min_tenure_months"],
    ["a tenure of 361", { max_tenure_months: 361 }, "max_tenure_months"],
    ["a fractional tenure", { max_tenure_months: 12.5 }, "max_tenure_months"],
    ["min above max tenure", { min_tenure_months: 30 }, "min_tenure_months"],
    ["no bands", { rate_bands: [] }, "rate_bands"],
    ["a last band with a bound", { rate_bands: [{ up_to: "10000.00", rate: "18.00" }] }, "rate_bands[0].up_to"],
    [
      "a band before the last without one",
      {
        rate_bands: [
          { up_to: null, rate: "18.00" },
          { up_to: null, rate: "16.00" },
        ],
      },
      "rate_bands[0].up_to",
    ],
    [
      "bands not ascending",
      {
        rate_bands: [
          { up_to: "10000.00", rate: "18.00" },
          { up_to: "10000.00", rate: "17.00" },
          { up_to: null, rate: "16.00" },
        ],
      },
      "rate_bands[1].up_to",
    ],
    ["a rate over 100.00", { rate_bands: [{ up_to: null, rate: "100.01" }] }, "rate_bands[0].rate"],
    ["a rate with three places", { rate_bands: [{ up_to: null, rate: "10.125" }] }, "rate_bands[0].rate"],
    ["a negative rate", { rate_bands: [{ up_to: null, rate: "-1.00" }] }, "rate_bands[0].rate"],
    ["an unknown fee kind", { disbursement_fee: { kind: "RATE", amount: "1.00" } }, "disbursement_fee.kind"],
    ["a PERCENT fee over 100", { disbursement_fee: { kind: "PERCENT", amount: "100.01" } }, "disbursement_fee.amount"],
    ["a FLAT fee of 0", { disbursement_fee: { kind: "FLAT", amount: "0.00" } }, "disbursement_fee.amount"],
    ["a fee that is no amount", { disbursement_fee: { kind: "FLAT", amount: "ten" } }, "disbursement_fee.amount"],
    ["negative grace days", { penalty: { grace_days: -1, kind: "FLAT", amount: "10.00" } }, "penalty.grace_days"],
    ["fractional grace days", { penalty: { grace_days: 1.5, kind: "FLAT", amount: "10.00" } }, "penalty.grace_days"],
    ["a PERCENT penalty over 100", { penalty: { grace_days: 0, kind: "PERCENT", amount: "150.00" } }, "penalty.amount"],
    ["a penalty of an unknown kind", { penalty: { grace_days: 0, kind: "DAILY", amount: "1.00" } }, "penalty.kind"],
  ])("%s → 422 on the field", (_what, change, field) => {
    expect(fieldOf(change)).toBe(field);
  });

  test("bounds at the limits are accepted: 0.00 and 100.00 rates, grace 0, min = max", () => {
    expect(
      fieldOf({
        min_principal: "5000.00",
        max_principal: "5000.00",
        min_tenure_months: 12,
        max_tenure_months: 12,
        rate_bands: [
          { up_to: "1000.00", rate: "0.00" },
          { up_to: null, rate: "100.00" },
        ],
        penalty: { grace_days: 0, kind: "PERCENT", amount: "100.00" },
      }),
    ).toBe("ok");
  });
});

describe("an update", () => {
  const current = (({ code: _c, ...fields }) => fields)(parseProductCreate(VALID));

  test("keeps what is not sent, checks what is against what is kept", () => {
    expect(parseProductUpdate(current, { name: "Renamed" })).toEqual({ ...current, name: "Renamed" });
    expect(failingField(() => parseProductUpdate(current, { min_principal: "60000.00" }))).toBe("min_principal");
    expect(failingField(() => parseProductUpdate(current, { max_tenure_months: 2 }))).toBe("min_tenure_months");
  });

  test("null removes the fee or the penalty", () => {
    expect(parseProductUpdate(current, { disbursement_fee: null, penalty: null })).toMatchObject({ disbursement_fee: null, penalty: null });
  });
});

describe("a loan within its product's bounds", () => {
  const terms: ProductTerms = {
    code: "MICRO",
    min_principal: "1000.00",
    max_principal: "50000.00",
    min_tenure_months: 3,
    max_tenure_months: 24,
    rate_bands: [{ up_to: null, rate: "16.00" }],
    disbursement_fee: null,
    penalty: null,
  };

  test.each([
    ["999.99", 12, "principal"],
    ["50000.01", 12, "principal"],
    ["1000.00", 2, "tenure_months"],
    ["50000.00", 25, "tenure_months"],
    ["1000.00", 3, "ok"],
    ["50000.00", 24, "ok"],
  ])("%s over %i months → %s", (principal, tenure, field) => {
    expect(failingField(() => assertWithinProduct(terms, principal, tenure))).toBe(field);
  });

  test("the message names the bound", () => {
    expect(() => assertWithinProduct(terms, "50000.01", 12)).toThrow("principal must be at most 50000.00 for product MICRO");
    expect(() => assertWithinProduct(terms, "1000.00", 2)).toThrow("tenure_months must be at least 3 for product MICRO");
  });
});
