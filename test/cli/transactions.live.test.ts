/**
 * `loanctl loans transactions|reverse|waive|write-off` and `loanctl cob run|status` with the
 * real binary against a live gateway (SPEC "A loan's transactions").
 *
 * Today is 2026-06-15 (the pinned clock). The loan: 12,000.00 at 12.00 % over 12 months
 * (EMI 1066.19) of a product with a FLAT 100.00 disbursement fee and a FLAT 25.00 penalty
 * after 5 days' grace, disbursed 2026-01-31: installments fall due 02-28, 03-31, 04-30,
 * 05-31, 06-30…, so installment k's penalty, if it is late, is dated 03-06, 04-06, 05-06,
 * 06-06 for k = 1…4. The tests run in order, on one loan.
 */
import fs from "node:fs";
import type { CloseOfBusinessRun, LoanTransaction } from "../../sdk/contracts.js";
import { LoanClient, type Loan, type Page, type Repayment } from "../../sdk/index.js";
import { eventually } from "../support/eventually.js";
import { testClock } from "../support/clock.js";
import { useStack } from "../support/fixture.js";
import { configHome, loanctl, loanctlOnTerminal, parsed, requireBuild, terminalAvailable, type Result } from "./loanctl.js";

jest.setTimeout(180_000);

const PASSWORD = "password-123";
const { stack } = useStack({ clock: testClock, env: { COB_AT: "off" } });
let admin: LoanClient;
let adminHome: string;
let agentHome: string;
let adminName: string;
let agentName: string;
let loanId: number;
let firstRepayment: Repayment;
let secondRepayment: Repayment;

const env = (home: string) => ({ XDG_CONFIG_HOME: home, LOANCTL_API_URL: stack.url });
const asAdmin = (args: string[]) => loanctl(args, { env: env(adminHome) });
const asAgent = (args: string[]) => loanctl(args, { env: env(agentHome) });

/** The table's line of one transaction id (ids are right-aligned). */
const lineOf = (table: string, id: number): string => table.split("\n").find((line) => new RegExp(`^ *${id} `).test(line)) ?? `(no line for ${id} in)\n${table}`;

function ok(result: Result): Result {
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: result.stderr });
  return result;
}

const transactions = async (): Promise<LoanTransaction[]> => (await admin.listTransactions(loanId)).rows;

beforeAll(async () => {
  requireBuild();
  admin = new LoanClient({ baseUrl: stack.url });
  await admin.login(stack.admin);
  const me = await admin.profile();
  adminName = `${me.first_name} ${me.last_name}`.trim();
  const tag = `${process.pid}-${Date.now().toString(36)}`;
  const client = new LoanClient({ baseUrl: stack.url });
  const agent = await client.signup({ email: `cli-tx-agent-${tag}@example.com`, password: PASSWORD, first_name: "Tess", last_name: "Teller", is_customer: false, is_agent: true });
  agentName = "Tess Teller";
  await admin.approveAgent(agent.id);
  const customer = await client.signup({ email: `cli-tx-customer-${tag}@example.com`, password: PASSWORD, first_name: "Carl", last_name: "Customer", is_customer: true, is_agent: false });
  // the product, as an admin creates it: POST /api/v1/loan/products
  await admin.createProduct({
    code: "FEE100",
    name: "Fee 100.00, penalty 25.00 after 5 days",
    min_principal: "1000.00",
    max_principal: "100000.00",
    min_tenure_months: 1,
    max_tenure_months: 36,
    rate_bands: [{ up_to: null, rate: "12.00" }],
    disbursement_fee: { kind: "FLAT", amount: "100.00" },
    penalty: { grace_days: 5, kind: "FLAT", amount: "25.00" },
  });
  adminHome = configHome();
  agentHome = configHome();
  ok(await loanctl(["login", "--email", stack.admin.email, "--password-stdin"], { input: `${stack.admin.password}\n`, env: env(adminHome) }));
  ok(await loanctl(["login", "--email", agent.email, "--password-stdin"], { input: `${PASSWORD}\n`, env: env(agentHome) }));
  const loan = parsed<Loan>(ok(await asAgent(["--json", "loans", "request", "--customer", String(customer.id), "--principal", "12000", "--tenure", "12", "--product", "FEE100"])));
  expect(loan.emi).toBe("1066.19");
  loanId = loan.id;
  ok(await asAdmin(["loans", "approve", String(loanId)]));
  ok(await asAdmin(["loans", "disburse", String(loanId), "--on", "2026-01-31"]));
});
afterAll(() => {
  for (const home of [adminHome, agentHome]) if (home) fs.rmSync(home, { recursive: true, force: true });
});

