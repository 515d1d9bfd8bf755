/**
 * A person's page (/admin/users/<id>), reached from every name: a customer's contact, their
 * loans with status and outstanding, and the total outstanding; an agent's loans and lending
 * limit (used, available; Set limit for admins). The loans API has no filter by person, so the
 * page reads the book 100 loans at a time and keeps theirs.
 */
import { useState } from "preact/hooks";
import type { Loan, User } from "../../../sdk/index.js";
import { ErrorSummary, Loading, Notice } from "../components/messages.js";
import { Page } from "../components/page.js";
import { Person } from "../components/person.js";
import { SetLimitDialog } from "../components/set-limit-dialog.js";
import { useSort } from "../components/sortable.js";
import { TableBox } from "../components/table-box.js";
import { allRows } from "../lib/csv.js";
import { money, when } from "../lib/format.js";
import { outstandingOf, totalOutstanding } from "../lib/outstanding.js";
import { paths, withQuery } from "../lib/paths.js";
import { nameOf, unknownName } from "../lib/people.js";
import { useResource } from "../lib/resource.js";
import { useSession } from "../lib/session-context.js";
import { NotFound } from "./not-found.js";

const TITLES: Record<User["role"], string> = { customer: "Customer", agent: "Agent", admin: "Admin" };

export function PersonPage(props: { id?: string }) {
  const id = Number(props.id);
  if (!Number.isSafeInteger(id) || id < 1 || String(id) !== props.id) return <NotFound />;
  return <PersonView key={id} id={id} />;
}

function PersonView(props: { id: number }) {
  const { client, people, session } = useSession();
  const [user] = useResource(async () => {
    // Oneself is known already (an agent may not read their own record through the API).
    const found = props.id === session.user.id ? session.user : await client.getUser(props.id);
    people.remember([found]);
    return found;
  }, [props.id]);
  if (!user.data) {
    return (
      <Page title={unknownName(props.id)}>
        {user.status === "error" ? <ErrorSummary error={user.error} /> : <Loading what="the person" />}
        {user.status === "error" && <Loans person={props.id} role={undefined} />}
      </Page>
    );
  }
  const person = user.data;
  return (
    <Page title={`${TITLES[person.role]} ${nameOf(person)}`}>
      <dl class="figures" aria-label="Contact">
        <div>
          <dt>Email</dt>
          <dd>
            <a href={`mailto:${person.email}`}>{person.email}</a>
          </dd>
        </div>
        <div>
          <dt>Role</dt>
          <dd>{person.role}</dd>
        </div>
        <div>
          <dt>User id</dt>
          <dd>{person.id}</dd>
        </div>
        <div>
          <dt>Approved</dt>
          <dd>{person.is_approved ? "yes" : "waiting"}</dd>
        </div>
        <div>
          <dt>Signed up</dt>
          <dd>{when(person.created_at)}</dd>
        </div>
      </dl>
      {person.role === "agent" && person.is_approved && <LendingLimit agent={person} />}
      {person.role !== "admin" && <Loans person={person.id} role={person.role} />}
    </Page>
  );
}

/** The loans of a customer (as customer) or an agent (as agent); unknown role: either. */
function Loans(props: { person: number; role: User["role"] | undefined }) {
  const { client, session } = useSession();
  const { person, role } = props;
  const [loans] = useResource(async () => {
    const all = await allRows((page, pageSize) => client.listLoans({ page, pageSize }));
    return all.filter((l) => (role !== "agent" && l.customer_id === person) || (role !== "customer" && l.agent_id === person));
  }, [person, role]);
  const sorting = useSort(loans.data ?? [], {
    id: (l) => l.id,
    status: (l) => l.status,
    principal: (l) => Number(l.principal),
    outstanding: (l) => Number(outstandingOf(l) ?? 0),
    requested: (l) => l.created_at,
  });
  const { rows, header } = sorting;
  const other = role === "agent" ? "Customer" : "Agent";
  return (
    <section aria-labelledby="person-loans">
      <h2 id="person-loans">Loans</h2>
      {loans.status === "error" && <ErrorSummary error={loans.error} />}
      {!loans.data && loans.status === "loading" && <Loading what="the loans" />}
      {loans.data && (
        <p>
          <strong>Total outstanding: {money(totalOutstanding(loans.data))}</strong> <span class="muted">({loans.data.length === 1 ? "1 loan" : `${loans.data.length} loans`})</span>
        </p>
      )}
      {loans.data && rows.length === 0 && <p>No loan yet.</p>}
      {role === "customer" && session.user.role === "agent" && (
        <p>
          <a href={withQuery(paths.newLoan, { customer: person })}>Request a loan for this customer</a>
        </p>
      )}
      {rows.length > 0 && (
        <TableBox label="Their loans">
          <table>
            <caption class="visually-hidden">Their loans</caption>
            <thead>
              <tr>
                {header("id", "Loan")}
                {header("status", "Status")}
                {header("principal", "Principal", "number")}
                {header("outstanding", "Outstanding", "number")}
                <th scope="col">{other}</th>
                {header("requested", "Requested")}
              </tr>
            </thead>
            <tbody>
              {rows.map((loan: Loan) => (
                <tr key={loan.id}>
                  <th scope="row">
                    <a href={paths.loan(loan.id)}>Loan {loan.id}</a>
                  </th>
                  <td>
                    <span class={`status status-${loan.status.toLowerCase()}`}>{loan.status}</span>
                  </td>
                  <td class="number">{money(loan.principal)}</td>
                  <td class="number">{money(outstandingOf(loan))}</td>
                  <td>
                    <Person id={role === "agent" ? loan.customer_id : loan.agent_id} />
                  </td>
                  <td class="nowrap">{when(loan.created_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableBox>
      )}
    </section>
  );
}

/** An approved agent's lending limit, used and available; Set limit for admins. */
function LendingLimit(props: { agent: User }) {
  const { client, session } = useSession();
  const [limit, reload] = useResource(() => client.getAgentLimit(props.agent.id), [props.agent.id]);
  const [setting, setSetting] = useState(false);
  const [notice, setNotice] = useState<string>();
  return (
    <section aria-labelledby="lending-limit">
      <h2 id="lending-limit">Lending limit</h2>
      <Notice text={notice} />
      {limit.status === "error" && <ErrorSummary error={limit.error} />}
      {!limit.data && limit.status === "loading" && <Loading what="the lending limit" />}
      {limit.data && (
        <dl class="figures" aria-label="Lending limit">
          <div>
            <dt>Limit</dt>
            <dd>{money(limit.data.limit)}</dd>
          </div>
          <div>
            <dt>Used</dt>
            <dd>{money(limit.data.used)}</dd>
          </div>
          <div>
            <dt>Available</dt>
            <dd>{money(limit.data.available)}</dd>
          </div>
        </dl>
      )}
      {limit.data && session.user.role === "admin" && (
        <button type="button" class="button button-secondary" onClick={() => setSetting(true)}>
          Set limit
        </button>
      )}
      {setting && limit.data && (
        <SetLimitDialog
          agentName={nameOf(props.agent)}
          limit={limit.data}
          onCancel={() => setSetting(false)}
          onSaved={(saved) => {
            setSetting(false);
            setNotice(`The lending limit is ${money(saved.limit)}: ${money(saved.available)} available.`);
            reload();
          }}
        />
      )}
    </section>
  );
}
