/**
 * The loan_transactions table (migration 0009) and the only code that reads or writes it.
 * A change of a loan's money is one statement after the loan's row lock (and the read of its
 * transactions): the new transactions, the loan row's projection, the other repayments'
 * moved shares, a reversal's mark and the events, all or nothing (`applyChange`).
 */
import type { ModelStatic, Sequelize } from "sequelize";
import type { ShareFigures } from "../../domain/loan-book.js";
import { storeEventsSql } from "../shared/outbox.js";
import { selectRows } from "../shared/sql.js";
import type { SqlTransactionWork } from "../shared/unit-of-work.js";
import { LOAN_COLUMNS, type LoanRow } from "./loan.model.js";
import { setClause, type LoanChange } from "./loan-repository.js";
import { TRANSACTION_COLUMNS, type NewTransactionRow, type TransactionModel, type TransactionRow } from "./transaction.model.js";

const SELECT = TRANSACTION_COLUMNS.join(", ");
const NEW_COLUMNS = TRANSACTION_COLUMNS.filter((c) => c !== "id");
/** Written as JSON text: pg would send an array as a PostgreSQL array. */
const JSON_COLUMNS = new Set<string>(["allocation"]);
const ORDER = "ORDER BY value_date, id";

export interface LockedLoan {
  loan: LoanRow;
  /** The transaction the request key made, when it committed before this statement began. */
  done: TransactionRow | null;
}

export interface Reversal {
  id: number;
  by: number;
  reason: string;
  at: Date;
  key: string;
}

/** One money change of a locked loan. */
export interface MoneyChange {
  loanId: number;
  /** New transactions, in recording order. */
  insert: NewTransactionRow[];
  /** Which new transaction's id the events' `idAt` gets (default the first). */
  idOf?: number;
  change: LoanChange;
  shares: { id: number; figures: ShareFigures }[];
  reverse?: Reversal;
}

export class JournalRepository {
  constructor(private readonly db: Sequelize) {}

  private get model(): ModelStatic<TransactionModel> {
    return this.db.models.loanTransaction as ModelStatic<TransactionModel>;
  }

  async byId(id: number): Promise<TransactionRow | null> {
    // BIGSERIAL: an id past it is no transaction.
    if (!Number.isSafeInteger(id)) return null;
    return (await this.model.findByPk(id))?.get({ plain: true }) ?? null;
  }

  async repaymentsOf(loanId: number): Promise<TransactionRow[]> {
    return (await this.model.findAll({ where: { loan_id: loanId, type: "REPAYMENT" }, order: [["id", "ASC"]] })).map((r) => r.get({ plain: true }));
  }

  /** Every transaction of the loan, by value date, then recording order. */
  transactionsOf(loanId: number): Promise<TransactionRow[]> {
    return selectRows<TransactionRow>(this.db, `SELECT ${SELECT} FROM loan_transactions WHERE loan_id = $1 ${ORDER}`, [loanId]);
  }

  /** Under the loan's lock, a statement of its own (a fresh snapshot): every transaction of the loan. */
  lockedTransactions(work: SqlTransactionWork, loanId: number): Promise<TransactionRow[]> {
    return work.sql.rows<TransactionRow>(`SELECT ${SELECT} FROM loan_transactions WHERE loan_id = $1 ${ORDER}`, [loanId]);
  }

  /**
   * The loan's row FOR UPDATE (its money changes go one after the other), and in the same
   * statement the transaction of the request key, if any. Undefined: no such loan. (An id
   * past the integer range is no loan: hence the cast.) The key's transaction is read as of
   * the statement's start: one committed while this waited for the lock is not seen here
   * (`byKey` finds it).
   */
  async lockLoan(work: SqlTransactionWork, loanId: number, requestKey: string): Promise<LockedLoan | undefined> {
    const [row] = await work.sql.rows<LoanRow & Record<`t_${keyof TransactionRow}`, unknown>>(
      `SELECT ${LOAN_COLUMNS.map((c) => `l.${c}`).join(", ")}, ${TRANSACTION_COLUMNS.map((c) => `t.${c} AS t_${c}`).join(", ")}
         FROM loans l LEFT JOIN loan_transactions t ON t.request_key = $2
        WHERE l.id = $1::bigint
          FOR UPDATE OF l`,
      [loanId, requestKey],
    );
    if (!row) return undefined;
    const loan = {} as Record<string, unknown>;
    for (const c of LOAN_COLUMNS) loan[c] = row[c];
    let done: Record<string, unknown> | null = null;
    if (row.t_id !== null) {
      done = {};
      for (const c of TRANSACTION_COLUMNS) done[c] = row[`t_${c}`];
    }
    return { loan: loan as LoanRow, done: done as TransactionRow | null };
  }

