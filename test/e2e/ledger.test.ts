/**
 * The ledger through the gateway on real PostgreSQL (SPEC "The ledger"): each posting rule,
 * a reversal's contra entries and the re-allocated repayment's, a write-off, the trial
 * balance, the reconciliation, an event posted once however often it comes, and the
 * database itself refusing an unbalanced entry and any edit.
 *
 * The figures are worked by hand (as in transactions.test.ts): 12,000.00 at 12.00 % over
 * 12 months with a flat 100.00 disbursement fee, EMI 1066.19; installment 1 is 120.00
 * interest and 946.19 principal, installment 2 110.54 interest (11053.81 × 1 %) and 955.65
 * principal.
 */
import { Client } from "pg";
import type { LedgerEntry, Page, Reconciliation, TrialBalance, LedgerAccounts } from "../../sdk/contracts.js";
import { eventually } from "../support/eventually.js";
import { useStack } from "../support/fixture.js";
import { testClock } from "../support/clock.js";
import type { HttpAnswer, HttpOptions, Json } from "../support/http.js";
import { FEE_PRODUCT } from "../support/products.js";

const { api, people, stack } = useStack({ people: true, clock: testClock });

const call = (method: string, path: string, options: HttpOptions = {}): Promise<HttpAnswer<Json>> => api.call(method, path, options);
const admin = () => people.admin.token;

function expectStatus(res: HttpAnswer<Json>, status: number): void {
  expect({ status: res.status, body: res.body }).toEqual({ status, body: res.body });
}

beforeAll(async () => {
  expectStatus(await call("POST", "/api/v1/loan/products", { token: admin(), body: FEE_PRODUCT }), 201);
});

async function activeLoan(disbursedOn = "2026-01-31"): Promise<number> {
  const req = await call("POST", "/api/v1/loan/customer-loan", {
    token: people.agent.token,
    body: { customer_id: people.customer.id, principal: "12000.00", tenure_months: 12, product_code: FEE_PRODUCT.code },
  });
  expectStatus(req, 201);
  const id = req.body.id as number;
  expectStatus(await call("PUT", `/api/v1/loan/approve-reject-loan/${id}`, { token: admin(), body: { status: "APPROVED" } }), 200);
  expectStatus(await call("PUT", `/api/v1/loan/disburse-loan/${id}`, { token: admin(), body: { disbursed_on: disbursedOn } }), 200);
  return id;
}

const repay = async (id: number, amount: string, paid_on: string): Promise<number> => {
  const res = await call("POST", `/api/v1/loan/repayment/${id}`, { token: people.agent.token, body: { amount, paid_on } });
  expectStatus(res, 201);
  return res.body.id as number;
};

async function get<T>(path: string): Promise<T> {
  const res = await call("GET", path, { token: admin() });
  expectStatus(res, 200);
  return res.body as T;
}

/** A loan's entries once `count` of them are posted: [kind, value date, transaction, lines as "account D|C amount"]. */
async function entriesOf(loanId: number, count: number) {
  const page = await eventually(
    async () => {
      const p = await get<Page<LedgerEntry>>(`/api/v1/ledger/entries?loan_id=${loanId}&pageSize=100`);
      if (p.total < count) throw new Error(`${p.total} of ${count} entries posted`);
      return p;
    },
    { what: `loan ${loanId}'s ${count} ledger entries`, timeoutMs: 15_000 },
  );
  return page.rows.map((e) => [e.kind, e.value_date, e.transaction_id, e.lines.map((l) => `${l.account} ${l.debit === "0.00" ? `C ${l.credit}` : `D ${l.debit}`}`)]);
}

const reconciled = () =>
  eventually(
    async () => {
      const r = await get<Reconciliation>("/api/v1/ledger/reconciliation");
      if (r.pending_events > 0 || r.mismatches.length > 0) throw new Error(JSON.stringify(r));
      return r;
    },
    { what: "the ledger caught up and reconciled", timeoutMs: 15_000 },
  );

