/**
 * The ledger's books are the loan book's, whatever business is done (SPEC "The ledger"): a
 * property over random sequences of disbursements, repayments (partial, over an
 * installment, back-dated so that others are re-allocated), reversals of random live
 * repayments, waivers of random charges (re-allocating the repayments that paid them) and write-offs, on a few fresh loans per run of one running stack. Once the
 * ledger has caught up (nothing pending), for each loan:
 *   1000 = its live repayments − its disbursement, 1100 = its outstanding principal as the
 *   loans API reports it, 4000 / 4100 / 4200 = the interest / fee / penalty parts of its live
 *   repayments, 5000 = the principal written off;
 * nothing is posted twice, and the trial balance balances and totals every loan of the file.
 * The expected figures come from the loans API's transactions, in integer cents
 * (test/support/ledger-books.ts), never from the ledger.
 */
import fc from "fast-check";
import { Client } from "pg";
import type { Reconciliation, TrialBalance } from "../../sdk/contracts.js";
import { fromCents, toCents } from "../../domain/cents.js";
import { eventually } from "../support/eventually.js";
import { useStack } from "../support/fixture.js";
import { testClock } from "../support/clock.js";
import type { HttpAnswer, Json } from "../support/http.js";
import { FEE_PRODUCT } from "../support/products.js";
import { ledgerBalancesByLoan, loanFacts, postedOnce, sumBalances, trialBalances, type LoanFacts } from "../support/ledger-books.js";

const { api, people, stack, beforeStop } = useStack({ people: true, clock: testClock });
const admin = () => people.admin.token;

let ledgerDb: Client;
/** Every loan the file disbursed: the trial balance totals them all. */
const allLoans: number[] = [];

beforeAll(async () => {
  const res = await api.call("POST", "/api/v1/loan/products", { token: admin(), body: FEE_PRODUCT });
  expect(res.status).toBe(201);
  ledgerDb = new Client({ connectionString: stack.databases.ledger });
  await ledgerDb.connect();
  beforeStop(() => ledgerDb.end());
});

type Op =
  | { kind: "repay"; loan: number; cents: number; day: number }
  | { kind: "reverse"; loan: number; pick: number }
  | { kind: "waive"; loan: number; pick: number }
  | { kind: "writeOff"; loan: number }
  | { kind: "cob"; day: number };

interface Plan {
  loans: { cents: number; months: number; fee: boolean }[];
  ops: Op[];
}

const LOANS = 3;
/** Runs of the property: few by default (one shared stack, a whole test in seconds); LEDGER_PROPERTY_RUNS=200 to hunt. */
const RUNS = Number(process.env.LEDGER_PROPERTY_RUNS ?? 15);
const plan: fc.Arbitrary<Plan> = fc.record({
  loans: fc.array(fc.record({ cents: fc.integer({ min: 1000_00, max: 20000_00 }), months: fc.integer({ min: 2, max: 12 }), fee: fc.boolean() }), { minLength: 1, maxLength: LOANS }),
  ops: fc.array(
    fc.oneof(
      // Partial payments and payments of several installments; any date after the disbursement, so some are back-dated.
      { weight: 6, arbitrary: fc.record({ kind: fc.constant("repay" as const), loan: fc.nat(LOANS - 1), cents: fc.integer({ min: 1, max: 4000_00 }), day: fc.integer({ min: 1, max: 130 }) }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant("reverse" as const), loan: fc.nat(LOANS - 1), pick: fc.nat(20) }) },
      // A fee or penalty waived: repayments that paid it move to principal and interest (their old entries swapped out).
      { weight: 1, arbitrary: fc.record({ kind: fc.constant("waive" as const), loan: fc.nat(LOANS - 1), pick: fc.nat(20) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant("writeOff" as const), loan: fc.nat(LOANS - 1) }) },
      // Close of business charges the penalties due by its date: later repayments pay them first, and they are penalty income.
      { weight: 1, arbitrary: fc.record({ kind: fc.constant("cob" as const), day: fc.integer({ min: 30, max: 130 }) }) },
    ),
    { minLength: 1, maxLength: 8 },
  ),
});

