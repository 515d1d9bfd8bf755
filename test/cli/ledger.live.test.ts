/**
 * `loanctl ledger accounts|trial-balance|entries|reconcile` with the real binary against a live
 * gateway (SPEC "The ledger", docs/ledger.md).
 *
 * The books of a fresh stack hold one loan: 12,000.00 at 12.00 % over 12 months with a flat
 * 100.00 disbursement fee (EMI 1066.19), disbursed 2026-01-31, repaid 1166.19 on 2026-02-27:
 * the fee 100.00, installment 1's interest 120.00 and principal 946.19, leaving 11053.81 of
 * principal outstanding. So cash is 1166.19 − 12000.00 = −10833.81 (a credit on the trial
 * balance), loans receivable 11053.81, interest income 120.00, fee income 100.00, and both
 * totals 11053.81. The ledger posts from the loans outbox, later: each test waits for it.
 */
import fs from "node:fs";
import { Client } from "pg";
import type { LedgerAccounts, LedgerEntry, Page, Reconciliation, TrialBalance } from "../../sdk/contracts.js";
import { LoanClient } from "../../sdk/index.js";
import { eventually } from "../support/eventually.js";
import { testClock } from "../support/clock.js";
import { useStack } from "../support/fixture.js";
import { FEE_PRODUCT } from "../support/products.js";
import { configHome, loanctl, parsed, requireBuild, type Result } from "./loanctl.js";

jest.setTimeout(180_000);

const PASSWORD = "password-123";
const { stack } = useStack({ clock: testClock, env: { COB_AT: "off" } });
let admin: LoanClient;
let adminHome: string;
let agentHome: string;
let loanId: number;
let repaymentId: number;

const env = (home: string) => ({ XDG_CONFIG_HOME: home, LOANCTL_API_URL: stack.url });
const asAdmin = (args: string[]) => loanctl(args, { env: env(adminHome) });
const asAgent = (args: string[]) => loanctl(args, { env: env(agentHome) });

function ok(result: Result): Result {
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: result.stderr });
  return result;
}

/** Table lines with their runs of spaces made one: "1100 Loans receivable ASSET 12000.00 946.19 11053.81". */
const squeezed = (text: string): string[] => text.split("\n").map((line) => line.replace(/ +/g, " ").trim());

beforeAll(async () => {
  requireBuild();
  admin = new LoanClient({ baseUrl: stack.url });
  await admin.login(stack.admin);
  const tag = `${process.pid}-${Date.now().toString(36)}`;
  const client = new LoanClient({ baseUrl: stack.url });
  const agentUser = await client.signup({ email: `cli-ledger-agent-${tag}@example.com`, password: PASSWORD, first_name: "Lea", last_name: "Ledger", is_customer: false, is_agent: true });
  await admin.approveAgent(agentUser.id);
  const customer = await client.signup({ email: `cli-ledger-customer-${tag}@example.com`, password: PASSWORD, first_name: "Cleo", last_name: "Customer", is_customer: true, is_agent: false });
  await admin.createProduct(FEE_PRODUCT);
  const agent = new LoanClient({ baseUrl: stack.url });
  await agent.login({ email: agentUser.email, password: PASSWORD });
  const loan = await agent.requestLoan({ customer_id: customer.id, principal: "12000.00", tenure_months: 12, product_code: FEE_PRODUCT.code });
  expect(loan.emi).toBe("1066.19");
  loanId = loan.id;
  await admin.decideLoan(loanId, { status: "APPROVED" });
  await admin.disburseLoan(loanId, { disbursed_on: "2026-01-31" });
  const repayment = await agent.recordRepayment(loanId, { amount: "1166.19", paid_on: "2026-02-27" });
  expect(repayment).toMatchObject({ principal_part: "946.19", interest_part: "120.00" });
  repaymentId = repayment.id;

  adminHome = configHome();
  agentHome = configHome();
  ok(await loanctl(["login", "--email", stack.admin.email, "--password-stdin"], { input: `${stack.admin.password}\n`, env: env(adminHome) }));
  ok(await loanctl(["login", "--email", agentUser.email, "--password-stdin"], { input: `${PASSWORD}\n`, env: env(agentHome) }));

  // the outbox relay posts both movements, later: wait until the ledger has caught up
  await eventually(
    async () => {
      const r = await admin.reconcile();
      expect(r).toMatchObject({ loans_checked: 1, pending_events: 0, mismatches: [] });
      expect((await admin.ledgerEntries({ loan_id: loanId })).total).toBe(2);
    },
    { what: "the ledger to post the disbursement and the repayment", timeoutMs: 30_000 },
  );
});
afterAll(() => {
  for (const home of [adminHome, agentHome]) if (home) fs.rmSync(home, { recursive: true, force: true });
});

