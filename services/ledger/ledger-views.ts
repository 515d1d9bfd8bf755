/** The ledger's answers from its rows: account balances, the trial balance, entries. Pure. */
import type { CalendarDate, LedgerAccountBalance, LedgerEntry, TrialBalance, TrialBalanceRow } from "../../sdk/contracts.js";
import { fromCents, toCents } from "../../domain/cents.js";
import type { AccountTotals, EntryRow } from "./ledger-repository.js";

/** Assets and expenses grow by debits, income by credits. */
function normalBalance(row: AccountTotals): bigint {
  const net = toCents(row.debit) - toCents(row.credit);
  return row.type === "INCOME" ? -net : net;
}

export function toAccountBalance(row: AccountTotals): LedgerAccountBalance {
  return { code: row.code, name: row.name, type: row.type, debit: fromCents(toCents(row.debit)), credit: fromCents(toCents(row.credit)), balance: fromCents(normalBalance(row)) };
}

/** The balance on the account's side; a negative one on the other side. */
function trialRow(row: AccountTotals): TrialBalanceRow {
  const net = toCents(row.debit) - toCents(row.credit);
  return { code: row.code, name: row.name, type: row.type, debit: fromCents(net > 0n ? net : 0n), credit: fromCents(net < 0n ? -net : 0n) };
}

export function toTrialBalance(asOf: CalendarDate, totals: readonly AccountTotals[]): TrialBalance {
  const rows = totals.map(trialRow);
  const debit = rows.reduce((sum, r) => sum + toCents(r.debit), 0n);
  const credit = rows.reduce((sum, r) => sum + toCents(r.credit), 0n);
  return { as_of: asOf, rows, total_debit: fromCents(debit), total_credit: fromCents(credit), balanced: debit === credit };
}

export function toLedgerEntry(row: EntryRow): LedgerEntry {
  return {
    id: Number(row.id),
    value_date: row.value_date,
    loan_id: row.loan_id,
    kind: row.kind,
    transaction_id: row.transaction_id === null ? null : Number(row.transaction_id),
    source_event: `${row.source}:${row.event_id}`,
    lines: row.lines.map((l) => ({ account: l.account, debit: fromCents(toCents(l.debit)), credit: fromCents(toCents(l.credit)) })),
    created_at: new Date(row.created_at).toISOString(),
  };
}
