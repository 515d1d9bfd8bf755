/**
 * The portfolio as of a date, from the figures each loan row keeps: no schedule is
 * recomputed. The counts come from loan_counts (migration 0002); the sums from the partial
 * index over ACTIVE loans (migration 0004); what fell due and was not paid from the terms
 * through loan_installments_due_before (every installment but the last is the EMI).
 */
import { QueryTypes, type Sequelize } from "sequelize";
import { LOAN_STATUSES, type CalendarDate, type LoanStatus, type Portfolio } from "../../sdk/contracts.js";
import { addDays } from "../../domain/calendar.js";
import { LoanDecimal as D, toMoney } from "../../domain/loan-math.js";

/** More than this many days past due is "at risk" (PAR30). */
const AT_RISK_AFTER_DAYS = 30;

async function countsByStatus(db: Sequelize): Promise<Record<LoanStatus, number>> {
  const rows = await db.query<{ status: LoanStatus; n: string }>("SELECT status, sum(n) AS n FROM loan_counts GROUP BY status", { type: QueryTypes.SELECT });
  const counts = Object.fromEntries(LOAN_STATUSES.map((s) => [s, 0])) as Record<LoanStatus, number>;
  for (const r of rows) counts[r.status] = Number(r.n);
  return counts;
}

async function activeSums(db: Sequelize, atRiskBefore: CalendarDate): Promise<{ outstanding: string; atRisk: string; writtenOff: string }> {
  const [row] = await db.query<{ outstanding: string | null; at_risk: string | null; written_off: string | null }>(
    `SELECT sum(outstanding_principal) FILTER (WHERE status = 'ACTIVE') AS outstanding,
            sum(outstanding_principal) FILTER (WHERE status = 'ACTIVE' AND next_due_date < $1::date) AS at_risk,
            sum(written_off_principal) FILTER (WHERE status = 'WRITTEN_OFF') AS written_off
       FROM loans WHERE status IN ('ACTIVE', 'WRITTEN_OFF')`,
    { bind: [atRiskBefore], type: QueryTypes.SELECT },
  );
  return { outstanding: row?.outstanding ?? "0", atRisk: row?.at_risk ?? "0", writtenOff: row?.written_off ?? "0" };
}

/**
 * Over the overdue loans only (next_due_date < as_of): the scheduled principal and interest
 * due before as_of less what was paid of them — repayments fill those in installment order,
 * whatever the charges (replay.ts) — plus the unpaid fees and penalties. Every charge is
 * booked against an installment that fell due before its value date, so for as_of today the
 * unpaid charges of an overdue loan are all overdue.
 */
async function overdueAmount(db: Sequelize, asOf: CalendarDate): Promise<string> {
  const [row] = await db.query<{ overdue: string | null }>(
    `SELECT sum(GREATEST(0, due - paid) + charges) AS overdue FROM (
       SELECT CASE WHEN k >= tenure_months THEN principal + total_interest ELSE k * emi END AS due,
              principal + total_interest - outstanding_principal - outstanding_interest AS paid,
              outstanding_fee + outstanding_penalty AS charges
         FROM loans CROSS JOIN LATERAL loan_installments_due_before(disbursed_on, tenure_months, $1::date) AS k
        WHERE status = 'ACTIVE' AND next_due_date < $1::date
     ) owed`,
    { bind: [asOf], type: QueryTypes.SELECT },
  );
  return row?.overdue ?? "0";
}

export async function portfolioAsOf(db: Sequelize, asOf: CalendarDate): Promise<Portfolio> {
  const [by_status, sums, overdue] = await Promise.all([countsByStatus(db), activeSums(db, addDays(asOf, -AT_RISK_AFTER_DAYS)), overdueAmount(db, asOf)]);
  const outstanding = new D(sums.outstanding);
  const par30 = outstanding.isZero() ? new D(0) : new D(sums.atRisk).mul(100).div(outstanding);
  return {
    as_of: asOf,
    by_status,
    active_outstanding_principal: toMoney(outstanding),
    overdue_amount: toMoney(overdue),
    par30: toMoney(par30),
    written_off_principal: toMoney(sums.writtenOff),
  };
}
