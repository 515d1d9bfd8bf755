/** How the console shows a journal line's amounts. */
import type { Money } from "../../../sdk/contracts.js";
import { money } from "./format.js";

/** A line's debit or credit: its amount, or nothing on the side it does not post to ("0.00"). */
export function side(value: Money): string {
  return value === "0.00" ? "" : money(value);
}