test("a disbursement debits loans receivable and credits cash; a repayment credits principal, interest and fee", async () => {
  const id = await activeLoan();
  const paid = await repay(id, "1166.19", "2026-02-27");
  expect(await entriesOf(id, 2)).toEqual([
    ["DISBURSEMENT", "2026-01-31", null, ["1100 D 12000.00", "1000 C 12000.00"]],
    ["REPAYMENT", "2026-02-27", paid, ["1000 D 1166.19", "1100 C 946.19", "4000 C 120.00", "4100 C 100.00"]],
  ]);
});

test("a reversal posts the repayment's entry swapped, and the re-allocated repayment's old entry swapped and its new one", async () => {
  const id = await activeLoan();
  const first = await repay(id, "500.00", "2026-02-10"); // fee 100.00, interest 120.00, principal 280.00
  const second = await repay(id, "1000.00", "2026-02-20"); // principal 666.19 + 223.27, interest 110.54
  expectStatus(await call("POST", `/api/v1/loan/repayments/${first}/reverse`, { token: admin(), body: { reason: "cheque bounced" } }), 200);
  expect(await entriesOf(id, 6)).toEqual([
    ["DISBURSEMENT", "2026-01-31", null, ["1100 D 12000.00", "1000 C 12000.00"]],
    ["REPAYMENT", "2026-02-10", first, ["1000 D 500.00", "1100 C 280.00", "4000 C 120.00", "4100 C 100.00"]],
    ["REVERSAL", "2026-02-10", first, ["1000 C 500.00", "1100 D 280.00", "4000 D 120.00", "4100 D 100.00"]],
    ["REPAYMENT", "2026-02-20", second, ["1000 D 1000.00", "1100 C 889.46", "4000 C 110.54"]],
    ["REVERSAL", "2026-02-20", second, ["1000 C 1000.00", "1100 D 889.46", "4000 D 110.54"]],
    // as if the first had never been made: installment 1's fee, interest, and 780.00 of its principal
    ["REALLOCATION", "2026-02-20", second, ["1000 D 1000.00", "1100 C 780.00", "4000 C 120.00", "4100 C 100.00"]],
  ]);
  const loan = await get<Json>(`/api/v1/loan/loan-details/${id}`);
  expect(loan.outstanding_principal).toBe("11220.00");
});

test("a write-off moves the outstanding principal to loan losses, and nothing of the unpaid interest or fee", async () => {
  const id = await activeLoan();
  await repay(id, "1166.19", "2026-02-27");
  const res = await call("POST", `/api/v1/loan/write-off/${id}`, { token: admin(), body: { reason: "customer absconded", written_off_on: "2026-05-01" } });
  expectStatus(res, 200);
  const entries = await entriesOf(id, 3);
  expect(entries[2]).toEqual(["WRITE_OFF", "2026-05-01", expect.any(Number), ["5000 D 11053.81", "1100 C 11053.81"]]);
});

test("the trial balance balances; accounts as of a date before the first disbursement are all zero", async () => {
  await reconciled();
  const tb = await get<TrialBalance>("/api/v1/ledger/trial-balance");
  expect(tb.balanced).toBe(true);
  expect(tb.total_debit).toBe(tb.total_credit);
  // Three loans of 12,000.00 went out; 1166.19 + 1000.00 + 1166.19 came back (the reversed 500.00 did not).
  const byCode = Object.fromEntries(tb.rows.map((r) => [r.code, [r.debit, r.credit]]));
  expect(byCode["1000"]).toEqual(["0.00", "32667.62"]);
  expect(byCode["4000"]).toEqual(["0.00", "360.00"]);
  expect(byCode["4100"]).toEqual(["0.00", "300.00"]);
  expect(byCode["5000"]).toEqual(["11053.81", "0.00"]);
  // 1100: 36000.00 − 946.19 − 780.00 − 946.19 − 11053.81
  expect(byCode["1100"]).toEqual(["22273.81", "0.00"]);
  const before = await get<LedgerAccounts>("/api/v1/ledger/accounts?as_of=2026-01-30");
  expect(before.rows.map((r) => [r.code, r.balance])).toEqual([
    ["1000", "0.00"],
    ["1100", "0.00"],
    ["4000", "0.00"],
    ["4100", "0.00"],
    ["4200", "0.00"],
    ["5000", "0.00"],
  ]);
  const now = await get<LedgerAccounts>("/api/v1/ledger/accounts");
  expect(now.rows.find((r) => r.code === "1000")).toMatchObject({ type: "ASSET", debit: "4832.38", credit: "37500.00", balance: "-32667.62" });
  expect(now.rows.find((r) => r.code === "4000")).toMatchObject({ type: "INCOME", balance: "360.00" });
});

