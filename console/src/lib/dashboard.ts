/**
 * The Dashboard's figures, from GET /api/v1/loan/portfolio (client.portfolio()): loans by
 * status, the outstanding principal of ACTIVE loans, the overdue amount and PAR30, as of today;
 * with what waits for a decision (list-approvals' and the NEW loans' counts) and the overdue loans' count.
 */
import { LOAN_STATUSES, type CalendarDate, type LoanClient, type LoanStatus, type Money } from "../../../sdk/index.js";

export interface DashboardFigures {
  asOf: CalendarDate;
  byStatus: Record<LoanStatus, number>;
  total: number;
  money: { activeOutstandingPrincipal: Money; overdueAmount: Money; par30: string };
  /** What waits for the admin: agents to approve, NEW loans to decide; and the loans past due. */
  waiting: { agents: number; loans: number; overdueLoans: number };
}

export async function dashboardFigures(client: LoanClient): Promise<DashboardFigures> {
  const [portfolio, approvals, overdue] = await Promise.all([client.portfolio(), client.listApprovals({ pageSize: 1 }), client.listLoans({ overdue: true, pageSize: 1 })]);
  const byStatus = Object.fromEntries(LOAN_STATUSES.map((status) => [status, portfolio.by_status[status] ?? 0])) as Record<LoanStatus, number>;
  return {
    asOf: portfolio.as_of,
    byStatus,
    total: LOAN_STATUSES.reduce((sum, status) => sum + byStatus[status], 0),
    waiting: { agents: approvals.total, loans: byStatus.NEW, overdueLoans: overdue.total },
    money: { activeOutstandingPrincipal: portfolio.active_outstanding_principal, overdueAmount: portfolio.overdue_amount, par30: portfolio.par30 },
  };
}
