/**
 * The ledger examples of the OpenAPI document: the books of the servicing examples' loan
 * (250,000.00 disbursed on 2026-01-31, its first installment 11,768.37 paid on 2026-02-27:
 * 9,268.37 principal, 2,500.00 interest), seen on 2026-04-10.
 */
import type { LedgerAccounts, LedgerEntry, Reconciliation, TrialBalance } from "./contracts.js";
import { EXAMPLE_AS_OF, EXAMPLE_DISBURSED_ON, EXAMPLE_REPAYMENT } from "./servicing-examples.js";

export const EXAMPLE_LEDGER_ENTRIES: LedgerEntry[] = [
  {
    id: 1,
    value_date: EXAMPLE_DISBURSED_ON,
    loan_id: EXAMPLE_REPAYMENT.loan_id,
    kind: "DISBURSEMENT",
    transaction_id: null,
    source_event: "loans:117",
    lines: [
      { account: "1100", debit: "250000.00", credit: "0.00" },
      { account: "1000", debit: "0.00", credit: "250000.00" },
    ],
    created_at: "2026-01-31T09:00:00.120Z",
  },
  {
    id: 2,
    value_date: EXAMPLE_REPAYMENT.paid_on,
    loan_id: EXAMPLE_REPAYMENT.loan_id,
    kind: "REPAYMENT",
    transaction_id: EXAMPLE_REPAYMENT.id,
    source_event: "loans:118",
    lines: [
      { account: "1000", debit: EXAMPLE_REPAYMENT.amount, credit: "0.00" },
      { account: "1100", debit: "0.00", credit: EXAMPLE_REPAYMENT.principal_part },
      { account: "4000", debit: "0.00", credit: EXAMPLE_REPAYMENT.interest_part },
    ],
    created_at: "2026-02-27T10:15:00.180Z",
  },
];

export const EXAMPLE_LEDGER_ACCOUNTS: LedgerAccounts = {
  as_of: EXAMPLE_AS_OF,
  rows: [
    { code: "1000", name: "Cash", type: "ASSET", debit: "11768.37", credit: "250000.00", balance: "-238231.63" },
    { code: "1100", name: "Loans receivable", type: "ASSET", debit: "250000.00", credit: "9268.37", balance: "240731.63" },
    { code: "4000", name: "Interest income", type: "INCOME", debit: "0.00", credit: "2500.00", balance: "2500.00" },
    { code: "4100", name: "Fee income", type: "INCOME", debit: "0.00", credit: "0.00", balance: "0.00" },
    { code: "4200", name: "Penalty income", type: "INCOME", debit: "0.00", credit: "0.00", balance: "0.00" },
    { code: "5000", name: "Loan losses", type: "EXPENSE", debit: "0.00", credit: "0.00", balance: "0.00" },
  ],
};

export const EXAMPLE_TRIAL_BALANCE: TrialBalance = {
  as_of: EXAMPLE_AS_OF,
  rows: [
    { code: "1000", name: "Cash", type: "ASSET", debit: "0.00", credit: "238231.63" },
    { code: "1100", name: "Loans receivable", type: "ASSET", debit: "240731.63", credit: "0.00" },
    { code: "4000", name: "Interest income", type: "INCOME", debit: "0.00", credit: "2500.00" },
    { code: "4100", name: "Fee income", type: "INCOME", debit: "0.00", credit: "0.00" },
    { code: "4200", name: "Penalty income", type: "INCOME", debit: "0.00", credit: "0.00" },
    { code: "5000", name: "Loan losses", type: "EXPENSE", debit: "0.00", credit: "0.00" },
  ],
  total_debit: "240731.63",
  total_credit: "240731.63",
  balanced: true,
};

export const EXAMPLE_RECONCILIATION: Reconciliation = {
  as_of: "2026-04-10T08:00:00.000Z",
  loans_checked: 1,
  mismatches: [],
  pending_events: 0,
};
