/**
 * Approvals (admin): agents waiting; Approve lets one sign in, with the Lending limit typed
 * beside it (empty: the default), Reject (after a confirm) removes it. A 422 on the limit
 * shows by its field.
 */
import Decimal from "decimal.js";
import { useEffect, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { AGENT_DEFAULT_LIMIT } from "../../../sdk/contracts.js";
import type { User } from "../../../sdk/index.js";
import { ConfirmDialog } from "../components/confirm-dialog.js";
import { ErrorSummary, Loading, Notice } from "../components/messages.js";
import { Page } from "../components/page.js";
import { Paging } from "../components/paging.js";
import { fieldErrorsOf } from "../lib/errors.js";
import { fullName, money, when } from "../lib/format.js";
import { handler } from "../lib/handler.js";
import { pageOf, paths, withQuery } from "../lib/paths.js";
import { useResource } from "../lib/resource.js";
import { useSession } from "../lib/session-context.js";
import { TableBox } from "../components/table-box.js";

export function Approvals() {
  const { client } = useSession();
  const { query, route } = useLocation();
  const page = pageOf(query);
  const [list, reload] = useResource(() => client.listApprovals({ page }), [page]);
  const [notice, setNotice] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState<number | null>(null);
  const [rejecting, setRejecting] = useState<User | null>(null);
  /** The Lending limit typed for each agent, by id. */
  const [limits, setLimits] = useState<Record<number, string>>({});
  const [limitError, setLimitError] = useState<{ id: number; message: string } | null>(null);

  // The last agent of a later page was handled: that page is gone, show the one before.
  useEffect(() => {
    if (list.status === "ready" && list.data.rows.length === 0 && page > 1) route(withQuery(paths.approvals, { page: page - 1 }), true);
  }, [list, page]);

  async function act(user: User, work: () => Promise<unknown>, done: string) {
    setBusy(user.id);
    setError(undefined);
    setNotice(undefined);
    setLimitError(null);
    try {
      await work();
      setNotice(done);
    } catch (failure) {
      const limit = fieldErrorsOf(failure).lending_limit;
      if (limit) setLimitError({ id: user.id, message: limit });
      else setError(failure);
    } finally {
      setBusy(null);
      setRejecting(null);
      reload();
    }
  }

  function approve(user: User) {
    const typed = (limits[user.id] ?? "").trim();
    // As the server keeps it (two places) when it is a plain amount; else the server's 422 says why.
    const amount = /^\d+(\.\d{1,2})?$/.test(typed) ? new Decimal(typed).toFixed(2) : typed;
    const limit = typed ? money(amount) : `${money(AGENT_DEFAULT_LIMIT)} (the default)`;
    return act(user, () => client.approveAgent(user.id, typed ? { lending_limit: typed } : {}), `Approved ${fullName(user)} (${user.email}): they can sign in now, lending up to ${limit}.`);
  }

  const rows = list.data?.rows ?? [];
  return (
    <Page title="Approvals">
      <Notice text={notice} />
      <ErrorSummary error={error ?? (list.status === "error" ? list.error : undefined)} />
      {!list.data && list.status === "loading" && <Loading what="the agents waiting" />}
      {list.data && rows.length === 0 && <p>No agent is waiting for approval.</p>}
      {rows.length > 0 && (
        <TableBox label="Agents waiting for approval">
          {" "}
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
                    <a href={paths.person(user.id)}>{fullName(user)}</a>
                  </th>
                  <td>{user.email}</td>
                  <td>{when(user.created_at)}</td>
                  <td>
                    <div class="row-actions decision">
                      <LimitInput
                        id={`limit-${user.id}`}
                        agentId={`agent-${user.id}`}
                        value={limits[user.id] ?? ""}
                        error={limitError?.id === user.id ? limitError.message : undefined}
                        onInput={(value) => setLimits((all) => ({ ...all, [user.id]: value }))}
                      />
                      <button type="button" class="button" aria-describedby={`agent-${user.id}`} disabled={busy !== null} onClick={handler(() => approve(user))}>
                        Approve
                      </button>
                      <button type="button" class="button button-warning" aria-describedby={`agent-${user.id}`} disabled={busy !== null} onClick={() => setRejecting(user)}>
                        Reject
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableBox>
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

/** The Lending limit beside Approve: optional, the agent's name describes it for screen readers. */
function LimitInput(props: { id: string; agentId: string; value: string; error?: string; onInput: (value: string) => void }) {
  const hintId = `${props.id}-hint`;
  return (
    <div class={props.error ? "inline-field field-error" : "inline-field"}>
      <label for={props.id}>Lending limit</label>
      <span class="visually-hidden" id={hintId}>
        Optional; empty gives the default, {money(AGENT_DEFAULT_LIMIT)}.
      </span>
      {props.error && (
        <span class="field-error-message" id={`${props.id}-error`}>
          <span class="visually-hidden">Error: </span>
          {props.error}
        </span>
      )}
      <input
        id={props.id}
        inputMode="decimal"
        autocomplete="off"
        placeholder={money(AGENT_DEFAULT_LIMIT)}
        value={props.value}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={[props.agentId, hintId, props.error ? `${props.id}-error` : ""].filter(Boolean).join(" ")}
        onInput={(e) => props.onInput(e.currentTarget.value)}
      />
    </div>
  );
}