test("loans transactions: the disbursement, its fee and the repayments by value date, parts, installment and who by name", async () => {
  // the first installment and the fee, on time; then part of the second
  firstRepayment = parsed<Repayment>(ok(await asAgent(["--json", "loans", "repay", String(loanId), "--amount", "1166.19", "--on", "2026-02-28"])));
  expect(firstRepayment).toMatchObject({ fee_part: "100.00", interest_part: "120.00", principal_part: "946.19", penalty_part: "0.00" });
  secondRepayment = parsed<Repayment>(ok(await asAgent(["--json", "loans", "repay", String(loanId), "--amount", "500", "--on", "2026-03-10"])));

  const rows = await transactions();
  expect(rows.map((t) => [t.type, t.value_date])).toEqual([
    ["DISBURSEMENT", "2026-01-31"],
    ["FEE", "2026-01-31"],
    ["REPAYMENT", "2026-02-28"],
    ["REPAYMENT", "2026-03-10"],
  ]);
  const [disbursement, fee] = rows as [LoanTransaction, LoanTransaction];
  const shown = ok(await asAdmin(["loans", "transactions", String(loanId)]));
  const lines = shown.stdout.trimEnd().split("\n");
  expect(lines[0]).toMatch(/^ID +TYPE +DATE +AMOUNT +PRINCIPAL +INTEREST +FEE +PENALTY +INST +BY +REVERSED \/ REASON$/);
  expect(lines).toHaveLength(5);
  expect(lineOf(shown.stdout, disbursement.id)).toMatch(new RegExp(`^ *${disbursement.id} +DISBURSEMENT +2026-01-31 +12000\\.00 +12000\\.00 +0\\.00 +0\\.00 +0\\.00 +- +\\d+ ${adminName}$`));
  expect(lineOf(shown.stdout, fee.id)).toMatch(new RegExp(`^ *${fee.id} +FEE +2026-01-31 +100\\.00 +0\\.00 +0\\.00 +100\\.00 +0\\.00 +1 +\\d+ ${adminName}$`));
  expect(lineOf(shown.stdout, firstRepayment.id)).toMatch(new RegExp(`^ *${firstRepayment.id} +REPAYMENT +2026-02-28 +1166\\.19 +946\\.19 +120\\.00 +100\\.00 +0\\.00 +- +\\d+ ${agentName}$`));
  expect(lineOf(shown.stdout, secondRepayment.id)).toMatch(new RegExp(`^ *${secondRepayment.id} +REPAYMENT +2026-03-10 +500\\.00 .* ${agentName}$`));
  // the API's own JSON for scripts; a customer's loan of nobody's: 404 in one line
  expect(parsed<{ rows: LoanTransaction[] }>(ok(await asAgent(["--json", "loans", "transactions", String(loanId)]))).rows).toEqual(rows);
  const missing = await asAdmin(["loans", "transactions", "987654321"]);
  expect(missing.code).toBe(1);
  expect(missing.stderr).toMatch(/^error: .*not found/i);
});

