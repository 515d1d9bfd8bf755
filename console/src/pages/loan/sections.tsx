/** The sections of a loan's page, in order, each a Body reloading when the loan changed here. */
import type { FunctionComponent } from "preact";
import type { Loan, User } from "../../../../sdk/index.js";
import { AuditTrail } from "./audit-trail.js";
import { LedgerEntries } from "./ledger-entries.js";
import { Repayments } from "./repayments.js";
import { Schedule } from "./schedule.js";
import { Transactions } from "./transactions.js";
import { Versions } from "./versions.js";

export interface LoanSectionProps {
  loan: Loan;
  /** Goes up whenever the loan changed through this page: sections reload. */
  revision: number;
  /** A section's own action changed the loan (a reversal, a waiver): the page reloads it all. */
  onChanged: (message: string) => void;
  /** Reload the loan and its sections without a message (after a 409, to show it as it is now). */
  refresh: () => void;
}

export interface LoanSection {
  id: string;
  title: string;
  Body: FunctionComponent<LoanSectionProps>;
  /** Whether the person sees the section at all (agents cannot read the audit log). */
  availableTo: (user: User) => boolean;
}

const everyone = () => true;

export const LOAN_SECTIONS: LoanSection[] = [
  { id: "schedule", title: "Schedule", Body: Schedule, availableTo: everyone },
  { id: "transactions", title: "Transactions", Body: Transactions, availableTo: everyone },
  { id: "versions", title: "Versions", Body: Versions, availableTo: everyone },
  { id: "repayments", title: "Repayments", Body: Repayments, availableTo: everyone },
  { id: "ledger-entries", title: "Ledger entries", Body: LedgerEntries, availableTo: (user) => user.role === "admin" },
  { id: "audit-trail", title: "Audit trail", Body: AuditTrail, availableTo: (user) => user.role === "admin" },
];
