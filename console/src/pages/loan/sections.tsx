/**
 * The sections of a loan's page, in order. Phase 2 (loan servicing) adds "Schedule" (first)
 * and "Repayments" (after Versions) here, each a Body like these.
 */
import type { FunctionComponent } from "preact";
import type { Loan } from "../../../../sdk/index.js";
import { AuditTrail } from "./audit-trail.js";
import { Versions } from "./versions.js";

export interface LoanSectionProps {
  loan: Loan;
  /** Goes up whenever the loan changed through this page: sections reload. */
  revision: number;
}

export interface LoanSection {
  id: string;
  title: string;
  Body: FunctionComponent<LoanSectionProps>;
}

export const LOAN_SECTIONS: LoanSection[] = [
  { id: "versions", title: "Versions", Body: Versions },
  { id: "audit-trail", title: "Audit trail", Body: AuditTrail },
];