test("loans reverse: --reason is required, the confirmation is asked (no: cancelled, exit 1), --yes reverses; the table marks it", async () => {
  const id = String(secondRepayment.id);
  const noReason = await asAdmin(["loans", "reverse", id, "--yes"]);
  expect(noReason.code).toBe(2);
  expect(noReason.stderr).toMatch(/^error: --reason is required: say why, for the audit log, e\.g\. --reason "cheque bounced"$/m);
  const blank = await asAdmin(["loans", "reverse", id, "--reason", "  ", "--yes"]);
  expect(blank.code).toBe(2);
  expect(blank.stderr).toMatch(/--reason <text>.* must say why/);
  const tooLong = await asAdmin(["loans", "reverse", id, "--reason", "x".repeat(501), "--yes"]);
  expect(tooLong.code).toBe(2);
  expect(tooLong.stderr).toMatch(/at most 500 characters/);
  // without a terminal nothing can be asked: --yes or nothing
  const unasked = await asAdmin(["loans", "reverse", id, "--reason", "cheque bounced"]);
  expect(unasked.code).toBe(2);
  expect(unasked.stderr).toMatch(new RegExp(`refusing to reverse repayment ${id} without confirmation: pass --yes`));
  if (terminalAvailable()) {
    const question = `Reverse repayment ${id} of loan ${loanId} (500.00 paid on 2026-03-10)? The loan's other repayments are re-allocated. [y/N] `;
    const declined = await loanctlOnTerminal(["loans", "reverse", id, "--reason", "cheque bounced"], env(adminHome), [[question, "n\r"]]);
    expect(declined.code).toBe(1);
    expect(declined.output).toMatch(/\[y\/N\] n\r?\ncancelled\r?\n/);
    expect(declined.output).not.toContain("error:");
  }
  expect((await admin.getRepayment(secondRepayment.id)).reversed).toBe(false);

  const reversed = ok(await asAdmin(["loans", "reverse", id, "--reason", "cheque bounced", "--yes"]));
  expect(reversed.stdout).toMatch(new RegExp(`^ID +${id}$`, "m"));
  expect(reversed.stdout).toMatch(/^Amount +500\.00$/m);
  expect(reversed.stdout).toMatch(/^Reversed +yes: it counts nowhere$/m);
  expect(reversed.stderr).toContain(`Reversed repayment ${id} of loan ${loanId}: 500.00 paid on 2026-03-10`);
  const after = await admin.getLoan(loanId);
  expect(after.outstanding_principal).toBe("11053.81");
  expect(reversed.stderr).toContain(`Loan ${loanId} is ACTIVE: outstanding principal 11053.81, interest ${after.outstanding_interest}, fee 0.00, penalty 0.00`);
  expect((await admin.getRepayment(secondRepayment.id)).reversed).toBe(true);

  const table = ok(await asAdmin(["loans", "transactions", String(loanId)])).stdout;
  expect(lineOf(table, secondRepayment.id)).toMatch(/ reversed \d{4}-\d{2}-\d{2}: cheque bounced$/);
  expect(lineOf(table, firstRepayment.id)).not.toMatch(/reversed/);

  const again = await asAdmin(["loans", "reverse", id, "--reason", "twice", "--yes"]);
  expect(again.code).toBe(1);
  expect(again.stderr).toMatch(/^error: .*already reversed.*\(HTTP 409\)$/m);
  // an agent is asked nothing more, and refused by the API
  const agent = await asAgent(["loans", "reverse", String(firstRepayment.id), "--reason", "mine", "--yes"]);
  expect(agent.code).toBe(1);
  expect(agent.stderr).toMatch(/HTTP 403/);
});

