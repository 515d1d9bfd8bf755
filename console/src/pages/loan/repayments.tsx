/** Repayments: what was paid on the loan, in the order recorded (the order it was allocated). */
import { ErrorSummary, Loading } from "../../components/messages.js";
import { money, when } from "../../lib/format.js";
import { useResource } from "../../lib/resource.js";
import { useSession } from "../../lib/session-context.js";
import { TableBox } from "../../components/table-box.js";
import { Person } from "../../components/person.js";
import type { LoanSectionProps } from "./sections.js";

export function Repayments(props: LoanSectionProps) {
  const { client } = useSession();
  const { loan } = props;
  const [list] = useResource(() => client.listRepayments(loan.id), [loan.id, props.revision]);
  if (!list.data) return list.status === "error" ? <ErrorSummary error={list.error} /> : <Loading what="the repayments" />;
  if (list.data.rows.length === 0) return <p>No repayment recorded yet.</p>;
  return (
    <TableBox label={`Repayments of loan ${loan.id}`}>
      {" "}
      <table aria-busy={list.status === "loading"}>
        <caption class="visually-hidden">Repayments of loan {loan.id}</caption>
        <thead>
          <tr>
            <th scope="col">Paid on</th>
            <th scope="col" class="number">
              Amount
            </th>
            <th scope="col" class="number">
              Principal
            </th>
            <th scope="col" class="number">
              Interest
            </th>
            <th scope="col">Installments</th>
            <th scope="col">Recorded</th>
          </tr>
        </thead>
        <tbody>
          {list.data.rows.map((r) => (
            <tr key={r.id}>
              <th scope="row" class="nowrap">
                {r.paid_on}
              </th>
              <td class="number">{money(r.amount)}</td>
              <td class="number">{money(r.principal_part)}</td>
              <td class="number">{money(r.interest_part)}</td>
              <td>{r.allocation.map((a) => a.number).join(", ") || "—"}</td>
              <td>
                <span class="nowrap">{when(r.created_at)}</span> by <Person id={r.recorded_by} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableBox>
  );
}
