/** Dashboard (admin): the loan book at a glance (the portfolio endpoint), each count a link to that list. */
import { LOAN_STATUSES } from "../../../sdk/index.js";
import { ErrorSummary, Loading } from "../components/messages.js";
import { Page } from "../components/page.js";
import { dashboardFigures } from "../lib/dashboard.js";
import { money, plural } from "../lib/format.js";
import { AuditTable } from "../components/audit-table.js";
import { auditNewestFirst } from "../lib/audit-window.js";
import { Subject } from "./audit-log.js";
import { paths, withQuery } from "../lib/paths.js";
import { useResource } from "../lib/resource.js";
import { useSession } from "../lib/session-context.js";

export function Dashboard() {
  const { client } = useSession();
  const [figures] = useResource(() => dashboardFigures(client), []);
  const data = figures.data;
  return (
    <Page title="Dashboard">
      {figures.status === "error" && <ErrorSummary error={figures.error} />}
      {!data && figures.status === "loading" && <Loading what="the figures" />}
      {data && (
        <section aria-labelledby="waiting">
          <h2 id="waiting">Waiting for you</h2>
          <dl class="cards">
            <div class="card">
              <dt>Agents waiting for approval</dt>
              <dd>
                <a href={paths.approvals} aria-label={`${plural(data.waiting.agents, "agent")} waiting for approval`}>
                  {data.waiting.agents}
                </a>
              </dd>
            </div>
            <div class="card">
              <dt>Loans waiting for a decision</dt>
              <dd>
                <a href={withQuery(paths.loans, { status: "NEW" })} aria-label={`${plural(data.waiting.loans, "loan")} waiting for a decision`}>
                  {data.waiting.loans}
                </a>
              </dd>
            </div>
            <div class="card">
              <dt>Overdue loans</dt>
              <dd>
                <a href={withQuery(paths.loans, { overdue: "true" })} aria-label={`${plural(data.waiting.overdueLoans, "overdue loan")}`}>
                  {data.waiting.overdueLoans}
                </a>
              </dd>
            </div>
          </dl>
        </section>
      )}
      {data && (
        <section aria-labelledby="by-status">
          <h2 id="by-status">Loans by status</h2>
          <dl class="cards">
            {LOAN_STATUSES.map((status) => (
              <div class="card" key={status}>
                <dt>{status}</dt>
                <dd>
                  <a href={withQuery(paths.loans, { status })} aria-label={`${data.byStatus[status]} ${status} loans`}>
                    {data.byStatus[status]}
                  </a>
                </dd>
              </div>
            ))}
            <div class="card">
              <dt>All loans</dt>
              <dd>
                <a href={paths.loans} aria-label={`${data.total} loans in all`}>
                  {data.total}
                </a>
              </dd>
            </div>
          </dl>
        </section>
      )}
      {data && (
        <section aria-labelledby="portfolio">
          <h2 id="portfolio">Portfolio</h2>
          <p class="muted">Active loans, as of {data.asOf}.</p>
          <dl class="cards cards-wide">
            <div class="card">
              <dt>Outstanding principal</dt>
              <dd>{money(data.money.activeOutstandingPrincipal)}</dd>
            </div>
            <div class="card">
              <dt>Overdue amount</dt>
              <dd>
                <a href={withQuery(paths.loans, { overdue: "true" })} aria-label={`Overdue amount ${money(data.money.overdueAmount)}: the overdue loans`}>
                  {money(data.money.overdueAmount)}
                </a>
              </dd>
            </div>
            <div class="card">
              <dt>PAR30</dt>
              <dd>{data.money.par30} %</dd>
            </div>
          </dl>
        </section>
      )}
      <RecentActivity />
    </Page>
  );
}

/** The latest 10 audit events, newest first, with a link to the whole log. */
function RecentActivity() {
  const { client } = useSession();
  const [events] = useResource(() => auditNewestFirst(client, {}, 1, 10), []);
  return (
    <section aria-labelledby="recent">
      <h2 id="recent">Recent activity</h2>
      {events.status === "error" && <ErrorSummary error={events.error} />}
      {!events.data && events.status === "loading" && <Loading what="the recent activity" />}
      {events.data && events.data.rows.length === 0 && <p>Nothing recorded yet.</p>}
      {events.data && events.data.rows.length > 0 && <AuditTable rows={events.data.rows} caption="The latest 10 events, newest first" captionHidden subjectOf={(e) => <Subject event={e} />} />}
      <p>
        <a href={paths.audit}>The whole audit log</a>
      </p>
    </section>
  );
}
