/**
 * The loans service's tables, and the only code that reads or writes them: loans,
 * loan_versions, idempotency_keys (and loan_counts, which triggers keep); a loan's
 * transactions are journal-repository.ts's. Their columns are defined once (loan.model.ts). Writes take the unit of
 * work they are part of (unit-of-work.ts) and run on its transaction; a write's events go
 * in its own statement (`storeEventsIn`): a loan request is one statement (the loan, its
 * `loan.created` row in the outbox), a repayment two in its transaction (the loan locked
 * with the key's earlier repayment, then the repayment, the loan's figures and the
 * events). Hot paths are plain SQL; plain look-ups by key use the models. The rules stay in
 * the service: this only reads and writes.
 */
import type { ModelStatic, Sequelize } from "sequelize";
import type { CalendarDate, LoanStatus, Portfolio } from "../../sdk/contracts.js";
import { storeEventsSql } from "../shared/outbox.js";
import { selectRows } from "../shared/sql.js";
import type { SqlTransactionWork, StatementWork, Work } from "../shared/unit-of-work.js";
import type { LoanListPlan, LoanListRow } from "./loan-lists.js";
import { LOAN_COLUMNS, NEW_LOAN_COLUMNS, type LoanModel, type LoanRow, type LoanVersionModel, type LoanVersionRow, type NewLoan, type NewLoanVersionRow } from "./loan.model.js";
import { portfolioAsOf } from "./portfolio.js";
import { IdempotencyKeyMismatchError, type WriteKey } from "./write-key.js";

const LOAN_SELECT = LOAN_COLUMNS.join(", ");

/** The columns of a loan's row that a change after its creation sets (a decision, an edit, servicing). */
export type LoanChange = Partial<Omit<LoanRow, "id" | "customer_id" | "agent_id" | "created_at" | "request_key">> & Pick<LoanRow, "updated_at">;

/** A JSONB column's value as its JSON text (pg would send an array as a PostgreSQL array). */
function jsonColumn(column: string, value: unknown): unknown {
  return column === "product_terms" && value !== null ? JSON.stringify(value) : value;
}

/** `SET a = $n, …` for the defined columns of `change`, its values appended to `values`. */
export function setClause(change: LoanChange, values: unknown[]): string {
  return Object.entries(change)
    .filter(([, value]) => value !== undefined)
    .map(([column, value]) => {
      if (!(LOAN_COLUMNS as string[]).includes(column)) throw new Error(`a loan has no column ${column}`);
      values.push(jsonColumn(column, value));
      return `${column} = $${values.length}`;
    })
    .join(", ");
}

export class LoanRepository {
  constructor(private readonly db: Sequelize) {}

  private get loans(): ModelStatic<LoanModel> {
    return this.db.models.loan as ModelStatic<LoanModel>;
  }

  private get versions(): ModelStatic<LoanVersionModel> {
    return this.db.models.loanVersion as ModelStatic<LoanVersionModel>;
  }

  // ---- idempotency keys ----

  /**
   * Claims a client's key in the transaction of the work it names (idempotency_keys, migration
   * 0005): "first" when this request is the first with it, "replay" when the same request
   * already did its work. A concurrent request with the key waits here until the transaction
   * holding it ends, so retries serialise on the key; one that rolled back leaves no claim. The
   * same key with another request → 422 IDEMPOTENCY_KEY_MISMATCH. The server's own keys (one
   * per HTTP request, one request each) need no claim: "first", and the work's own unique key
   * finds a retry.
   */
  async claimWriteKey(work: StatementWork, key: WriteKey): Promise<"first" | "replay"> {
    if (!key.fingerprint) return "first";
    const claimed = await work.sql.rows<{ fingerprint: string }>("INSERT INTO idempotency_keys (key, fingerprint) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING RETURNING fingerprint", [
      key.key,
      key.fingerprint,
    ]);
    if (claimed.length > 0) return "first";
    // A statement of its own: a fresh snapshot sees the claim the insert waited for.
    const [stored] = await work.sql.rows<{ fingerprint: string }>("SELECT fingerprint FROM idempotency_keys WHERE key = $1", [key.key]);
    if (!stored) throw new Error(`idempotency key ${key.key} conflicted but is not stored`);
    if (stored.fingerprint !== key.fingerprint) throw new IdempotencyKeyMismatchError();
    return "replay";
  }

  // ---- loans ----

  async find(id: number): Promise<LoanRow | null> {
    return (await this.loans.findByPk(id))?.get({ plain: true }) ?? null;
  }

  async customerOf(id: number): Promise<number | null> {
    return (await this.loans.findByPk(id, { attributes: ["customer_id"] }))?.getDataValue("customer_id") ?? null;
  }

