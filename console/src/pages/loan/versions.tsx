/** Versions: the loan's terms as they were before each edit, oldest first, then as they are. */
import { ErrorSummary, Loading } from "../../components/messages.js";
import { money, rate, when } from "../../lib/format.js";
import { useResource } from "../../lib/resource.js";
import { useSession } from "../../lib/session-context.js";
import { TableBox } from "../../components/table-box.js";
import { Person } from "../../components/person.js";
import type { LoanSectionProps } from "./sections.js";

export function Versions(props: LoanSectionProps) {
  const { client } = useSession();
  const { loan } = props;
  const [history] = useResource(() => client.loanHistory(loan.id), [loan.id, props.revision]);
  if (!history.data) return history.status === "error" ? <ErrorSummary error={history.error} /> : <Loading what="the versions" />;
  const rows = [
    ...history.data.rows.map((v) => ({
      ...v,
      current: false,
      changed: (
        <>
          <span class="nowrap">{when(v.edited_at)}</span> by <Person id={v.edited_by} />
        </>
      ),
    })),
    {
      version: loan.version,
      principal: loan.principal,
      interest_rate: loan.interest_rate,
      tenure_months: loan.tenure_months,
      emi: loan.emi,
      status: loan.status,
      current: true,
      changed: <span class="nowrap">{when(loan.updated_at)}</span>,
    },
  ];
  return (
    <TableBox label={`Versions of loan ${loan.id}`}>
      {" "}
      <table>
        <caption class="visually-hidden">Versions of loan {loan.id}</caption>
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col" class="number">
              Principal
            </th>
            <th scope="col" class="number">
              Rate
            </th>
            <th scope="col" class="number">
              Tenure
            </th>
            <th scope="col" class="number">
              EMI
            </th>
            <th scope="col">Status</th>
            <th scope="col">Until</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((v) => (
            <tr key={v.version}>
              <th scope="row">
                {v.version}
                {v.current && " (current)"}
              </th>
              <td class="number">{money(v.principal)}</td>
              <td class="number">{rate(v.interest_rate)}</td>
              <td class="number">{v.tenure_months} months</td>
              <td class="number">{money(v.emi)}</td>
              <td>{v.status}</td>
              <td>{v.current ? "now" : v.changed}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableBox>
  );
}