  /** The request key's transaction as committed now (a statement of its own: a fresh snapshot). */
  async byKey(work: SqlTransactionWork, requestKey: string): Promise<TransactionRow | undefined> {
    const [row] = await work.sql.rows<TransactionRow>(`SELECT ${SELECT} FROM loan_transactions WHERE request_key = $1`, [requestKey]);
    return row;
  }

  /**
   * In one statement: the new transactions, the loan's projection, the moved shares, the
   * reversal's mark and the events published so far (their `idAt` gets the first new
   * transaction's id). Answers the new rows; none when a transaction with the first one's
   * request key committed since the lock was taken — then nothing at all is written.
   */
  applyChange(work: SqlTransactionWork, c: MoneyChange): Promise<TransactionRow[] | null> {
    return work.storeEventsIn(async (events) => {
      const values: unknown[] = [c.loanId];
      const tuples = c.insert.map(
        (row) => `(${NEW_COLUMNS.map((col) => param(values, JSON_COLUMNS.has(col) ? JSON.stringify(row[col]) : row[col], JSON_COLUMNS.has(col) ? "jsonb" : undefined)).join(", ")})`,
      );
      // Nothing is written when the insert met its key; a change that inserts nothing (a reversal) always is.
      const inserted = tuples.length > 0 ? " AND EXISTS (SELECT 1 FROM first)" : "";
      const members = [
        tuples.length > 0
          ? `ins AS (INSERT INTO loan_transactions (${NEW_COLUMNS.join(", ")}) VALUES ${tuples.join(", ")} ON CONFLICT (request_key) WHERE request_key IS NOT NULL DO NOTHING RETURNING ${SELECT})`
          : `ins AS (SELECT ${SELECT} FROM loan_transactions WHERE false)`,
        `first AS (SELECT id FROM ins ORDER BY id OFFSET ${c.idOf ?? 0} LIMIT 1)`,
        `loan AS (UPDATE loans SET ${setClause(c.change, values)} WHERE loans.id = $1${inserted})`,
      ];
      if (c.shares.length > 0) {
        const rows = c.shares.map((s) => {
          const f = s.figures;
          return `(${param(values, s.id, "bigint")}, ${param(values, f.principal_part, "numeric")}, ${param(values, f.interest_part, "numeric")}, ${param(values, f.fee_part, "numeric")}, ${param(values, f.penalty_part, "numeric")}, ${param(values, JSON.stringify(f.allocation), "jsonb")})`;
        });
        members.push(
          `shares AS (UPDATE loan_transactions t SET principal_part = v.p, interest_part = v.i, fee_part = v.f, penalty_part = v.n, allocation = v.a
             FROM (VALUES ${rows.join(", ")}) AS v(id, p, i, f, n, a) WHERE t.id = v.id AND t.loan_id = $1${inserted})`,
        );
      }
      if (c.reverse) {
        const r = c.reverse;
        members.push(
          `reversal AS (UPDATE loan_transactions SET reversed = true, reversed_by = ${param(values, r.by)}, reversal_reason = ${param(values, r.reason)}, reversed_at = ${param(values, r.at)}, reversal_key = ${param(values, r.key)}
             WHERE id = ${param(values, r.id, "bigint")} AND loan_id = $1${inserted})`,
        );
      }
      members.push(`stored AS (${storeEventsSql(events, values, tuples.length > 0 ? "first" : undefined)})`);
      const rows = await work.sql.rows<TransactionRow>(`WITH ${members.join(", ")} SELECT ${SELECT} FROM ins ORDER BY id`, values);
      return c.insert.length > 0 && rows.length === 0 ? null : rows;
    });
  }
}

function param(values: unknown[], value: unknown, cast?: string): string {
  values.push(value);
  return `$${values.length}${cast ? `::${cast}` : ""}`;
}
