/**
 * What can be done to a loan, by its state and the person's role. Each action is a panel of
 * its own; the loan page shows those whose `availableTo` says so.
 */
import type { FunctionComponent } from "preact";
import type { Loan, User } from "../../../../sdk/index.js";
import { DecidePanel } from "./decide.js";
import { DisbursePanel } from "./disburse.js";
import { EditPanel } from "./edit.js";
import { RepayPanel } from "./repay.js";
import { WriteOffPanel } from "./write-off.js";

export interface LoanActionProps {
  loan: Loan;
  /** The action changed the loan: the page shows `message` and reloads it and its sections. */
  onChanged: (message: string) => void;
  /** Anything a panel does not show itself (a 409, a 403, no connection): the page shows it. */
  onFailed: (error: unknown) => void;
}

export interface LoanAction {
  id: string;
  availableTo(loan: Loan, user: User): boolean;
  Panel: FunctionComponent<LoanActionProps>;
}

export const LOAN_ACTIONS: LoanAction[] = [
  { id: "decide", availableTo: (loan, user) => user.role === "admin" && loan.status === "NEW", Panel: DecidePanel },
  { id: "edit", availableTo: (loan, user) => user.role === "agent" && loan.status === "NEW", Panel: EditPanel },
  { id: "disburse", availableTo: (loan, user) => user.role === "admin" && loan.status === "APPROVED", Panel: DisbursePanel },
  { id: "repay", availableTo: (loan, user) => (user.role === "admin" || (user.role === "agent" && user.is_approved)) && loan.status === "ACTIVE", Panel: RepayPanel },
  { id: "write-off", availableTo: (loan, user) => user.role === "admin" && loan.status === "ACTIVE", Panel: WriteOffPanel },
];
