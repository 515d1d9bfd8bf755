/**
 * The operator REPL's `transactions <loan-id>` (a loan's journal) and `cob [date]` (start close
 * of business), as repl-commands.ts's commands are made.
 *
 * Both actions name their caller (who may see the loan, who asked for the run), and a call
 * from inside the cluster has none: the REPL calls them as REPL_OPERATOR, an admin that is no
 * account (id 0, which no user has), so a run it starts is told apart from a person's.
 */
import type { ServiceBroker } from "moleculer";
import type { ActionName, ActionParams, ActionResult, AuthUser, ContextMeta, LoanTransaction } from "../../sdk/contracts.js";
import { ReplUsageError, formatTable } from "./repl-commands.js";

/** The caller the REPL's own commands act as: admin rights, no account. */
export const REPL_OPERATOR: AuthUser = { id: 0, email: "operator@repl", role: "admin", is_approved: true };

const DISCOVERY_TIMEOUT_MS = 5_000;
const DATE_SHAPE = /^\d{4}-\d{2}-\d{2}$/;

/** Calls an action as REPL_OPERATOR, once its service is discovered (the admin-only actions of repl-ledger.ts too). */
export async function callAsOperator<A extends ActionName>(broker: ServiceBroker, action: A, params: ActionParams<A>): Promise<ActionResult<A>> {
  const service = action.slice(0, action.indexOf("."));
  try {
    await broker.waitForServices(service, DISCOVERY_TIMEOUT_MS);
  } catch {
    throw new Error(`the ${service} service is not running in namespace "${broker.namespace}" (no answer in ${DISCOVERY_TIMEOUT_MS / 1000}s)`);
  }
  const meta: ContextMeta = { user: REPL_OPERATOR };
  return broker.call<ActionResult<A>, ActionParams<A>>(action, params, { meta });
}

function note(t: LoanTransaction): string {
  if (t.reversed) return `reversed: ${t.reversal_reason ?? "-"}`;
  if (t.type === "WAIVER") return `waives ${t.charge_id ?? "-"}${t.reason ? `: ${t.reason}` : ""}`;
  return t.reason ?? "";
}

/** `transactions <loan-id>`: every money movement of a loan, by value date (loans.transactions). */
export async function loanTransactions(broker: ServiceBroker, rawId: string | undefined): Promise<string> {
  const id = Number(rawId);
  if (!rawId || !/^\d+$/.test(rawId.trim()) || !Number.isSafeInteger(id) || id < 1) {
    throw new ReplUsageError(`usage: transactions <loan id>, a positive integer${rawId ? ` (got "${rawId}")` : ""}`);
  }
  const { rows } = await callAsOperator(broker, "loans.transactions", { id });
  if (rows.length === 0) return `Loan ${id} has no transactions: it is not disbursed.`;
  const table = formatTable(
    ["ID", "TYPE", "DATE", "AMOUNT", "PRINCIPAL", "INTEREST", "FEE", "PENALTY", "INST", "BY", "REVERSED / REASON"],
    rows.map((t) => [
      String(t.id),
      t.type,
      t.value_date,
      t.amount,
      t.principal_part,
      t.interest_part,
      t.fee_part,
      t.penalty_part,
      t.installment_number === null ? "-" : String(t.installment_number),
      t.recorded_by === null ? "close of business" : String(t.recorded_by),
      note(t),
    ]),
  );
  return `Loan ${id}: ${rows.length} transaction(s) by value date:\n${table}`;
}

/** `cob [date]`: starts close of business for a date, default yesterday (loans.runCloseOfBusiness). */
export async function startCloseOfBusiness(broker: ServiceBroker, rawDate?: string): Promise<string> {
  const date = rawDate?.trim() ?? "";
  if (date !== "" && !DATE_SHAPE.test(date)) throw new ReplUsageError(`usage: cob [date], a business date YYYY-MM-DD, default yesterday (got "${rawDate}")`);
  const run = await callAsOperator(broker, "loans.runCloseOfBusiness", date === "" ? {} : { business_date: date });
  return (
    `Started close of business ${run.business_date} (run ${run.id}): ${run.loans_total} loan(s) to decide.\n` +
    `Its progress: call loans.closeOfBusiness --id ${run.id}, or loanctl cob status ${run.id}`
  );
}
