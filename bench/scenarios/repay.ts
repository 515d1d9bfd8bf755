/**
 * Scenario 7: POST /api/loan/repayment/{id} by an approved agent, 1.00 at a time, over 500
 * ACTIVE loans taken in turn (disbursed through loanstack first). Each repayment locks its
 * loan's row, allocates the payment over the schedule recomputed from the terms, writes the
 * repayment, the loan's new figures and an outbox row. The baseline runs the same SQL in
 * one transaction with the same pure arithmetic. Events left undelivered at the end are
 * dropped, so the next scenario does not pay for this one's events.
 */
import { compare, sameAnswer, type Request } from "../compare.js";
import type { BenchContext, ScenarioResult } from "../context.js";
import { withClient } from "../db.js";
import { startLoanstack } from "../procs.js";
import { afterLoanstack } from "../wrap-up.js";
import { approvedLoans, disburseAll } from "./servicing-loans.js";

const LOANS = 500;

export async function repay(ctx: BenchContext): Promise<ScenarioResult> {
  ctx.log(`scenario 7 — repay: ${LOANS} ACTIVE loans, 1.00 per repayment, one process`);
  const loanstack = await startLoanstack(ctx.opts, ctx.dbs, { namespace: ctx.namespace, profileDir: ctx.profileDir });
  try {
    const ids = await approvedLoans(ctx, LOANS);
    if (ids.length < LOANS) throw new Error(`only ${ids.length} APPROVED loans to disburse (need ${LOANS})`);
    await disburseAll(ctx, loanstack, ids, (id) => 10 + (id % 300));
    ctx.log(`  disbursed ${ids.length} loans through loanstack`);
    const body = JSON.stringify({ amount: "1.00" });
    const request: Request = {
      method: "POST",
      path: `/api/loan/repayment/${ids[0]}`,
      paths: ids.map((id) => `/api/loan/repayment/${id}`),
      headers: { authorization: `Bearer ${ctx.tokens.agent}` },
      body,
    };
    const note = await sameAnswer(ctx, loanstack, { ...request, paths: undefined, body }, false);
    const c = await compare(ctx, loanstack, request, "repay");
    return {
      rows: [
        {
          id: "repay",
          title: "10 repay (agent records repayments)",
          ...c,
          note: `${note}; ${LOANS} loans in turn, each repayment under its loan's row lock; loanstack also relays its outbox to audit (same process) and clears its list cache; the baseline runs the same SQL (loan FOR UPDATE, key look-up, repayment, loan update, outbox row into a copy of the outbox table) with the same arithmetic`,
        },
      ],
      targets: [{ scenario: "10 repay", target: "≥ 0.9× baseline req/s", measured: `${c.ratio.toFixed(2)}×`, pass: c.ratio >= 0.9 }],
    };
  } finally {
    await loanstack.stop();
    afterLoanstack(ctx, "repay", loanstack);
    await withClient(ctx.dbs.loans, (c) => c.query("DELETE FROM outbox_pending"));
  }
}
