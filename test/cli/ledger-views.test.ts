/**
 * Pure parts of `loanctl ledger`: what the live test (ledger.live.test.ts) cannot make a real
 * ledger answer — a trial balance that does not balance, mismatches while events are pending —
 * and the colours, which a pipe never shows.
 */
import { ledgerAccountLabel } from "../../sdk/contracts.js";
import { entriesView, reconciliationFails, reconciliationView, trialBalanceView } from "../../cli/ledger-views.js";
import type { LedgerEntry, Reconciliation, TrialBalance } from "../../sdk/contracts.js";

const RED = "\u001b[31m";
const GREEN = "\u001b[32m";

const tb = (over: Partial<TrialBalance>): TrialBalance => ({
  as_of: "2026-06-15",
  rows: [
    { code: "1000", name: "Cash", type: "ASSET", debit: "0.00", credit: "12000.00" },
    { code: "1100", name: "Loans receivable", type: "ASSET", debit: "12000.00", credit: "0.00" },
  ],
  total_debit: "12000.00",
  total_credit: "12000.00",
  balanced: true,
  ...over,
});

const reconciliation = (over: Partial<Reconciliation>): Reconciliation => ({
  as_of: "2026-06-15T10:20:00.000Z",
  loans_checked: 3,
  mismatches: [],
  pending_events: 0,
  ...over,
});

const MISMATCH = { loan_id: 7, ledger_receivable: "12000.00", outstanding_principal: "11053.81" };

test("the trial balance's last line says balanced in green, or NOT balanced in red", () => {
  const balanced = trialBalanceView(tb({}), false);
  expect(balanced.split("\n")).toEqual([
    "CODE  NAME              TYPE      DEBIT    CREDIT",
    "1000  Cash              ASSET      0.00  12000.00",
    "1100  Loans receivable  ASSET  12000.00      0.00",
    "      TOTAL                    12000.00  12000.00",
    "Trial balance as of 2026-06-15: balanced: debits 12000.00 = credits 12000.00",
    "",
  ]);
  expect(trialBalanceView(tb({}), true)).toContain(`${GREEN}Trial balance as of 2026-06-15: balanced`);
  const off = trialBalanceView(tb({ total_credit: "11999.99", balanced: false }), true);
  expect(off).toContain(`${RED}Trial balance as of 2026-06-15: NOT balanced: debits 12000.00 ≠ credits 11999.99`);
});

test("a reconciliation fails only with mismatches and nothing pending", () => {
  expect(reconciliationFails(reconciliation({}))).toBe(false);
  expect(reconciliationFails(reconciliation({ mismatches: [MISMATCH], pending_events: 2 }))).toBe(false);
  expect(reconciliationFails(reconciliation({ mismatches: [MISMATCH] }))).toBe(true);
  expect(reconciliationFails(reconciliation({ pending_events: 5 }))).toBe(false);
});

test("the reconciliation: the figures, then each loan that differs", () => {
  expect(reconciliationView(reconciliation({ mismatches: [MISMATCH], pending_events: 2 }), false).split("\n")).toEqual([
    "As of (UTC)     2026-06-15 10:20",
    "Loans checked   3",
    "Pending events  2",
    "Mismatches      1",
    "",
    "LOAN  LEDGER 1100  OUTSTANDING PRINCIPAL",
    "   7     12000.00               11053.81",
    "",
  ]);
  expect(reconciliationView(reconciliation({ mismatches: [MISMATCH] }), true)).toContain(`${RED}1\u001b[39m`);
});

test("an entry's lines name their account and leave the other side blank", () => {
  const entry: LedgerEntry = {
    id: 9,
    value_date: "2026-05-01",
    loan_id: 42,
    kind: "WRITE_OFF",
    transaction_id: 130,
    source_event: "loans:200",
    lines: [
      { account: "5000", debit: "11053.81", credit: "0.00" },
      { account: "1100", debit: "0.00", credit: "11053.81" },
    ],
    created_at: "2026-06-15T10:12:00.000Z",
  };
  expect(entriesView([entry], false).split("\n")).toEqual([
    "Entry 9  2026-05-01  WRITE_OFF  loan 42  transaction 130  from loans:200  posted 2026-06-15 10:12",
    "  ACCOUNT                   DEBIT    CREDIT",
    "  5000 Loan losses       11053.81",
    "  1100 Loans receivable            11053.81",
    "",
  ]);
  expect(ledgerAccountLabel("4200")).toBe("4200 Penalty income");
});
