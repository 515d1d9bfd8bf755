/**
 * The portfolio as Prometheus gauges in Moleculer's own metrics registry, so they are
 * served beside Moleculer's metrics (METRICS_PORT). Gauges are floats by nature: the
 * decimal figures are converted here, for display, and nowhere else.
 */
import type { ServiceBroker } from "moleculer";
import { LOAN_STATUSES, type Portfolio } from "../../sdk/contracts.js";

export const PORTFOLIO_GAUGES = {
  loans: "loanstack.loans.count",
  outstanding: "loanstack.portfolio.active_outstanding_principal",
  overdue: "loanstack.portfolio.overdue_amount",
  par30: "loanstack.portfolio.par30_percent",
} as const;

type Metrics = ServiceBroker["metrics"];

export function registerPortfolioGauges(metrics: Metrics): void {
  metrics.register({ type: "gauge", name: PORTFOLIO_GAUGES.loans, labelNames: ["status"], description: "Loans by status" });
  metrics.register({ type: "gauge", name: PORTFOLIO_GAUGES.outstanding, description: "Outstanding principal of ACTIVE loans" });
  metrics.register({ type: "gauge", name: PORTFOLIO_GAUGES.overdue, description: "What ACTIVE loans should have paid by today and have not" });
  metrics.register({ type: "gauge", name: PORTFOLIO_GAUGES.par30, description: "Portfolio at risk: outstanding principal more than 30 days past due, percent of all" });
}

export function publishPortfolio(metrics: Metrics, portfolio: Portfolio): void {
  for (const status of LOAN_STATUSES) metrics.set(PORTFOLIO_GAUGES.loans, portfolio.by_status[status], { status });
  metrics.set(PORTFOLIO_GAUGES.outstanding, Number(portfolio.active_outstanding_principal));
  metrics.set(PORTFOLIO_GAUGES.overdue, Number(portfolio.overdue_amount));
  metrics.set(PORTFOLIO_GAUGES.par30, Number(portfolio.par30));
}
