/**
 * The Dashboard's figures. Phase 1: loans by status, from the totals of the loan list (one
 * one-row page per status). Phase 2 (loan servicing) reads GET /api/v1/loan/portfolio instead
 * (client.portfolio(): by_status, active_outstanding_principal, overdue_amount, par30).
 */
import { LOAN_STATUSES, type LoanClient, type LoanStatus, type Money } from "../../../sdk/index.js";

export interface DashboardFigures {
  byStatus: Record<LoanStatus, number>;
  total: number;
  /** Filled from the portfolio endpoint in phase 2. */
  money?: { activeOutstandingPrincipal: Money; overdueAmount: Money; par30: string };
}

export async function dashboardFigures(client: LoanClient): Promise<DashboardFigures> {
  const totals = await Promise.all(LOAN_STATUSES.map((status) => client.listLoans({ status, pageSize: 1 }).then((page) => page.total)));
  const byStatus = Object.fromEntries(LOAN_STATUSES.map((status, i) => [status, totals[i]!])) as Record<LoanStatus, number>;
  return { byStatus, total: totals.reduce((sum, n) => sum + n, 0) };
}