  /** The loan's row FOR UPDATE: concurrent changes of a loan go one after the other. Null: no such loan. */
  async lock(work: SqlTransactionWork, id: number): Promise<LoanRow | null> {
    const [row] = await work.sql.rows<LoanRow>(`SELECT ${LOAN_SELECT} FROM loans WHERE id = $1::bigint FOR UPDATE`, [id]);
    return row ?? null;
  }

  /** Sets `change` on the (locked) loan, with the events published so far, in one statement. */
  async update(work: SqlTransactionWork, id: number, change: LoanChange): Promise<void> {
    await work.storeEventsIn(async (events) => {
      const values: unknown[] = [id];
      const [row] = await work.sql.rows<{ id: number }>(
        `WITH loan AS (UPDATE loans SET ${setClause(change, values)} WHERE id = $1 RETURNING id), stored AS (${storeEventsSql(events, values, "loan")}) SELECT id FROM loan`,
        values,
      );
      if (!row) throw new Error(`loan ${id} was not there to update`);
      return row.id;
    });
  }

  /**
   * Inserts the loan and stores the events published so far (their `idAt` gets the new id)
   * in one statement; answers the id. Null when a loan with the request key exists: the
   * request was retried (nothing stored). The statement waits for a conflicting insert still
   * in flight, so by then that loan has committed (`byRequestKey` finds it) or rolled back
   * (and this one inserted).
   */
  insert(work: StatementWork, loan: NewLoan): Promise<number | null> {
    return work.storeEventsIn(async (events) => {
      const values: unknown[] = NEW_LOAN_COLUMNS.map((c) => jsonColumn(c, loan[c]));
      const [row] = await work.sql.rows<{ id: number }>(
        `WITH loan AS (
           INSERT INTO loans (${NEW_LOAN_COLUMNS.join(", ")})
           VALUES (${NEW_LOAN_COLUMNS.map((_, i) => `$${i + 1}`).join(", ")})
           ON CONFLICT (request_key) WHERE request_key IS NOT NULL DO NOTHING
           RETURNING id
         ), stored AS (${storeEventsSql(events, values, "loan")})
         SELECT id FROM loan`,
        values,
      );
      return row ? row.id : null;
    });
  }

  async byRequestKey(work: StatementWork, requestKey: string): Promise<LoanRow | undefined> {
    const [row] = await work.sql.rows<LoanRow>(`SELECT ${LOAN_SELECT} FROM loans WHERE request_key = $1`, [requestKey]);
    return row;
  }

  /** A page of a loan list (loan-lists.ts), with `total` on each row when the plan counts by window. */
  page(plan: LoanListPlan): Promise<LoanListRow[]> {
    return selectRows<LoanListRow>(this.db, plan.page.text, plan.page.values);
  }

  /** From the trigger-kept counts (migration 0002), not COUNT(*) over every loan. */
  async countByStatus(status?: LoanStatus): Promise<number> {
    const [row] = await selectRows<{ total: string | null }>(this.db, `SELECT sum(n) AS total FROM loan_counts${status ? " WHERE status = $1" : ""}`, status ? [status] : []);
    return Number(row?.total ?? 0);
  }

  /** The list's total by a COUNT of its own. */
  async countWhere(plan: LoanListPlan): Promise<number> {
    const [row] = await selectRows<{ total: string }>(this.db, plan.count.text, plan.count.values);
    return Number(row?.total ?? 0);
  }

  portfolio(asOf: CalendarDate): Promise<Portfolio> {
    return portfolioAsOf(this.db, asOf);
  }

  // ---- loan versions ----

  async hasVersionByKey(work: Work, loanId: number, requestKey: string): Promise<boolean> {
    return (await this.versions.count({ where: { loan_id: loanId, request_key: requestKey }, transaction: work.transaction })) > 0;
  }

  async insertVersion(work: Work, version: NewLoanVersionRow): Promise<void> {
    await this.versions.create(version, { transaction: work.transaction });
  }

  /** The disbursed loans' (ACTIVE, CLOSED, WRITTEN_OFF) outstanding principal by id, after `afterId`: the ledger's reconciliation. */
  outstandingPrincipals(afterId: number, limit: number): Promise<{ loan_id: number; outstanding_principal: string }[]> {
    return selectRows(
      this.db,
      `SELECT id AS loan_id, COALESCE(outstanding_principal, 0)::text AS outstanding_principal FROM loans
        WHERE id > $1 AND status IN ('ACTIVE', 'CLOSED', 'WRITTEN_OFF') ORDER BY id LIMIT $2`,
      [afterId, limit],
    );
  }

  async history(loanId: number): Promise<LoanVersionRow[]> {
    return (await this.versions.findAll({ where: { loan_id: loanId }, order: [["version", "ASC"]] })).map((r) => r.get({ plain: true }));
  }
}