/** 2026-01-31 plus `day` days (the test clock's today is 2026-06-15). */
function dateAfterDisbursement(day: number): string {
  return new Date(Date.UTC(2026, 0, 31 + day)).toISOString().slice(0, 10);
}

function expectOneOf(res: HttpAnswer<Json>, statuses: number[], what: string): void {
  if (!statuses.includes(res.status)) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)} (expected one of ${statuses.join(", ")})`);
}

async function disburse(cents: number, months: number, fee: boolean): Promise<number> {
  const body = { customer_id: people.customer.id, principal: fromCents(BigInt(cents)), tenure_months: months, ...(fee ? { product_code: FEE_PRODUCT.code } : {}) };
  const created = await api.call("POST", "/api/v1/loan/customer-loan", { token: people.agent.token, body });
  expectOneOf(created, [201], "loan request");
  const id = created.body.id as number;
  expectOneOf(await api.call("PUT", `/api/v1/loan/approve-reject-loan/${id}`, { token: admin(), body: { status: "APPROVED" } }), [200], "approval");
  expectOneOf(await api.call("PUT", `/api/v1/loan/disburse-loan/${id}`, { token: admin(), body: { disbursed_on: "2026-01-31" } }), [200], "disbursement");
  return id;
}

/** A close-of-business run for `business_date`, to its end (it runs over every loan of the stack). */
async function closeOfBusiness(business_date: string): Promise<void> {
  const res = await api.call("POST", "/api/v1/loan/close-of-business", { token: admin(), body: { business_date } });
  expectOneOf(res, [202], "close of business");
  await eventually(
    async () => {
      const run = await api.call("GET", `/api/v1/loan/close-of-business/${res.body.id as number}`, { token: admin() });
      if (run.body.status !== "DONE") throw new Error(`run ${res.body.id as number}: ${JSON.stringify(run.body)}`);
    },
    { what: `close of business for ${business_date}`, timeoutMs: 30_000, intervalMs: 100 },
  );
  done.closesOfBusiness += 1;
}

/** What the runs did, so the test shows it covered each kind of business (a refusal counts nowhere). */
const done = { repaid: 0, reversed: 0, waived: 0, writtenOff: 0, closesOfBusiness: 0, penaltyIncome: 0n };

/** Does the business; a refusal the loan book is right to give (a loan no longer active, more than is owed) leaves nothing to post. */
async function run(p: Plan): Promise<number[]> {
  const ids: number[] = [];
  for (const l of p.loans) ids.push(await disburse(l.cents, l.months, l.fee));
  allLoans.push(...ids);
  for (const op of p.ops) {
    if (op.kind === "cob") {
      await closeOfBusiness(dateAfterDisbursement(op.day));
      continue;
    }
    const id = ids[op.loan % ids.length]!;
    if (op.kind === "repay") {
      const res = await api.call("POST", `/api/v1/loan/repayment/${id}`, { token: people.agent.token, body: { amount: fromCents(BigInt(op.cents)), paid_on: dateAfterDisbursement(op.day) } });
      expectOneOf(res, [201, 409, 422], "repayment");
      if (res.status === 201) done.repaid += 1;
    } else if (op.kind === "reverse") {
      const { rows } = (await api.call("GET", `/api/v1/loan/transactions/${id}`, { token: admin() })).body as { rows: { id: number; type: string; reversed: boolean }[] };
      const live = rows.filter((t) => t.type === "REPAYMENT" && !t.reversed);
      if (live.length === 0) continue;
      const res = await api.call("POST", `/api/v1/loan/repayments/${live[op.pick % live.length]!.id}/reverse`, { token: admin(), body: { reason: "property test" } });
      expectOneOf(res, [200, 409], "reversal");
      if (res.status === 200) done.reversed += 1;
    } else if (op.kind === "waive") {
      const { rows } = (await api.call("GET", `/api/v1/loan/transactions/${id}`, { token: admin() })).body as { rows: { id: number; type: string }[] };
      const charges = rows.filter((t) => t.type === "FEE" || t.type === "PENALTY");
      if (charges.length === 0) continue;
      const res = await api.call("POST", `/api/v1/loan/charges/${charges[op.pick % charges.length]!.id}/waive`, { token: admin(), body: { reason: "property test" } });
      // 409: nothing left to waive (paid or waived already), or the loan is no longer active.
      expectOneOf(res, [200, 409], "waiver");
      if (res.status === 200) done.waived += 1;
    } else {
      const res = await api.call("POST", `/api/v1/loan/write-off/${id}`, { token: admin(), body: { reason: "property test" } });
      expectOneOf(res, [200, 409], "write-off");
      if (res.status === 200) done.writtenOff += 1;
    }
  }
  return ids;
}

async function caughtUp(): Promise<Reconciliation> {
  return eventually(
    async () => {
      const res = await api.call<Reconciliation>("GET", "/api/v1/ledger/reconciliation", { token: admin() });
      if (res.status !== 200 || res.body.pending_events > 0 || res.body.mismatches.length > 0) throw new Error(`${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    },
    { what: "the ledger to catch up and reconcile", timeoutMs: 15_000, intervalMs: 100 },
  );
}

