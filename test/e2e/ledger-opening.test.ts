/**
 * A loan book older than the ledger (SPEC "The ledger", the last point): the ledger's
 * first start posts the history of every loan already disbursed, so its books start complete.
 *
 * The book is made with the ledger running, its balances read; then the ledger's database is
 * replaced by an empty one and the loans database is put back as it was before the ledger
 * existed (the history migration not applied, no ledger consumer). On the next start the
 * opened books must hold the same balances on every date — from one history event per loan
 * instead of the live events with their reversals — and reconcile with the loans service.
 */
import { Client } from "pg";
import type { LedgerAccounts, LedgerEntry, Page, Reconciliation } from "../../sdk/contracts.js";
import { createActors, type Actors } from "../support/actors.js";
import { testClock } from "../support/clock.js";
import { eventually } from "../support/eventually.js";
import { Api, type HttpAnswer, type Json } from "../support/http.js";
import { FEE_PRODUCT } from "../support/products.js";
import { startStack, type Stack } from "../support/stack.js";

let stack: Stack;
let api: Api;
let people: Actors;

jest.setTimeout(90_000);

beforeAll(async () => {
  stack = await startStack({ clock: testClock });
  api = new Api(stack.url);
  people = await createActors(stack);
});

afterAll(() => stack?.stop());

const admin = () => people.admin.token;

/** A call that must succeed: its body, or a failure that shows the answer. */
async function ok(method: string, path: string, body?: unknown, token = admin()): Promise<Json> {
  const res: HttpAnswer<Json> = await api.call(method, path, { token, body });
  if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

async function activeLoan(disbursedOn: string): Promise<number> {
  const loan = await ok("POST", "/api/v1/loan/customer-loan", { customer_id: people.customer.id, principal: "12000.00", tenure_months: 12, product_code: FEE_PRODUCT.code }, people.agent.token);
  const id = loan.id as number;
  await ok("PUT", `/api/v1/loan/approve-reject-loan/${id}`, { status: "APPROVED" });
  await ok("PUT", `/api/v1/loan/disburse-loan/${id}`, { disbursed_on: disbursedOn });
  return id;
}

const repay = async (id: number, amount: string, paid_on: string) => (await ok("POST", `/api/v1/loan/repayment/${id}`, { amount, paid_on }, people.agent.token)).id as number;

const reconciled = () =>
  eventually(
    async () => {
      const r = (await ok("GET", "/api/v1/ledger/reconciliation")) as Reconciliation;
      if (r.pending_events > 0 || r.mismatches.length > 0) throw new Error(JSON.stringify(r));
      return r;
    },
    { what: "the ledger caught up and reconciled", timeoutMs: 20_000 },
  );

/** Each account's balance as of each date the book moved on, and after. */
async function balancesOn(dates: readonly string[]): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const date of dates) {
    const accounts = (await ok("GET", `/api/v1/ledger/accounts?as_of=${date}`)) as LedgerAccounts;
    out[date] = accounts.rows.map((r) => `${r.code} ${r.balance}`);
  }
  return out;
}

async function withDb<T>(url: string, work: (db: Client) => Promise<T>): Promise<T> {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    return await work(db);
  } finally {
    await db.end();
  }
}

/** The ledger database dropped and created again, empty; the loans database as before the ledger. */
async function forgetTheLedger(): Promise<void> {
  const ledgerUrl = new URL(stack.databases.ledger);
  const name = ledgerUrl.pathname.slice(1);
  const server = new URL(ledgerUrl);
  server.pathname = "/postgres";
  await withDb(server.toString(), async (db) => {
    await db.query(`DROP DATABASE "${name}" WITH (FORCE)`);
    await db.query(`CREATE DATABASE "${name}"`);
  });
  await withDb(stack.databases.loans, async (db) => {
    await db.query("DELETE FROM outbox_pending WHERE consumer = 'ledger'");
    await db.query("DELETE FROM outbox_consumers WHERE consumer = 'ledger'");
    await db.query("DELETE FROM schema_migrations WHERE name = '0011-ledger-history'");
  });
}

test("on its first start over an existing loan book the ledger posts every disbursed loan's history: the same balances on every date, reconciled", async () => {
  await ok("POST", "/api/v1/loan/products", FEE_PRODUCT);
  const a = await activeLoan("2026-01-31");
  const first = await repay(a, "500.00", "2026-02-10");
  await repay(a, "1000.00", "2026-02-20");
  await ok("POST", `/api/v1/loan/repayments/${first}/reverse`, { reason: "cheque bounced" }); // re-allocates the second
  const b = await activeLoan("2026-02-15");
  await repay(b, "1166.19", "2026-03-10");
  await ok("POST", `/api/v1/loan/write-off/${b}`, { reason: "customer absconded", written_off_on: "2026-05-01" });
  await ok("POST", "/api/v1/loan/customer-loan", { customer_id: people.customer.id, principal: "5000.00", tenure_months: 6, product_code: FEE_PRODUCT.code }, people.agent.token); // never disbursed

  await reconciled();
  const dates = ["2026-01-30", "2026-01-31", "2026-02-10", "2026-02-15", "2026-02-20", "2026-03-10", "2026-05-01", "2026-12-31"];
  const live = await balancesOn(dates);
  // The figures themselves are test/e2e/ledger.test.ts's; here one sanity line: cash out 24,000.00, in 2166.19.
  expect(live["2026-12-31"]).toContain("1000 -21833.81");

  await stack.stopBroker();
  await forgetTheLedger();
  stack = await startStack({ clock: testClock, databases: stack.databases });
  api = new Api(stack.url);

  const r = await reconciled();
  expect(r).toMatchObject({ loans_checked: 2, mismatches: [], pending_events: 0 });
  expect(await balancesOn(dates)).toEqual(live);
  // One history event per disbursed loan, its live transactions in date order: no reversed repayment, no contra entries.
  const entries = (await ok("GET", `/api/v1/ledger/entries?loan_id=${a}`)) as Page<LedgerEntry>;
  expect(entries.rows.map((e) => [e.kind, e.value_date])).toEqual([
    ["DISBURSEMENT", "2026-01-31"],
    ["REPAYMENT", "2026-02-20"],
  ]);
  expect(new Set(entries.rows.map((e) => e.source_event)).size).toBe(1);
  const written = (await ok("GET", `/api/v1/ledger/entries?loan_id=${b}`)) as Page<LedgerEntry>;
  expect(written.rows.map((e) => e.kind)).toEqual(["DISBURSEMENT", "REPAYMENT", "WRITE_OFF"]);

  // The books go on from there with live events, each once.
  await repay(a, "1000.00", "2026-03-20");
  await reconciled();
  const after = (await ok("GET", `/api/v1/ledger/entries?loan_id=${a}`)) as Page<LedgerEntry>;
  expect(after.rows.map((e) => e.kind)).toEqual(["DISBURSEMENT", "REPAYMENT", "REPAYMENT"]);
});
