/**
 * The operator REPL's `trial-balance [as_of]`: the ledger's trial balance, as an admin sees it
 * with `loanctl ledger trial-balance`. ledger.trialBalance is for admins, so it is called as
 * REPL_OPERATOR (repl-transactions.ts). The figures are the ledger's own decimal strings: the
 * REPL adds nothing up.
 */
import type { ServiceBroker } from "moleculer";
import { ReplUsageError, formatTable } from "./repl-commands.js";
import { callAsOperator } from "./repl-transactions.js";

const DATE_SHAPE = /^\d{4}-\d{2}-\d{2}$/;

/** `trial-balance [as_of]`: each account on its normal side, the totals, balanced or not (ledger.trialBalance). */
export async function trialBalanceSummary(broker: ServiceBroker, rawAsOf?: string): Promise<string> {
  const asOf = rawAsOf?.trim() ?? "";
  if (asOf !== "" && !DATE_SHAPE.test(asOf)) throw new ReplUsageError(`usage: trial-balance [as_of], a date YYYY-MM-DD, default today (got "${rawAsOf}")`);
  const tb = await callAsOperator(broker, "ledger.trialBalance", asOf === "" ? {} : { as_of: asOf });
  const table = formatTable(["CODE", "NAME", "TYPE", "DEBIT", "CREDIT"], [...tb.rows.map((r) => [r.code, r.name, r.type, r.debit, r.credit]), ["", "TOTAL", "", tb.total_debit, tb.total_credit]]);
  const verdict = tb.balanced ? "balanced" : "NOT balanced";
  return `Trial balance as of ${tb.as_of}: ${verdict}\n${table}`;
}