test("after any business and the ledger's catch-up, each loan's books are its transactions', and the trial balance totals them", async () => {
  let runs = 0;
  await fc.assert(
    fc.asyncProperty(plan, async (p) => {
      runs += 1;
      const ids = await run(p);
      await caughtUp();
      const facts: LoanFacts[] = await Promise.all(ids.map((id) => loanFacts(api, admin(), id)));
      const books = await ledgerBalancesByLoan(ledgerDb, ids);
      for (const f of facts) expect({ loan: f.loanId, books: books.get(f.loanId) }).toEqual({ loan: f.loanId, books: f.expected });
      expect(await postedOnce(ledgerDb, facts)).toEqual([]);
      for (const f of facts) done.penaltyIncome += toCents(f.expected["4200"]);

      // The trial balance: balanced, and each account the sum over every loan of the file so far.
      const everyLoan = await Promise.all(allLoans.map((id) => loanFacts(api, admin(), id)));
      const tb = await api.call<TrialBalance>("GET", "/api/v1/ledger/trial-balance", { token: admin() });
      expect(tb.status).toBe(200);
      expect(tb.body).toMatchObject({ balanced: true, total_credit: tb.body.total_debit });
      expect(trialBalances(tb.body)).toEqual(sumBalances(everyLoan.map((f) => f.expected)));
    }),
    {
      numRuns: RUNS,
      endOnFailure: true,
      // One run written out: penalties charged, a repayment that pays some, one back-dated before it (re-allocating it), that one reversed (pick 0: the earliest by value date; the first is re-allocated again and still pays penalties), a write-off.
      examples: [
        [
          {
            loans: [{ cents: 12000_00, months: 12, fee: true }],
            ops: [
              { kind: "cob", day: 130 },
              { kind: "repay", loan: 0, cents: 1500_00, day: 131 },
              { kind: "repay", loan: 0, cents: 700_00, day: 20 },
              { kind: "reverse", loan: 0, pick: 0 },
              { kind: "writeOff", loan: 0 },
            ],
          },
        ],
        // And one with the fee part paid, then the rest of it waived, then paid on.
        [
          {
            loans: [{ cents: 5000_00, months: 6, fee: true }],
            ops: [
              { kind: "repay", loan: 0, cents: 50_00, day: 5 },
              { kind: "waive", loan: 0, pick: 0 },
              { kind: "repay", loan: 0, cents: 900_00, day: 25 },
            ],
          },
        ],
      ],
    },
  );
  expect(runs).toBe(RUNS);
  expect(done.repaid).toBeGreaterThanOrEqual(2);
  expect(done.reversed).toBeGreaterThanOrEqual(1);
  expect(done.waived).toBeGreaterThanOrEqual(1);
  expect(done.writtenOff).toBeGreaterThanOrEqual(1);
  expect(done.closesOfBusiness).toBeGreaterThanOrEqual(1);
  expect(done.penaltyIncome).toBeGreaterThan(0n);
}, 180_000);