test("cob run: progress until DONE, one penalty for the late second installment, shown in loans transactions", async () => {
  const result = ok(await asAdmin(["cob", "run", "--date", "2026-04-10"]));
  const run = (await admin.listCloseOfBusiness()).rows[0]!;
  expect(run).toMatchObject({ business_date: "2026-04-10", status: "DONE", penalties_charged: 1, loans_done: run.loans_total });
  expect(result.stderr).toContain(`Started close of business 2026-04-10 (run ${run.id}); Ctrl-C stops watching, not the run`);
  expect(result.stderr).toMatch(new RegExp(`^close of business 2026-04-10: ${run.loans_total}/${run.loans_total}, 1 penalty charged$`, "m"));
  expect(result.stderr.trimEnd().split("\n").pop()).toBe(`Close of business 2026-04-10 (run ${run.id}): DONE, ${run.loans_total}/${run.loans_total} loans, 1 penalty charged`);
  expect(result.stdout).toMatch(/^Status +DONE$/m);
  expect(result.stdout).toMatch(/^Penalties charged +1$/m);

  const penalty = (await transactions()).find((t) => t.type === "PENALTY")!;
  expect(penalty).toMatchObject({ installment_number: 2, value_date: "2026-04-06", amount: "25.00", recorded_by: null });
  const table = ok(await asAdmin(["loans", "transactions", String(loanId)])).stdout;
  expect(lineOf(table, penalty.id)).toMatch(new RegExp(`^ *${penalty.id} +PENALTY +2026-04-06 +25\\.00 +0\\.00 +0\\.00 +0\\.00 +25\\.00 +2 +close of business$`));
});

(terminalAvailable() ? test : test.skip)("cob run on a terminal: a bar redrawn in place, the penalties of installments 3 and 4", async () => {
  const { code, output } = await loanctlOnTerminal(["cob", "run", "--date", "2026-06-14"], { ...env(adminHome), NO_COLOR: "1" });
  expect({ code, output }).toEqual({ code: 0, output });
  expect(output).toContain("\r\u001b[K");
  expect(output).toMatch(/[█░]+ +\d+% close of business 2026-06-14: \d+\/\d+, \d+ penalt(y|ies) charged/);
  expect(output).toMatch(/Close of business 2026-06-14 \(run \d+\): DONE, (\d+)\/\1 loans, 2 penalties charged/);
  const late = (await transactions()).filter((t) => t.type === "PENALTY").map((t) => [t.installment_number, t.value_date]);
  expect(late).toEqual([
    [2, "2026-04-06"],
    [3, "2026-05-06"],
    [4, "2026-06-06"],
  ]);
});

test("cob run --no-wait prints the started run; a repeat charges nothing twice; cob status shows one run or the latest", async () => {
  const started = parsed<CloseOfBusinessRun>(ok(await asAdmin(["--json", "cob", "run", "--date", "2026-06-14", "--no-wait"])));
  expect(started).toMatchObject({ business_date: "2026-06-14", status: "RUNNING" });
  const done = await eventually(
    async () => {
      const run = await admin.closeOfBusiness(started.id);
      if (run.status === "RUNNING") throw new Error("still running");
      return run;
    },
    { what: `run ${started.id} to end`, timeoutMs: 30_000 },
  );
  expect(done).toMatchObject({ status: "DONE", penalties_charged: 0 });
  const human = ok(await asAdmin(["cob", "run", "--date", "2026-06-14", "--no-wait"]));
  expect(human.stdout).toMatch(/^Status +RUNNING$/m);
  expect(human.stderr).toMatch(/Started close of business 2026-06-14 \(run (\d+)\): follow it with `loanctl cob status \1`/);

  const one = ok(await asAdmin(["cob", "status", String(done.id)]));
  expect(one.stdout).toMatch(new RegExp(`^ID +${done.id}$`, "m"));
  expect(one.stdout).toMatch(/^Business date +2026-06-14$/m);
  expect(one.stdout).toMatch(/^Status +DONE$/m);
  expect(parsed<CloseOfBusinessRun>(ok(await asAdmin(["--json", "cob", "status", String(done.id)])))).toEqual(await admin.closeOfBusiness(done.id));

  await eventually(
    async () => {
      if ((await admin.listCloseOfBusiness()).rows.some((r) => r.status === "RUNNING")) throw new Error("a run is still running");
    },
    { what: "every run to end", timeoutMs: 30_000 },
  );
  const list = ok(await asAdmin(["cob", "status"]));
  const lines = list.stdout.trimEnd().split("\n");
  expect(lines[0]).toMatch(/^ID +BUSINESS DATE +STATUS +LOANS +PENALTIES +STARTED \(UTC\) +FINISHED \(UTC\)$/);
  expect(lines[1]).toMatch(/^ *\d+ +2026-06-14 +DONE +(\d+)\/\1 +0 /); // newest first
  expect(lines[lines.length - 1]).toMatch(/^ *\d+ +2026-04-10 +DONE +(\d+)\/\1 +1 /);
  const page = parsed<Page<CloseOfBusinessRun>>(ok(await asAdmin(["--json", "cob", "status", "--page-size", "1"])));
  expect(page).toMatchObject({ pageSize: 1, rows: [expect.objectContaining({ business_date: "2026-06-14" })] });

  const unknown = await asAdmin(["cob", "status", "987654321"]);
  expect(unknown.code).toBe(1);
  expect(unknown.stderr).toMatch(/^error: .*not found/im);
  const future = await asAdmin(["cob", "run", "--date", "2026-06-16"]);
  expect(future.code).toBe(1);
  expect(future.stderr).toMatch(/business_date must not be in the future/);
  const agent = await asAgent(["cob", "status"]);
  expect(agent.code).toBe(1);
  expect(agent.stderr).toMatch(/HTTP 403/);
});

