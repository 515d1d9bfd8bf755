/**
 * A loan's page: heading "Loan <id>", its figures, the actions its state and the person's
 * role allow (actions.tsx), then its sections (sections.tsx). A result shows at once; a
 * failure shows by the actions, and a 409 (decided meanwhile) reloads the loan as it is now.
 */
import { useEffect, useState } from "preact/hooks";
import { ErrorSummary, Loading, Notice } from "../../components/messages.js";
import { Page } from "../../components/page.js";
import { isConflict } from "../../lib/errors.js";
import { takeFlash } from "../../lib/flash.js";
import { useResource } from "../../lib/resource.js";
import { useSession } from "../../lib/session-context.js";
import { NotFound } from "../not-found.js";
import { LOAN_ACTIONS } from "./actions.js";
import { LoanFigures } from "./figures.js";
import { LOAN_SECTIONS } from "./sections.js";

export function LoanPage(props: { id?: string }) {
  const id = Number(props.id);
  if (!Number.isSafeInteger(id) || id < 1 || String(id) !== props.id) return <NotFound />;
  return <LoanView key={id} id={id} />;
}

function LoanView(props: { id: number }) {
  const { client, session } = useSession();
  const [loan, reloadLoan] = useResource(() => client.getLoan(props.id), [props.id]);
  const [revision, setRevision] = useState(0);
  const [notice, setNotice] = useState<string | undefined>(takeFlash);
  const [failure, setFailure] = useState<unknown>(undefined);

  const refresh = () => {
    reloadLoan();
    setRevision((r) => r + 1);
  };
  const onChanged = (message: string) => {
    setFailure(undefined);
    setNotice(message);
    refresh();
  };
  const onFailed = (error: unknown) => {
    setNotice(undefined);
    setFailure(error);
    // Decided or changed meanwhile: show the loan as it is now (the failure stays shown).
    if (isConflict(error)) refresh();
  };
  useEffect(() => setFailure(undefined), [props.id]);

  const current = loan.data;
  const actions = current ? LOAN_ACTIONS.filter((a) => a.availableTo(current, session.user)) : [];
  return (
    <Page title={`Loan ${props.id}`}>
      <Notice text={notice} />
      {loan.status === "error" && !current && <ErrorSummary error={loan.error} />}
      {!current && loan.status === "loading" && <Loading what="the loan" />}
      {current && (
        <>
          <LoanFigures loan={current} />
          <section class="loan-actions" aria-labelledby="actions-title">
            <h2 id="actions-title" class="visually-hidden">
              Actions
            </h2>
            <ErrorSummary error={failure} />
            {actions.length === 0 && <p class="muted">Nothing to do on a {current.status} loan here.</p>}
            {actions.map(({ id, Panel }) => (
              <Panel key={`${id}-${current.version}-${current.status}`} loan={current} onChanged={onChanged} onFailed={onFailed} />
            ))}
          </section>
          {LOAN_SECTIONS.filter((section) => section.availableTo(session.user)).map(({ id, title, Body }) => (
            <section key={id} aria-labelledby={`section-${id}`}>
              <h2 id={`section-${id}`}>{title}</h2>
              <Body loan={current} revision={revision} onChanged={onChanged} refresh={refresh} />
            </section>
          ))}
        </>
      )}
    </Page>
  );
}
