/**
 * The ledger as Prometheus gauges in Moleculer's metrics registry (served at METRICS_PORT):
 * how far behind the events the last posting was, and each account's balance. Gauges are
 * floats by nature: the decimal balances are converted here, for display, and nowhere else.
 */
import type { ServiceBroker } from "moleculer";
import type { LedgerAccountBalance } from "../../sdk/contracts.js";

export const LEDGER_GAUGES = {
  lag: "loanstack.ledger.lag_seconds",
  balance: "loanstack.ledger.account_balance",
} as const;

type Metrics = ServiceBroker["metrics"];

export function registerLedgerGauges(metrics: Metrics): void {
  metrics.register({ type: "gauge", name: LEDGER_GAUGES.lag, description: "Seconds between the oldest event of the last posted batch occurring and its posting" });
  metrics.register({ type: "gauge", name: LEDGER_GAUGES.balance, labelNames: ["account"], description: "Each ledger account's balance on its normal side" });
}

export function publishLag(metrics: Metrics, seconds: number): void {
  metrics.set(LEDGER_GAUGES.lag, seconds);
}

export function publishBalances(metrics: Metrics, rows: readonly LedgerAccountBalance[]): void {
  for (const row of rows) metrics.set(LEDGER_GAUGES.balance, Number(row.balance), { account: row.code });
}