test("loans waive: --reason required; the unpaid penalty waived as a WAIVER; nothing left to waive: 409", async () => {
  const penalty = (await transactions()).find((t) => t.type === "PENALTY" && t.installment_number === 2)!;
  const noReason = await asAdmin(["loans", "waive", String(penalty.id)]);
  expect(noReason.code).toBe(2);
  expect(noReason.stderr).toMatch(/--reason is required/);

  const waived = ok(await asAdmin(["loans", "waive", String(penalty.id), "--reason", "late because of the bank holiday"]));
  expect(waived.stdout).toMatch(/^Type +WAIVER$/m);
  expect(waived.stdout).toMatch(/^Amount +25\.00$/m);
  expect(waived.stdout).toMatch(new RegExp(`^Charge +${penalty.id}$`, "m"));
  expect(waived.stdout).toMatch(/^Reason +late because of the bank holiday$/m);
  expect(waived.stdout).toMatch(new RegExp(`^Recorded by +\\d+ ${adminName}$`, "m"));
  expect(waived.stderr).toContain(`Waived 25.00 of charge ${penalty.id} on loan ${loanId}, installment 2`);
  const waiver = (await transactions()).find((t) => t.type === "WAIVER")!;
  expect(waiver).toMatchObject({ charge_id: penalty.id, amount: "25.00", installment_number: 2 });
  const table = ok(await asAdmin(["loans", "transactions", String(loanId)])).stdout;
  expect(lineOf(table, waiver.id)).toMatch(new RegExp(`WAIVER .* waives ${penalty.id}: late because of the bank holiday$`));

  const again = await asAdmin(["loans", "waive", String(penalty.id), "--reason", "again"]);
  expect(again.code).toBe(1);
  expect(again.stderr).toMatch(/HTTP 409/);
});

