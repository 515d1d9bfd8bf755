/**
 * Scenario 8: the repayment schedule with 1,000,000 loans in the book (100,000 with
 * --quick). 2,000 loans spread over the table are disbursed through loanstack (half of them
 * then partly repaid); the other APPROVED loans become ACTIVE by SQL, nothing paid, so the
 * table, the partial index over ACTIVE loans and the portfolio have a million-loan book
 * (their figures fill the book; no schedule request reads them). Then
 * GET /api/loan/loan-schedule/{id} over the 2,000 in turn, under load against the baseline,
 * and one at a time; and, loanstack only, the uncached ?overdue=true list and the portfolio.
 */
import { compare, sameAnswer, send, type Request } from "../compare.js";
import type { BenchContext, Measured, Row, ScenarioResult } from "../context.js";
import { withClient } from "../db.js";
import { median, quantile } from "../load.js";
import { peakRssMb, startLoanstack, type Server } from "../procs.js";
import { seedLoans } from "../seed.js";
import { afterLoanstack } from "../wrap-up.js";
import { approvedLoans, disburseAll } from "./servicing-loans.js";

const SAMPLE = 2_000;
const SEQUENTIAL = 200;

/** The book's other APPROVED loans become ACTIVE: nine in ten current, one in ten past due. */
async function activateBook(ctx: BenchContext, except: number[]): Promise<number> {
  return withClient(ctx.dbs.loans, async (c) => {
    await c.query("ALTER TABLE loans DISABLE TRIGGER USER");
    try {
      const { rowCount } = await c.query(
        `UPDATE loans SET status = 'ACTIVE', disbursed_on = current_date - (40 + id % 700), disbursed_by = $2,
                total_interest = round(emi * tenure_months - principal, 2),
                outstanding_principal = principal, outstanding_interest = round(emi * tenure_months - principal, 2),
                next_due_date = CASE WHEN id % 10 = 0 THEN current_date - (1 + id % 120) ELSE current_date + id % 28 END
          WHERE status = 'APPROVED' AND NOT (id = ANY($1::int[]))`,
        [except, ctx.actors.admin],
      );
      await c.query("BEGIN");
      await c.query("DELETE FROM loan_counts");
      await c.query("INSERT INTO loan_counts (status, slot, n) SELECT status, id % 16, count(*) FROM loans GROUP BY 1, 2");
      await c.query("COMMIT");
      return rowCount ?? 0;
    } finally {
      await c.query("ALTER TABLE loans ENABLE TRIGGER USER");
    }
  });
}

/** Latencies (ms) of `samples` requests one at a time, `before` each (not timed). */
async function oneAtATime(server: Server, samples: number, request: (i: number) => Request, before?: (i: number) => Promise<void>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    await before?.(i);
    const started = performance.now();
    const a = await send(server.url, request(i));
    times.push(Math.round((performance.now() - started) * 100) / 100);
    if (a.status !== 200) throw new Error(`${request(i).path} answered ${a.status}: ${JSON.stringify(a.body).slice(0, 300)}`);
  }
  return times;
}

function latencyOnly(samples: number[], rssMb: number | null): Measured {
  return { rps: NaN, p50: median(samples), p99: quantile(samples, 0.99), errors: 0, rssMb, runs: [] };
}