test("ledger trial-balance: each account on its side, the totals equal, balanced; --json is the API's answer", async () => {
  const human = ok(await asAdmin(["ledger", "trial-balance"]));
  expect(squeezed(human.stdout)).toEqual([
    "CODE NAME TYPE DEBIT CREDIT",
    "1000 Cash ASSET 0.00 10833.81",
    "1100 Loans receivable ASSET 11053.81 0.00",
    "4000 Interest income INCOME 0.00 120.00",
    "4100 Fee income INCOME 0.00 100.00",
    "4200 Penalty income INCOME 0.00 0.00",
    "5000 Loan losses EXPENSE 0.00 0.00",
    "TOTAL 11053.81 11053.81",
    "Trial balance as of 2026-06-15: balanced: debits 11053.81 = credits 11053.81",
    "",
  ]);
  // money right-aligned: each figure ends where its header does
  const lines = human.stdout.split("\n");
  const creditEnd = lines[0]!.indexOf("CREDIT") + "CREDIT".length;
  expect(lines.slice(1, 8).map((line) => line.length)).toEqual(Array(7).fill(creditEnd));

  const json = parsed<TrialBalance>(ok(await asAdmin(["--json", "ledger", "trial-balance"])));
  expect(json).toMatchObject({ as_of: "2026-06-15", total_debit: "11053.81", total_credit: "11053.81", balanced: true });
  expect(json).toEqual(await admin.trialBalance());

  // before the disbursement the books are empty; the day after it, 12000.00 out of cash into receivables
  const before = ok(await asAdmin(["ledger", "trial-balance", "--as-of", "2026-01-30"]));
  expect(squeezed(before.stdout)).toContain("TOTAL 0.00 0.00");
  const after = ok(await asAdmin(["ledger", "trial-balance", "--as-of", "2026-02-01"]));
  expect(squeezed(after.stdout)).toEqual(expect.arrayContaining(["1000 Cash ASSET 0.00 12000.00", "1100 Loans receivable ASSET 12000.00 0.00", "TOTAL 12000.00 12000.00"]));
  expect(after.stdout).toContain("Trial balance as of 2026-02-01: balanced");
});

test("ledger accounts: debits, credits and balance of each account; 1100 is the loan's outstanding principal", async () => {
  const human = ok(await asAdmin(["ledger", "accounts"]));
  expect(squeezed(human.stdout)).toEqual([
    "As of 2026-06-15",
    "CODE NAME TYPE DEBIT CREDIT BALANCE",
    "1000 Cash ASSET 1166.19 12000.00 -10833.81",
    "1100 Loans receivable ASSET 12000.00 946.19 11053.81",
    "4000 Interest income INCOME 0.00 120.00 120.00",
    "4100 Fee income INCOME 0.00 100.00 100.00",
    "4200 Penalty income INCOME 0.00 0.00 0.00",
    "5000 Loan losses EXPENSE 0.00 0.00 0.00",
    "",
  ]);
  expect((await admin.getLoan(loanId)).outstanding_principal).toBe("11053.81");
  const json = parsed<LedgerAccounts>(ok(await asAdmin(["--json", "ledger", "accounts", "--as-of", "2026-01-30"])));
  expect(json.as_of).toBe("2026-01-30");
  expect(json.rows.map((r) => [r.code, r.debit, r.credit, r.balance])).toEqual(["1000", "1100", "4000", "4100", "4200", "5000"].map((code) => [code, "0.00", "0.00", "0.00"]));
});

