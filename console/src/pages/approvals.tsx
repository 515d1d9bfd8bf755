/** Approvals (admin): agents waiting; Approve lets one sign in, Reject (after a confirm) removes it. */
import { useEffect, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import type { User } from "../../../sdk/index.js";
import { ConfirmDialog } from "../components/confirm-dialog.js";
import { ErrorSummary, Loading, Notice } from "../components/messages.js";
import { Page } from "../components/page.js";
import { Paging } from "../components/paging.js";
import { fullName, when } from "../lib/format.js";
import { handler } from "../lib/handler.js";
import { pageOf, paths, withQuery } from "../lib/paths.js";
import { useResource } from "../lib/resource.js";
import { useSession } from "../lib/session-context.js";

export function Approvals() {
  const { client } = useSession();
  const { query, route } = useLocation();
  const page = pageOf(query);
  const [list, reload] = useResource(() => client.listApprovals({ page }), [page]);
  const [notice, setNotice] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState<number | null>(null);
  const [rejecting, setRejecting] = useState<User | null>(null);

  // The last agent of a later page was handled: that page is gone, show the one before.
  useEffect(() => {
    if (list.status === "ready" && list.data.rows.length === 0 && page > 1) route(withQuery(paths.approvals, { page: page - 1 }), true);
  }, [list, page]);

  async function act(user: User, work: () => Promise<unknown>, done: string) {
    setBusy(user.id);
    setError(undefined);
    setNotice(undefined);
    try {
      await work();
      setNotice(done);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(null);
      setRejecting(null);
      reload();
    }
  }

  const rows = list.data?.rows ?? [];
  return (
    <Page title="Approvals">
      <Notice text={notice} />
      <ErrorSummary error={error ?? (list.status === "error" ? list.error : undefined)} />
      {!list.data && list.status === "loading" && <Loading what="the agents waiting" />}
      {list.data && rows.length === 0 && <p>No agent is waiting for approval.</p>}
      {rows.length > 0 && (
        <table>
          <caption>Agents waiting for approval</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Signed up</th>
              <th scope="col">Decision</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((user) => (
              <tr key={user.id}>
                <th scope="row" id={`agent-${user.id}`}>
                  {fullName(user)}
                </th>
                <td>{user.email}</td>
                <td>{when(user.created_at)}</td>
                <td class="row-actions">
                  <button
                    type="button"
                    class="button"
                    aria-describedby={`agent-${user.id}`}
                    disabled={busy !== null}
                    onClick={handler(() => act(user, () => client.approveAgent(user.id), `Approved ${fullName(user)} (${user.email}): they can sign in now.`))}
                  >
                    Approve
                  </button>
                  <button type="button" class="button button-warning" aria-describedby={`agent-${user.id}`} disabled={busy !== null} onClick={() => setRejecting(user)}>
                    Reject
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {list.data && list.data.total > 0 && <Paging page={list.data} noun="agent" hrefOf={(p) => withQuery(paths.approvals, { page: p })} />}
      {rejecting && (
        <ConfirmDialog
          title={`Reject ${fullName(rejecting)}?`}
          confirmLabel="Reject"
          busy={busy !== null}
          onCancel={() => setRejecting(null)}
          onConfirm={handler(() => act(rejecting, () => client.deleteAgent(rejecting.id), `Rejected ${fullName(rejecting)} (${rejecting.email}): the account is removed.`))}
        >
          <p>The account of {rejecting.email} is removed: they cannot sign in, and would have to sign up again.</p>
        </ConfirmDialog>
      )}
    </Page>
  );
}
