/**
 * Scenario 12: reversal of a repayment with 100 later ones. BENCH_REVERSE_LOANS loans (100;
 * 30 with --quick) of 360 monthly installments are inserted APPROVED by SQL, then through
 * loanstack's API disbursed 112 months ago and repaid the EMI on each of their first 101 due
 * dates (101 repayments, each under the loan's lock, as an agent would key them in). Then,
 * one at a time, POST /api/v1/loan/repayments/{id}/reverse of each loan's FIRST repayment:
 * the replay moves the share of every one of the 100 later repayments (each now pays the
 * installment before the one it paid), all written in the reversal's statement. A
 * repayment is reversed once, so each loan gives one sample; loanstack only (latency).
 */
import { monthlyDates } from "../../domain/calendar.js";
import { send } from "../compare.js";
import type { BenchContext, ScenarioResult } from "../context.js";
import { withClient } from "../db.js";
import { median, quantile } from "../load.js";
import { peakRssMb, startLoanstack } from "../procs.js";
import { afterLoanstack } from "../wrap-up.js";

const TENURE = 360;
const REPAYMENTS = 101;
const MONTHS_AGO = 112;

/** `count` APPROVED loans of 360 months (principals 100,000–1,090,000 at their band's rate). */
async function insertLoans(ctx: BenchContext, count: number): Promise<{ id: number; emi: string }[]> {
  return withClient(ctx.dbs.loans, async (c) => {
    const { rows } = await c.query<{ id: number; emi: string }>(
      `INSERT INTO loans (customer_id, agent_id, principal, interest_rate, tenure_months, emi, status, version, decided_by, decided_at, created_at, updated_at)
       SELECT $2::int + g % $3::int, $4::int, p, r, ${TENURE}, round(p * (r / 1200) * power(1 + r / 1200, ${TENURE}) / (power(1 + r / 1200, ${TENURE}) - 1), 2),
              'APPROVED', 1, $5::int, now(), now(), now()
         FROM (SELECT g, p, CASE WHEN p <= 500000 THEN 12.00 ELSE 10.50 END::numeric AS r
                 FROM (SELECT g, (100000 + (g % 100) * 10000)::numeric(14, 2) AS p FROM generate_series(1, $1::int) g) a) b
       RETURNING id, emi::text AS emi`,
      [count, ctx.actors.customers.first, ctx.actors.customers.count, ctx.actors.agent, ctx.actors.admin],
    );
    return rows;
  });
}

export async function reverse(ctx: BenchContext): Promise<ScenarioResult> {
  const count = ctx.opts.reverseLoans;
  ctx.log(`scenario 12 — reverse: the first of ${REPAYMENTS} repayments on ${count} loans of ${TENURE} installments, one at a time`);
  const loans = await insertLoans(ctx, count);
  const loanstack = await startLoanstack(ctx.opts, ctx.dbs, { namespace: ctx.namespace, profileDir: ctx.profileDir });
  try {
    const admin = { authorization: `Bearer ${ctx.tokens.admin}` };
    const agent = { authorization: `Bearer ${ctx.tokens.agent}` };
    const now = new Date();
    const disbursedOn = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - MONTHS_AGO, 15)).toISOString().slice(0, 10);
    const dues = monthlyDates(disbursedOn, REPAYMENTS);
    const first = new Map<number, number>();
    const t0 = Date.now();
    let next = 0;
    const worker = async () => {
      while (next < loans.length) {
        const { id, emi } = loans[next++]!;
        const d = await send(loanstack.url, { method: "PUT", path: `/api/loan/disburse-loan/${id}`, headers: admin, body: JSON.stringify({ disbursed_on: disbursedOn }) });
        if (d.status !== 200) throw new Error(`disbursing loan ${id}: ${d.status} ${JSON.stringify(d.body).slice(0, 300)}`);
        for (const paidOn of dues) {
          const a = await send(loanstack.url, { method: "POST", path: `/api/v1/loan/repayment/${id}`, headers: agent, body: JSON.stringify({ amount: emi, paid_on: paidOn }) });
          if (a.status !== 201) throw new Error(`repaying loan ${id} on ${paidOn}: ${a.status} ${JSON.stringify(a.body).slice(0, 300)}`);
          if (!first.has(id)) first.set(id, (a.body as { id: number }).id);
        }
      }
    };
    await Promise.all(Array.from({ length: 4 }, worker));
    ctx.log(`  ${count} loans disbursed on ${disbursedOn} and repaid ${REPAYMENTS} times each through loanstack (${Math.round((Date.now() - t0) / 1000)} s)`);

    const times: number[] = [];
    for (const { id } of loans) {
      const repayment = first.get(id)!;
      const started = performance.now();
      const a = await send(loanstack.url, { method: "POST", path: `/api/v1/loan/repayments/${repayment}/reverse`, headers: admin, body: JSON.stringify({ reason: "cheque bounced (bench)" }) });
      times.push(Math.round((performance.now() - started) * 100) / 100);
      if (a.status !== 200) throw new Error(`reversing repayment ${repayment} of loan ${id}: ${a.status} ${JSON.stringify(a.body).slice(0, 300)}`);
    }
    // Each first repayment is marked reversed.
    const reversed = await withClient(ctx.dbs.loans, async (c) =>
      Number((await c.query<{ n: string }>("SELECT count(*) AS n FROM loan_transactions WHERE id = ANY($1::bigint[]) AND reversed", [[...first.values()]])).rows[0]!.n),
    );
    if (reversed !== count) throw new Error(`${reversed} of ${count} first repayments are marked reversed`);
    const p50 = median(times);
    const p99 = quantile(times, 0.99);
    ctx.log(`  reversal: p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms (${count} samples, one at a time)`);
    const title = `12 reverse the 1st of ${REPAYMENTS} repayments, ${TENURE} installments`;
    return {
      rows: [
        {
          id: "reverse",
          title,
          loanstack: { rps: NaN, p50, p99, errors: 0, rssMb: peakRssMb(loanstack.procs), runs: [] },
          note: `${count} reversals one at a time (one per loan: a repayment is reversed once); each re-allocates the 100 later repayments (latency only)`,
        },
      ],
      targets: [{ scenario: title, target: "p99 ≤ 50 ms", measured: `${p99.toFixed(1)} ms`, pass: p99 <= 50 }],
      extra: { times, disbursedOn },
    };
  } finally {
    await loanstack.stop();
    afterLoanstack(ctx, "reverse", loanstack);
    await withClient(ctx.dbs.loans, (c) => c.query("DELETE FROM outbox_pending"));
  }
}