test("loans write-off: asks first (--yes), --reason required; WRITTEN_OFF with what was taken; repayments and reversals refused after", async () => {
  const id = String(loanId);
  const noReason = await asAdmin(["loans", "write-off", id, "--yes"]);
  expect(noReason.code).toBe(2);
  expect(noReason.stderr).toMatch(/--reason is required: say why, for the audit log, e\.g\. --reason "uncollectable"/);
  const badDate = await asAdmin(["loans", "write-off", id, "--reason", "uncollectable", "--date", "2026-02-30", "--yes"]);
  expect(badDate.code).toBe(2);
  expect(badDate.stderr).toMatch(/must be a date like 2026-01-31/);
  const unasked = await asAdmin(["loans", "write-off", id, "--reason", "uncollectable"]);
  expect(unasked.code).toBe(2);
  expect(unasked.stderr).toMatch(new RegExp(`refusing to write off loan ${id} without confirmation: pass --yes`));
  const before = await admin.getLoan(loanId);
  expect(before).toMatchObject({ status: "ACTIVE", outstanding_principal: "11053.81", outstanding_interest: "674.23", outstanding_fee: "0.00", outstanding_penalty: "50.00" });
  const owed = `principal 11053.81, interest ${before.outstanding_interest}, fee 0.00, penalty 50.00`;
  if (terminalAvailable()) {
    const question = `Write off loan ${id} (ACTIVE; outstanding ${owed})? This cannot be undone. [y/N] `;
    const declined = await loanctlOnTerminal(["loans", "write-off", id, "--reason", "uncollectable"], env(adminHome), [[question, "n\r"]]);
    expect(declined.code).toBe(1);
    expect(declined.output).toMatch(/\[y\/N\] n\r?\ncancelled\r?\n/);
  }
  expect((await admin.getLoan(loanId)).status).toBe("ACTIVE");

  const written = ok(await asAdmin(["loans", "write-off", id, "--reason", "uncollectable", "--date", "2026-06-15", "--yes"]));
  expect(written.stdout).toMatch(/^Status +WRITTEN_OFF$/m);
  const writeOff = (await transactions()).find((t) => t.type === "WRITE_OFF")!;
  // what was owed: principal 11053.81 + interest 674.23 + the two penalties not waived, 50.00
  const total = "11778.04";
  expect(writeOff).toMatchObject({
    value_date: "2026-06-15",
    amount: total,
    principal_part: "11053.81",
    interest_part: before.outstanding_interest,
    fee_part: "0.00",
    penalty_part: "50.00",
    reason: "uncollectable",
  });
  expect(written.stderr).toContain(`Loan ${id} written off on 2026-06-15: ${total} (${owed})`);
  const table = ok(await asAdmin(["loans", "transactions", id])).stdout;
  expect(lineOf(table, writeOff.id)).toMatch(
    new RegExp(`^ *${writeOff.id} +WRITE_OFF +2026-06-15 +${total} +11053\\.81 +${before.outstanding_interest} +0\\.00 +50\\.00 +- +\\d+ ${adminName} +uncollectable$`),
  );

  const again = await asAdmin(["--json", "loans", "write-off", id, "--reason", "again", "--yes"]);
  expect(again.code).toBe(1);
  expect(again.stderr).toMatch(/HTTP 409/);
  const repay = await asAgent(["loans", "repay", id, "--amount", "10", "--on", "2026-06-15"]);
  expect(repay.code).toBe(1);
  expect(repay.stderr).toMatch(/HTTP 409/);
  const reverse = await asAdmin(["loans", "reverse", String(firstRepayment.id), "--reason", "too late", "--yes"]);
  expect(reverse.code).toBe(1);
  expect(reverse.stderr).toMatch(/WRITTEN_OFF.*\(HTTP 409\)/);
});

test("help for every new command, with an example, as `loanctl help ...` and --help", async () => {
  for (const [words, example] of [
    [["loans", "transactions"], "$ loanctl loans transactions 42"],
    [["loans", "reverse"], '$ loanctl loans reverse 7 --reason "cheque bounced"'],
    [["loans", "waive"], "$ loanctl loans waive 12 --reason"],
    [["loans", "write-off"], '$ loanctl loans write-off 42 --reason "customer deceased"'],
    [["cob", "run"], "$ loanctl cob run --date 2026-03-10"],
    [["cob", "status"], "$ loanctl cob status 3"],
  ] as const) {
    const help = await loanctl(["help", ...words]);
    expect({ words, code: help.code }).toEqual({ words, code: 0 });
    expect(help.stdout).toContain(`Usage: loanctl ${words.join(" ")} [options]`);
    expect(help.stdout).toContain(example);
    expect((await loanctl([...words, "--help"])).stdout).toBe(help.stdout);
  }
  expect((await loanctl(["help", "loans", "reverse"])).stdout).toMatch(/--reason <text> +why, kept in the audit log \(required; 1-500 characters\)/);
});
