/**
 * Scenario 13: close of business over a book of ACTIVE loans (1,000,000; 100,000 with
 * --quick) with a penalty rule, one in ten owing a penalty on the business date. The book is
 * seeded straight in SQL in a database of its own (`<prefix>_cob`, its schema made by
 * loanstack): each loan ACTIVE with a DISBURSEMENT transaction, the STANDARD product's terms
 * plus a penalty rule, and `next_penalty_date` as the service sets it (the first
 * installment's penalty date: on or before the business date for the one in ten, after it
 * for the rest) — checked against the service's own projection on a sample. Then a fresh
 * loanstack runs POST /api/v1/loan/close-of-business for the date, polled until DONE: wall
 * time, loans/s, penalties charged, peak RSS of the process (VmHWM, and VmRSS sampled).
 * BENCH_COB_ALL=on: `next_penalty_date` = the disbursement date for every loan (as migration
 * 0010 leaves the loans made before it), so the run replays every loan of the book.
 */
import type { ProductTerms } from "../../sdk/contracts.js";
import { LOAN_COLUMNS, type LoanRow } from "../../services/loans/loan.model.js";
import { TRANSACTION_COLUMNS, type TransactionRow } from "../../services/loans/transaction.model.js";
import { projection, replayBook, toReplayTransaction } from "../../services/loans/loan-book.js";
import { send } from "../compare.js";
import type { BenchContext, ScenarioResult } from "../context.js";
import { processCpuMs } from "../cpu.js";
import { COB_DATABASE, freshDatabase, withClient } from "../db.js";
import { peakRssMb, resetPeakRss, rssMb, startLoanstack } from "../procs.js";
import { afterLoanstack } from "../wrap-up.js";

const BATCH = 100_000;
const GRACE_DAYS = 5;
const PENALTY = { grace_days: GRACE_DAYS, kind: "FLAT" as const, amount: "25.00" };
const DATE_COLUMNS = new Set(["disbursed_on", "next_penalty_date", "next_due_date", "written_off_on", "value_date"]);
const TIMEOUT_MS = 15 * 60_000;

interface RunAnswer {
  id: number;
  status: string;
  loans_total: number;
  loans_done: number;
  penalties_charged: number;
  started_at: string;
  finished_at: string | null;
}

const selectList = (columns: readonly string[]) => columns.map((c) => (DATE_COLUMNS.has(c) ? `${c}::text AS ${c}` : c)).join(", ");

/** The STANDARD product's terms as a loan copies them, with the bench's penalty rule. */
async function termsWithPenalty(url: string): Promise<ProductTerms> {
  return withClient(url, async (c) => {
    const { rows } = await c.query<ProductTerms>(
      `SELECT code, min_principal::text AS min_principal, max_principal::text AS max_principal, min_tenure_months, max_tenure_months, rate_bands, disbursement_fee
         FROM products WHERE code = 'STANDARD'`,
    );
    if (!rows[0]) throw new Error("no STANDARD product in the cob database");
    return { ...rows[0], penalty: PENALTY };
  });
}

/**
 * Loans g = 1..count, ACTIVE, each with its DISBURSEMENT. One in ten (g % 10 = 0) was
 * disbursed 40–44 days before the business date: its first installment fell due and its
 * grace ended, unpaid. The others 5–24 days before: nothing due yet.
 */