test("the reconciliation compares every disbursed loan's 1100 balance with its outstanding principal", async () => {
  const r = await reconciled();
  expect(r).toMatchObject({ loans_checked: 3, mismatches: [], pending_events: 0 });
});

test("an event delivered again is posted once", async () => {
  const id = await activeLoan("2026-03-01");
  const before = await entriesOf(id, 1);
  const db = new Client({ connectionString: stack.databases.ledger });
  await db.connect();
  try {
    const { rows } = await db.query<{ event_id: string }>("SELECT event_id FROM ledger_entries WHERE loan_id = $1", [id]);
    const loan = await get<Json>(`/api/v1/loan/loan-details/${id}`);
    const again = { id: Number(rows[0]!.event_id), event: "loan.disbursed", version: 1, payload: { actor_id: 1, before: loan, loan }, occurred_at: new Date().toISOString() };
    expect(await stack.broker.call("ledger.post", { source: "loans", events: [again] })).toEqual({ posted: 0 });
    expect(await entriesOf(id, 1)).toEqual(before);
  } finally {
    await db.end();
  }
  await reconciled();
});

test("PostgreSQL itself refuses an unbalanced entry, and any change or removal of the books", async () => {
  const db = new Client({ connectionString: stack.databases.ledger });
  await db.connect();
  try {
    await db.query("BEGIN");
    await db.query("INSERT INTO ledger_events (source, event_id, event, occurred_at) VALUES ('test', 1, 'loan.repaid', now())");
    const { rows } = await db.query<{ id: string }>("INSERT INTO ledger_entries (source, event_id, seq, kind, loan_id, value_date) VALUES ('test', 1, 0, 'REPAYMENT', 1, '2026-01-01') RETURNING id");
    const entry = rows[0]!.id;
    await expect(
      db.query(
        "INSERT INTO ledger_lines (entry_id, line, account, loan_id, value_date, debit, credit) VALUES ($1, 0, '1000', 1, '2026-01-01', 100.00, 0), ($1, 1, '1100', 1, '2026-01-01', 0, 99.99)",
        [entry],
      ),
    ).rejects.toMatchObject({ code: "23514", constraint: "ledger_entry_balanced" });
    await db.query("ROLLBACK");
    await expect(db.query("UPDATE ledger_lines SET debit = debit + 1 WHERE account = '1000'")).rejects.toThrow(/append-only/);
    await expect(db.query("DELETE FROM ledger_entries")).rejects.toThrow(/append-only/);
    await expect(db.query("TRUNCATE ledger_events CASCADE")).rejects.toThrow(/append-only/);
  } finally {
    await db.end();
  }
  expect((await get<TrialBalance>("/api/v1/ledger/trial-balance")).balanced).toBe(true);
});

test("the ledger's endpoints are the admins'", async () => {
  for (const path of ["/api/v1/ledger/accounts", "/api/v1/ledger/trial-balance", "/api/v1/ledger/entries", "/api/v1/ledger/reconciliation"]) {
    expect((await call("GET", path, { token: people.agent.token })).status).toBe(403);
  }
  expect((await call("GET", "/api/v1/ledger/entries?from=2026-02-01&to=2026-01-01", { token: admin() })).status).toBe(422);
});
