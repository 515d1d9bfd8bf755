/**
 * Products the servicing tests lend with: one rate band (12.00 %, so a 12,000.00 loan over 12
 * months has an EMI of 1066.19), and the charges each test is about.
 */
import type { ProductCreateRequest } from "../../sdk/contracts.js";

function product(code: string, name: string, charges: Pick<ProductCreateRequest, "disbursement_fee" | "penalty">): ProductCreateRequest {
  return {
    code,
    name,
    min_principal: "1000.00",
    max_principal: "100000.00",
    min_tenure_months: 1,
    max_tenure_months: 36,
    rate_bands: [{ up_to: null, rate: "12.00" }],
    ...charges,
  };
}

/** A penalty of 25.00 on each installment not paid 5 days after it fell due; no fee. */
export const LATE_PENALTY_PRODUCT = product("LATE25", "Penalty 25.00 after 5 days", { disbursement_fee: null, penalty: { grace_days: 5, kind: "FLAT", amount: "25.00" } });

/** A flat 100.00 disbursement fee, and the penalty above. */
export const FEE_PRODUCT = product("FEE12", "Twelve months with a fee", { disbursement_fee: { kind: "FLAT", amount: "100.00" }, penalty: { grace_days: 5, kind: "FLAT", amount: "25.00" } });
