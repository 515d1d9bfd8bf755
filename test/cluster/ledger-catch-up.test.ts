/**
 * The ledger catches up (SPEC "The ledger"; docs/ledger.md "Delivery", "Once"): with its
 * process down, the loans service keeps the money events in its outbox; once the ledger is
 * started it posts every one of them, and its books are the loan book's. Killed with kill -9
 * while it is posting a burst, then restarted, it posts the rest and nothing twice.
 *
 * Each service is an OS process of its own over NATS (test/support/cluster.ts); the test
 * reads the loans and ledger databases directly to see what waits and what was posted.
 */
import { Client } from "pg";
import type { Reconciliation, TrialBalance } from "../../sdk/contracts.js";
import { approvedAgent, signedUp, type Actor } from "../support/actors.js";
import { Api } from "../support/http.js";
import { eventually } from "../support/eventually.js";
import { FEE_PRODUCT } from "../support/products.js";
import { acquireClusterLock, Cluster, describeClusters, sleep, transportsFor, waitHealthy, type NodeProcess } from "../support/cluster.js";
import { ledgerBalancesByLoan, loanFacts, postedOnce, sumBalances, trialBalances, type LoanFacts } from "../support/ledger-books.js";

describeClusters(
  transportsFor("nats"),
  (kind) => `the ledger catching up after being down and after kill -9, over ${kind}`,
  (transporter) => {
    let release: (() => void) | undefined;
    let cluster: Cluster | undefined;
    let api: Api;
    let ledger: NodeProcess | undefined;
    let admin: Actor;
    let agent: Actor;
    let customer: Actor;
    let loansDb: Client;
    let ledgerDb: Client;
    const loanIds: number[] = [];

    beforeAll(async () => {
      release = await acquireClusterLock();
      cluster = await Cluster.create({ transporter });
      const c = cluster;
      // No ledger process: the loans service declares the ledger a consumer of its outbox all the same.
      const started = await Promise.all([c.start("users"), c.start("loans"), c.start("api")]);
      api = new Api(started[2].url!);
      await waitHealthy(api);
      admin = { id: 0, email: c.admin.email, token: await api.login(c.admin.email, c.admin.password) };
      [agent, customer] = await Promise.all([approvedAgent(api, admin.token), signedUp(api, "customer")]);
      loansDb = new Client({ connectionString: c.databases.loans });
      ledgerDb = new Client({ connectionString: c.databases.ledger });
      await Promise.all([loansDb.connect(), ledgerDb.connect()]);
      expect((await api.call("POST", "/api/v1/loan/products", { token: admin.token, body: FEE_PRODUCT })).status).toBe(201);
    }, 300_000);

    afterAll(async () => {
      try {
        await Promise.all([loansDb?.end(), ledgerDb?.end()]);
        await cluster?.destroy();
      } finally {
        release?.();
      }
    }, 60_000);

    /** The events the loans outbox still holds for the ledger. */
    async function pendingForLedger(): Promise<number> {
      const { rows } = await loansDb.query<{ n: string }>("SELECT count(*) AS n FROM outbox_pending WHERE consumer = 'ledger'");
      return Number(rows[0]!.n);
    }

    async function disbursedLoan(principal: string): Promise<number> {
      const created = await api.call("POST", "/api/v1/loan/customer-loan", {
        token: agent.token,
        body: { customer_id: customer.id, principal, tenure_months: 12, product_code: FEE_PRODUCT.code },
      });
      expect(created.status).toBe(201);
      const id = created.body.id as number;
      expect((await api.call("PUT", `/api/v1/loan/approve-reject-loan/${id}`, { token: admin.token, body: { status: "APPROVED" } })).status).toBe(200);
      expect((await api.call("PUT", `/api/v1/loan/disburse-loan/${id}`, { token: admin.token, body: { disbursed_on: "2026-01-31" } })).status).toBe(200);
      loanIds.push(id);
      return id;
    }

    async function repay(id: number, amount: string, paid_on: string): Promise<number> {
      const res = await api.call("POST", `/api/v1/loan/repayment/${id}`, { token: agent.token, body: { amount, paid_on } });
      expect({ status: res.status, body: res.body }).toEqual({ status: 201, body: expect.anything() });
      return res.body.id as number;
    }

    /** The reconciliation through the gateway once the ledger has caught up: nothing pending, no mismatch. */
    async function caughtUp(timeoutMs: number): Promise<Reconciliation> {
      return eventually(
        async () => {
          const res = await api.call<Reconciliation>("GET", "/api/v1/ledger/reconciliation", { token: admin.token });
          if (res.status !== 200) throw new Error(`reconciliation: ${res.status} ${JSON.stringify(res.body)}`);
          if (res.body.pending_events > 0 || res.body.mismatches.length > 0) throw new Error(JSON.stringify(res.body));
          return res.body;
        },
        { what: "the ledger to catch up and reconcile", timeoutMs, intervalMs: 250 },
      );
    }

    /** Every loan's books are what its transactions say; the trial balance balances and totals them; nothing was posted twice. */
    async function expectBooksOfTheLoanBook(): Promise<LoanFacts[]> {
      const facts = await Promise.all(loanIds.map((id) => loanFacts(api, admin.token, id)));
      const held = await ledgerBalancesByLoan(ledgerDb, loanIds);
      for (const f of facts) expect({ loan: f.loanId, books: held.get(f.loanId) }).toEqual({ loan: f.loanId, books: f.expected });
      const tb = await api.call<TrialBalance>("GET", "/api/v1/ledger/trial-balance", { token: admin.token });
      expect(tb.status).toBe(200);
      expect(tb.body.balanced).toBe(true);
      expect(tb.body.total_debit).toBe(tb.body.total_credit);
      expect(trialBalances(tb.body)).toEqual(sumBalances(facts.map((f) => f.expected)));
      expect(await postedOnce(ledgerDb, facts)).toEqual([]);
      return facts;
    }

    test("started after the business was done, the ledger posts all of it: reconciled, balanced, each loan's 1100 its outstanding principal", async () => {
      const [a, b, c, d] = [await disbursedLoan("12000.00"), await disbursedLoan("6000.00"), await disbursedLoan("24000.00"), await disbursedLoan("3000.00")];
      await repay(a, "1166.19", "2026-02-27");
      const reversed = await repay(a, "500.00", "2026-03-10");
      await repay(a, "1500.00", "2026-03-28"); // re-allocated when the one before it is reversed
      await repay(b, "2000.00", "2026-02-20"); // over an installment
      await repay(c, "100.00", "2026-02-05"); // the fee alone
      await repay(d, "400.00", "2026-02-25");
      const reversal = await api.call("POST", `/api/v1/loan/repayments/${reversed}/reverse`, { token: admin.token, body: { reason: "cheque bounced" } });
      expect(reversal.status).toBe(200);
      const writeOff = await api.call("POST", `/api/v1/loan/write-off/${d}`, { token: admin.token, body: { reason: "absconded", written_off_on: "2026-05-01" } });
      expect(writeOff.status).toBe(200);

      // Nothing has been posted anywhere: every money event waits in the loans outbox.
      expect(await pendingForLedger()).toBeGreaterThanOrEqual(4 + 6 + 1 + 1);
      // The ledger has never run: its database has not even its tables yet.
      expect((await ledgerDb.query<{ absent: boolean }>("SELECT to_regclass('ledger_events') IS NULL AS absent")).rows[0]!.absent).toBe(true);

      ledger = await cluster!.start("ledger");
      const r = await caughtUp(30_000);
      expect(r).toMatchObject({ loans_checked: loanIds.length, mismatches: [], pending_events: 0 });
      expect(await pendingForLedger()).toBe(0);
      const facts = await expectBooksOfTheLoanBook();
      expect(facts.find((f) => f.loanId === a)!.reversedRepayments).toEqual([reversed]);
    }, 120_000);

    test("killed with kill -9 while posting a burst of repayments and restarted, it posts the rest and nothing twice", async () => {
      const loans = [await disbursedLoan("30000.00"), await disbursedLoan("30000.00"), await disbursedLoan("30000.00")];
      await caughtUp(30_000);
      const postedBefore = Number((await ledgerDb.query<{ n: string }>("SELECT count(*) AS n FROM ledger_events")).rows[0]!.n);

      // A burst: 3 loans × 12 repayments, three writers at a time, each dated a day later.
      const burst = Promise.all(
        loans.map(async (id) => {
          for (let i = 0; i < 12; i += 1) await repay(id, `${300 + i * 7}.${String(i * 3).padStart(2, "0")}`, `2026-02-${String(1 + i).padStart(2, "0")}`);
        }),
      );
      // Killed while events wait and some of the burst is already posted: in the middle of posting.
      const killedAt = await eventually(
        async () => {
          const pending = await pendingForLedger();
          const posted = Number((await ledgerDb.query<{ n: string }>("SELECT count(*) AS n FROM ledger_events")).rows[0]!.n);
          if (pending === 0 || posted === postedBefore) throw new Error(`pending ${pending}, posted ${posted - postedBefore} of the burst`);
          ledger!.child.kill("SIGKILL");
          return { pending, posted: posted - postedBefore };
        },
        { what: "the ledger to be posting the burst", timeoutMs: 30_000, intervalMs: 10 },
      );
      expect(await ledger!.exited).toMatchObject({ signal: "SIGKILL" });
      await burst; // the loans service takes repayments whether or not the ledger is up
      // The rest of the burst waits for it.
      expect(await pendingForLedger()).toBeGreaterThan(0);
      await sleep(500);

      ledger = await cluster!.start("ledger");
      await caughtUp(30_000);
      const posted = Number((await ledgerDb.query<{ n: string }>("SELECT count(*) AS n FROM ledger_events")).rows[0]!.n) - postedBefore;
      expect({ killedAt, posted }).toEqual({ killedAt, posted: 36 });
      await expectBooksOfTheLoanBook();
      // Each of the burst's repayments has exactly one entry, a REPAYMENT (none was re-allocated: each is dated after the others).
      const { rows } = await ledgerDb.query<{ kind: string; n: number }>("SELECT kind, count(*)::int AS n FROM ledger_entries WHERE loan_id = ANY($1::int[]) GROUP BY 1 ORDER BY 1", [loans]);
      expect(rows).toEqual([
        { kind: "DISBURSEMENT", n: 3 },
        { kind: "REPAYMENT", n: 36 },
      ]);
    }, 150_000);
  },
);
