/**
 * Loans: the whole book, filtered by Status and Overdue only (?overdue=true: ACTIVE loans
 * past due, most overdue first), a page at a time; each id opens the loan, each person their
 * page. Columns sort; Download CSV writes the whole filtered list.
 */
import { useLocation } from "preact-iso";
import { LOAN_STATUSES, type Loan } from "../../../sdk/index.js";
import { DownloadCsv } from "../components/download-csv.js";
import { ErrorSummary, Loading } from "../components/messages.js";
import { Page } from "../components/page.js";
import { Paging } from "../components/paging.js";
import { Person } from "../components/person.js";
import { useSort } from "../components/sortable.js";
import { TableBox } from "../components/table-box.js";
import type { CsvColumn } from "../lib/csv.js";
import { money, rate, when } from "../lib/format.js";
import { namesOf } from "../lib/names.js";
import { oneOf, pageOf, paths, withQuery } from "../lib/paths.js";
import { useResource } from "../lib/resource.js";
import { useSession } from "../lib/session-context.js";

/** The columns of the loans' CSV; `names` holds the people's names by id. */
export function loanCsvColumns(names: Map<number, string>): CsvColumn<Loan>[] {
  return [
    { header: "id", value: (l) => l.id },
    { header: "status", value: (l) => l.status },
    { header: "product", value: (l) => l.product_code },
    { header: "principal", value: (l) => l.principal },
    { header: "interest_rate", value: (l) => l.interest_rate },
    { header: "tenure_months", value: (l) => l.tenure_months },
    { header: "emi", value: (l) => l.emi },
    { header: "customer_id", value: (l) => l.customer_id },
    { header: "customer", value: (l) => names.get(l.customer_id) },
    { header: "agent_id", value: (l) => l.agent_id },
    { header: "agent", value: (l) => names.get(l.agent_id) },
    { header: "outstanding_principal", value: (l) => l.outstanding_principal },
    { header: "outstanding_interest", value: (l) => l.outstanding_interest },
    { header: "days_past_due", value: (l) => l.days_past_due },
    { header: "created_at", value: (l) => l.created_at },
  ];
}

export function Loans() {
  const { client, people } = useSession();
  const { query, route } = useLocation();
  const status = oneOf(LOAN_STATUSES, query.status);
  const page = pageOf(query);
  const overdue = query.overdue === "true";
  const [list] = useResource(() => client.listLoans({ status, page, ...(overdue && { overdue }) }), [status, page, overdue]);
  const sorting = useSort(list.data?.rows ?? [], {
    id: (l) => l.id,
    status: (l) => l.status,
    principal: (l) => Number(l.principal),
    rate: (l) => Number(l.interest_rate),
    tenure: (l) => l.tenure_months,
    emi: (l) => Number(l.emi),
    requested: (l) => l.created_at,
    dpd: (l) => l.days_past_due ?? 0,
  });
  const { rows, header } = sorting;
  const filter = (change: { status?: string; overdue?: boolean }) => withQuery(paths.loans, { status: change.status ?? status, overdue: (change.overdue ?? overdue) ? "true" : undefined });
  const caption = `${overdue ? "Overdue " : ""}${status ? `${status} loans` : overdue ? "loans" : "All loans"}`;
  const names = new Map<number, string>();

  return (
    <Page title="Loans">
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <div class="field">
          <label for="status">Status</label>
          <select id="status" value={status ?? ""} onChange={(e) => route(filter({ status: e.currentTarget.value }))}>
            <option value="">All statuses</option>
            {LOAN_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
        <div class="checkbox">
          <input id="overdue" type="checkbox" checked={overdue} onChange={(e) => route(filter({ overdue: e.currentTarget.checked }))} />
          <label for="overdue">Overdue only</label>
        </div>
      </form>
      <ErrorSummary error={list.status === "error" ? list.error : undefined} />
      {!list.data && list.status === "loading" && <Loading what="the loans" />}
      {list.data && rows.length === 0 && <p>{overdue ? "No loan is overdue." : status ? `No loan is ${status}.` : "No loan yet."}</p>}
      {rows.length > 0 && (
        <>
          <DownloadCsv
            name={["loans", status, overdue ? "overdue" : undefined]}
            columns={loanCsvColumns(names)}
            pageOf={(p, pageSize) => client.listLoans({ status, page: p, pageSize, ...(overdue && { overdue }) })}
            rowsOf={async (all) => {
              for (const [id, name] of await namesOf(
                people,
                all.flatMap((l) => [l.customer_id, l.agent_id]),
              ))
                names.set(id, name);
              return all;
            }}
          />
          <TableBox label={caption}>
            <table aria-busy={list.status === "loading"}>
              <caption>{caption}</caption>
              <thead>
                <tr>
                  {header("id", "Loan")}
                  {header("status", "Status")}
                  {header("principal", "Principal", "number")}
                  {header("rate", "Rate", "number")}
                  {header("tenure", "Tenure", "number")}
                  {header("emi", "EMI", "number")}
                  <th scope="col">Customer</th>
                  <th scope="col">Agent</th>
                  {header("requested", "Requested")}
                  {overdue && header("dpd", "Days past due", "number")}
                </tr>
              </thead>
              <tbody>
                {rows.map((loan) => (
                  <tr key={loan.id}>
                    <th scope="row">
                      <a href={paths.loan(loan.id)}>Loan {loan.id}</a>
                    </th>
                    <td>
                      <span class={`status status-${loan.status.toLowerCase()}`}>{loan.status}</span>
                    </td>
                    <td class="number">{money(loan.principal)}</td>
                    <td class="number">{rate(loan.interest_rate)}</td>
                    <td class="number">{loan.tenure_months} months</td>
                    <td class="number">{money(loan.emi)}</td>
                    <td>
                      <Person id={loan.customer_id} />
                    </td>
                    <td>
                      <Person id={loan.agent_id} />
                    </td>
                    <td class="nowrap">{when(loan.created_at)}</td>
                    {overdue && <td class="number">{loan.days_past_due ?? 0}</td>}
                  </tr>
                ))}
              </tbody>
            </table>
          </TableBox>
        </>
      )}
      {list.data && list.data.total > 0 && <Paging page={list.data} noun="loan" hrefOf={(p) => withQuery(paths.loans, { status, overdue: overdue ? "true" : undefined, page: p })} />}
    </Page>
  );
}