async function seedBook(ctx: BenchContext, url: string, count: number, date: string, all: boolean): Promise<number> {
  const terms = await termsWithPenalty(url);
  const started = Date.now();
  await withClient(url, async (c) => {
    await c.query("ALTER TABLE loans DISABLE TRIGGER USER");
    await c.query("ALTER TABLE loan_transactions DISABLE TRIGGER USER");
    try {
      for (let from = 1; from <= count; from += BATCH) {
        const to = Math.min(count, from + BATCH - 1);
        await c.query(
          `INSERT INTO loans (id, customer_id, agent_id, principal, interest_rate, tenure_months, emi, status, version, decided_by, decided_at,
                              disbursed_on, disbursed_by, total_interest, outstanding_principal, outstanding_interest, outstanding_fee, outstanding_penalty,
                              next_due_date, next_penalty_date, product_code, product_terms, disbursement_fee, created_at, updated_at)
           SELECT g, $4::int + g % $5::int, $6::int + g % $7::int, p, r, n, emi, 'ACTIVE', 1, $8::int, now(),
                  d, $8::int, round(emi * n - p, 2), p, round(emi * n - p, 2), 0, 0,
                  (d + interval '1 month')::date,
                  CASE WHEN $9::boolean THEN d ELSE (d + interval '1 month')::date + ${GRACE_DAYS + 1} END,
                  'STANDARD', $10::jsonb, 0, now(), now()
             FROM (SELECT g, p, r, n, d, round(p * (r / 1200) * power(1 + r / 1200, n) / (power(1 + r / 1200, n) - 1), 2) AS emi
                     FROM (SELECT g, (10000 + (g % 1000) * 1000)::numeric(14, 2) AS p,
                                  CASE WHEN 10000 + (g % 1000) * 1000 <= 50000 THEN 14.00 WHEN 10000 + (g % 1000) * 1000 <= 500000 THEN 12.00 ELSE 10.50 END::numeric AS r,
                                  12 + g % 349 AS n,
                                  CASE WHEN g % 10 = 0 THEN $3::date - (40 + g % 5) ELSE $3::date - (5 + g % 20) END AS d
                             FROM generate_series($1::int, $2::int) g) a) b`,
          [from, to, date, ctx.actors.customers.first, ctx.actors.customers.count, ctx.actors.agents.first, ctx.actors.agents.count, ctx.actors.admin, all, JSON.stringify(terms)],
        );
        await c.query(
          `INSERT INTO loan_transactions (loan_id, type, amount, principal_part, interest_part, fee_part, penalty_part, allocation, value_date, recorded_by, reversed, created_at)
           SELECT id, 'DISBURSEMENT', principal, principal, 0, 0, 0, '[]'::jsonb, disbursed_on, $3, false, now() FROM loans WHERE id BETWEEN $1 AND $2`,
          [from, to, ctx.actors.admin],
        );
        const secs = (Date.now() - started) / 1000;
        ctx.log(`  seeding the cob book: ${to.toLocaleString("en")} / ${count.toLocaleString("en")} loans and their disbursements (${Math.round(to / secs).toLocaleString("en")} loans/s)`);
      }
      await c.query("SELECT setval(pg_get_serial_sequence('loans', 'id'), $1)", [count]);
      await c.query("BEGIN");
      await c.query("DELETE FROM loan_counts");
      await c.query("INSERT INTO loan_counts (status, slot, n) SELECT status, id % 16, count(*) FROM loans GROUP BY 1, 2");
      await c.query("COMMIT");
    } finally {
      await c.query("ALTER TABLE loans ENABLE TRIGGER USER");
      await c.query("ALTER TABLE loan_transactions ENABLE TRIGGER USER");
    }
    ctx.log("  seeding the cob book: VACUUM ANALYZE");
    await c.query("VACUUM ANALYZE loans");
    await c.query("VACUUM ANALYZE loan_transactions");
  });
  return Math.round((Date.now() - started) / 100) / 10;
}

/** The seeded `next_penalty_date` of a sample is what the service's own projection sets. */
async function checkSample(url: string, count: number, all: boolean): Promise<void> {
  await withClient(url, async (c) => {
    // 20 loans owing a penalty (id % 10 = 0) spread over the book, and the loan after each (owing none).
    const owing = Array.from({ length: 20 }, (_, i) => 10 * (1 + Math.floor((i * (count / 10 - 1)) / 20)));
    const ids = [...owing, ...owing.map((id) => id + 1)].filter((id) => id <= count);
    const loans = (await c.query<LoanRow>(`SELECT ${selectList(LOAN_COLUMNS)} FROM loans WHERE id = ANY($1::int[])`, [ids])).rows;
    const txs = (await c.query<TransactionRow>(`SELECT ${selectList(TRANSACTION_COLUMNS)} FROM loan_transactions WHERE loan_id = ANY($1::int[]) ORDER BY loan_id, value_date, id`, [ids])).rows;
    for (const loan of loans) {
      const book = replayBook(loan, txs.filter((t) => Number(t.loan_id) === loan.id).map(toReplayTransaction));
      const expected = projection(loan, book, new Date()).next_penalty_date;
      if (!all && expected !== loan.next_penalty_date) throw new Error(`seeded loan ${loan.id}: next_penalty_date ${loan.next_penalty_date}, the service would set ${expected}`);
      if (expected === null) throw new Error(`seeded loan ${loan.id} would owe no penalty ever`);
    }
  });
}

