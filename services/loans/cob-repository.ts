/**
 * The cob_runs table (migration 0010) and close of business's reads and writes of the book:
 * the only code that touches them. A batch is one transaction: the next loans due a penalty
 * decision locked in id order, their transactions read after the lock, then (from the
 * batch's replays, close-of-business.ts) the penalties inserted, the loans' projections and
 * the moved shares written, and the run's progress and cursor moved, all or nothing.
 */
import type { Sequelize } from "sequelize";
import type { CalendarDate, CloseOfBusinessRun, CloseOfBusinessStatus, Money } from "../../sdk/contracts.js";
import type { ShareFigures } from "../../domain/loan-book.js";
import { selectRows } from "../shared/sql.js";
import type { SqlTransactionWork } from "../shared/unit-of-work.js";
import { LOAN_COLUMNS, type LoanRow } from "./loan.model.js";
import { TRANSACTION_COLUMNS, type TransactionRow } from "./transaction.model.js";

interface RunRow {
  id: number;
  business_date: CalendarDate;
  status: CloseOfBusinessStatus;
  loans_total: number;
  loans_done: number;
  penalties_charged: number;
  last_loan_id: number;
  heartbeat_at: Date;
  started_at: Date;
  finished_at: Date | null;
}

const RUN_COLUMNS = "id, business_date::text AS business_date, status, loans_total, loans_done, penalties_charged, last_loan_id, heartbeat_at, started_at, finished_at";

export function toRun(row: RunRow): CloseOfBusinessRun {
  return {
    id: row.id,
    business_date: row.business_date,
    status: row.status,
    loans_total: row.loans_total,
    loans_done: row.loans_done,
    penalties_charged: row.penalties_charged,
    started_at: new Date(row.started_at).toISOString(),
    finished_at: row.finished_at ? new Date(row.finished_at).toISOString() : null,
  };
}

/** A loan's new figures after its penalties. */
export interface PenaltyProjection {
  id: number;
  outstanding_principal: Money;
  outstanding_interest: Money;
  outstanding_fee: Money;
  outstanding_penalty: Money;
  next_due_date: CalendarDate | null;
  next_penalty_date: CalendarDate | null;
}

export interface NewPenaltyRow {
  loan_id: number;
  installment_number: number;
  value_date: CalendarDate;
  amount: Money;
}

const candidates = "status = 'ACTIVE' AND next_penalty_date <= $1::date";

export class CobRepository {
  constructor(private readonly db: Sequelize) {}

  /** A run that stopped beating for `staleMs` died with its process: FAILED, so a new run may start. */
  async failStale(staleMs: number): Promise<void> {
    await this.db.query(`UPDATE cob_runs SET status = 'FAILED', finished_at = now() WHERE status = 'RUNNING' AND heartbeat_at < now() - make_interval(secs => $1)`, {
      bind: [staleMs / 1000],
    });
  }

  /**
   * A new run for `date`, its total the loans due a penalty decision by then (from the
   * partial index). `scheduledFor`: the daily run's day; null when another instance already
   * started that day's run.
   */
  async start(date: CalendarDate, requestedBy: number | null, scheduledFor: CalendarDate | null): Promise<CloseOfBusinessRun | null> {
    const [row] = await selectRows<RunRow>(
      this.db,
      `INSERT INTO cob_runs (business_date, status, loans_total, requested_by, scheduled_for)
       SELECT $1::date, 'RUNNING', (SELECT count(*) FROM loans WHERE ${candidates}), $2, $3::date
       ON CONFLICT (scheduled_for) DO NOTHING
       RETURNING ${RUN_COLUMNS}`,
      [date, requestedBy, scheduledFor],
    );
    return row ? toRun(row) : null;
  }

  async find(id: number): Promise<CloseOfBusinessRun | null> {
    const [row] = await selectRows<RunRow>(this.db, `SELECT ${RUN_COLUMNS} FROM cob_runs WHERE id = $1`, [id]);
    return row ? toRun(row) : null;
  }

  async page(limit: number, offset: number): Promise<{ rows: CloseOfBusinessRun[]; total: number }> {
    const [rows, [count]] = await Promise.all([
      selectRows<RunRow>(this.db, `SELECT ${RUN_COLUMNS} FROM cob_runs ORDER BY id DESC LIMIT $1 OFFSET $2`, [limit, offset]),
      selectRows<{ n: string }>(this.db, "SELECT count(*) AS n FROM cob_runs", []),
    ]);
    return { rows: rows.map(toRun), total: Number(count?.n ?? 0) };
  }

  async finish(id: number, status: "DONE" | "FAILED"): Promise<void> {
    await this.db.query("UPDATE cob_runs SET status = $2, finished_at = now(), heartbeat_at = now() WHERE id = $1 AND status = 'RUNNING'", { bind: [id, status] });
  }

