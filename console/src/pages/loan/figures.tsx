/** A loan's figures as a description list. Phase 2 adds the servicing figures of ACTIVE/CLOSED loans. */
import type { Loan } from "../../../../sdk/index.js";
import { money, rate, when } from "../../lib/format.js";

export function LoanFigures(props: { loan: Loan }) {
  const { loan } = props;
  const figures: [string, string][] = [
    ["Status", loan.status],
    ["Principal", money(loan.principal)],
    ["Interest rate", rate(loan.interest_rate)],
    ["Tenure", `${loan.tenure_months} months`],
    ["EMI", money(loan.emi)],
    ["Customer", `User ${loan.customer_id}`],
    ["Agent", `User ${loan.agent_id}`],
    ["Version", String(loan.version)],
    ["Requested", when(loan.created_at)],
    ["Decided", loan.decided_at ? `${when(loan.decided_at)} by user ${loan.decided_by}` : "—"],
    ["Last changed", when(loan.updated_at)],
  ];
  return (
    <dl class="figures" aria-label="Figures">
      {figures.map(([term, value]) => (
        <div key={term}>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
