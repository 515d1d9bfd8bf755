/**
 * Close of business (admin): run it for a business date (yesterday by default, never in the
 * future) and watch its progress — a progress bar over the ACTIVE loans, polled until the run
 * is DONE or FAILED — then the penalties it charged; below, the recent runs, newest first.
 * A run already going when the page opens is watched the same way.
 */
import { useEffect, useState } from "preact/hooks";
import type { CloseOfBusinessRun } from "../../../sdk/contracts.js";
import { DateField, dateProblem } from "../components/date-field.js";
import { ErrorSummary, Loading, Notice } from "../components/messages.js";
import { Page } from "../components/page.js";
import { TableBox } from "../components/table-box.js";
import { yesterdayUtc } from "../lib/dates.js";
import { fieldErrorsOf, isUnauthorized } from "../lib/errors.js";
import { plural, when } from "../lib/format.js";
import { handler } from "../lib/handler.js";
import { useResource } from "../lib/resource.js";
import { useSession } from "../lib/session-context.js";

const POLL_MS = 500;
const RECENT = 20;

function summary(run: CloseOfBusinessRun): string {
  const loans = `${run.loans_done} of ${plural(run.loans_total, "loan")}`;
  if (run.status === "RUNNING") return `Close of business for ${run.business_date} is running: ${loans} done, ${plural(run.penalties_charged, "penalty", "penalties")} charged so far.`;
  if (run.status === "FAILED") return `Close of business for ${run.business_date} failed after ${loans}: run it again to finish the work (nothing is charged twice).`;
  return `Close of business for ${run.business_date} is DONE: ${plural(run.loans_total, "loan")} looked at, ${plural(run.penalties_charged, "penalty", "penalties")} charged.`;
}

export function Progress(props: { run: CloseOfBusinessRun }) {
  const { run } = props;
  // A run over no loan at all is complete once DONE: 1 of 1, so that the bar is never 0 of 0.
  const max = Math.max(run.loans_total, 1);
  const now = run.loans_total === 0 ? (run.status === "RUNNING" ? 0 : 1) : run.loans_done;
  const percent = Math.round((now / max) * 100);
  return (
    <div
      class="progress"
      role="progressbar"
      aria-label={`Close of business for ${run.business_date}`}
      aria-valuemin={0}
      aria-valuemax={max}
      aria-valuenow={now}
      aria-valuetext={`${run.loans_done} of ${plural(run.loans_total, "loan")} (${percent} %)`}
    >
      <span class="progress-bar" style={{ width: `${percent}%` }} />
    </div>
  );
}

export function CloseOfBusiness() {
  const { client, expired } = useSession();
  const [date, setDate] = useState(yesterdayUtc);
  const [error, setError] = useState<string>();
  const [failure, setFailure] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [run, setRun] = useState<CloseOfBusinessRun>();
  const [runs, reloadRuns] = useResource(() => client.listCloseOfBusiness({ pageSize: RECENT }), []);

  // A run already going when the page opened: watch it.
  const latest = runs.data?.rows[0];
  useEffect(() => {
    if (!run && latest?.status === "RUNNING") setRun(latest);
  }, [latest]);

  // Poll the run until it is DONE or FAILED, then list it with the others.
  useEffect(() => {
    if (!run) return;
    if (run.status !== "RUNNING") {
      reloadRuns();
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      client.closeOfBusiness(run.id).then(
        (next) => live && setRun(next),
        (failed: unknown) => {
          if (!live) return;
          if (isUnauthorized(failed)) expired();
          setFailure(failed);
        },
      );
    }, POLL_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [run]);

  async function start(event: Event) {
    event.preventDefault();
    const problem = dateProblem(date);
    if (problem) {
      setError(problem);
      return;
    }
    setBusy(true);
    setError(undefined);
    setFailure(undefined);
    try {
      const started = await client.runCloseOfBusiness(date.trim() ? { business_date: date.trim() } : {});
      setRun(started);
      reloadRuns();
    } catch (failed) {
      const fields = fieldErrorsOf(failed);
      if (fields.business_date) setError(fields.business_date);
      else setFailure(failed);
    } finally {
      setBusy(false);
    }
  }

  const running = run?.status === "RUNNING";
  return (
    <Page title="Close of business">
      <p>Charges every penalty due by the business date and not yet charged, once per installment whatever runs repeat or overlap. It runs by itself every day for the day that ended.</p>
      <form class="form narrow" onSubmit={handler(start)} noValidate aria-labelledby="cob-run-title">
        <h2 id="cob-run-title">Run close of business</h2>
        <ErrorSummary error={failure} fields={error ? [{ id: "cob-date", message: error }] : []} message={error ? "Close of business was not started:" : undefined} />
        <DateField id="cob-date" name="business_date" label="Business date" hint="Yesterday by default, never in the future" error={error} value={date} onInput={setDate} />
        <button type="submit" class="button" disabled={busy || running}>
          Run close of business
        </button>
      </form>
      <Notice text={run && summary(run)} />
      {run && <Progress run={run} />}
      <h2 id="cob-runs-title">Recent runs</h2>
      <RecentRuns runs={runs.data?.rows} loading={runs.status === "loading"} error={runs.status === "error" ? runs.error : undefined} />
    </Page>
  );
}

function RecentRuns(props: { runs?: CloseOfBusinessRun[]; loading: boolean; error?: unknown }) {
  if (!props.runs) return props.error !== undefined ? <ErrorSummary error={props.error} /> : <Loading what="the runs" />;
  if (props.runs.length === 0) return <p>No run yet.</p>;
  return (
    <TableBox label="Recent runs of close of business">
      {" "}
      <table aria-busy={props.loading}>
        <caption class="visually-hidden">Recent runs of close of business, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Run</th>
            <th scope="col">Business date</th>
            <th scope="col">Status</th>
            <th scope="col" class="number">
              Loans
            </th>
            <th scope="col" class="number">
              Penalties
            </th>
            <th scope="col">Started</th>
            <th scope="col">Finished</th>
          </tr>
        </thead>
        <tbody>
          {props.runs.map((r) => (
            <tr key={r.id}>
              <th scope="row">{r.id}</th>
              <td class="nowrap">{r.business_date}</td>
              <td>
                <span class={`status cob-${r.status.toLowerCase()}`}>{r.status}</span>
              </td>
              <td class="number">
                {r.loans_done} / {r.loans_total}
              </td>
              <td class="number">{r.penalties_charged}</td>
              <td class="nowrap">{when(r.started_at)}</td>
              <td class="nowrap">{when(r.finished_at)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableBox>
  );
}