export async function cob(ctx: BenchContext): Promise<ScenarioResult> {
  const { opts } = ctx;
  const count = opts.cobLoans;
  const all = process.env.BENCH_COB_ALL === "on";
  const date = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  const owing = Math.floor(count / 10);
  ctx.log(
    `scenario 13 — close of business for ${date} over ${count.toLocaleString("en")} ACTIVE loans, ${owing.toLocaleString("en")} owing a penalty${all ? " (BENCH_COB_ALL=on: every loan looked at)" : ""}`,
  );
  const url = await freshDatabase(opts.pgUrl, COB_DATABASE);
  const dbs = { ...ctx.dbs, loans: url };
  await (await startLoanstack(opts, dbs, { namespace: ctx.namespace })).stop();
  const seedSeconds = await seedBook(ctx, url, count, date, all);
  await checkSample(url, count, all);
  ctx.log(`  seeded in ${seedSeconds} s; a sample's next_penalty_date matches the service's projection`);

  const batchSize = process.env.COB_BATCH_SIZE;
  const loanstack = await startLoanstack(opts, dbs, { namespace: ctx.namespace, profileDir: ctx.profileDir, env: batchSize ? { COB_BATCH_SIZE: batchSize } : {} });
  try {
    const admin = { authorization: `Bearer ${ctx.tokens.admin}` };
    const pid = loanstack.procs[0]!.pid;
    resetPeakRss(loanstack.procs);
    const rssBefore = rssMb(loanstack.procs);
    let sampledPeak = rssBefore ?? 0;
    const sampler = setInterval(() => {
      sampledPeak = Math.max(sampledPeak, rssMb(loanstack.procs) ?? 0);
    }, 200);
    const cpuBefore = processCpuMs(pid);
    const t0 = performance.now();
    let run: RunAnswer;
    try {
      const a = await send(loanstack.url, { method: "POST", path: "/api/v1/loan/close-of-business", headers: admin, body: JSON.stringify({ business_date: date }) });
      if (a.status !== 202) throw new Error(`close-of-business answered ${a.status}: ${JSON.stringify(a.body).slice(0, 300)}`);
      run = a.body as RunAnswer;
      let lastLog = Date.now();
      while (run.status === "RUNNING") {
        if (performance.now() - t0 > TIMEOUT_MS) throw new Error(`run ${run.id} still RUNNING after ${TIMEOUT_MS / 60_000} min (${run.loans_done} loans done)`);
        await new Promise((r) => setTimeout(r, 250));
        const g = await send(loanstack.url, { method: "GET", path: `/api/v1/loan/close-of-business/${run.id}`, headers: admin });
        if (g.status !== 200) throw new Error(`GET close-of-business/${run.id} answered ${g.status}`);
        run = g.body as RunAnswer;
        if (Date.now() - lastLog > 10_000) {
          lastLog = Date.now();
          ctx.log(
            `  … ${run.loans_done.toLocaleString("en")} / ${run.loans_total.toLocaleString("en")} loans, ${run.penalties_charged.toLocaleString("en")} penalties, RSS ${rssMb(loanstack.procs)} MB`,
          );
        }
      }
    } finally {
      clearInterval(sampler);
    }
    const wall = (performance.now() - t0) / 1000;
    const cpuSeconds = (processCpuMs(pid) - cpuBefore) / 1000;
    const hwm = peakRssMb(loanstack.procs);
    const peak = Math.max(hwm ?? 0, sampledPeak);
    if (run.status !== "DONE") throw new Error(`run ${run.id} ended ${run.status}`);
    const runSeconds = (new Date(run.finished_at!).getTime() - new Date(run.started_at).getTime()) / 1000;
    const check = await withClient(url, async (c) => {
      const { rows } = await c.query<{ penalties: string; pending: string }>(
        "SELECT (SELECT count(*) FROM loan_transactions WHERE type = 'PENALTY') AS penalties, (SELECT count(*) FROM outbox_pending) AS pending",
      );
      return { penalties: Number(rows[0]!.penalties), pending: Number(rows[0]!.pending) };
    });
    if (check.penalties !== owing || run.penalties_charged !== owing) throw new Error(`expected ${owing} penalties, the run says ${run.penalties_charged}, the table holds ${check.penalties}`);
    const perSecond = Math.round(run.loans_done / wall);
    ctx.log(
      `  close of business: ${wall.toFixed(1)} s wall (run ${runSeconds.toFixed(1)} s by its own clock), ${run.loans_done.toLocaleString("en")} loans looked at (${perSecond.toLocaleString("en")} loans/s; book ${Math.round(count / wall).toLocaleString("en")} loans/s), ${run.penalties_charged.toLocaleString("en")} penalties; peak RSS ${peak} MB (VmHWM ${hwm} MB, sampled ${sampledPeak} MB, before ${rssBefore} MB); loanstack CPU ${cpuSeconds.toFixed(1)} s; events not yet relayed to audit at DONE: ${check.pending.toLocaleString("en")}`,
    );
    const title = `13 close of business, ${count.toLocaleString("en")} loans${all ? ", all looked at" : ""}`;
    const timeTarget = count >= 1_000_000 ? 60 : 60 * (count / 1_000_000);
    return {
      rows: [
        {
          id: "cob",
          title,
          note: `${wall.toFixed(1)} s, ${run.loans_done.toLocaleString("en")} loans looked at (${perSecond.toLocaleString("en")}/s), ${run.penalties_charged.toLocaleString("en")} penalties charged, peak RSS ${peak} MB, loanstack CPU ${cpuSeconds.toFixed(1)} s; batch ${batchSize ?? "default"}`,
          loanstack: { rps: perSecond, p50: NaN, p99: NaN, errors: 0, rssMb: peak, runs: [] },
        },
      ],
      targets: [
        { scenario: title, target: `≤ ${Math.round(timeTarget)} s${count < 1_000_000 ? " (60 s pro rata)" : ""}`, measured: `${wall.toFixed(1)} s`, pass: wall <= timeTarget },
        { scenario: `${title}, peak RSS`, target: "≤ 250 MB", measured: `${peak} MB`, pass: peak <= 250 },
      ],
      extra: {
        date,
        count,
        owing,
        all,
        seedSeconds,
        wall,
        runSeconds,
        run,
        peakRssMb: peak,
        vmHwmMb: hwm,
        sampledPeakMb: sampledPeak,
        rssBeforeMb: rssBefore,
        cpuSeconds,
        pendingEvents: check.pending,
      },
    };
  } finally {
    await loanstack.stop();
    afterLoanstack(ctx, "cob", loanstack);
  }
}
