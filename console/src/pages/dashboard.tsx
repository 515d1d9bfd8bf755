/** Dashboard (admin): the loan book at a glance (the portfolio endpoint), each count a link to that list. */
import { LOAN_STATUSES } from "../../../sdk/index.js";
import { ErrorSummary, Loading } from "../components/messages.js";
import { Page } from "../components/page.js";
import { dashboardFigures } from "../lib/dashboard.js";
import { money } from "../lib/format.js";
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
    </Page>
  );
}
