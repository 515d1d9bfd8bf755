/**
 * Repayments: what was paid on the loan, in the order recorded, with each one's current share
 * (fee and penalty columns when any repayment paid some); a reversed one stays, marked.
 */
import Decimal from "decimal.js";
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
  const fees = list.data.rows.some((r) => !new Decimal(r.fee_part).isZero());
  const penalties = list.data.rows.some((r) => !new Decimal(r.penalty_part).isZero());
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
            {fees && (
              <th scope="col" class="number">
                Fee
              </th>
            )}
            {penalties && (
              <th scope="col" class="number">
                Penalty
              </th>
            )}
            <th scope="col">Installments</th>
            <th scope="col">Recorded</th>
          </tr>
        </thead>
        <tbody>
          {list.data.rows.map((r) => (
            <tr key={r.id}>
              <th scope="row" class="nowrap">
                {r.paid_on}
                {r.reversed && (
                  <>
                    {" "}
                    <span class="tag tag-reversed">REVERSED</span>
                  </>
                )}
              </th>
              <td class="number">{money(r.amount)}</td>
              <td class="number">{money(r.principal_part)}</td>
              <td class="number">{money(r.interest_part)}</td>
              {fees && <td class="number">{money(r.fee_part)}</td>}
              {penalties && <td class="number">{money(r.penalty_part)}</td>}
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
