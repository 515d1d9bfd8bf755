/**
 * Pure parts of `loans transactions|reverse|waive|write-off` and `cob run|status`: the
 * journal's table, a transaction's and a run's record, the --reason parser, and the progress
 * of a job the server reports.
 */
import { InvalidArgumentError } from "commander";
import { reasonText } from "../../cli/args.js";
import { Progress } from "../../cli/progress.js";
import { repaymentRecord } from "../../cli/servicing-views.js";
import { cobRunRecord, cobRunsTable, runSummary, transactionNote, transactionRecord, transactionsTable } from "../../cli/transaction-views.js";
import type { CloseOfBusinessRun, LoanTransaction, Repayment } from "../../sdk/contracts.js";

const tx = (over: Partial<LoanTransaction>): LoanTransaction => ({
  id: 1,
  loan_id: 42,
  type: "DISBURSEMENT",
  amount: "10000.00",
  principal_part: "10000.00",
  interest_part: "0.00",
  fee_part: "0.00",
  penalty_part: "0.00",
  value_date: "2026-01-31",
  installment_number: null,
  charge_id: null,
  created_at: "2026-01-31T09:00:00.000Z",
  recorded_by: 1,
  reason: null,
  reversed: false,
  reversed_at: null,
  reversed_by: null,
  reversal_reason: null,
  ...over,
});

const JOURNAL: LoanTransaction[] = [
  tx({}),
  tx({ id: 2, type: "FEE", amount: "100.00", principal_part: "0.00", fee_part: "100.00", installment_number: 1 }),
  tx({
    id: 3,
    type: "REPAYMENT",
    amount: "500.00",
    principal_part: "300.00",
    interest_part: "100.00",
    fee_part: "100.00",
    value_date: "2026-02-28",
    recorded_by: 5,
    reversed: true,
    reversed_at: "2026-03-02T10:00:00.000Z",
    reversed_by: 1,
    reversal_reason: "cheque bounced",
  }),
  tx({ id: 4, type: "PENALTY", amount: "25.00", principal_part: "0.00", penalty_part: "25.00", value_date: "2026-03-06", installment_number: 1, recorded_by: null }),
  tx({ id: 5, type: "WAIVER", amount: "25.00", principal_part: "0.00", penalty_part: "25.00", value_date: "2026-03-07", installment_number: 1, charge_id: 4, reason: "goodwill" }),
];

const names = (id: number | null | undefined): string => (id === 1 ? "1 Ada Admin" : id === 5 ? "5 Al Agent" : String(id ?? "-"));

describe("the transactions table", () => {
  test("one line per transaction: parts, installment, who by name, reversal and reasons", () => {
    const lines = transactionsTable(JOURNAL, false, names).trimEnd().split("\n");
    expect(lines[0]).toMatch(/^ID +TYPE +DATE +AMOUNT +PRINCIPAL +INTEREST +FEE +PENALTY +INST +BY +REVERSED \/ REASON$/);
    expect(lines[1]).toMatch(/^ *1 +DISBURSEMENT +2026-01-31 +10000\.00 +10000\.00 +0\.00 +0\.00 +0\.00 +- +1 Ada Admin$/);
    expect(lines[2]).toMatch(/^ *2 +FEE +2026-01-31 +100\.00 +0\.00 +0\.00 +100\.00 +0\.00 +1 +1 Ada Admin$/);
    expect(lines[3]).toMatch(/^ *3 +REPAYMENT +2026-02-28 +500\.00 +300\.00 +100\.00 +100\.00 +0\.00 +- +5 Al Agent +reversed 2026-03-02: cheque bounced$/);
    expect(lines[4]).toMatch(/^ *4 +PENALTY +2026-03-06 +25\.00 .* 1 +close of business$/);
    expect(lines[5]).toMatch(/^ *5 +WAIVER +2026-03-07 .* 1 +1 Ada Admin +waives 4: goodwill$/);
    expect(lines).toHaveLength(6);
  });

  test("colour: a reversed row's type is dim, its note yellow; none without colour", () => {
    const coloured = transactionsTable(JOURNAL, true, names);
    expect(coloured).toContain("\u001b[2mREPAYMENT\u001b[22m");
    expect(coloured).toContain("\u001b[31mPENALTY\u001b[39m");
    expect(transactionsTable(JOURNAL, false, names)).not.toContain("\u001b[");
  });

  test("notes: a write-off's reason; nothing for a plain repayment", () => {
    expect(transactionNote(tx({ type: "WRITE_OFF", reason: "uncollectable" }))).toBe("uncollectable");
    expect(transactionNote(tx({ type: "REPAYMENT" }))).toBe("");
  });

  test("a waiver's record names the charge and the reason", () => {
    const text = transactionRecord(JOURNAL[4]!, false, names);
    expect(text).toMatch(/^Type +WAIVER$/m);
    expect(text).toMatch(/^Parts +principal 0\.00, interest 0\.00, fee 0\.00, penalty 25\.00$/m);
    expect(text).toMatch(/^Charge +4$/m);
    expect(text).toMatch(/^Reason +goodwill$/m);
    expect(text).toMatch(/^Recorded by +1 Ada Admin$/m);
  });

  test("a reversed repayment's record says so; one not reversed does not", () => {
    const repayment: Repayment = {
      id: 3,
      loan_id: 42,
      amount: "500.00",
      principal_part: "300.00",
      interest_part: "100.00",
      fee_part: "100.00",
      penalty_part: "0.00",
      paid_on: "2026-02-28",
      recorded_by: 5,
      created_at: "2026-02-28T09:00:00.000Z",
      allocation: [],
      reversed: true,
    };
    expect(repaymentRecord(repayment, false, names)).toMatch(/^Reversed +yes: it counts nowhere$/m);
    expect(repaymentRecord({ ...repayment, reversed: false }, false, names)).not.toMatch(/Reversed/);
  });
});

