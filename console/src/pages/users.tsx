/**
 * Users (admin): everyone, by role, a page at a time; End sessions (after a confirm) signs a
 * user out everywhere: every access and refresh token of theirs stops working at once.
 * Approved agents show their lending limit (used, available) and Set limit.
 */
import { useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { ROLES, type User } from "../../../sdk/index.js";
import type { AgentLimit } from "../../../sdk/contracts.js";
import { ConfirmDialog } from "../components/confirm-dialog.js";
import { ErrorSummary, Loading, Notice } from "../components/messages.js";
import { Page } from "../components/page.js";
import { Paging } from "../components/paging.js";
import { SetLimitDialog } from "../components/set-limit-dialog.js";
import { fullName, money, when } from "../lib/format.js";
import { handler } from "../lib/handler.js";
import { oneOf, pageOf, paths, withQuery } from "../lib/paths.js";
import { useResource } from "../lib/resource.js";
import { DownloadCsv } from "../components/download-csv.js";
import { useSort } from "../components/sortable.js";
import { TableBox } from "../components/table-box.js";
import type { CsvColumn } from "../lib/csv.js";
import { useSession } from "../lib/session-context.js";

/** The columns of the users' (and customers') CSV. */
export const USER_CSV: CsvColumn<User>[] = [
  { header: "id", value: (u) => u.id },
  { header: "first_name", value: (u) => u.first_name },
  { header: "last_name", value: (u) => u.last_name },
  { header: "email", value: (u) => u.email },
  { header: "role", value: (u) => u.role },
  { header: "is_approved", value: (u) => u.is_approved },
  { header: "created_at", value: (u) => u.created_at },
];

export function Users() {
  const { client, session, people } = useSession();
  const { query, route } = useLocation();
  const [ending, setEnding] = useState<User | null>(null);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string>();
  const [error, setError] = useState<unknown>();

  async function endSessions(user: User) {
    setBusy(true);
    setNotice(undefined);
    setError(undefined);
    try {
      await client.endSessionsOf(user.id);
      setNotice(`Ended every session of ${user.email}: they must sign in again.`);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
      setEnding(null);
    }
  }

  const role = oneOf(ROLES, query.role);
  const page = pageOf(query);
  const [list] = useResource(async () => {
    const users = await client.listUsers({ role, page });
    people.remember(users.rows);
    return users;
  }, [role, page]);
  const { rows, header } = useSort(list.data?.rows ?? [], {
    name: (u) => fullName(u),
    email: (u) => u.email,
    id: (u) => u.id,
    role: (u) => u.role,
    approved: (u) => (u.is_approved ? 1 : 0),
    since: (u) => u.created_at,
  });
  // The lending limits of the page's approved agents (the loans service's copy), by agent id.
  const agentIds = rows.filter((u) => u.role === "agent" && u.is_approved).map((u) => u.id);
  const [limits, reloadLimits] = useResource(async () => new Map((await Promise.all(agentIds.map((id) => client.getAgentLimit(id)))).map((limit) => [limit.agent_id, limit])), [agentIds.join(",")]);
  const [setting, setSetting] = useState<{ user: User; limit: AgentLimit } | null>(null);
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
      <Notice text={notice} />
      <ErrorSummary error={error ?? (list.status === "error" ? list.error : undefined)} />
      {!list.data && list.status === "loading" && <Loading what="the users" />}
      {list.data && rows.length === 0 && <p>No user{role ? ` is ${role === "admin" ? "an" : "a"} ${role}` : ""}.</p>}
      {rows.length > 0 && <DownloadCsv name={["users", role]} columns={USER_CSV} pageOf={(p, pageSize) => client.listUsers({ role, page: p, pageSize })} />}
      {rows.length > 0 && (
        <TableBox label={role ? `Users: ${role}s` : "All users"}>
          <table aria-busy={list.status === "loading"}>
            <caption>{role ? `Users: ${role}s` : "All users"}</caption>
            <thead>
              <tr>
                {header("name", "Name")}
                {header("email", "Email")}
                {header("id", "Id", "number")}
                {header("role", "Role")}
                {header("approved", "Approved")}
                {header("since", "Signed up")}
                <th scope="col">Lending limit</th>
                <th scope="col">Sessions</th>
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
                  <td>{user.role}</td>
                  <td>{user.is_approved ? "yes" : "waiting"}</td>
                  <td class="nowrap">{when(user.created_at)}</td>
                  <td>
                    <LimitCell user={user} limit={limits.data?.get(user.id)} loading={limits.status === "loading"} busy={busy} onSet={(limit) => setSetting({ user, limit })} />
                  </td>
                  <td>
                    {user.id === session.user.id ? (
                      <span class="muted">You (use Sign out)</span>
                    ) : (
                      <button type="button" class="button button-secondary" disabled={busy} aria-label={`End sessions of ${user.email}`} onClick={() => setEnding(user)}>
                        End sessions
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableBox>
      )}
      {ending && (
        <ConfirmDialog title={`End every session of ${ending.email}?`} confirmLabel="End sessions" busy={busy} onCancel={() => setEnding(null)} onConfirm={handler(() => endSessions(ending))}>
          <p>They are signed out everywhere at once (console, loanctl, apps) and must sign in again.</p>
        </ConfirmDialog>
      )}
      {setting && (
        <SetLimitDialog
          agentName={fullName(setting.user)}
          limit={setting.limit}
          onCancel={() => setSetting(null)}
          onSaved={(limit) => {
            setNotice(`The lending limit of ${setting.user.email} is ${money(limit.limit)}: ${money(limit.available)} available.`);
            setError(undefined);
            setSetting(null);
            reloadLimits();
          }}
        />
      )}
      {list.data && list.data.total > 0 && <Paging page={list.data} noun="user" hrefOf={(p) => withQuery(paths.users, { role, page: p })} />}
    </Page>
  );
}

/** An approved agent's limit, used and available, with Set limit; nothing for anyone else. */
function LimitCell(props: { user: User; limit: AgentLimit | undefined; loading: boolean; busy: boolean; onSet: (limit: AgentLimit) => void }) {
  const { user, limit } = props;
  if (user.role !== "agent") return <span class="muted">—</span>;
  if (!user.is_approved) return <span class="muted">after approval</span>;
  if (!limit) return <span class="muted">{props.loading ? "Loading…" : "not known"}</span>;
  return (
    <div class="limit-cell">
      <span>
        {money(limit.limit)}
        <br />
        <span class="muted">
          used {money(limit.used)}, available {money(limit.available)}
        </span>
      </span>
      <button type="button" class="button button-secondary" disabled={props.busy} aria-label={`Set limit of ${user.email}`} onClick={() => props.onSet(limit)}>
        Set limit
      </button>
    </div>
  );
}
