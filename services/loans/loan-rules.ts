/**
 * The loan's guarded state and input rules: one validator for "only a NEW loan may
 * change", one for an acceptable principal. Each failure is one named error.
 */
import Decimal from "decimal.js";
import { PRINCIPAL_MAX, PRINCIPAL_MIN, type LoanStatus, type Money } from "../../sdk/contracts.js";
import { ConflictError, fieldError } from "../shared/errors.js";
import { toMoney } from "./loan-math.js";

/** A principal as sent: a decimal string or a number with at most two places, in range. */
export function parsePrincipal(value: string | number): Money {
  let amount: Decimal;
  try {
    amount = new Decimal(value);
  } catch {
    throw fieldError("principal", "principal must be a decimal amount like 250000.00", "money");
  }
  if (!amount.isFinite() || amount.decimalPlaces() > 2) {
    throw fieldError("principal", "principal must be a decimal amount with at most two places", "money");
  }
  if (amount.lt(PRINCIPAL_MIN) || amount.gt(PRINCIPAL_MAX)) {
    throw fieldError("principal", `principal must be between ${PRINCIPAL_MIN} and ${PRINCIPAL_MAX}`, "moneyRange");
  }
  return toMoney(amount);
}

/** Only a loan waiting for a decision may be edited or decided. */
export function assertNew(loan: { id: number; status: LoanStatus }, action: "edit" | "decide"): void {
  if (loan.status !== "NEW") {
    throw new ConflictError(`loan ${loan.id} is ${loan.status}: only a NEW loan can be ${action === "edit" ? "edited" : "decided"}`, action === "edit" ? "LOAN_NOT_EDITABLE" : "LOAN_ALREADY_DECIDED", { status: loan.status });
  }
}
