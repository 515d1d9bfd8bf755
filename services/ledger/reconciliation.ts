/**
 * The reconciliation: every disbursed loan's 1100 balance against the outstanding principal
 * the loans service answers (its action, never its database), a page of loans at a time,
 * both sides walked by loan id. A loan the ledger holds a balance for that the loans service
 * does not list as disbursed is a mismatch too.
 */
import type { Context } from "moleculer";
import type { ActionResult, Reconciliation, ReconciliationMismatch } from "../../sdk/contracts.js";
import { fromCents, toCents, type Cents } from "../../domain/cents.js";
import type { LedgerRepository } from "./ledger-repository.js";

const PAGE = 5000;
/** The answer lists this many mismatches at most, the lowest loan ids (a ledger far behind would list the whole book). */
export const MISMATCHES_LISTED = 1000;

async function pendingEvents(ctx: Context): Promise<number> {
  const answer: ActionResult<"loans.pendingEvents"> = await ctx.call("loans.pendingEvents", { consumer: "ledger" });
  return answer.pending;
}

export async function reconcile(ctx: Context, ledger: LedgerRepository): Promise<Reconciliation> {
  const as_of = new Date().toISOString();
  const pendingBefore = await pendingEvents(ctx);
  const mismatches: ReconciliationMismatch[] = [];
  const mismatch = (loan_id: number, receivable: Cents, outstanding: Cents) => {
    if (receivable !== outstanding && mismatches.length < MISMATCHES_LISTED) mismatches.push({ loan_id, ledger_receivable: fromCents(receivable), outstanding_principal: fromCents(outstanding) });
  };
  let checked = 0;
  for (let after = 0; ;) {
    const { rows }: ActionResult<"loans.outstandingPrincipals"> = await ctx.call("loans.outstandingPrincipals", { after_id: after, limit: PAGE });
    const upTo = rows.length < PAGE ? null : rows[rows.length - 1]!.loan_id;
    const held = new Map((await ledger.receivables(after, upTo)).map((r) => [r.loan_id, toCents(r.receivable)]));
    for (const row of rows) {
      mismatch(row.loan_id, held.get(row.loan_id) ?? 0n, toCents(row.outstanding_principal));
      held.delete(row.loan_id);
    }
    for (const [loanId, receivable] of held) mismatch(loanId, receivable, 0n);
    checked += rows.length;
    if (upTo === null) break;
    after = upTo;
  }
  mismatches.sort((a, b) => a.loan_id - b.loan_id);
  // Events on their way during the walk explain a mismatch as well as those left at its end.
  const pending_events = Math.max(pendingBefore, await pendingEvents(ctx));
  return { as_of, loans_checked: checked, mismatches, pending_events };
}
