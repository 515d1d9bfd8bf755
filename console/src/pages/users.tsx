/** Users (admin): everyone, by role, a page at a time. Phase 2 (sessions) adds "End sessions" per row. */
import { useLocation } from "preact-iso";
import { ROLES } from "../../../sdk/index.js";
import { ErrorSummary, Loading } from "../components/messages.js";
import { Page } from "../components/page.js";
import { Paging } from "../components/paging.js";
import { fullName, when } from "../lib/format.js";
import { oneOf, pageOf, paths, withQuery } from "../lib/paths.js";
import { useResource } from "../lib/resource.js";
import { useSession } from "../lib/session-context.js";

export function Users() {
  const { client } = useSession();
  const { query, route } = useLocation();
  const role = oneOf(ROLES, query.role);
  const page = pageOf(query);
  const [list] = useResource(() => client.listUsers({ role, page }), [role, page]);
  const rows = list.data?.rows ?? [];
  return (
    <Page title="Users">
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <div class="field">
          <label for="role">Role</label>
          <select id="role" value={role ?? ""} onChange={(e) => route(withQuery(paths.users, { role: e.currentTarget.value }))}>
            <option value="">All roles</option>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </div>
      </form>
      <ErrorSummary error={list.status === "error" ? list.error : undefined} />
      {!list.data && list.status === "loading" && <Loading what="the users" />}
      {list.data && rows.length === 0 && <p>No user{role ? ` is ${role === "admin" ? "an" : "a"} ${role}` : ""}.</p>}
      {rows.length > 0 && (
        <table aria-busy={list.status === "loading"}>
          <caption>{role ? `Users: ${role}s` : "All users"}</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Approved</th>
              <th scope="col">Signed up</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((user) => (
              <tr key={user.id}>
                <th scope="row">{fullName(user)}</th>
                <td>{user.email}</td>
                <td>{user.role}</td>
                <td>{user.is_approved ? "yes" : "waiting"}</td>
                <td>{when(user.created_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {list.data && list.data.total > 0 && <Paging page={list.data} noun="user" hrefOf={(p) => withQuery(paths.users, { role, page: p })} />}
    </Page>
  );
}