export async function schedule(ctx: BenchContext): Promise<ScenarioResult> {
  const { opts } = ctx;
  ctx.log(`scenario 8 — schedule read with ${opts.scaleLoans.toLocaleString("en")} loans`);
  const seeded = await seedLoans(ctx.dbs, opts.scaleLoans, ctx.actors, process.env.BENCH_SEED_TRIGGERS === "on", (line) => ctx.log(`  ${line}`));
  const loanstack = await startLoanstack(opts, ctx.dbs, { namespace: ctx.namespace, profileDir: ctx.profileDir });
  const rows: Row[] = [];
  const targets: ScenarioResult["targets"] = [];
  try {
    const ids = await approvedLoans(ctx, SAMPLE);
    await disburseAll(ctx, loanstack, ids, (id) => 30 + (id % 700));
    const agent = { authorization: `Bearer ${ctx.tokens.agent}` };
    for (const id of ids.filter((_, i) => i % 2 === 0)) {
      const a = await send(loanstack.url, { method: "POST", path: `/api/loan/repayment/${id}`, headers: agent, body: JSON.stringify({ amount: "2500.00" }) });
      if (a.status !== 201) throw new Error(`repaying loan ${id}: ${a.status} ${JSON.stringify(a.body).slice(0, 300)}`);
    }
    const activated = await activateBook(ctx, ids);
    ctx.log(`  ${ids.length} loans disbursed through loanstack (half partly repaid); ${activated.toLocaleString("en")} more made ACTIVE by SQL; VACUUM ANALYZE`);
    await withClient(ctx.dbs.loans, (c) => c.query("VACUUM ANALYZE loans"));

    const admin = { authorization: `Bearer ${ctx.tokens.admin}` };
    const read = (id: number): Request => ({ method: "GET", path: `/api/loan/loan-schedule/${id}`, headers: admin });
    const request: Request = { ...read(ids[0]!), paths: ids.map((id) => read(id).path) };
    const note = await sameAnswer(ctx, loanstack, read(ids[1]!), true);
    const c = await compare(ctx, loanstack, request, "schedule");
    const title = `11 schedule read, ${opts.scaleLoans.toLocaleString("en")} loans`;
    rows.push({
      id: "schedule",
      title: `${title}, under load`,
      ...c,
      note: `${note}; ${SAMPLE} loans in turn (tenures 12–360 months), each schedule recomputed from the terms and the loan row's figures`,
    });
    targets.push({ scenario: `${title}, under load`, target: "p99 ≤ 50 ms", measured: `${c.loanstack.p99} ms`, pass: c.loanstack.p99 <= 50 });

    const ls = await oneAtATime(loanstack, SEQUENTIAL, (i) => read(ids[(i * 7) % ids.length]!));
    const base = await oneAtATime(ctx.baseline, SEQUENTIAL, (i) => read(ids[(i * 7) % ids.length]!));
    const [a, b] = [latencyOnly(ls, peakRssMb(loanstack.procs)), latencyOnly(base, peakRssMb(ctx.baseline.procs))];
    ctx.log(`  schedule one at a time: loanstack p50 ${a.p50.toFixed(1)} ms p99 ${a.p99.toFixed(1)} ms | baseline p50 ${b.p50.toFixed(1)} ms p99 ${b.p99.toFixed(1)} ms`);
    rows.push({ id: "schedule-sequential", title: `${title}, one at a time`, loanstack: a, baseline: b, note: `${SEQUENTIAL} sequential requests (latency only)` });
    targets.push({ scenario: `${title}, one at a time`, target: "p99 ≤ 50 ms", measured: `${a.p99.toFixed(1)} ms`, pass: a.p99 <= 50 });

    // A repayment before each read clears loanstack's list cache: the list is computed each time.
    const overdue = await oneAtATime(
      loanstack,
      100,
      () => ({ method: "GET", path: "/api/loan/list-loans-admin-agent?overdue=true", headers: admin }),
      async (i) => void (await send(loanstack.url, { method: "POST", path: `/api/loan/repayment/${ids[i % ids.length]}`, headers: agent, body: JSON.stringify({ amount: "1.00" }) })),
    );
    const o = latencyOnly(overdue, peakRssMb(loanstack.procs));
    ctx.log(`  ?overdue=true, uncached: loanstack p50 ${o.p50.toFixed(1)} ms p99 ${o.p99.toFixed(1)} ms`);
    rows.push({
      id: "overdue-uncached",
      title: `11 overdue list, ${opts.scaleLoans.toLocaleString("en")} loans, uncached`,
      loanstack: o,
      note: "100 sequential first requests of page 1 (most overdue first, with its total), each after a repayment that cleared the cache; loanstack only (latency)",
    });
    targets.push({ scenario: "11 overdue list, uncached", target: "p99 ≤ 50 ms", measured: `${o.p99.toFixed(1)} ms`, pass: o.p99 <= 50 });

    const book = await oneAtATime(loanstack, 20, () => ({ method: "GET", path: "/api/loan/portfolio", headers: admin }));
    const p = latencyOnly(book, peakRssMb(loanstack.procs));
    ctx.log(`  portfolio: loanstack p50 ${p.p50.toFixed(1)} ms p99 ${p.p99.toFixed(1)} ms`);
    rows.push({
      id: "portfolio",
      title: `11 portfolio, ${opts.scaleLoans.toLocaleString("en")} loans`,
      loanstack: p,
      note: "20 sequential requests (latency only; also the cost of each refresh of the portfolio gauges)",
    });
    return { rows, targets, extra: { seeded, activated, sample: SAMPLE } };
  } finally {
    await loanstack.stop();
    afterLoanstack(ctx, "schedule", loanstack);
    await withClient(ctx.dbs.loans, (c) => c.query("DELETE FROM outbox_pending"));
  }
}
