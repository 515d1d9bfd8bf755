/**
 * Schedule: the installments with what was paid of each and their status as of today; before
 * disbursement, the projection the API gives (as if disbursed today).
 */
import Decimal from "decimal.js";
import type { Money } from "../../../../sdk/index.js";
import { ErrorSummary, Loading } from "../../components/messages.js";
import { money } from "../../lib/format.js";
import { useResource } from "../../lib/resource.js";
import { useSession } from "../../lib/session-context.js";
import type { LoanSectionProps } from "./sections.js";

function sum(a: Money, b: Money): Money {
  return new Decimal(a).plus(b).toFixed(2);
}

export function Schedule(props: LoanSectionProps) {
  const { client } = useSession();
  const { loan } = props;
  const [schedule] = useResource(() => client.loanSchedule(loan.id), [loan.id, props.revision]);
  if (loan.status === "REJECTED") return <p class="muted">A rejected loan has no schedule.</p>;
  if (!schedule.data) return schedule.status === "error" ? <ErrorSummary error={schedule.error} /> : <Loading what="the schedule" />;
  const { rows, totals, disbursed_on } = schedule.data;
  return (
    <>
      {!disbursed_on && <p class="muted">Not disbursed yet: a projection, as if disbursed today ({schedule.data.as_of}).</p>}
      <table aria-busy={schedule.status === "loading"}>
        <caption class="visually-hidden">{disbursed_on ? `Repayment schedule of loan ${loan.id}` : `Projected repayment schedule of loan ${loan.id}`}</caption>
        <thead>
          <tr>
            <th scope="col" class="number">
              No.
            </th>
            <th scope="col">Due date</th>
            <th scope="col" class="number">
              Installment
            </th>
            <th scope="col" class="number">
              Principal
            </th>
            <th scope="col" class="number">
              Interest
            </th>
            <th scope="col" class="number">
              Paid
            </th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.number}>
              <th scope="row" class="number">
                {row.number}
              </th>
              <td>{row.due_date}</td>
              <td class="number">{money(row.installment)}</td>
              <td class="number">{money(row.principal)}</td>
              <td class="number">{money(row.interest)}</td>
              <td class="number">{money(sum(row.paid_principal, row.paid_interest))}</td>
              <td>
                <span class={`status installment-${row.status.toLowerCase()}`}>{row.status}</span>
              </td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colSpan={2}>
              Total
            </th>
            <td class="number">{money(totals.installment)}</td>
            <td class="number">{money(totals.principal)}</td>
            <td class="number">{money(totals.interest)}</td>
            <td colSpan={2}></td>
          </tr>
        </tfoot>
      </table>
    </>
  );
}
