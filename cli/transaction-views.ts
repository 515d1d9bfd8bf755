/**
 * How a loan's transactions and close of business look in a terminal: the journal's table,
 * one transaction, a run's record and the runs' table. The JSON output is the API's own shape.
 */
import type { CloseOfBusinessRun, CloseOfBusinessStatus, LoanTransaction, TransactionType } from "../sdk/contracts.js";
import { type NameOf, bareId } from "./names.js";
import { type Column, type Style, renderRecord, renderTable, shortTime } from "./output.js";

const TYPE_STYLES: Record<TransactionType, Style | undefined> = {
  DISBURSEMENT: "cyan",
  REPAYMENT: "green",
  FEE: "yellow",
  PENALTY: "red",
  WAIVER: undefined,
  WRITE_OFF: "red",
};

const RUN_STYLES: Record<CloseOfBusinessStatus, Style> = { RUNNING: "cyan", DONE: "green", FAILED: "red" };

/** Who recorded it: a person by name, or close of business for the penalties it charged. */
export function recorder(t: Pick<LoanTransaction, "recorded_by">, name: NameOf): string {
  return t.recorded_by === null ? "close of business" : name(t.recorded_by);
}

/** What the journal says beside the figures: a reversal and its reason, a waiver's charge, a write-off's reason. */
export function transactionNote(t: LoanTransaction): string {
  if (t.reversed) return `reversed${t.reversed_at ? ` ${t.reversed_at.slice(0, 10)}` : ""}: ${t.reversal_reason ?? "-"}`;
  if (t.type === "WAIVER") return `waives ${t.charge_id ?? "-"}${t.reason ? `: ${t.reason}` : ""}`;
  return t.reason ?? "";
}

const transactionColumns = (name: NameOf): Column<LoanTransaction>[] => [
  { header: "ID", value: (t) => String(t.id), align: "right" },
  { header: "TYPE", value: (t) => t.type, style: (t) => (t.reversed ? "dim" : TYPE_STYLES[t.type]) },
  { header: "DATE", value: (t) => t.value_date },
  { header: "AMOUNT", value: (t) => t.amount, align: "right", style: (t) => (t.reversed ? "dim" : undefined) },
  { header: "PRINCIPAL", value: (t) => t.principal_part, align: "right" },
  { header: "INTEREST", value: (t) => t.interest_part, align: "right" },
  { header: "FEE", value: (t) => t.fee_part, align: "right" },
  { header: "PENALTY", value: (t) => t.penalty_part, align: "right" },
  { header: "INST", value: (t) => (t.installment_number === null ? "-" : String(t.installment_number)), align: "right" },
  { header: "BY", value: (t) => recorder(t, name) },
  { header: "REVERSED / REASON", value: transactionNote, style: (t) => (t.reversed ? "yellow" : undefined) },
];

/** `loans transactions`: every money movement, by value date as the API lists them. */
export function transactionsTable(rows: LoanTransaction[], color: boolean, name: NameOf = bareId): string {
  return renderTable(transactionColumns(name), rows, color);
}

/** One transaction (a waiver, as `loans waive` answers it). */
export function transactionRecord(t: LoanTransaction, color: boolean, name: NameOf = bareId): string {
  const fields: [string, string, Style?][] = [
    ["ID", String(t.id)],
    ["Loan", String(t.loan_id)],
    ["Type", t.type, TYPE_STYLES[t.type]],
    ["Amount", t.amount],
    ["Parts", `principal ${t.principal_part}, interest ${t.interest_part}, fee ${t.fee_part}, penalty ${t.penalty_part}`],
    ["Value date", t.value_date],
    ["Installment", t.installment_number === null ? "-" : String(t.installment_number)],
  ];
  if (t.charge_id !== null) fields.push(["Charge", String(t.charge_id)]);
  if (t.reason !== null) fields.push(["Reason", t.reason]);
  fields.push(["Recorded by", recorder(t, name)], ["Recorded (UTC)", shortTime(t.created_at)]);
  if (t.reversed) fields.push(["Reversed", `${shortTime(t.reversed_at)} by ${name(t.reversed_by)}: ${t.reversal_reason ?? "-"}`, "yellow"]);
  return renderRecord(fields, color);
}

/** "3/10 loans" */
export function runProgress(run: Pick<CloseOfBusinessRun, "loans_done" | "loans_total">): string {
  return `${run.loans_done}/${run.loans_total} loans`;
}

/** "Close of business 2026-03-10 (run 3): DONE, 10 loans, 2 penalties charged" */
export function runSummary(run: CloseOfBusinessRun): string {
  const penalties = `${run.penalties_charged} ${run.penalties_charged === 1 ? "penalty" : "penalties"} charged`;
  return `Close of business ${run.business_date} (run ${run.id}): ${run.status}, ${runProgress(run)}, ${penalties}`;
}

export function cobRunRecord(run: CloseOfBusinessRun, color: boolean): string {
  return renderRecord(
    [
      ["ID", String(run.id)],
      ["Business date", run.business_date],
      ["Status", run.status, RUN_STYLES[run.status]],
      ["Loans", runProgress(run)],
      ["Penalties charged", String(run.penalties_charged)],
      ["Started (UTC)", shortTime(run.started_at)],
      ["Finished (UTC)", shortTime(run.finished_at)],
    ],
    color,
  );
}

const RUN_COLUMNS: Column<CloseOfBusinessRun>[] = [
  { header: "ID", value: (r) => String(r.id), align: "right" },
  { header: "BUSINESS DATE", value: (r) => r.business_date },
  { header: "STATUS", value: (r) => r.status, style: (r) => RUN_STYLES[r.status] },
  { header: "LOANS", value: (r) => `${r.loans_done}/${r.loans_total}`, align: "right" },
  { header: "PENALTIES", value: (r) => String(r.penalties_charged), align: "right" },
  { header: "STARTED (UTC)", value: (r) => shortTime(r.started_at) },
  { header: "FINISHED (UTC)", value: (r) => shortTime(r.finished_at) },
];

export function cobRunsTable(runs: CloseOfBusinessRun[], color: boolean): string {
  return renderTable(RUN_COLUMNS, runs, color);
}
