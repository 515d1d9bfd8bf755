/**
 * The operator REPL's `trial-balance [as_of]`: the ledger's trial balance, as an admin sees it
 * with `loanctl ledger trial-balance`. ledger.trialBalance is for admins, so it is called as
 * REPL_OPERATOR (repl-transactions.ts). The figures are the ledger's own decimal strings: the
 * REPL adds nothing up.
 */
import type { ServiceBroker } from "moleculer";
import { asOfArgument, formatTable } from "./repl-commands.js";
import { callAsOperator } from "./repl-transactions.js";

/** `trial-balance [as_of]`: each account on its normal side, the totals, balanced or not (ledger.trialBalance). */
export async function trialBalanceSummary(broker: ServiceBroker, rawAsOf?: string): Promise<string> {
  const as_of = asOfArgument("trial-balance", rawAsOf);
  const tb = await callAsOperator(broker, "ledger.trialBalance", as_of ? { as_of } : {});
  const table = formatTable(["CODE", "NAME", "TYPE", "DEBIT", "CREDIT"], [...tb.rows.map((r) => [r.code, r.name, r.type, r.debit, r.credit]), ["", "TOTAL", "", tb.total_debit, tb.total_credit]]);
  const verdict = tb.balanced ? "balanced" : "NOT balanced";
  return `Trial balance as of ${tb.as_of}: ${verdict}\n${table}`;
}
