/**
 * Scenario 14, the ledger (SPEC "The ledger"; docs/ledger.md):
 *
 * (a) its lag under load: the mixed load of scenario 8 on one loanstack process (every
 *     service in it, the ledger among them) and, beside it, agents recording repayments over
 *     ACTIVE loans, so the ledger has money events to post while the process is busy. The lag
 *     of each event is read afterwards from the ledger's own rows, `posted_at − occurred_at`
 *     of ledger_events (occurred_at is the loans service's commit, posted_at the ledger's
 *     clock_timestamp()), for every event that occurred during the load: p50, p99, max.
 * (b) the trial balance over a big book: a ledger database of its own (`<prefix>_ledger_big`)
 *     seeded by SQL with `BENCH_LEDGER_LINES` journal lines (balanced two-line entries over
 *     200,000 loans and ten years of value dates, a million entries a statement; the lines'
 *     statement trigger keeps the daily balances, as in production), then a fresh loanstack on
 *     it answers GET /api/v1/ledger/trial-balance, one request at a time: p50, p99.
 */
import { send } from "../compare.js";
import type { BenchContext, ScenarioResult } from "../context.js";
import { freshDatabase, withClient } from "../db.js";
import { runLoad, quantile, type LoadResult } from "../load.js";
import { startLoanstack, type Server } from "../procs.js";
import { afterLoanstack } from "../wrap-up.js";
import { mixRequest, settleOutbox } from "./mixed.js";
import { approvedLoans, disburseAll } from "./servicing-loans.js";

const REPAY_LOANS = 300;
/** Connections recording repayments beside the mix's: a steady stream of money events, not a flood. */
const REPAY_CONNECTIONS = 2;
const TRIAL_BALANCE_SAMPLES = 200;
/** Entries (two lines each) per INSERT: a few big statements, each within the trigger's memory. */
const ENTRIES_PER_STATEMENT = 1_000_000;

const ms = (n: number) => `${n.toFixed(n < 10 ? 1 : 0)} ms`;

async function pendingForLedger(ctx: BenchContext): Promise<number> {
  return withClient(ctx.dbs.loans, async (c) => Number((await c.query<{ n: string }>("SELECT count(*) AS n FROM outbox_pending WHERE consumer = 'ledger'")).rows[0]!.n));
}

