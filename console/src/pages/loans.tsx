/**
 * Loans: the whole book, filtered by Status and Overdue only (?overdue=true: ACTIVE loans
 * past due, most overdue first), a page at a time; each id opens the loan.
 */
import { useLocation } from "preact-iso";
import { LOAN_STATUSES } from "../../../sdk/index.js";
import { ErrorSummary, Loading } from "../components/messages.js";
import { Page } from "../components/page.js";
import { Paging } from "../components/paging.js";
import { money, rate, when } from "../lib/format.js";
import { oneOf, pageOf, paths, withQuery } from "../lib/paths.js";
import { useResource } from "../lib/resource.js";
import { useSession } from "../lib/session-context.js";

export function Loans() {
  const { client } = useSession();
  const { query, route } = useLocation();
  const status = oneOf(LOAN_STATUSES, query.status);
  const page = pageOf(query);
  const overdue = query.overdue === "true";
  const [list] = useResource(() => client.listLoans({ status, page, ...(overdue && { overdue }) }), [status, page, overdue]);
  const rows = list.data?.rows ?? [];
  const filter = (change: { status?: string; overdue?: boolean }) => withQuery(paths.loans, { status: change.status ?? status, overdue: (change.overdue ?? overdue) ? "true" : undefined });
  const caption = `${overdue ? "Overdue " : ""}${status ? `${status} loans` : overdue ? "loans" : "All loans"}`;

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
        <table aria-busy={list.status === "loading"}>
          <caption>{caption}</caption>
          <thead>
            <tr>
              <th scope="col">Loan</th>
              <th scope="col">Status</th>
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
              <th scope="col">Customer</th>
              <th scope="col">Agent</th>
              <th scope="col">Requested</th>
              {overdue && (
                <th scope="col" class="number">
                  Days past due
                </th>
              )}
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
                <td>User {loan.customer_id}</td>
                <td>User {loan.agent_id}</td>
                <td>{when(loan.created_at)}</td>
                {overdue && <td class="number">{loan.days_past_due ?? 0}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {list.data && list.data.total > 0 && <Paging page={list.data} noun="loan" hrefOf={(p) => withQuery(paths.loans, { status, overdue: overdue ? "true" : undefined, page: p })} />}
    </Page>
  );
}
