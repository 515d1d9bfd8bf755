/** Customers (agent): the people loans are requested for, each with a link to request one. */
import { useLocation } from "preact-iso";
import { ErrorSummary, Loading } from "../components/messages.js";
import { Page } from "../components/page.js";
import { Paging } from "../components/paging.js";
import { fullName, when } from "../lib/format.js";
import { pageOf, paths, withQuery } from "../lib/paths.js";
import { useResource } from "../lib/resource.js";
import { useSession } from "../lib/session-context.js";

export function Customers() {
  const { client, session } = useSession();
  const { query } = useLocation();
  const page = pageOf(query);
  const [list] = useResource(() => client.listCustomers({ page }), [page]);
  const rows = list.data?.rows ?? [];
  const agent = session.user.role === "agent";
  return (
    <Page title="Customers">
      <ErrorSummary error={list.status === "error" ? list.error : undefined} />
      {!list.data && list.status === "loading" && <Loading what="the customers" />}
      {list.data && rows.length === 0 && <p>No customer has signed up yet.</p>}
      {rows.length > 0 && (
        <table>
          <caption>Customers</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Customer id</th>
              <th scope="col">Since</th>
              {agent && <th scope="col">Loan</th>}
            </tr>
          </thead>
          <tbody>
            {rows.map((user) => (
              <tr key={user.id}>
                <th scope="row">{fullName(user)}</th>
                <td>{user.email}</td>
                <td>{user.id}</td>
                <td>{when(user.created_at)}</td>
                {agent && (
                  <td>
                    <a href={withQuery(paths.newLoan, { customer: user.id })}>Request a loan for {fullName(user)}</a>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {list.data && list.data.total > 0 && <Paging page={list.data} noun="customer" hrefOf={(p) => withQuery(paths.customers, { page: p })} />}
    </Page>
  );
}
