/**
 * How loan servicing looks in a terminal: the schedule, repayments and the portfolio. The
 * JSON output is the API's own shape, untouched.
 */
import { LOAN_STATUSES, type InstallmentStatus, type Loan, type LoanSchedule, type Portfolio, type Repayment, type ScheduleRow } from "../sdk/contracts.js";
import { type NameOf, bareId } from "./names.js";
import { type Column, type Style, renderRecord, renderTable, shortTime } from "./output.js";

const INSTALLMENT_STYLES: Record<InstallmentStatus, Style> = { PAID: "green", PARTIAL: "cyan", OVERDUE: "red", DUE: "dim" };

const SCHEDULE_COLUMNS: Column<ScheduleRow>[] = [
  { header: "#", value: (r) => String(r.number), align: "right" },
  { header: "DUE", value: (r) => r.due_date },
  { header: "INSTALLMENT", value: (r) => r.installment, align: "right" },
  { header: "PRINCIPAL", value: (r) => r.principal, align: "right" },
  { header: "INTEREST", value: (r) => r.interest, align: "right" },
  { header: "BALANCE", value: (r) => r.balance, align: "right" },
  { header: "PAID PRINCIPAL", value: (r) => r.paid_principal, align: "right" },
  { header: "PAID INTEREST", value: (r) => r.paid_interest, align: "right" },
  { header: "STATUS", value: (r) => r.status, style: (r) => INSTALLMENT_STYLES[r.status] },
];

const repaymentColumns = (name: NameOf): Column<Repayment>[] => [
  { header: "ID", value: (r) => String(r.id), align: "right" },
  { header: "PAID ON", value: (r) => r.paid_on },
  { header: "AMOUNT", value: (r) => r.amount, align: "right" },
  { header: "PRINCIPAL", value: (r) => r.principal_part, align: "right" },
  { header: "INTEREST", value: (r) => r.interest_part, align: "right" },
  { header: "INSTALLMENTS", value: installmentRange },
  { header: "RECORDED BY", value: (r) => name(r.recorded_by) },
  { header: "RECORDED (UTC)", value: (r) => shortTime(r.created_at) },
];

const overdueColumns = (name: NameOf): Column<Loan>[] => [
  { header: "ID", value: (l) => String(l.id), align: "right" },
  { header: "CUSTOMER", value: (l) => name(l.customer_id) },
  { header: "PRINCIPAL", value: (l) => l.principal, align: "right" },
  { header: "OUTSTANDING PRINCIPAL", value: (l) => l.outstanding_principal ?? "-", align: "right" },
  { header: "OUTSTANDING INTEREST", value: (l) => l.outstanding_interest ?? "-", align: "right" },
  { header: "OLDEST UNPAID DUE", value: (l) => l.next_due_date ?? "-" },
  { header: "DAYS PAST DUE", value: (l) => String(l.days_past_due ?? 0), align: "right", style: () => "red" },
];

/** `loans list --overdue`: the arrears columns instead of the terms. */
export function overdueTable(loans: Loan[], color: boolean, name: NameOf = bareId): string {
  return renderTable(overdueColumns(name), loans, color);
}

function installmentRange(r: Repayment): string {
  const numbers = r.allocation.map((a) => a.number);
  if (numbers.length === 0) return "-";
  return numbers.length === 1 ? String(numbers[0]) : `${numbers[0]}-${numbers[numbers.length - 1]}`;
}

export function scheduleView(s: LoanSchedule, color: boolean): string {
  const heading = s.disbursed_on ? `Loan ${s.loan_id}, disbursed ${s.disbursed_on}; as of ${s.as_of}` : `Loan ${s.loan_id}, not disbursed: projected as if disbursed on ${s.as_of}`;
  const summary = renderRecord(
    [
      ["Total", `${s.totals.installment} (principal ${s.totals.principal}, interest ${s.totals.interest})`],
      ["Outstanding", `principal ${s.outstanding_principal}, interest ${s.outstanding_interest}`],
      ["Next due", s.next_due_date ?? "-"],
      ["Overdue", s.overdue_amount, s.overdue_amount === "0.00" ? undefined : "red"],
      ["Days past due", String(s.days_past_due), s.days_past_due > 0 ? "red" : undefined],
    ],
    color,
  );
  return `${heading}\n${renderTable(SCHEDULE_COLUMNS, s.rows, color)}\n${summary}`;
}

export function repaymentsTable(rows: Repayment[], color: boolean, name: NameOf = bareId): string {
  return renderTable(repaymentColumns(name), rows, color);
}

export function repaymentRecord(r: Repayment, color: boolean, name: NameOf = bareId): string {
  return renderRecord(
    [
      ["ID", String(r.id)],
      ["Loan", String(r.loan_id)],
      ["Amount", r.amount],
      ["Principal", r.principal_part],
      ["Interest", r.interest_part],
      ["Installments", installmentRange(r)],
      ["Paid on", r.paid_on],
      ["Recorded by", name(r.recorded_by)],
      ["Recorded (UTC)", shortTime(r.created_at)],
      ...(r.reversed ? [["Reversed", "yes: it counts nowhere", "yellow"] as [string, string, Style]] : []),
    ],
    color,
  );
}

export function portfolioRecord(p: Portfolio, color: boolean): string {
  return renderRecord(
    [
      ["As of", p.as_of],
      ...LOAN_STATUSES.map((s): [string, string] => [`${s} loans`, String(p.by_status[s])]),
      ["Active outstanding principal", p.active_outstanding_principal],
      ["Overdue amount", p.overdue_amount, p.overdue_amount === "0.00" ? undefined : "red"],
      ["PAR30", `${p.par30} %`],
    ],
    color,
  );
}
