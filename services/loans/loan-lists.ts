/**
 * What a loan list asks of the database, as parameterized statements: the filter, the
 * order, the page, and where its total comes from. Pure.
 */
import type { CalendarDate, LoanStatus } from "../../sdk/contracts.js";
import type { PageWindow } from "../shared/pagination.js";
import { LOAN_COLUMNS, type LoanRow } from "./loan.model.js";

export interface LoanListFilter {
  customer_id?: number;
  status?: LoanStatus;
  /** ACTIVE loans whose oldest unpaid installment fell due before `asOf`. */
  overdue?: boolean;
}

/**
 * Where a list's total comes from:
 * - "window": `count(*) OVER ()` on every row of the page, one statement instead of two. Only
 *   for one customer's loans: the window makes PostgreSQL read every matching row in full
 *   (87 ms for the 33,500 overdue loans of a 1,000,000-loan book, against 7 ms for an
 *   index-only count), which is cheap for a customer's few dozen;
 * - "status": the trigger-kept count in loan_counts (the admin/agent lists by status);
 * - "count": a COUNT(*) of its own, beside the page (the overdue list across customers).
 */
export type ListTotal = "window" | "status" | "count";

export interface LoanListPlan {
  /** The page; with `total` (a bigint, as text) on every row when the total is "window". */
  page: { text: string; values: unknown[] };
  /** The total alone: for "count", and for a "window" page past the end (no row to carry it). */
  count: { text: string; values: unknown[] };
  total: ListTotal;
}

export type LoanListRow = LoanRow & { total?: string };

/** Answers null when no loan can match (overdue loans are ACTIVE ones). */
export function listPlan(filter: LoanListFilter, asOf: CalendarDate, window: PageWindow): LoanListPlan | null {
  if (filter.overdue && filter.status && filter.status !== "ACTIVE") return null;
  const values: unknown[] = [];
  const conditions: string[] = [];
  const where = (sql: string, value: unknown) => {
    values.push(value);
    conditions.push(sql.replace("?", `$${values.length}`));
  };
  if (filter.customer_id !== undefined) where("customer_id = ?", filter.customer_id);
  if (filter.overdue) {
    where("status = ?", "ACTIVE");
    where("next_due_date < ?", asOf);
  } else if (filter.status) where("status = ?", filter.status);
  const whereSql = conditions.length ? ` WHERE ${conditions.join(" AND ")}` : "";
  // Most overdue first, the order of the partial index loans_active_due_idx.
  const order = filter.overdue ? "next_due_date ASC, id ASC" : "id DESC";
  const total: ListTotal = filter.customer_id !== undefined ? "window" : filter.overdue ? "count" : "status";
  const windowTotal = total === "window" ? ", count(*) OVER () AS total" : "";
  const n = values.length;
  return {
    page: {
      text: `SELECT ${LOAN_COLUMNS.join(", ")}${windowTotal} FROM loans${whereSql} ORDER BY ${order} LIMIT $${n + 1} OFFSET $${n + 2}`,
      values: [...values, window.limit, window.offset],
    },
    count: { text: `SELECT count(*) AS total FROM loans${whereSql}`, values },
    total,
  };
}

/** The broadcast every loans instance listens to (moleculer-db's name), payload optional. */
export const LOANS_CACHE_EVENT = "cache.clean.loans";

/**
 * The cached lists a loan write can change. A loan never changes customer, so a write to one
 * of customer N's loans changes N's own lists (listMine's key starts with `#user.id`) and the
 * admin/agent lists, nobody else's. Without a customer (a failed write, an old sender, a
 * payload that is not a customer id): every list, as before.
 */
export function listCachePatterns(customerId?: unknown): string[] {
  if (!Number.isSafeInteger(customerId) || (customerId as number) < 1) return ["loans.**"];
  return ["loans.listAll:**", `loans.listMine:${customerId as number}|**`];
}
