/**
 * The console: finds out whether the browser holds a session (the cookie), shows the
 * sign-in page if not, else the pages of the person's role under /admin. A session that
 * ends on the server (expired) brings the sign-in back, on the same page.
 */
import type { FunctionComponent } from "preact";
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { LocationProvider, Route, Router, useLocation } from "preact-iso";
import type { ConsoleSession } from "../../sdk/contracts.js";
import type { Role } from "../../sdk/index.js";
import { Layout } from "./components/layout.js";
import { ErrorSummary, Loading } from "./components/messages.js";
import { focusHeading } from "./components/page.js";
import { ConsoleApi } from "./lib/api.js";
import { handler } from "./lib/handler.js";
import { paths, BASE } from "./lib/paths.js";
import { People } from "./lib/people.js";
import { SessionContext, type SessionValue } from "./lib/session-context.js";
import { currentSession, signOut } from "./lib/session.js";
import { forgetSignedIn } from "./lib/session-hint.js";
import { rateTableOf } from "./lib/terms.js";
import { Approvals } from "./pages/approvals.js";
import { AuditLog } from "./pages/audit-log.js";
import { CloseOfBusiness } from "./pages/close-of-business.js";
import { Customers } from "./pages/customers.js";
import { Dashboard } from "./pages/dashboard.js";
import { Ledger } from "./pages/ledger/ledger.js";
import { LoanPage } from "./pages/loan/loan-page.js";
import { Loans } from "./pages/loans.js";
import { NewLoan } from "./pages/new-loan.js";
import { NotAllowed, NotFound } from "./pages/not-found.js";
import { PersonPage } from "./pages/person.js";
import { Products } from "./pages/products/products.js";
import { SearchPage } from "./pages/search.js";
import { SignIn } from "./pages/sign-in.js";
import { Users } from "./pages/users.js";

type State =
  | { kind: "checking" }
  | { kind: "signed-out"; reason?: string }
  /** `loaded`: the page was opened with the session (not signed in just now). */
  | { kind: "signed-in"; session: ConsoleSession; loaded: boolean }
  | { kind: "unreachable"; error: unknown };

export function App() {
  const [state, setState] = useState<State>({ kind: "checking" });
  useEffect(() => {
    currentSession().then(
      (session) => setState(session ? { kind: "signed-in", session, loaded: true } : { kind: "signed-out" }),
      (error: unknown) => setState({ kind: "unreachable", error }),
    );
  }, []);

  return (
    <LocationProvider scope={BASE}>
      {state.kind === "signed-in" ? (
        <SignedIn
          session={state.session}
          loaded={state.loaded}
          onSignedOut={(reason) => {
            forgetSignedIn();
            setState({ kind: "signed-out", reason });
          }}
        />
      ) : (
        <Layout>
          {state.kind === "checking" && <Loading what="the console" />}
          {state.kind === "unreachable" && <ErrorSummary error={state.error} />}
          {state.kind === "signed-out" && <SignIn reason={state.reason} onSignedIn={(session) => setState({ kind: "signed-in", session, loaded: false })} />}
        </Layout>
      )}
    </LocationProvider>
  );
}

function SignedIn(props: { session: ConsoleSession; loaded: boolean; onSignedOut(reason: string): void }) {
  const { route } = useLocation();
  // Focus goes to each new page's heading, except on the page the browser just loaded,
  // where it starts at the top as usual (skip link, navigation).
  const firstRoute = useRef(props.loaded);
  const routeChanged = () => {
    if (firstRoute.current) firstRoute.current = false;
    else focusHeading();
  };
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>(undefined);
  const api = useMemo(() => new ConsoleApi(props.session), [props.session]);
  const value = useMemo<SessionValue>(
    () => ({
      session: props.session,
      client: api.client,
      rateTable: rateTableOf(props.session.rate_table),
      people: People.of(api.client, props.session.user),
      expired: () => props.onSignedOut("Your session has ended: sign in again."),
    }),
    [props.session, api],
  );

  async function leave() {
    setBusy(true);
    try {
      await signOut(api.csrfToken);
      route(paths.dashboard, true);
      props.onSignedOut("You are signed out.");
    } catch (error) {
      setFailure(error);
      setBusy(false);
    }
  }

  const role = props.session.user.role;
  // Made once per role: a new component on every render would reset each page's state.
  const pages = useMemo(
    () => ({
      home: role === "admin" ? Dashboard : AgentHome,
      approvals: only(role, "admin", Approvals),
      newLoan: only(role, "agent", NewLoan),
      users: only(role, "admin", Users),
      audit: only(role, "admin", AuditLog),
      closeOfBusiness: only(role, "admin", CloseOfBusiness),
      ledger: only(role, "admin", Ledger),
    }),
    [role],
  );
  return (
    <SessionContext.Provider value={value}>
      <Layout user={props.session.user} busy={busy} onSignOut={handler(leave)}>
        <ErrorSummary error={failure} />
        <Router onRouteChange={routeChanged}>
          <Route path={paths.dashboard} component={pages.home} />
          <Route path={paths.approvals} component={pages.approvals} />
          <Route path={paths.loans} component={Loans} />
          <Route path={`${paths.loans}/:id`} component={LoanPage} />
          <Route path={paths.newLoan} component={pages.newLoan} />
          <Route path={paths.users} component={pages.users} />
          <Route path={`${paths.users}/:id`} component={PersonPage} />
          <Route path={paths.search} component={SearchPage} />
          <Route path={paths.audit} component={pages.audit} />
          <Route path={paths.customers} component={Customers} />
          <Route path={paths.products} component={Products} />
          <Route path={paths.closeOfBusiness} component={pages.closeOfBusiness} />
          <Route path={paths.ledger} component={pages.ledger} />
          <Route default component={NotFound} />
        </Router>
      </Layout>
    </SessionContext.Provider>
  );
}

/** A page of one role; anyone else sees why they cannot open it. */
function only<P>(role: Role, allowed: Role, page: FunctionComponent<P>): FunctionComponent<P> {
  return role === allowed ? page : () => <NotAllowed role={allowed} />;
}

/** Agents have no Dashboard: their start is the loan list. */
function AgentHome() {
  const { route } = useLocation();
  useEffect(() => route(paths.loans, true), []);
  return <Loading what="the loans" />;
}
