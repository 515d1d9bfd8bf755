/** The ledger's chart of accounts and entry kinds, as the console names them. */
import { LEDGER_ACCOUNTS, type LedgerAccountCode, type Money } from "../../../sdk/contracts.js";
import { money } from "./format.js";

/** "1100 Loans receivable": the code the books use, and the name a person reads. */
export function accountLabel(code: LedgerAccountCode): string {
  const account = LEDGER_ACCOUNTS.find((a) => a.code === code);
  return account ? `${code} ${account.name}` : code;
}

/** A line's debit or credit: its amount, or nothing on the side it does not post to ("0.00"). */
export function side(value: Money): string {
  return value === "0.00" ? "" : money(value);
}
