/** What a loan still owes: its outstanding principal and interest (ACTIVE loans; others owe nothing now). */
import Decimal from "decimal.js";
import type { Loan, Money } from "../../../sdk/index.js";

export function outstandingOf(loan: Loan): Money | null {
  if (loan.status !== "ACTIVE") return null;
  return new Decimal(loan.outstanding_principal ?? "0").plus(loan.outstanding_interest ?? "0").toFixed(2);
}

export function totalOutstanding(loans: readonly Loan[]): Money {
  return loans.reduce((sum, loan) => sum.plus(outstandingOf(loan) ?? "0"), new Decimal(0)).toFixed(2);
}