describe("close of business", () => {
  const run: CloseOfBusinessRun = {
    id: 3,
    business_date: "2026-03-10",
    status: "DONE",
    loans_total: 10,
    loans_done: 10,
    penalties_charged: 2,
    started_at: "2026-03-11T00:05:00.000Z",
    finished_at: "2026-03-11T00:05:03.000Z",
  };

  test("a run's summary, record and table", () => {
    expect(runSummary(run)).toBe("Close of business 2026-03-10 (run 3): DONE, 10/10 loans, 2 penalties charged");
    expect(runSummary({ ...run, penalties_charged: 1 })).toMatch(/1 penalty charged$/);
    const record = cobRunRecord({ ...run, status: "RUNNING", loans_done: 4, finished_at: null }, false);
    expect(record).toMatch(/^Status +RUNNING$/m);
    expect(record).toMatch(/^Loans +4\/10 loans$/m);
    expect(record).toMatch(/^Finished \(UTC\) +-$/m);
    const table = cobRunsTable([run, { ...run, id: 2, status: "FAILED", loans_done: 4, finished_at: null }], false)
      .trimEnd()
      .split("\n");
    expect(table[0]).toMatch(/^ID +BUSINESS DATE +STATUS +LOANS +PENALTIES +STARTED \(UTC\) +FINISHED \(UTC\)$/);
    expect(table[1]).toMatch(/^ *3 +2026-03-10 +DONE +10\/10 +2 +2026-03-11 00:05 +2026-03-11 00:05$/);
    expect(table[2]).toMatch(/^ *2 +2026-03-10 +FAILED +4\/10 +2 +2026-03-11 00:05 +-$/);
  });

  test("the progress of a job the server reports: done of total, a note, no ok/failed counts", () => {
    const lines: string[] = [];
    let now = 0;
    const progress = new Progress({ write: (s: string) => lines.push(s) > 0 }, { label: "close of business 2026-03-10", total: 0, tty: false, lineInterval: 2, now: () => now, tally: "done" });
    progress.update(3, 10, "0 penalties charged");
    now = 2500;
    progress.update(7, 10, "1 penalty charged");
    now = 2600;
    progress.update(10, 10, "2 penalties charged");
    progress.finish();
    expect(lines).toEqual(["close of business 2026-03-10: 7/10, 1 penalty charged\n", "close of business 2026-03-10: 10/10, 2 penalties charged\n"]);
  });
});

describe("--reason", () => {
  test("trimmed; blank, too long or multi-line text is refused with what to do", () => {
    expect(reasonText("  cheque bounced ")).toBe("cheque bounced");
    expect(() => reasonText("   ")).toThrow(InvalidArgumentError);
    expect(() => reasonText("   ")).toThrow(/must say why, e\.g\. --reason "cheque bounced"/);
    expect(() => reasonText("x".repeat(501))).toThrow(/at most 500 characters \(got 501\)/);
    expect(reasonText("x".repeat(500))).toHaveLength(500);
    expect(() => reasonText("two\nlines")).toThrow(/one line/);
  });
});