  /** The run's cursor: the last loan id its committed batches finished. */
  async cursorOf(id: number): Promise<number> {
    const [row] = await selectRows<{ last_loan_id: number }>(this.db, "SELECT last_loan_id FROM cob_runs WHERE id = $1", [id]);
    return row?.last_loan_id ?? 0;
  }

  /** The next `size` loans after `after` due a penalty decision by `date`, locked in id order. */
  lockBatch(work: SqlTransactionWork, date: CalendarDate, after: number, size: number): Promise<LoanRow[]> {
    return work.sql.rows<LoanRow>(`SELECT ${LOAN_COLUMNS.join(", ")} FROM loans WHERE ${candidates} AND id > $2 ORDER BY id LIMIT $3 FOR UPDATE`, [date, after, size]);
  }

  /** The batch's loans' transactions, read after their lock, by loan, value date, recording order. */
  transactionsOf(work: SqlTransactionWork, loanIds: readonly number[]): Promise<TransactionRow[]> {
    return work.sql.rows<TransactionRow>(`SELECT ${TRANSACTION_COLUMNS.join(", ")} FROM loan_transactions WHERE loan_id = ANY($1::int[]) ORDER BY loan_id, value_date, id`, [loanIds]);
  }

  /** The penalties, answered with their ids. A second penalty of one installment breaks the unique index: the batch rolls back. */
  insertPenalties(work: SqlTransactionWork, rows: readonly NewPenaltyRow[]): Promise<TransactionRow[]> {
    if (rows.length === 0) return Promise.resolve([]);
    return work.sql.rows<TransactionRow>(
      `INSERT INTO loan_transactions (loan_id, type, amount, principal_part, interest_part, fee_part, penalty_part, allocation, value_date, installment_number, recorded_by, reversed)
       SELECT loan_id, 'PENALTY', amount, 0, 0, 0, amount, '[]'::jsonb, value_date, installment_number, NULL, false
         FROM unnest($1::int[], $2::int[], $3::date[], $4::numeric[]) AS p(loan_id, installment_number, value_date, amount)
       RETURNING ${TRANSACTION_COLUMNS.join(", ")}`,
      [rows.map((r) => r.loan_id), rows.map((r) => r.installment_number), rows.map((r) => r.value_date), rows.map((r) => r.amount)],
    );
  }

  /** The loans' projections, the moved shares and the run's progress, in one statement. */
  async saveBatch(
    work: SqlTransactionWork,
    runId: number,
    loans: readonly PenaltyProjection[],
    shares: readonly { id: number; figures: ShareFigures }[],
    done: { loans: number; penalties: number; lastId: number },
  ): Promise<void> {
    const col = <K extends keyof PenaltyProjection>(k: K) => loans.map((l) => l[k]);
    await work.sql.rows(
      `WITH l AS (
         UPDATE loans SET outstanding_principal = v.op, outstanding_interest = v.oi, outstanding_fee = v.of, outstanding_penalty = v.opn,
                next_due_date = v.nd, next_penalty_date = v.np, updated_at = now()
           FROM unnest($1::int[], $2::numeric[], $3::numeric[], $4::numeric[], $5::numeric[], $6::date[], $7::date[]) AS v(id, op, oi, of, opn, nd, np)
          WHERE loans.id = v.id
       ), s AS (
         UPDATE loan_transactions t SET principal_part = v.p, interest_part = v.i, fee_part = v.f, penalty_part = v.n, allocation = v.a
           FROM unnest($8::bigint[], $9::numeric[], $10::numeric[], $11::numeric[], $12::numeric[], $13::jsonb[]) AS v(id, p, i, f, n, a)
          WHERE t.id = v.id
       )
       UPDATE cob_runs SET loans_done = loans_done + $15, penalties_charged = penalties_charged + $16, last_loan_id = $17,
              loans_total = GREATEST(loans_total, loans_done + $15), heartbeat_at = now()
        WHERE id = $14`,
      [
        col("id"),
        col("outstanding_principal"),
        col("outstanding_interest"),
        col("outstanding_fee"),
        col("outstanding_penalty"),
        col("next_due_date"),
        col("next_penalty_date"),
        shares.map((s) => s.id),
        shares.map((s) => s.figures.principal_part),
        shares.map((s) => s.figures.interest_part),
        shares.map((s) => s.figures.fee_part),
        shares.map((s) => s.figures.penalty_part),
        shares.map((s) => JSON.stringify(s.figures.allocation)),
        runId,
        done.loans,
        done.penalties,
        done.lastId,
      ],
    );
  }
}
