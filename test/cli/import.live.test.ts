/**
 * `loanctl loans import` against a live gateway: good and bad rows, the failure report,
 * re-runs that request nothing twice, and the recovery of a row a crash left unfinished.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { planImport, type ImportStateData, type ImportSummary } from "../../cli/import.js";
import { parseCsv } from "../../cli/csv.js";
import { LoanClient, paginate, type Loan, type User } from "../../sdk/index.js";
import { useStack } from "../support/fixture.js";
import { configHome, loanctl, loanctlOnTerminal, parsed, requireBuild, terminalAvailable, type Result, type RunOptions } from "./loanctl.js";

// every command is a new node process: slow on a loaded machine
jest.setTimeout(120_000);

const PASSWORD = "password-123";
const { stack } = useStack();
let admin: LoanClient;
let agent: User;
let agentClient: LoanClient;
let customers: User[];
let notCustomer: User;
let home: string;
let dir: string;
let n = 0;

const email = (kind: string): string => `imp-${kind}-${process.pid}-${++n}@example.com`;
const run = (args: string[], options: RunOptions = {}): Promise<Result> => loanctl(args, { ...options, env: { XDG_CONFIG_HOME: home, LOANCTL_API_URL: stack.url, ...options.env } });

async function signup(kind: "customer" | "agent"): Promise<User> {
  return new LoanClient({ baseUrl: stack.url }).signup({ email: email(kind), password: PASSWORD, first_name: "Imp", last_name: kind, is_customer: kind === "customer", is_agent: kind === "agent" });
}

async function agentLoans(): Promise<Loan[]> {
  const loans: Loan[] = [];
  for await (const loan of paginate((q) => admin.listLoans(q))) if (loan.agent_id === agent.id) loans.push(loan);
  return loans;
}

beforeAll(async () => {
  requireBuild();
  admin = new LoanClient({ baseUrl: stack.url });
  await admin.login(stack.admin);
  agent = await signup("agent");
  await admin.approveAgent(agent.id);
  agentClient = new LoanClient({ baseUrl: stack.url });
  await agentClient.login({ email: agent.email, password: PASSWORD });
  customers = [await signup("customer"), await signup("customer"), await signup("customer")];
  notCustomer = await signup("agent");
  home = configHome();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "loanctl-import-"));
  const login = await run(["login", "--email", agent.email, "--password-stdin"], { input: `${PASSWORD}\n` });
  expect(login.code).toBe(0);
});
afterAll(() => {
  fs.rmSync(home, { recursive: true, force: true });
  fs.rmSync(dir, { recursive: true, force: true });
});

test("good rows become loans, bad rows go to FILE.failed.csv with the reason, a re-run creates nothing twice", async () => {
  const [c1, c2, c3] = customers.map((c) => c.id);
  const csv = path.join(dir, "batch.csv");
  fs.writeFileSync(
    csv,
    [
      "ref,customer_id,principal,tenure_months,note",
      `L-1,${c1},250000,24,good`,
      `L-2,${c2},"1,200,000.50",120,"good, with a comma"`,
      `L-3,${c3},45000,12,good`,
      `L-4,${c1},lots,12,not an amount`,
      `L-5,${notCustomer.id},5000,12,not a customer`,
      `L-6,${c2},10.00,12,too small`,
      `L-1,${c3},5000,12,ref used twice`,
      "",
    ].join("\n"),
  );
  const before = (await agentLoans()).length;

  const first = await run(["--json", "loans", "import", csv]);
  expect(first.code).toBe(1); // some rows failed
  const summary = parsed<ImportSummary>(first);
  expect(summary).toMatchObject({ total: 7, created: 3, failed: 4, skipped: 0, recovered: 0, stopped: null });
  expect(summary.loans.map((l) => l.ref)).toEqual(["L-1", "L-2", "L-3"]);
  expect(summary.failures.map((f) => f.line)).toEqual([5, 6, 7, 8]);
  expect(summary.failures[0]!.error).toMatch(/principal "lots"/);
  expect(summary.failures[1]!.error).toMatch(/customer/i); // the server's 422
  expect(summary.failures[2]!.error).toMatch(/principal/);
  expect(summary.failures[3]!.error).toMatch(/ref "L-1" is already used on line 2/);
  expect(first.stderr).toMatch(/^error: 4 of 7 rows failed$/m);

  const loans = await agentLoans();
  expect(loans.length).toBe(before + 3);
  const second = loans.find((l) => l.id === summary.loans[1]!.loan_id)!;
  expect(second).toMatchObject({ customer_id: c2, principal: "1200000.50", tenure_months: 120, status: "NEW" });

  // the report: the failed rows as they were, with an error column, readable as CSV
  const failedFile = path.join(dir, "batch.failed.csv");
  expect(summary.failed_file).toBe(failedFile);
  const report = parseCsv(fs.readFileSync(failedFile, "utf8"));
  expect(report.header).toEqual(["ref", "customer_id", "principal", "tenure_months", "note", "error"]);
  expect(report.records.map((r) => r.fields[0])).toEqual(["L-4", "L-5", "L-6", "L-1"]);
  expect(report.records[0]!.fields[5]).toMatch(/principal "lots"/);

  // the state file, next to the CSV
  const state = JSON.parse(fs.readFileSync(`${csv}.loanctl-state.json`, "utf8")) as ImportStateData;
  expect(Object.keys(state.done).sort()).toEqual(["ref:L-1", "ref:L-2", "ref:L-3"]);
  expect(state.pending).toEqual({});

  // run again: nothing is requested twice
  const again = await run(["--json", "loans", "import", csv]);
  expect(parsed<ImportSummary>(again)).toMatchObject({ created: 0, skipped: 3, failed: 4 });
  expect((await agentLoans()).length).toBe(before + 3);

  // fix the bad rows and run again: only they are requested; the report goes away
  const fixed = fs
    .readFileSync(csv, "utf8")
    .replace(",lots,", ",7000,")
    .replace(`L-5,${notCustomer.id},`, `L-5,${c1},`)
    .replace(",10.00,", ",10000.00,")
    .replace(`L-1,${c3},5000,12,ref used twice`, `L-7,${c3},5000,12,new ref`);
  fs.writeFileSync(csv, fixed);
  const third = await run(["loans", "import", csv]);
  expect(third.code).toBe(0);
  expect(third.stdout).toBe("");
  expect(third.stderr).toMatch(/Imported .*batch\.csv: 7 rows, 4 created, 0 failed, 3 skipped/);
  expect(third.stderr).toMatch(/import: 7\/7, 4 ok, 0 failed, 3 skipped/); // progress lines without a terminal
  expect(fs.existsSync(failedFile)).toBe(false);
  expect((await agentLoans()).length).toBe(before + 7);
});

test("without a ref column, rows are known by their content: inserting rows above moves nothing", async () => {
  const [c1, c2] = customers.map((c) => c.id);
  const csv = path.join(dir, "plain.csv");
  fs.writeFileSync(csv, `customer_id,principal,tenure_months\n${c1},30000,6\n${c1},30000,6\n${c2},40000,9\n`);
  const before = (await agentLoans()).length;
  expect(parsed<ImportSummary>(await run(["--json", "loans", "import", csv]))).toMatchObject({ created: 3, failed: 0 });
  fs.writeFileSync(csv, `customer_id,principal,tenure_months\n${c2},55000,18\n${c2},40000.00,9\n${c1},30000,6\n${c1},30000,6\n`);
  const rerun = parsed<ImportSummary>(await run(["--json", "loans", "import", csv, "--concurrency", "2"]));
  expect(rerun).toMatchObject({ created: 1, skipped: 3 });
  expect((await agentLoans()).length).toBe(before + 4);
});

test("a row a crash left pending is matched with the loan it became instead of being requested again", async () => {
  const c3 = customers[2]!.id;
  const csv = path.join(dir, "crash.csv");
  fs.writeFileSync(csv, `ref,customer_id,principal,tenure_months\nK-1,${c3},81000,30\nK-2,${c3},82000,30\n`);
  // as if loanctl had sent K-1's request, the server made the loan, and loanctl died before writing it down
  const startedAt = new Date(Date.now() - 1000).toISOString();
  const made = await agentClient.requestLoan({ customer_id: c3, principal: "81000.00", tenure_months: 30 });
  const key = planImport(fs.readFileSync(csv, "utf8")).rows[0]!.key!;
  const state: ImportStateData = {
    version: 1,
    api_url: stack.url,
    source: "crash.csv",
    done: {},
    pending: { [key]: { line: 2, started_at: startedAt, customer_id: c3, principal: "81000.00", tenure_months: 30 } },
  };
  fs.writeFileSync(`${csv}.loanctl-state.json`, JSON.stringify(state));
  // and its lock, from a process that is gone
  fs.writeFileSync(`${csv}.loanctl-state.json.lock`, "999999");
  const before = (await agentLoans()).length;

  const result = await run(["--json", "loans", "import", csv]);
  expect(result.code).toBe(0);
  const summary = parsed<ImportSummary>(result);
  expect(summary).toMatchObject({ created: 1, recovered: 1, skipped: 1, failed: 0 });
  expect(summary.loans).toEqual([
    { line: 2, ref: "K-1", loan_id: made.id },
    { line: 3, ref: "K-2", loan_id: expect.any(Number) },
  ]);
  expect((await agentLoans()).length).toBe(before + 1);
  expect(fs.existsSync(`${csv}.loanctl-state.json.lock`)).toBe(false);
});

(terminalAvailable() ? test : test.skip)("on a terminal the progress is a bar redrawn in place", async () => {
  const c1 = customers[0]!.id;
  const csv = path.join(dir, "tty.csv");
  const rows = Array.from({ length: 12 }, (_, i) => `T-${i},${c1},${5000 + i},12`);
  fs.writeFileSync(csv, ["ref,customer_id,principal,tenure_months", ...rows].join("\n"));
  const { code, output } = await loanctlOnTerminal(["loans", "import", csv], { XDG_CONFIG_HOME: home, LOANCTL_API_URL: stack.url });
  expect(code).toBe(0);
  expect(output).toContain("\r\u001b[K"); // redrawn in place
  expect(output).toMatch(/█+░*\s+\d+% import: \d+\/12/);
  expect(output).toMatch(/Imported .*tty\.csv: 12 rows, 12 created, 0 failed, 0 skipped/);
});

test("only an approved agent imports; a CSV without the needed columns is a usage error", async () => {
  const csv = path.join(dir, "cols.csv");
  fs.writeFileSync(csv, "customer,amount\n1,2\n");
  const columns = await run(["loans", "import", csv]);
  expect(columns.code).toBe(2);
  expect(columns.stderr).toMatch(/no customer_id, principal, tenure_months columns/);
  const missing = await run(["loans", "import", path.join(dir, "nope.csv")]);
  expect(missing.code).toBe(1);
  expect(missing.stderr).toMatch(/cannot read/);

  const adminHome = configHome();
  try {
    const env = { XDG_CONFIG_HOME: adminHome, LOANCTL_API_URL: stack.url };
    expect((await loanctl(["login", "--email", stack.admin.email], { env, input: `${stack.admin.password}\n` })).code).toBe(0);
    const denied = await loanctl(["loans", "import", csv], { env });
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(/needs an approved agent's login/);
  } finally {
    fs.rmSync(adminHome, { recursive: true, force: true });
  }
});
