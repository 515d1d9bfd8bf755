/**
 * Ledger (admin): the books as of a day — **As of** (today by default) and Show — with the
 * trial balance (whether it balances, in words) and every account's postings; below,
 * Reconciliation on demand. The trial balance and the accounts are asked for the same day
 * together, so the two tables always show one moment of the books.
 */
import { useState } from "preact/hooks";
import type { CalendarDate } from "../../../../sdk/index.js";
import { DateField, dateProblem } from "../../components/date-field.js";
import { ErrorSummary, Loading } from "../../components/messages.js";
import { Page } from "../../components/page.js";
import { todayUtc } from "../../lib/dates.js";
import { fieldErrorsOf } from "../../lib/errors.js";
import { useResource } from "../../lib/resource.js";
import { useSession } from "../../lib/session-context.js";
import { ReconciliationPart } from "./reconciliation.js";
import { AccountsTable, TrialBalanceTable } from "./trial-balance.js";

export function Ledger() {
  const { client } = useSession();
  const [typed, setTyped] = useState(todayUtc);
  const [asOf, setAsOf] = useState<CalendarDate>(todayUtc);
  const [error, setError] = useState<string>();
  const [books] = useResource(() => Promise.all([client.trialBalance({ as_of: asOf }), client.ledgerAccounts({ as_of: asOf })]), [asOf]);

  function show(event: Event) {
    event.preventDefault();
    const text = typed.trim();
    const problem = dateProblem(text);
    setError(problem);
    // Empty means today, the service's default too.
    if (!problem) setAsOf(text || todayUtc());
  }

  // A date the service refuses (422) shows by the field; anything else above the tables.
  const fieldError = books.status === "error" ? fieldErrorsOf(books.error).as_of : undefined;
  const shownError = error ?? fieldError;
  const failure = books.status === "error" && !fieldError ? books.error : undefined;
  const [trial, accounts] = books.data ?? [];
  const loading = books.status === "loading";
  return (
    <Page title="Ledger">
      <p>The double-entry books of the loan book, on a cash basis: every disbursement, repayment, reversal and write-off, posted a moment after it happens.</p>
      <form class="form narrow" onSubmit={show} noValidate aria-labelledby="ledger-as-of-title">
        <h2 id="ledger-as-of-title" class="visually-hidden">
          Choose the day
        </h2>
        <ErrorSummary fields={shownError ? [{ id: "ledger-as-of", message: shownError }] : []} message={shownError ? "The books were not shown for that day:" : undefined} />
        <DateField id="ledger-as-of" name="as_of" label="As of" hint="Entries with a value date up to this day; today by default" error={shownError} value={typed} onInput={setTyped} />
        <button type="submit" class="button">
          Show
        </button>
      </form>
      <section aria-labelledby="ledger-trial-title">
        <h2 id="ledger-trial-title">Trial balance</h2>
        <ErrorSummary error={failure} />
        {trial && accounts ? <TrialBalanceTable trial={trial} accounts={accounts.rows} loading={loading} /> : !failure && <Loading what="the trial balance" />}
      </section>
      <section aria-labelledby="ledger-accounts-title">
        <h2 id="ledger-accounts-title">Accounts</h2>
        {accounts ? <AccountsTable asOf={accounts.as_of} accounts={accounts.rows} loading={loading} /> : !failure && <Loading what="the accounts" />}
      </section>
      <ReconciliationPart />
    </Page>
  );
}