async function untilPosted(ctx: BenchContext, timeoutMs: number): Promise<number> {
  const start = Date.now();
  while ((await pendingForLedger(ctx)) > 0) {
    if (Date.now() - start > timeoutMs) throw new Error(`the ledger still had ${await pendingForLedger(ctx)} events to post after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return Date.now() - start;
}

interface Lag {
  events: number;
  p50: number;
  p99: number;
  max: number;
  mixed: LoadResult;
  repayments: LoadResult;
  drainMs: number;
}

async function lagUnderMixedLoad(ctx: BenchContext): Promise<Lag> {
  const loanstack = await startLoanstack(ctx.opts, ctx.dbs, { namespace: ctx.namespace, profileDir: ctx.profileDir });
  try {
    const ids = await approvedLoans(ctx, REPAY_LOANS);
    if (ids.length < REPAY_LOANS) throw new Error(`only ${ids.length} APPROVED loans to disburse (need ${REPAY_LOANS})`);
    await disburseAll(ctx, loanstack, ids, (id) => 10 + (id % 300));
    await untilPosted(ctx, 60_000); // the disbursements' events are not the load's
    const request = await mixRequest(ctx);
    const since = await withClient(ctx.dbs.loans, async (c) => (await c.query<{ now: Date }>("SELECT now() AS now")).rows[0]!.now);
    const duration = ctx.opts.duration * ctx.opts.runs;
    const [mixed, repayments] = await Promise.all([
      runLoad({ url: loanstack.url, method: "GET", path: request.path, mix: request.mix, connections: ctx.opts.connections, duration }),
      runLoad({
        url: loanstack.url,
        method: "POST",
        path: `/api/loan/repayment/${ids[0]}`,
        paths: ids.map((id) => `/api/loan/repayment/${id}`),
        headers: { authorization: `Bearer ${ctx.tokens.agent}` },
        body: JSON.stringify({ amount: "1.00" }),
        connections: REPAY_CONNECTIONS,
        duration,
      }),
    ]);
    const drainMs = await untilPosted(ctx, 120_000);
    const lags = await withClient(ctx.dbs.ledger, async (c) =>
      (await c.query<{ ms: number }>("SELECT (extract(epoch FROM posted_at - occurred_at) * 1000)::float8 AS ms FROM ledger_events WHERE source = 'loans' AND occurred_at >= $1", [since])).rows.map(
        (r) => r.ms,
      ),
    );
    if (lags.length === 0) throw new Error("no money event was posted during the load");
    return { events: lags.length, p50: quantile(lags, 0.5), p99: quantile(lags, 0.99), max: Math.max(...lags), mixed, repayments, drainMs };
  } finally {
    await loanstack.stop();
    afterLoanstack(ctx, "ledger", loanstack);
    await settleOutbox(ctx);
  }
}

/** Seeds `lines` journal lines into the ledger database at `url` (its schema made by loanstack): answers the seconds it took. */
async function seedLedger(url: string, lines: number, log: (line: string) => void): Promise<number> {
  const entries = Math.ceil(lines / 2);
  const start = Date.now();
  await withClient(url, async (c) => {
    for (let lo = 1; lo <= entries; lo += ENTRIES_PER_STATEMENT) {
      const hi = Math.min(entries, lo + ENTRIES_PER_STATEMENT - 1);
      await c.query("BEGIN");
      await c.query("INSERT INTO ledger_events (source, event_id, event, occurred_at) SELECT 'bench', g, 'loan.repaid', now() FROM generate_series($1::bigint, $2::bigint) g", [lo, hi]);
      // One entry in ten a disbursement, the rest repayments; ten years of value dates.
      await c.query(
        `INSERT INTO ledger_entries (source, event_id, seq, kind, loan_id, transaction_id, value_date)
         SELECT 'bench', g, 0, CASE WHEN g % 10 = 0 THEN 'DISBURSEMENT' ELSE 'REPAYMENT' END, 1 + g % 200000, g, date '2016-01-01' + (g % 3650)::int
           FROM generate_series($1::bigint, $2::bigint) g`,
        [lo, hi],
      );
      // Two lines an entry, debit = credit: a disbursement Dr 1100 / Cr 1000; a repayment Dr 1000 / Cr 1100 (or 4000, one in three).
      await c.query(
        `INSERT INTO ledger_lines (entry_id, line, account, loan_id, value_date, debit, credit)
         SELECT e.id, l.line,
                CASE WHEN e.kind = 'DISBURSEMENT' THEN (CASE WHEN l.line = 0 THEN '1100' ELSE '1000' END)
                     ELSE (CASE WHEN l.line = 0 THEN '1000' WHEN e.event_id % 3 = 0 THEN '4000' ELSE '1100' END) END,
                e.loan_id, e.value_date,
                CASE WHEN l.line = 0 THEN ((e.event_id % 100000) + 1) / 100.0 ELSE 0 END,
                CASE WHEN l.line = 1 THEN ((e.event_id % 100000) + 1) / 100.0 ELSE 0 END
           FROM ledger_entries e CROSS JOIN (VALUES (0), (1)) AS l(line)
          WHERE e.source = 'bench' AND e.event_id BETWEEN $1 AND $2`,
        [lo, hi],
      );
      await c.query("COMMIT");
      log(`  ledger seeded: ${(hi * 2).toLocaleString("en")} of ${(entries * 2).toLocaleString("en")} lines (${Math.round((Date.now() - start) / 1000)} s)`);
    }
    await c.query("ANALYZE");
  });
  return (Date.now() - start) / 1000;
}

interface TrialBalanceTiming {
  lines: number;
  dailyRows: number;
  seedSeconds: number;
  p50: number;
  p99: number;
  balanced: boolean;
}

async function trialBalanceOverBigBook(ctx: BenchContext): Promise<TrialBalanceTiming> {
  const url = await freshDatabase(ctx.opts.pgUrl, `${ctx.dbs.ledger.split("/").pop()!}_big`);
  const env = { LEDGER_DATABASE_URL: url };
  // loanstack makes the ledger schema (its migrations) on its first start.
  await (await startLoanstack(ctx.opts, ctx.dbs, { namespace: ctx.namespace, env })).stop();
  const seedSeconds = await seedLedger(url, ctx.opts.ledgerLines, (line) => ctx.log(line));
  const [lines, dailyRows] = await withClient(url, async (c) => [
    Number((await c.query<{ n: string }>("SELECT count(*) AS n FROM ledger_lines")).rows[0]!.n),
    Number((await c.query<{ n: string }>("SELECT count(*) AS n FROM ledger_daily_balances")).rows[0]!.n),
  ]);
  let loanstack: Server | undefined;
  try {
    loanstack = await startLoanstack(ctx.opts, ctx.dbs, { namespace: ctx.namespace, env, profileDir: ctx.profileDir });
    const request = { method: "GET" as const, path: "/api/v1/ledger/trial-balance", headers: { authorization: `Bearer ${ctx.tokens.admin}` } };
    const times: number[] = [];
    let balanced = true;
    for (let i = 0; i < TRIAL_BALANCE_SAMPLES + 10; i += 1) {
      const t0 = performance.now();
      const answer = await send(loanstack.url, request);
      const took = performance.now() - t0;
      if (answer.status !== 200) throw new Error(`trial balance: ${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`);
      balanced &&= (answer.body as { balanced: boolean }).balanced;
      if (i >= 10) times.push(took); // the first ten warm the process and PostgreSQL's cache
    }
    return { lines, dailyRows, seedSeconds, p50: quantile(times, 0.5), p99: quantile(times, 0.99), balanced };
  } finally {
    await loanstack?.stop();
    if (loanstack) afterLoanstack(ctx, "ledger-trial-balance", loanstack);
  }
}

export async function ledger(ctx: BenchContext): Promise<ScenarioResult> {
  ctx.log(
    `scenario 14 — ledger: lag under the mixed load plus ${REPAY_CONNECTIONS} connections of repayments, one process; then the trial balance over ${ctx.opts.ledgerLines.toLocaleString("en")} journal lines`,
  );
  const lag = await lagUnderMixedLoad(ctx);
  ctx.log(
    `  lag of ${lag.events} events: p50 ${ms(lag.p50)}, p99 ${ms(lag.p99)}, max ${ms(lag.max)}; mixed ${Math.round(lag.mixed.rps)} req/s, repayments ${Math.round(lag.repayments.rps)} req/s; posted the rest ${lag.drainMs} ms after the load`,
  );
  const tb = await trialBalanceOverBigBook(ctx);
  ctx.log(`  trial balance over ${tb.lines.toLocaleString("en")} lines (${tb.dailyRows} daily balance rows; seeded in ${Math.round(tb.seedSeconds)} s): p50 ${ms(tb.p50)}, p99 ${ms(tb.p99)}`);
  const lagTitle = "14 ledger lag under the mixed load and repayments";
  const tbTitle = `14 trial balance over ${tb.lines.toLocaleString("en")} journal lines`;
  return {
    rows: [
      {
        id: "ledger",
        title: lagTitle,
        note: `${lag.events} money events posted during ${ctx.opts.duration * ctx.opts.runs} s of the mixed load (${Math.round(lag.mixed.rps)} req/s, ${lag.mixed.errors} errors) and repayments (${Math.round(lag.repayments.rps)} req/s, ${lag.repayments.errors} errors); lag posted_at − occurred_at p50 ${ms(lag.p50)}, p99 ${ms(lag.p99)}, max ${ms(lag.max)}; the last posted ${lag.drainMs} ms after the load ended. Trial balance over ${tb.lines.toLocaleString("en")} lines (${tb.dailyRows} daily balance rows, seeded in ${Math.round(tb.seedSeconds)} s): p50 ${ms(tb.p50)}, p99 ${ms(tb.p99)} over ${TRIAL_BALANCE_SAMPLES} requests one at a time`,
        skipped: "figures in the note and the targets",
      },
    ],
    targets: [
      { scenario: lagTitle, target: "lag p99 ≤ 1 s", measured: `p50 ${ms(lag.p50)}, p99 ${ms(lag.p99)}`, pass: lag.p99 <= 1000 },
      { scenario: tbTitle, target: "p99 ≤ 50 ms, balanced", measured: `p50 ${ms(tb.p50)}, p99 ${ms(tb.p99)}${tb.balanced ? "" : ", NOT balanced"}`, pass: tb.p99 <= 50 && tb.balanced },
    ],
    extra: { lag: { events: lag.events, p50: lag.p50, p99: lag.p99, max: lag.max, drainMs: lag.drainMs, mixedRps: lag.mixed.rps, repayRps: lag.repayments.rps }, trialBalance: tb },
  };
}
