/**
 * How users and loans look in a terminal: the columns of their tables and the fields of
 * their detail views. The JSON output is the API's own shape, untouched.
 */
import type { Loan, LoanStatus, LoanVersion, Page, User } from "../sdk/index.js";
import { type NameOf, bareId } from "./names.js";
import { type Column, type Style, renderRecord, renderTable, shortTime } from "./output.js";

const STATUS_STYLES: Record<LoanStatus, Style> = { NEW: "yellow", APPROVED: "green", REJECTED: "red", ACTIVE: "cyan", CLOSED: "dim", WRITTEN_OFF: "red" };

export function statusStyle(status: LoanStatus): Style {
  return STATUS_STYLES[status];
}

function fullName(user: User): string {
  return `${user.first_name} ${user.last_name}`.trim();
}

function approval(user: User): string {
  return user.is_approved ? "yes" : "pending";
}

const USER_COLUMNS: Column<User>[] = [
  { header: "ID", value: (u) => String(u.id), align: "right" },
  { header: "EMAIL", value: (u) => u.email },
  { header: "NAME", value: fullName },
  { header: "ROLE", value: (u) => u.role },
  { header: "APPROVED", value: approval, style: (u) => (u.is_approved ? "green" : "yellow") },
  { header: "CREATED (UTC)", value: (u) => shortTime(u.created_at) },
];

/** Loans' columns; `name` shows a user id (with the name when known: names.ts). */
const loanColumns = (name: NameOf): Column<Loan>[] => [
  { header: "ID", value: (l) => String(l.id), align: "right" },
  { header: "CUSTOMER", value: (l) => name(l.customer_id) },
  { header: "AGENT", value: (l) => name(l.agent_id) },
  { header: "PRINCIPAL", value: (l) => l.principal, align: "right" },
  { header: "RATE %", value: (l) => l.interest_rate, align: "right" },
  { header: "MONTHS", value: (l) => String(l.tenure_months), align: "right" },
  { header: "EMI", value: (l) => l.emi, align: "right" },
  { header: "STATUS", value: (l) => l.status, style: (l) => statusStyle(l.status) },
  { header: "VER", value: (l) => String(l.version), align: "right" },
  { header: "CREATED (UTC)", value: (l) => shortTime(l.created_at) },
];

const versionColumns = (name: NameOf): Column<LoanVersion>[] => [
  { header: "VERSION", value: (v) => String(v.version), align: "right" },
  { header: "PRINCIPAL", value: (v) => v.principal, align: "right" },
  { header: "RATE %", value: (v) => v.interest_rate, align: "right" },
  { header: "MONTHS", value: (v) => String(v.tenure_months), align: "right" },
  { header: "EMI", value: (v) => v.emi, align: "right" },
  { header: "STATUS", value: (v) => v.status, style: (v) => statusStyle(v.status) },
  { header: "EDITED BY", value: (v) => name(v.edited_by) },
  { header: "EDITED (UTC)", value: (v) => shortTime(v.edited_at) },
];

/** A search's answer: who they are, at a glance. */
const FOUND_COLUMNS: Column<User>[] = [
  { header: "ID", value: (u) => String(u.id), align: "right" },
  { header: "NAME", value: fullName },
  { header: "EMAIL", value: (u) => u.email },
  { header: "ROLE", value: (u) => u.role },
];

export function usersTable(users: User[], color: boolean): string {
  return renderTable(USER_COLUMNS, users, color);
}

export function foundUsersTable(users: User[], color: boolean): string {
  return renderTable(FOUND_COLUMNS, users, color);
}

export function loansTable(loans: Loan[], color: boolean, name: NameOf = bareId): string {
  return renderTable(loanColumns(name), loans, color);
}

export function historyTable(versions: LoanVersion[], color: boolean, name: NameOf = bareId): string {
  return renderTable(versionColumns(name), versions, color);
}

export function userRecord(user: User, color: boolean): string {
  return renderRecord(
    [
      ["ID", String(user.id)],
      ["Email", user.email],
      ["Name", fullName(user)],
      ["Role", user.role],
      ["Approved", approval(user), user.is_approved ? "green" : "yellow"],
      ["Created (UTC)", shortTime(user.created_at)],
      ["Updated (UTC)", shortTime(user.updated_at)],
    ],
    color,
  );
}

export function loanRecord(loan: Loan, color: boolean, name: NameOf = bareId): string {
  return renderRecord(
    [
      ["ID", String(loan.id)],
      ["Customer", name(loan.customer_id)],
      ["Agent", name(loan.agent_id)],
      ["Principal", loan.principal],
      ["Interest rate", `${loan.interest_rate} %`],
      ["Tenure", `${loan.tenure_months} months`],
      ["EMI", loan.emi],
      ["Product", loan.product_code],
      ["Disbursement fee", loan.disbursement_fee],
      ["Status", loan.status, statusStyle(loan.status)],
      ["Version", String(loan.version)],
      ["Decided by", name(loan.decided_by)],
      ["Decided (UTC)", shortTime(loan.decided_at)],
      ...servicingFields(loan),
      ["Created (UTC)", shortTime(loan.created_at)],
      ["Updated (UTC)", shortTime(loan.updated_at)],
    ],
    color,
  );
}

/** A disbursed loan's servicing figures; none before disbursement. */
function servicingFields(loan: Loan): [string, string, Style?][] {
  if (loan.disbursed_on === null) return [];
  return [
    ["Disbursed on", loan.disbursed_on],
    ["Outstanding", `principal ${loan.outstanding_principal ?? "-"}, interest ${loan.outstanding_interest ?? "-"}`],
    ["Next due", loan.next_due_date ?? "-"],
    ["Days past due", String(loan.days_past_due ?? 0), loan.days_past_due ? "red" : undefined],
    ["Closed (UTC)", shortTime(loan.closed_at)],
  ];
}

/** "Page 1 of 3, 45 loans in all (next: --page 2)", or undefined when everything is shown. */
export function pageFooter(page: Page<unknown>, noun: string): string | undefined {
  if (page.totalPages <= 1 && page.page <= 1) return undefined;
  const next = page.page < page.totalPages ? ` (next: --page ${page.page + 1})` : "";
  return `Page ${page.page} of ${page.totalPages}, ${page.total} ${noun} in all${next}`;
}
