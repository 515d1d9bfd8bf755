/**
 * What can be done to a loan, by its state and the person's role. Each action is a panel of
 * its own; the loan page shows those whose `availableTo` says so. Phase 2 (loan servicing)
 * adds here: Disburse (admin, APPROVED; a dialog with "Disbursed on", today by default, and a
 * Disburse button) and Record repayment (admin or agent, ACTIVE; Amount, Paid on, Save).
 */
import type { FunctionComponent } from "preact";
import type { Loan, User } from "../../../../sdk/index.js";
import { DecidePanel } from "./decide.js";
import { EditPanel } from "./edit.js";

export interface LoanActionProps {
  loan: Loan;
  /** The action changed the loan: the page shows `message` and reloads it and its sections. */
  onChanged(message: string): void;
  /** Anything a panel does not show itself (a 409, a 403, no connection): the page shows it. */
  onFailed(error: unknown): void;
}

export interface LoanAction {
  id: string;
  availableTo(loan: Loan, user: User): boolean;
  Panel: FunctionComponent<LoanActionProps>;
}

export const LOAN_ACTIONS: LoanAction[] = [
  { id: "decide", availableTo: (loan, user) => user.role === "admin" && loan.status === "NEW", Panel: DecidePanel },
  { id: "edit", availableTo: (loan, user) => user.role === "agent" && loan.status === "NEW", Panel: EditPanel },
];
