/**
 * What a loan list asks of the database: the filter and the order, and whether its total
 * can come from the trigger-kept per-status counts. Pure.
 */
import { Op, type Order, type WhereOptions } from "sequelize";
import type { CalendarDate, LoanStatus } from "../../sdk/contracts.js";
import type { LoanRow } from "./loan.model.js";

export interface LoanListFilter {
  customer_id?: number;
  status?: LoanStatus;
  /** ACTIVE loans whose oldest unpaid installment fell due before `asOf`. */
  overdue?: boolean;
}

export interface LoanListPlan {
  where: WhereOptions<LoanRow>;
  order: Order;
  /** The total is the status's count in loan_counts rather than a COUNT(*). */
  countedByStatus: boolean;
}

/** Answers null when no loan can match (overdue loans are ACTIVE ones). */
export function listPlan(filter: LoanListFilter, asOf: CalendarDate): LoanListPlan | null {
  const where: WhereOptions<LoanRow> = {
    ...(filter.customer_id !== undefined && { customer_id: filter.customer_id }),
    ...(filter.status && { status: filter.status }),
  };
  if (!filter.overdue) return { where, order: [["id", "DESC"]], countedByStatus: filter.customer_id === undefined };
  if (filter.status && filter.status !== "ACTIVE") return null;
  // Most overdue first, the order of the partial index loans_active_due_idx.
  return {
    where: { ...where, status: "ACTIVE", next_due_date: { [Op.lt]: asOf } },
    order: [["next_due_date", "ASC"], ["id", "ASC"]],
    countedByStatus: false,
  };
}
