/**
 * How the ledger looks in a terminal: the chart of accounts with balances, the trial balance
 * with its totals, journal entries with their lines, the reconciliation. Every figure is the
 * API's own decimal string, shown as is (right-aligned): loanctl adds nothing up itself, so no
 * amount is ever a float here. The JSON output is the API's own shape.
 */
import { ledgerAccountLabel, type LedgerAccounts, type LedgerEntry, type LedgerEntryKind, type Reconciliation, type TrialBalance } from "../sdk/contracts.js";
import { type Column, type Style, paint, renderRecord, renderTable, shortTime } from "./output.js";

const ZERO = "0.00";

const KIND_STYLES: Record<LedgerEntryKind, Style | undefined> = {
  DISBURSEMENT: "cyan",
  REPAYMENT: "green",
  REVERSAL: "yellow",
  REALLOCATION: undefined,
  WRITE_OFF: "red",
};

/** A balance below zero stands out: a negative asset or income is worth a look. */
const negative = (amount: string): Style | undefined => (amount.startsWith("-") ? "yellow" : undefined);

type AccountRow = LedgerAccounts["rows"][number];

const ACCOUNT_COLUMNS: Column<AccountRow>[] = [
  { header: "CODE", value: (a) => a.code },
  { header: "NAME", value: (a) => a.name },
  { header: "TYPE", value: (a) => a.type },
  { header: "DEBIT", value: (a) => a.debit, align: "right" },
  { header: "CREDIT", value: (a) => a.credit, align: "right" },
  { header: "BALANCE", value: (a) => a.balance, align: "right", style: (a) => negative(a.balance) },
];

/** `ledger accounts`: each account's debits, credits and balance up to a date. */
export function accountsView(accounts: LedgerAccounts, color: boolean): string {
  return `As of ${accounts.as_of}\n${renderTable(ACCOUNT_COLUMNS, accounts.rows, color)}`;
}

/** A trial balance's row, or its totals (no code, no type). */
interface BalanceLine {
  code: string;
  name: string;
  type: string;
  debit: string;
  credit: string;
}

const BALANCE_COLUMNS: Column<BalanceLine>[] = [
  { header: "CODE", value: (r) => r.code },
  { header: "NAME", value: (r) => r.name, style: (r) => (r.code === "" ? "bold" : undefined) },
  { header: "TYPE", value: (r) => r.type },
  { header: "DEBIT", value: (r) => r.debit, align: "right" },
  { header: "CREDIT", value: (r) => r.credit, align: "right" },
];

/** "balanced: debits 111768.37 = credits 111768.37", or "NOT balanced: ...". */
export function balanceVerdict(tb: TrialBalance): string {
  return tb.balanced ? `balanced: debits ${tb.total_debit} = credits ${tb.total_credit}` : `NOT balanced: debits ${tb.total_debit} ≠ credits ${tb.total_credit}`;
}

/** `ledger trial-balance`: each account on its normal side, the totals, and whether they agree. */
export function trialBalanceView(tb: TrialBalance, color: boolean): string {
  const total: BalanceLine = { code: "", name: "TOTAL", type: "", debit: tb.total_debit, credit: tb.total_credit };
  const table = renderTable(BALANCE_COLUMNS, [...tb.rows, total], color);
  return `${table}${paint(`Trial balance as of ${tb.as_of}: ${balanceVerdict(tb)}`, tb.balanced ? "green" : "red", color)}\n`;
}

/** An entry's debit or credit: the side it is not on is left blank, as in a journal. */
const side = (amount: string): string => (amount === ZERO ? "" : amount);

type LineRow = LedgerEntry["lines"][number];

const LINE_COLUMNS: Column<LineRow>[] = [
  { header: "ACCOUNT", value: (l) => ledgerAccountLabel(l.account) },
  { header: "DEBIT", value: (l) => side(l.debit), align: "right" },
  { header: "CREDIT", value: (l) => side(l.credit), align: "right" },
];

/** "Entry 7  2026-01-31  DISBURSEMENT  loan 42  transaction 118  from loans:118  posted 2026-06-15 10:12" */
export function entryHeading(e: LedgerEntry, color: boolean): string {
  const transaction = e.transaction_id === null ? "" : `  transaction ${e.transaction_id}`;
  return `Entry ${e.id}  ${e.value_date}  ${paint(e.kind, KIND_STYLES[e.kind], color)}  loan ${e.loan_id}${transaction}  from ${e.source_event}  posted ${shortTime(e.created_at)}`;
}

/** `ledger entries`: each entry's heading, then its lines indented under it, a blank line between entries. */
export function entriesView(entries: LedgerEntry[], color: boolean): string {
  return entries
    .map((e) => {
      const lines = renderTable(LINE_COLUMNS, e.lines, color)
        .split("\n")
        .map((line) => (line === "" ? line : `  ${line}`))
        .join("\n");
      return `${entryHeading(e, color)}\n${lines}`;
    })
    .join("\n");
}

type MismatchRow = Reconciliation["mismatches"][number];

const MISMATCH_COLUMNS: Column<MismatchRow>[] = [
  { header: "LOAN", value: (m) => String(m.loan_id), align: "right" },
  { header: "LEDGER 1100", value: (m) => m.ledger_receivable, align: "right" },
  { header: "OUTSTANDING PRINCIPAL", value: (m) => m.outstanding_principal, align: "right" },
];

/**
 * Whether a reconciliation's mismatches are a fault: with events still pending they are the
 * ledger catching up (SPEC: expected until they are posted); with nothing pending the books and
 * the loan book disagree.
 */
export function reconciliationFails(r: Reconciliation): boolean {
  return r.mismatches.length > 0 && r.pending_events === 0;
}

/** `ledger reconcile`: what was compared, what is still pending, and each loan that differs. */
export function reconciliationView(r: Reconciliation, color: boolean): string {
  const state: Style = r.mismatches.length === 0 ? "green" : reconciliationFails(r) ? "red" : "yellow";
  const record = renderRecord(
    [
      ["As of (UTC)", shortTime(r.as_of)],
      ["Loans checked", String(r.loans_checked)],
      ["Pending events", String(r.pending_events), r.pending_events === 0 ? undefined : "yellow"],
      ["Mismatches", String(r.mismatches.length), state],
    ],
    color,
  );
  return r.mismatches.length === 0 ? record : `${record}\n${renderTable(MISMATCH_COLUMNS, r.mismatches, color)}`;
}
