/**
 * A loan's figures as a description list; ACTIVE, CLOSED and WRITTEN_OFF loans add their
 * servicing figures (a written-off loan owes 0.00: what was owed is in its WRITE_OFF transaction).
 */
import type { ComponentChildren } from "preact";
import type { Loan } from "../../../../sdk/index.js";
import { Person } from "../../components/person.js";
import { day } from "../../lib/dates.js";
import { money, plural, rate, when } from "../../lib/format.js";

function servicingFigures(loan: Loan): [string, string][] {
  if (loan.status !== "ACTIVE" && loan.status !== "CLOSED" && loan.status !== "WRITTEN_OFF") return [];
  const figures: [string, string][] = [
    ["Disbursed on", day(loan.disbursed_on)],
    ["Outstanding principal", money(loan.outstanding_principal)],
    ["Outstanding interest", money(loan.outstanding_interest)],
    ["Outstanding fee", money(loan.outstanding_fee)],
    ["Outstanding penalty", money(loan.outstanding_penalty)],
  ];
  if (loan.status === "ACTIVE") {
    figures.push(["Next due date", day(loan.next_due_date)], ["Days past due", loan.days_past_due ? plural(loan.days_past_due, "day") : "0 (up to date)"]);
  } else if (loan.status === "CLOSED") {
    figures.push(["Closed at", when(loan.closed_at)]);
  }
  return figures;
}

export function LoanFigures(props: { loan: Loan }) {
  const { loan } = props;
  const figures: [string, ComponentChildren][] = [
    ["Status", <span class={`status status-${loan.status.toLowerCase()}`}>{loan.status}</span>],
    ["Product", loan.product_code],
    ["Principal", money(loan.principal)],
    ["Interest rate", rate(loan.interest_rate)],
    ["Tenure", `${loan.tenure_months} months`],
    ["EMI", money(loan.emi)],
    ["Disbursement fee", money(loan.disbursement_fee)],
    ["Customer", <Person id={loan.customer_id} />],
    ["Agent", <Person id={loan.agent_id} />],
    ["Version", String(loan.version)],
    ["Requested", when(loan.created_at)],
    [
      "Decided",
      loan.decided_at ? (
        <>
          {when(loan.decided_at)} by <Person id={loan.decided_by} none="the system" />
        </>
      ) : (
        "—"
      ),
    ],
    ["Last changed", when(loan.updated_at)],
    ...servicingFigures(loan),
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