test("ledger entries --loan: the DISBURSEMENT then the REPAYMENT, each with its lines", async () => {
  const human = ok(await asAdmin(["ledger", "entries", "--loan", String(loanId)]));
  const lines = squeezed(human.stdout);
  expect(
    lines.map((line) =>
      line
        .replace(/ posted \d{4}-\d\d-\d\d \d\d:\d\d$/, "")
        .replace(/ from loans:\d+/, " from loans:N")
        .replace(/^Entry \d+/, "Entry N"),
    ),
  ).toEqual([
    // a disbursement is posted from its event, with no transaction id (docs/ledger.md)
    `Entry N 2026-01-31 DISBURSEMENT loan ${loanId} from loans:N`,
    "ACCOUNT DEBIT CREDIT",
    "1100 Loans receivable 12000.00",
    "1000 Cash 12000.00",
    "",
    `Entry N 2026-02-27 REPAYMENT loan ${loanId} transaction ${repaymentId} from loans:N`,
    "ACCOUNT DEBIT CREDIT",
    "1000 Cash 1166.19",
    "1100 Loans receivable 946.19",
    "4000 Interest income 120.00",
    "4100 Fee income 100.00",
    "",
  ]);
  // the credit column: a credit ends where CREDIT does, a debit where DEBIT does
  const raw = human.stdout.split("\n");
  const header = raw[1]!;
  expect(raw[2]!.length).toBe(header.indexOf("DEBIT") + "DEBIT".length);
  expect(raw[3]!.length).toBe(header.length);

  const json = parsed<Page<LedgerEntry>>(ok(await asAdmin(["--json", "ledger", "entries", "--loan", String(loanId)])));
  expect(json).toEqual(await admin.ledgerEntries({ loan_id: loanId }));
  expect(json.rows.map((e) => [e.kind, e.value_date, e.lines.map((l) => `${l.account} ${l.debit}/${l.credit}`)])).toEqual([
    ["DISBURSEMENT", "2026-01-31", ["1100 12000.00/0.00", "1000 0.00/12000.00"]],
    ["REPAYMENT", "2026-02-27", ["1000 1166.19/0.00", "1100 0.00/946.19", "4000 0.00/120.00", "4100 0.00/100.00"]],
  ]);

  // by value date, and paged like every list
  const february = parsed<Page<LedgerEntry>>(ok(await asAdmin(["--json", "ledger", "entries", "--from", "2026-02-01", "--to", "2026-02-28"])));
  expect(february.rows.map((e) => [e.kind, e.transaction_id])).toEqual([["REPAYMENT", repaymentId]]);
  const paged = ok(await asAdmin(["ledger", "entries", "--page-size", "1"]));
  expect(paged.stdout).toMatch(/^Entry \d+ +2026-01-31 +DISBURSEMENT/);
  expect(paged.stderr).toBe("Page 1 of 2, 2 entries in all (next: --page 2)\n");
  const none = ok(await asAdmin(["ledger", "entries", "--from", "2026-03-01"]));
  expect(none).toMatchObject({ stdout: "", stderr: "No entries found\n" });
});

test("ledger reconcile: the loans checked, nothing pending, no mismatch, exit 0", async () => {
  const human = ok(await asAdmin(["ledger", "reconcile"]));
  expect(squeezed(human.stdout)).toEqual([expect.stringMatching(/^As of \(UTC\) \d{4}-\d\d-\d\d \d\d:\d\d$/), "Loans checked 1", "Pending events 0", "Mismatches 0", ""]);
  expect(human.stderr).toBe("1 loan(s) reconciled: each one's 1100 balance is its outstanding principal\n");
  const json = parsed<Reconciliation>(ok(await asAdmin(["--json", "ledger", "reconcile"])));
  expect(json).toMatchObject({ loans_checked: 1, mismatches: [], pending_events: 0 });
});

