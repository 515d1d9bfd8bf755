/** Customers (agent): the people loans are requested for, each with a link to request one. */
import { useLocation } from "preact-iso";
import { ErrorSummary, Loading } from "../components/messages.js";
import { Page } from "../components/page.js";
import { Paging } from "../components/paging.js";
import { fullName, when } from "../lib/format.js";
import { pageOf, paths, withQuery } from "../lib/paths.js";
import { useResource } from "../lib/resource.js";
import { useSession } from "../lib/session-context.js";
import { DownloadCsv } from "../components/download-csv.js";
import { useSort } from "../components/sortable.js";
import { TableBox } from "../components/table-box.js";
import { USER_CSV } from "./users.js";

export function Customers() {
  const { client, session, people } = useSession();
  const { query } = useLocation();
  const page = pageOf(query);
  const [list] = useResource(async () => {
    const customers = await client.listCustomers({ page });
    people.remember(customers.rows);
    return customers;
  }, [page]);
  const { rows, header } = useSort(list.data?.rows ?? [], { name: (u) => fullName(u), email: (u) => u.email, id: (u) => u.id, since: (u) => u.created_at });
  const agent = session.user.role === "agent";
  return (
    <Page title="Customers">
      <ErrorSummary error={list.status === "error" ? list.error : undefined} />
      {!list.data && list.status === "loading" && <Loading what="the customers" />}
      {list.data && rows.length === 0 && <p>No customer has signed up yet.</p>}
      {rows.length > 0 && <DownloadCsv name={["customers"]} columns={USER_CSV} pageOf={(p, pageSize) => client.listCustomers({ page: p, pageSize })} />}
      {rows.length > 0 && (
        <TableBox label="Customers">
          <table>
            <caption>Customers</caption>
            <thead>
              <tr>
                {header("name", "Name")}
                {header("email", "Email")}
                {header("id", "Customer id", "number")}
                {header("since", "Since")}
                {agent && <th scope="col">Loan</th>}
              </tr>
            </thead>
            <tbody>
              {rows.map((user) => (
                <tr key={user.id}>
                  <th scope="row">
                    <a href={paths.person(user.id)}>{fullName(user) || user.email}</a>
                  </th>
                  <td>{user.email}</td>
                  <td class="number">{user.id}</td>
                  <td class="nowrap">{when(user.created_at)}</td>
                  {agent && (
                    <td>
                      <a href={withQuery(paths.newLoan, { customer: user.id })}>Request a loan for {fullName(user)}</a>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </TableBox>
      )}
      {list.data && list.data.total > 0 && <Paging page={list.data} noun="customer" hrefOf={(p) => withQuery(paths.customers, { page: p })} />}
    </Page>
  );
}
