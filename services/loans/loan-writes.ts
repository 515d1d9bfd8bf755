/**
 * The hot loan writes as plain SQL, as few statements as each needs: a loan request is one
 * statement (the loan, its `loan.created` row in the outbox), a repayment two in its
 * transaction (the loan locked with the key's earlier repayment, then the repayment, the
 * loan's figures and the events). The rules stay in the service; these only read and write.
 */
import type { InstallmentAllocation } from "../../sdk/contracts.js";
import { storeEventsSql, type PendingEvent } from "../shared/outbox.js";
import type { SqlClient } from "../shared/sql.js";
import { LOAN_COLUMNS } from "./loan-lists.js";
import type { LoanRow, NewLoanRow } from "./loan.model.js";
import type { NewRepaymentRow, RepaymentRow } from "./repayment.model.js";

const LOAN_SELECT = LOAN_COLUMNS.join(", ");
const REPAYMENT_COLUMNS: readonly (keyof RepaymentRow)[] = ["id", "loan_id", "amount", "principal_part", "interest_part", "allocation", "paid_on", "recorded_by", "request_key", "created_at"];
const REPAYMENT_SELECT = REPAYMENT_COLUMNS.join(", ");

/** The columns a new loan is inserted with; its timestamps from JS, as Sequelize set them. */
type NewLoan = Pick<NewLoanRow, "customer_id" | "agent_id" | "principal" | "interest_rate" | "tenure_months" | "emi" | "status" | "version" | "request_key"> & { created_at: Date; updated_at: Date };

/**
 * Inserts the loan and stores `events` (their `idAt` gets the new id) in one autocommit
 * statement; answers the id. Null when a loan with the request key exists: the request was
 * retried. The statement waits for a conflicting insert still in flight, so by then that
 * loan has committed (`loanByRequestKey` finds it) or rolled back (and this one inserted).
 */
export async function insertLoan(sql: SqlClient, loan: NewLoan, events: readonly PendingEvent[]): Promise<number | null> {
  const values: unknown[] = [loan.customer_id, loan.agent_id, loan.principal, loan.interest_rate, loan.tenure_months, loan.emi, loan.status, loan.version, loan.request_key, loan.created_at, loan.updated_at];
  const [row] = await sql.rows<{ id: number }>(
    `WITH loan AS (
       INSERT INTO loans (customer_id, agent_id, principal, interest_rate, tenure_months, emi, status, version, request_key, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (request_key) WHERE request_key IS NOT NULL DO NOTHING
       RETURNING id
     ), stored AS (${storeEventsSql(events, values, "loan")})
     SELECT id FROM loan`,
    values,
  );
  return row ? row.id : null;
}

export async function loanByRequestKey(sql: SqlClient, requestKey: string): Promise<LoanRow | undefined> {
  const [row] = await sql.rows<LoanRow>(`SELECT ${LOAN_SELECT} FROM loans WHERE request_key = $1`, [requestKey]);
  return row;
}

export interface LockedForRepayment {
  loan: LoanRow;
  /** The repayment the request key made, when it committed before this statement began. */
  done: RepaymentRow | null;
}

/**
 * The loan's row FOR UPDATE (concurrent repayments of a loan go one after the other), and
 * in the same statement the repayment of the request key, if any. Undefined: no such loan.
 * (An id past the integer range is no loan, as with Sequelize's literal: hence the cast.)
 * The key's repayment is read as of the statement's start: one committed while this waited
 * for the lock is not seen here (see `repaymentByKey` and `insertRepayment`).
 */
export async function lockForRepayment(sql: SqlClient, loanId: number, requestKey: string): Promise<LockedForRepayment | undefined> {
  const [row] = await sql.rows<LoanRow & Record<`r_${keyof RepaymentRow}`, unknown>>(
    `SELECT ${LOAN_COLUMNS.map((c) => `l.${c}`).join(", ")}, ${REPAYMENT_COLUMNS.map((c) => `r.${c} AS r_${c}`).join(", ")}
       FROM loans l LEFT JOIN repayments r ON r.request_key = $2
      WHERE l.id = $1::bigint
        FOR UPDATE OF l`,
    [loanId, requestKey],
  );
  if (!row) return undefined;
  const loan = {} as Record<string, unknown>;
  for (const c of LOAN_COLUMNS) loan[c] = row[c];
  let done: Record<string, unknown> | null = null;
  if (row.r_id !== null) {
    done = {};
    for (const c of REPAYMENT_COLUMNS) done[c] = row[`r_${c}`];
  }
  return { loan: loan as LoanRow, done: done as RepaymentRow | null };
}

/** The request key's repayment as committed now (a statement of its own: a fresh snapshot). */
export async function repaymentByKey(sql: SqlClient, requestKey: string): Promise<RepaymentRow | undefined> {
  const [row] = await sql.rows<RepaymentRow>(`SELECT ${REPAYMENT_SELECT} FROM repayments WHERE request_key = $1`, [requestKey]);
  return row;
}

/** What a repayment changes on its loan's row. */
export type LoanRepaidColumns = Pick<LoanRow, "outstanding_principal" | "outstanding_interest" | "next_due_date" | "updated_at"> & Partial<Pick<LoanRow, "status" | "closed_at">>;

/**
 * In one statement: the repayment, the loan's new figures and `events` (their `idAt` gets
 * the repayment's id); answers the repayment's id and its allocation as stored. Null when a
 * repayment with the request key committed since the lock was taken (nothing is written:
 * the change and the events hang on the inserted row).
 */
export async function insertRepayment(
  sql: SqlClient,
  repayment: NewRepaymentRow & { created_at: Date },
  loan: LoanRepaidColumns,
  events: readonly PendingEvent[],
): Promise<{ id: string; allocation: InstallmentAllocation[] } | null> {
  const r = repayment;
  const values: unknown[] = [r.loan_id, r.amount, r.principal_part, r.interest_part, JSON.stringify(r.allocation), r.paid_on, r.recorded_by, r.request_key, r.created_at];
  const set = Object.entries(loan).filter(([, value]) => value !== undefined).map(([column, value]) => {
    values.push(value);
    return `${column} = $${values.length}`;
  });
  const [row] = await sql.rows<{ id: string; allocation: InstallmentAllocation[] }>(
    `WITH repayment AS (
       INSERT INTO repayments (loan_id, amount, principal_part, interest_part, allocation, paid_on, recorded_by, request_key, created_at)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, $9)
       ON CONFLICT (request_key) WHERE request_key IS NOT NULL DO NOTHING
       RETURNING id, allocation
     ), loan AS (
       UPDATE loans SET ${set.join(", ")} FROM repayment WHERE loans.id = $1
     ), stored AS (${storeEventsSql(events, values, "repayment")})
     SELECT id, allocation FROM repayment`,
    values,
  );
  return row ?? null;
}