test("an agent is refused every ledger command; a bad date or --from after --to is a usage error", async () => {
  for (const words of [["accounts"], ["trial-balance"], ["entries"], ["reconcile"]]) {
    const refused = await asAgent(["ledger", ...words]);
    expect({ words, code: refused.code, stdout: refused.stdout }).toEqual({ words, code: 1, stdout: "" });
    expect(refused.stderr).toMatch(/^error: .*\(HTTP 403\): not allowed for cli-ledger-agent-.*\(agent\)\n$/);
  }
  const badDate = await asAdmin(["ledger", "trial-balance", "--as-of", "2026-02-30"]);
  expect(badDate.code).toBe(2);
  expect(badDate.stderr).toMatch(/option '--as-of <date>' argument '2026-02-30' is invalid\. must be a date like 2026-01-31/);
  const notADate = await asAdmin(["ledger", "accounts", "--as-of", "yesterday"]);
  expect(notADate.code).toBe(2);
  expect(notADate.stderr).toMatch(/must be a date like 2026-01-31/);
  const backwards = await asAdmin(["ledger", "entries", "--from", "2026-03-01", "--to", "2026-02-01"]);
  expect(backwards).toMatchObject({ code: 2, stdout: "", stderr: "error: --from 2026-03-01 is after --to 2026-02-01\n" });
  const badLoan = await asAdmin(["ledger", "entries", "--loan", "x"]);
  expect(badLoan.code).toBe(2);
  expect(badLoan.stderr).toMatch(/must be a positive integer/);
});

test("help for each ledger command, with an example, as `loanctl help ...` and --help", async () => {
  for (const [word, example] of [
    ["accounts", "$ loanctl ledger accounts --as-of 2026-06-30"],
    ["trial-balance", "$ loanctl ledger trial-balance"],
    ["entries", "$ loanctl ledger entries --loan 42"],
    ["reconcile", "$ loanctl ledger reconcile"],
  ] as const) {
    const help = await loanctl(["help", "ledger", word]);
    expect({ word, code: help.code }).toEqual({ word, code: 0 });
    expect(help.stdout).toContain(`Usage: loanctl ledger ${word} [options]`);
    expect(help.stdout).toContain(example);
    expect((await loanctl(["ledger", word, "--help"])).stdout).toBe(help.stdout);
  }
  expect((await loanctl(["ledger", "reconcile", "--help"])).stdout).toMatch(/1 loans differ and no event is pending/);
  expect((await loanctl(["--help"])).stdout).toMatch(/^ {2}ledger +the books \(admin\)/m);
});

// Last: it adds to the books a balanced entry that no loan transaction explains.
test("ledger reconcile: a loan whose 1100 balance differs while nothing is pending is listed, exit 1", async () => {
  const db = new Client({ connectionString: stack.databases.ledger });
  await db.connect();
  try {
    await db.query("BEGIN");
    await db.query("INSERT INTO ledger_events (source, event_id, event, occurred_at) VALUES ('cli-test', 1, 'loan.repaid', now())");
    const { rows } = await db.query<{ id: string }>(
      "INSERT INTO ledger_entries (source, event_id, seq, kind, loan_id, value_date) VALUES ('cli-test', 1, 0, 'REPAYMENT', $1, '2026-03-01') RETURNING id",
      [loanId],
    );
    await db.query(
      "INSERT INTO ledger_lines (entry_id, line, account, loan_id, value_date, debit, credit) VALUES ($1, 0, '1000', $2, '2026-03-01', 10.00, 0), ($1, 1, '1100', $2, '2026-03-01', 0, 10.00)",
      [rows[0]!.id, loanId],
    );
    await db.query("COMMIT");
  } finally {
    await db.end();
  }
  const human = await asAdmin(["ledger", "reconcile"]);
  expect(human.code).toBe(1);
  expect(squeezed(human.stdout).slice(1)).toEqual(["Loans checked 1", "Pending events 0", "Mismatches 1", "", "LOAN LEDGER 1100 OUTSTANDING PRINCIPAL", `${loanId} 11043.81 11053.81`, ""]);
  expect(human.stderr).toBe("error: 1 loan(s) do not reconcile and no event is pending: the ledger and the loan book disagree\n");
  const json = await asAdmin(["--json", "ledger", "reconcile"]);
  expect(json.code).toBe(1);
  expect(parsed<Reconciliation>(json).mismatches).toEqual([{ loan_id: loanId, ledger_receivable: "11043.81", outstanding_principal: "11053.81" }]);
  // still balanced: the entry balances, it only has no reason
  expect(ok(await asAdmin(["ledger", "trial-balance"])).stdout).toContain("balanced: debits 11043.81 = credits 11043.81");
});
