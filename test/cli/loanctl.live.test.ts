/**
 * The real loanctl binary against a live gateway: exit statuses, --json, tables, the token
 * file, prompts answered through stdin, confirmations, NO_COLOR, and every command.
 * Each person signs in with a config directory of their own (XDG_CONFIG_HOME).
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { LoanClient, type Loan, type LoanSchedule, type Page, type Portfolio, type Repayment, type RepaymentsResponse, type User } from "../../sdk/index.js";
import { eventually } from "../support/eventually.js";
import { useStack } from "../support/fixture.js";
import { testClock } from "../support/clock.js";
import { configHome, loanctl, loanctlOnTerminal, parsed, requireBuild, terminalAvailable, type Result, type RunOptions } from "./loanctl.js";

// every command is a new node process: slow on a loaded machine
jest.setTimeout(120_000);

const PASSWORD = "password-123";
const { stack } = useStack({ clock: testClock });
let admin: LoanClient;
let n = 0;
const homes: string[] = [];

const uniqueEmail = (kind: string): string => `cli-${kind}-${process.pid}-${Date.now().toString(36)}-${++n}@example.com`;

/** loanctl as one person: their own config directory, the stack's URL from the environment. */
function person(): { home: string; run: (args: string[], options?: RunOptions) => Promise<Result> } {
  const home = configHome();
  homes.push(home);
  return {
    home,
    run: (args, options = {}) => loanctl(args, { ...options, env: { XDG_CONFIG_HOME: home, LOANCTL_API_URL: stack.url, ...options.env } }),
  };
}

function oneErrorLine(result: Result): void {
  const lines = result.stderr.trimEnd().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^error: /);
  expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
}

async function signupUser(kind: "customer" | "agent"): Promise<User> {
  return new LoanClient({ baseUrl: stack.url }).signup({
    email: uniqueEmail(kind),
    password: PASSWORD,
    first_name: "Cli",
    last_name: kind,
    is_customer: kind === "customer",
    is_agent: kind === "agent",
  });
}

/** An approved agent signed in through `loanctl login`. */
async function agentPerson(): Promise<ReturnType<typeof person> & { user: User }> {
  const user = await signupUser("agent");
  await admin.approveAgent(user.id);
  const p = person();
  const login = await p.run(["login", "--email", user.email, "--password-stdin"], { input: `${PASSWORD}\n` });
  expect(login.code).toBe(0);
  return { ...p, user };
}

async function customerPerson(): Promise<ReturnType<typeof person> & { user: User }> {
  const user = await signupUser("customer");
  const p = person();
  const login = await p.run(["login", "--email", user.email], { input: `${PASSWORD}\n` });
  expect(login.code).toBe(0);
  return { ...p, user };
}

const adminPerson = person;
let boss: ReturnType<typeof person>;

beforeAll(async () => {
  requireBuild();
  admin = new LoanClient({ baseUrl: stack.url });
  await admin.login(stack.admin);
  boss = adminPerson();
  const login = await boss.run(["login", "--email", stack.admin.email, "--password-stdin"], { input: `${stack.admin.password}\n` });
  expect(login).toMatchObject({ code: 0 });
});
afterAll(() => {
  for (const home of homes) fs.rmSync(home, { recursive: true, force: true });
});

describe("help and usage", () => {
  test("--help at every level, with examples; --version", async () => {
    const [root, loans, approve, version] = await Promise.all([loanctl(["--help"]), loanctl(["loans", "--help"]), loanctl(["loans", "approve", "--help"]), loanctl(["--version"])]);
    expect(root.code).toBe(0);
    expect(root.stdout).toMatch(/Usage: loanctl/);
    expect(root.stdout).toContain("Examples:");
    for (const command of ["signup", "login", "logout", "whoami", "passwd", "users", "customers", "admins", "approvals", "loans", "audit", "portfolio", "seed", "health", "repl", "sessions"]) {
      expect(root.stdout).toMatch(new RegExp(`^  ${command}\\b`, "m"));
    }
    for (const verb of ["request", "list", "show", "edit", "approve", "reject", "history", "import", "disburse", "schedule", "repay", "repayments"]) {
      expect(loans.stdout).toMatch(new RegExp(`^  ${verb}\\b`, "m"));
    }
    expect(approve.code).toBe(0);
    expect(approve.stdout).toContain("$ loanctl loans approve 42");
    expect(approve.stdout).toContain("--json"); // global options shown
    expect(version).toMatchObject({ code: 0, stdout: expect.stringMatching(/^\d+\.\d+\.\d+\n$/) });
  });

  test("usage errors exit 2 with the problem on stderr", async () => {
    const [noVerb, unknown, badId, badStatus, missing] = await Promise.all([
      loanctl(["loans"]),
      loanctl(["lons"]),
      loanctl(["loans", "show", "abc"]),
      loanctl(["loans", "list", "--status", "PAID"]),
      loanctl(["loans", "request", "--customer", "1"]),
    ]);
    expect(noVerb.code).toBe(2);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command 'lons'/);
    expect(unknown.stderr).toMatch(/Did you mean loans\?/);
    expect(badId.code).toBe(2);
    expect(badId.stderr).toMatch(/must be a positive integer/);
    expect(badStatus.code).toBe(2);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--principal/);
    expect(missing.stdout).toBe("");
  });
});

describe("login, whoami, logout", () => {
  test("signed out, commands that need a login exit 4 with one line", async () => {
    const p = person();
    const result = await p.run(["whoami"]);
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/not logged in: run `loanctl login`/);
    oneErrorLine(result);
  });

  test("login keeps the token in $XDG_CONFIG_HOME/loanctl/credentials.json, mode 0600", async () => {
    const file = path.join(boss.home, "loanctl", "credentials.json");
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    const stored = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
    expect(stored).toMatchObject({ apiUrl: stack.url, token: expect.any(String), refreshToken: expect.any(String), user: { email: stack.admin.email, role: "admin" } });
    expect(Date.parse(stored.refreshExpiresAt as string)).toBeGreaterThan(Date.parse(stored.expiresAt as string));
    expect(Date.parse(stored.expiresAt as string)).toBeGreaterThan(Date.now());
    expect(JSON.stringify(stored)).not.toContain(stack.admin.password);
  });

  test("whoami: a table for people, the user as JSON for scripts", async () => {
    // --json before or after the command
    const [table, before, after] = await Promise.all([boss.run(["whoami"]), boss.run(["--json", "whoami"]), boss.run(["whoami", "--json"])]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^Email +admin@loanstack\.test$/m);
    expect(table.stdout).toMatch(/^Role +admin$/m);
    expect(parsed<User>(before)).toMatchObject({ email: stack.admin.email, role: "admin" });
    expect(parsed<User>(after).role).toBe("admin");
  });

  test("the password is read from stdin when it is not a terminal; a wrong one exits 4, saves nothing", async () => {
    const customer = await signupUser("customer");
    const p = person();
    const [wrong, noInput, noEmail] = await Promise.all([
      p.run(["login", "--email", customer.email], { input: "not-the-password\n" }),
      p.run(["login", "--email", customer.email]),
      p.run(["login"], { input: `${PASSWORD}\n` }),
    ]);
    expect(wrong.code).toBe(4);
    oneErrorLine(wrong);
    expect(fs.existsSync(path.join(p.home, "loanctl", "credentials.json"))).toBe(false);
    expect(noInput.code).toBe(2);
    expect(noInput.stderr).toMatch(/expected the password on stdin/);
    expect(noEmail.code).toBe(2);
    expect(noEmail.stderr).toMatch(/--email is required/);
    const right = await p.run(["--json", "login", "--email", customer.email], { input: `${PASSWORD}\n` });
    expect(right.code).toBe(0);
    expect(parsed<{ user: User; expires_at: string }>(right)).toMatchObject({ user: { id: customer.id }, api_url: stack.url });
    expect(right.stdout).not.toContain("token");
  });

  test("a token is never sent to another server; an expired one asks for a new login", async () => {
    const other = await boss.run(["whoami", "--api-url", "http://127.0.0.1:9"]);
    expect(other.code).toBe(4);
    expect(other.stderr).toMatch(/not logged in to http:\/\/127\.0\.0\.1:9/);
    const p = person();
    fs.mkdirSync(path.join(p.home, "loanctl"), { recursive: true });
    const stored = JSON.parse(fs.readFileSync(path.join(boss.home, "loanctl", "credentials.json"), "utf8")) as Record<string, unknown>;
    // A file of before sessions (no refresh token) whose token expired; then one whose session expired.
    const { refreshToken: _spare, refreshExpiresAt: _until, ...withoutRefresh } = stored;
    fs.writeFileSync(path.join(p.home, "loanctl", "credentials.json"), JSON.stringify({ ...withoutRefresh, expiresAt: "2001-01-01T00:00:00Z" }), { mode: 0o600 });
    const expired = await p.run(["whoami"]);
    expect(expired.code).toBe(4);
    expect(expired.stderr).toMatch(/session has expired/);
    fs.writeFileSync(path.join(p.home, "loanctl", "credentials.json"), JSON.stringify({ ...stored, expiresAt: "2001-01-01T00:00:00Z", refreshExpiresAt: "2001-01-02T00:00:00Z" }), { mode: 0o600 });
    const ended = await p.run(["whoami"]);
    expect(ended.code).toBe(4);
    expect(ended.stderr).toMatch(/session has expired/);
  });

  test("logout removes the file; logging out twice is fine", async () => {
    const p = await customerPerson();
    const file = path.join(p.home, "loanctl", "credentials.json");
    expect(fs.existsSync(file)).toBe(true);
    const out = await p.run(["logout"]);
    expect(out.code).toBe(0);
    expect(out.stderr).toMatch(/Logged out/);
    expect(fs.existsSync(file)).toBe(false);
    const again = await p.run(["--json", "logout"]);
    expect(again.code).toBe(0);
    expect(parsed(again)).toEqual({ logged_out: false, session_ended: false });
    expect((await p.run(["whoami"])).code).toBe(4);
  });

  test("the API cannot be reached: exit 3 and a hint", async () => {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const result = await loanctl(["--api-url", `http://127.0.0.1:${port}`, "login", "--email", "a@b.c"], { input: "whatever-pass\n" });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/cannot reach the API at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
    oneErrorLine(result);
  });
});

describe("accounts", () => {
  test("signup: a customer with the password on stdin; an agent with --password-stdin", async () => {
    const p = person();
    const email = uniqueEmail("customer");
    const customer = await p.run(["--json", "signup", "--role", "customer", "--email", email, "--first-name", "Ana", "--last-name", "Diaz"], {
      input: `${PASSWORD}\n`,
    });
    expect(customer.code).toBe(0);
    expect(parsed<User>(customer)).toMatchObject({ email, role: "customer", is_approved: true, first_name: "Ana" });

    const agentEmail = uniqueEmail("agent");
    const agent = await p.run(["signup", "--role", "agent", "--email", agentEmail, "--first-name", "Bo", "--last-name", "Li", "--password-stdin"], {
      input: `${PASSWORD}\n`,
    });
    expect(agent.code).toBe(0);
    expect(agent.stdout).toMatch(/^Approved +pending$/m);
    expect(agent.stderr).toMatch(/an admin must approve/);

    const [duplicate, short, noRole] = await Promise.all([
      p.run(["signup", "--role", "customer", "--email", email, "--first-name", "A", "--last-name", "B"], { input: `${PASSWORD}\n` }),
      p.run(["signup", "--role", "customer", "--email", uniqueEmail("c"), "--first-name", "A", "--last-name", "B"], { input: "short\n" }),
      p.run(["signup", "--email", uniqueEmail("c"), "--first-name", "A", "--last-name", "B"], { input: `${PASSWORD}\n` }),
    ]);
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toMatch(/HTTP 409/);
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/8 to 72 characters/);
    expect(noRole.code).toBe(2);
    expect(noRole.stderr).toMatch(/--role is required/);
  });

  test("approvals list|approve, then the agent logs in", async () => {
    const agent = await signupUser("agent");
    const list = await boss.run(["approvals", "list", "--page-size", "100"]);
    expect(list.code).toBe(0);
    expect(list.stdout.split("\n")[0]).toMatch(/^ *ID {2}EMAIL +NAME +ROLE +APPROVED +CREATED \(UTC\)$/);
    expect(list.stdout).toMatch(new RegExp(`^ *${agent.id}  ${agent.email.replace(/\./g, "\\.")} +Cli agent +agent +pending`, "m"));
    const approved = await boss.run(["--json", "approvals", "approve", String(agent.id)]);
    expect(approved.code).toBe(0);
    expect(parsed<User>(approved)).toMatchObject({ id: agent.id, is_approved: true });
    const p = person();
    expect((await p.run(["login", "--email", agent.email], { input: `${PASSWORD}\n` })).code).toBe(0);
  });

  test("approvals reject asks for confirmation: without a terminal it needs --yes", async () => {
    const agent = await signupUser("agent");
    const refused = await boss.run(["approvals", "reject", String(agent.id)]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/refusing to remove agent \d+ without confirmation: pass --yes/);
    expect((await admin.listApprovals({ pageSize: 100 })).rows.map((u) => u.id)).toContain(agent.id);
    const done = await boss.run(["approvals", "reject", String(agent.id), "--yes"]);
    expect(done.code).toBe(0);
    expect(done.stderr).toMatch(/Removed agent/);
    expect((await admin.listApprovals({ pageSize: 100 })).rows.map((u) => u.id)).not.toContain(agent.id);
    const gone = await boss.run(["approvals", "reject", String(agent.id), "-y"]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/HTTP 404/);
  });

  test("users list (admin) filters by role; customers list (agent); a customer may not list users", async () => {
    const customer = await signupUser("customer");
    const [agent, someone] = await Promise.all([agentPerson(), customerPerson()]);
    const [usersJson, table, customersJson, denied] = await Promise.all([
      boss.run(["--json", "users", "list", "--role", "customer", "--page-size", "100"]),
      boss.run(["users", "list", "--page-size", "1"]),
      agent.run(["--json", "customers", "list", "--page-size", "100"]),
      someone.run(["users", "list"]),
    ]);
    const users = parsed<Page<User>>(usersJson);
    expect(users.rows.map((u) => u.id)).toContain(customer.id);
    expect(users.rows.every((u) => u.role === "customer")).toBe(true);
    expect(table.stdout.trimEnd().split("\n")).toHaveLength(2);
    expect(table.stderr).toMatch(/Page 1 of \d+, \d+ users in all \(next: --page 2\)/);
    const customers = parsed<Page<User>>(customersJson);
    expect(customers.rows.map((u) => u.id)).toContain(customer.id);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(/HTTP 403/);
  });

  test("admins create reads the new admin's password from stdin", async () => {
    const email = uniqueEmail("admin");
    const created = await boss.run(["--json", "admins", "create", "--email", email, "--first-name", "Olu", "--last-name", "Ade"], { input: `${PASSWORD}\n` });
    expect(created.code).toBe(0);
    expect(parsed<User>(created)).toMatchObject({ email, role: "admin" });
    await expect(new LoanClient({ baseUrl: stack.url }).login({ email, password: PASSWORD })).resolves.toBeTruthy();
  });

  test("passwd reads the current and the new password, one line each", async () => {
    const p = await customerPerson();
    const wrong = await p.run(["passwd"], { input: "not-current-1\nnew-password-1\n" });
    expect(wrong.code).not.toBe(0);
    oneErrorLine(wrong);
    const changed = await p.run(["passwd", "--password-stdin"], { input: `${PASSWORD}\nnew-password-1\n` });
    expect(changed.code).toBe(0);
    expect(changed.stderr).toMatch(/Password changed/);
    await expect(new LoanClient({ baseUrl: stack.url }).login({ email: p.user.email, password: "new-password-1" })).resolves.toBeTruthy();
  });
});

describe("loans", () => {
  let agent: Awaited<ReturnType<typeof agentPerson>>;
  let customer: Awaited<ReturnType<typeof customerPerson>>;

  beforeAll(async () => {
    [agent, customer] = await Promise.all([agentPerson(), customerPerson()]);
  });

  const request = async (principal = "250000", tenure = "24"): Promise<Loan> =>
    parsed<Loan>(await agent.run(["--json", "loans", "request", "--customer", String(customer.user.id), "--principal", principal, "--tenure", tenure]));

  test("request: a record for people, the loan as JSON", async () => {
    const human = await agent.run(["loans", "request", "--customer", String(customer.user.id), "--principal", "250,000", "--tenure", "24"]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^Principal +250000\.00$/m);
    expect(human.stdout).toMatch(/^EMI +11768\.37$/m);
    expect(human.stdout).toMatch(/^Status +NEW$/m);
    expect(human.stderr).toMatch(/Requested loan \d+: EMI 11768\.37 over 24 months at 12\.00 %/);
    const loan = await request("60000", "12");
    expect(loan).toMatchObject({ principal: "60000.00", status: "NEW", customer_id: customer.user.id });
    const invalid = await agent.run(["loans", "request", "--customer", String(customer.user.id), "--principal", "10", "--tenure", "12"]);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/principal/);
    oneErrorLine(invalid);
  });

  test("list: an aligned table, --status and paging; JSON is the API's page", async () => {
    const loan = await request();
    const table = await agent.run(["loans", "list", "--status", "NEW", "--page-size", "100"]);
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^ *ID {2}CUSTOMER +AGENT +PRINCIPAL {2}RATE % {2}MONTHS +EMI {2}STATUS {2}VER {2}CREATED \(UTC\)$/);
    const row = lines.find((line) => new RegExp(`^ *${loan.id}  `).test(line))!;
    expect(row).toMatch(/250000\.00 +12\.00 +24 +11768\.37 +NEW +1 +\d{4}-\d\d-\d\d \d\d:\d\d$/);
    // right-aligned numbers end in the same column as their header
    expect(row.indexOf("250000.00") + "250000.00".length).toBe(lines[0]!.indexOf("PRINCIPAL") + "PRINCIPAL".length);
    const page = parsed<Page<Loan>>(await agent.run(["--json", "loans", "list", "--status", "NEW", "--page", "1", "--page-size", "2"]));
    expect(page).toMatchObject({ page: 1, pageSize: 2 });
    expect(page.total).toBeGreaterThan(0); // the loan requested above at least
    expect(page.rows).toHaveLength(Math.min(2, page.total));
    expect(page.rows.every((l) => l.status === "NEW")).toBe(true);
    const mine = parsed<Page<Loan>>(await customer.run(["--json", "loans", "list"]));
    expect(mine.rows.length).toBeGreaterThan(0);
    expect(mine.rows.every((l) => l.customer_id === customer.user.id)).toBe(true);
  });

  test("show, edit, history", async () => {
    const [loan, fresh] = await Promise.all([request(), request()]);
    const [shown, editedRun, nothing, none, missing] = await Promise.all([
      customer.run(["loans", "show", String(loan.id)]),
      agent.run(["--json", "loans", "edit", String(loan.id), "--principal", "600000", "--tenure", "36"]),
      agent.run(["loans", "edit", String(loan.id)]),
      agent.run(["loans", "history", String(fresh.id)]),
      agent.run(["loans", "show", "99999999"]),
    ]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(new RegExp(`^ID +${loan.id}$`, "m"));
    expect(parsed<Loan>(editedRun)).toMatchObject({ version: 2, principal: "600000.00", interest_rate: "10.50" });
    expect(nothing.code).toBe(2);
    expect(none).toMatchObject({ code: 0, stdout: "" });
    expect(none.stderr).toMatch(/has not been edited/);
    const history = await agent.run(["loans", "history", String(loan.id)]);
    expect(history.code).toBe(0);
    expect(history.stdout).toMatch(/^VERSION +PRINCIPAL/);
    expect(history.stdout).toMatch(/^ +1 +250000\.00 +12\.00 +24 +11768\.37 +NEW/m);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/HTTP 404/);
    oneErrorLine(missing);
  });

  test("approve; reject needs --yes without a terminal; a second decision exits 1 (409)", async () => {
    const [first, second] = await Promise.all([request(), request()]);
    const [approved, refused] = await Promise.all([boss.run(["loans", "approve", String(first.id)]), boss.run(["loans", "reject", String(second.id)])]);
    expect(approved.code).toBe(0);
    expect(approved.stderr).toMatch(new RegExp(`Loan ${first.id} approved`));
    expect(approved.stdout).toMatch(/^Status +APPROVED$/m);

    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/refusing to reject loan \d+ without confirmation: pass --yes/);
    expect((await admin.getLoan(second.id)).status).toBe("NEW");
    const rejected = parsed<Loan>(await boss.run(["--json", "loans", "reject", String(second.id), "--yes"]));
    expect(rejected.status).toBe("REJECTED");

    const [again, notAdmin] = await Promise.all([boss.run(["loans", "approve", String(first.id)]), customer.run(["loans", "approve", String(second.id)])]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/HTTP 409/);
    oneErrorLine(again);
    expect(notAdmin.code).toBe(1);
    expect(notAdmin.stderr).toMatch(/HTTP 403/);
  });

  test("colour only when asked for on a pipe (FORCE_COLOR), never with NO_COLOR or --no-color", async () => {
    await request();
    const [coloured, plain, noColor, flag, error] = await Promise.all([
      agent.run(["loans", "list"], { env: { FORCE_COLOR: "1" } }),
      agent.run(["loans", "list"]),
      agent.run(["loans", "list"], { env: { FORCE_COLOR: "1", NO_COLOR: "1" } }),
      agent.run(["--no-color", "loans", "list"], { env: { FORCE_COLOR: "1" } }),
      agent.run(["loans", "show", "99999999"], { env: { FORCE_COLOR: "1", NO_COLOR: "1" } }),
    ]);
    expect(coloured.stdout).toContain("\u001b[");
    expect(plain.stdout).not.toContain("\u001b[");
    expect(noColor.stdout).not.toContain("\u001b[");
    expect(flag.stdout).not.toContain("\u001b[");
    expect(error.stderr).not.toContain("\u001b[");
  });
});

describe("servicing", () => {
  let agent: Awaited<ReturnType<typeof agentPerson>>;
  let customer: Awaited<ReturnType<typeof customerPerson>>;
  let requester: LoanClient;

  beforeAll(async () => {
    [agent, customer] = await Promise.all([agentPerson(), customerPerson()]);
    requester = new LoanClient({ baseUrl: stack.url });
    await requester.login({ email: agent.user.email, password: PASSWORD });
  });

  /** Requested by the agent and approved by the admin through the SDK: the CLI's part comes after. */
  const approvedLoan = async (principal = "250000.00", tenure = 24): Promise<Loan> => {
    const requested = await requester.requestLoan({ customer_id: customer.user.id, principal, tenure_months: tenure });
    return admin.decideLoan(requested.id, { status: "APPROVED" });
  };

  test("disburse, schedule, repay, repayments: records and tables for people, the API's JSON for scripts", async () => {
    const loan = await approvedLoan();
    const disbursed = await boss.run(["loans", "disburse", String(loan.id), "--on", "2026-01-31"]);
    expect(disbursed.code).toBe(0);
    expect(disbursed.stdout).toMatch(/^Status +ACTIVE$/m);
    expect(disbursed.stdout).toMatch(/^Disbursed on +2026-01-31$/m);
    expect(disbursed.stderr).toContain(`Loan ${loan.id} disbursed on 2026-01-31: first installment due 2026-02-28`);

    const table = await customer.run(["loans", "schedule", String(loan.id), "--as-of", "2026-02-01"]);
    expect(table.code).toBe(0);
    const lines = table.stdout.split("\n");
    expect(lines[0]).toBe(`Loan ${loan.id}, disbursed 2026-01-31; as of 2026-02-01`);
    expect(lines[1]).toMatch(/^ *# +DUE +INSTALLMENT +PRINCIPAL +INTEREST +BALANCE +PAID PRINCIPAL +PAID INTEREST +STATUS$/);
    expect(table.stdout).toMatch(/^ +1 +2026-02-28 +11768\.37 +9268\.37 +2500\.00 +240731\.63 +0\.00 +0\.00 +DUE$/m);
    expect(table.stdout).toMatch(/^24 +2028-01-31 +11768\.33 +11651\.81 +116\.52 +0\.00 +0\.00 +0\.00 +DUE$/m);
    expect(table.stdout).toMatch(/^Total +282440\.84 \(principal 250000\.00, interest 32440\.84\)$/m);

    const paid = await agent.run(["loans", "repay", String(loan.id), "--amount", "11768.37", "--on", "2026-02-28"]);
    expect(paid.code).toBe(0);
    expect(paid.stdout).toMatch(/^Principal +9268\.37$/m);
    expect(paid.stderr).toMatch(new RegExp(`Recorded repayment \\d+ of loan ${loan.id}: 11768\\.37 \\(principal 9268\\.37, interest 2500\\.00\\)`));
    expect(paid.stderr).toMatch(new RegExp(`Loan ${loan.id}: outstanding principal 240731\\.63, interest 29940\\.84; next due 2026-03-31, 76 days past due`));
    const part = parsed<Repayment>(await agent.run(["--json", "loans", "repay", String(loan.id), "--amount", "5000", "--on", "2026-03-10"]));
    expect(part).toMatchObject({ loan_id: loan.id, amount: "5000.00", principal_part: "2592.68", interest_part: "2407.32", paid_on: "2026-03-10" });

    const schedule = parsed<LoanSchedule>(await boss.run(["--json", "loans", "schedule", String(loan.id), "--as-of", "2026-05-15"]));
    expect(schedule).toMatchObject({ overdue_amount: "18536.74", days_past_due: 45, next_due_date: "2026-03-31" });
    expect(schedule.rows).toHaveLength(24);

    const list = await customer.run(["loans", "repayments", String(loan.id)]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^ *ID +PAID ON +AMOUNT +PRINCIPAL +INTEREST +INSTALLMENTS +RECORDED BY +RECORDED \(UTC\)$/m);
    expect(list.stdout).toMatch(/2026-02-28 +11768\.37 +9268\.37 +2500\.00 +1 /);
    expect(list.stdout).toMatch(/2026-03-10 +5000\.00 +2592\.68 +2407\.32 +2 /);
    const rows = parsed<RepaymentsResponse>(await agent.run(["--json", "loans", "repayments", String(loan.id)])).rows;
    expect(rows.map((r) => r.amount)).toEqual(["11768.37", "5000.00"]);

    const overdue = parsed<Page<Loan>>(await agent.run(["--json", "loans", "list", "--overdue", "--as-of", "2026-05-15", "--page-size", "100"]));
    expect(overdue.rows.find((l) => l.id === loan.id)).toMatchObject({ days_past_due: 45 });
    const arrears = await agent.run(["loans", "list", "--overdue", "--as-of", "2026-05-15", "--page-size", "100"]);
    expect(arrears.stdout).toMatch(/^ *ID +CUSTOMER +PRINCIPAL +OUTSTANDING PRINCIPAL +OUTSTANDING INTEREST +OLDEST UNPAID DUE +DAYS PAST DUE$/m);
    expect(arrears.stdout).toMatch(new RegExp(`^ *${loan.id} +${customer.user.id} Cli customer +250000\\.00 +238138\\.95 +27533\\.52 +2026-03-31 +45$`, "m"));
  });

  test("the last payment closes the loan; what may not be done exits 1 with the reason, bad arguments exit 2", async () => {
    const loan = await approvedLoan("1000.00", 1);
    expect((await boss.run(["loans", "disburse", String(loan.id)])).code).toBe(0);
    const [asCustomer, tooMuch, badAmount, badDate, future, twice] = await Promise.all([
      customer.run(["loans", "repay", String(loan.id), "--amount", "10"]),
      agent.run(["loans", "repay", String(loan.id), "--amount", "1011.68"]),
      agent.run(["loans", "repay", String(loan.id), "--amount", "1.234"]),
      agent.run(["loans", "repay", String(loan.id), "--amount", "1", "--on", "2026-02-30"]),
      agent.run(["loans", "repay", String(loan.id), "--amount", "1", "--on", "2999-01-01"]),
      boss.run(["loans", "disburse", String(loan.id)]),
    ]);
    expect(asCustomer.code).toBe(1);
    expect(asCustomer.stderr).toMatch(/HTTP 403/);
    oneErrorLine(asCustomer);
    expect(tooMuch.code).toBe(1);
    expect(tooMuch.stderr).toMatch(/amount/);
    expect(tooMuch.stderr).toMatch(/1011\.67/);
    expect(badAmount.code).toBe(2);
    expect(badDate.code).toBe(2);
    expect(future.code).toBe(1);
    expect(future.stderr).toMatch(/paid_on/);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(/HTTP 409/);
    const last = await agent.run(["loans", "repay", String(loan.id), "--amount", "1011.67"]);
    expect(last.code).toBe(0);
    expect(last.stderr).toContain(`Loan ${loan.id} is paid off and CLOSED`);
    const again = await agent.run(["loans", "repay", String(loan.id), "--amount", "1"]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/HTTP 409/);
    expect(again.stderr).toMatch(/CLOSED/);
  });

  test("portfolio: the book for an admin, refused to others", async () => {
    const [human, json, refused] = await Promise.all([boss.run(["portfolio"]), boss.run(["--json", "portfolio", "--as-of", "2026-05-15"]), agent.run(["portfolio"])]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^ACTIVE loans +\d+$/m);
    expect(human.stdout).toMatch(/^PAR30 +\d+\.\d\d %$/m);
    const book = parsed<Portfolio>(json);
    expect(book).toMatchObject({ as_of: "2026-05-15", active_outstanding_principal: expect.stringMatching(/^\d+\.\d\d$/) });
    // The figures loanctl prints are the server's, to the cent: no loan is written meanwhile.
    expect(book).toEqual(await admin.portfolio({ as_of: "2026-05-15" }));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/HTTP 403/);
  });
});

describe("audit", () => {
  test("audit list shows a loan's events (admin); others are refused", async () => {
    const agent = await agentPerson();
    const customer = await signupUser("customer");
    const loan = parsed<Loan>(await agent.run(["--json", "loans", "request", "--customer", String(customer.id), "--principal", "7000", "--tenure", "6"]));
    expect((await boss.run(["loans", "approve", String(loan.id)])).code).toBe(0);
    // fed asynchronously: wait for both events
    await eventually(async () => expect((await admin.listAuditEvents({ entity: "loan", entity_id: loan.id })).total).toBeGreaterThanOrEqual(2), { what: "the loan's two audit events" });
    const [table, json, denied, usage] = await Promise.all([
      boss.run(["audit", "list", "--entity", "loan", "--entity-id", String(loan.id)]),
      boss.run(["--json", "audit", "list", "--event", "loan.decided", "--page-size", "100"]),
      agent.run(["audit", "list"]),
      boss.run(["audit", "list", "--entity", "invoice"]),
    ]);
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^ *ID {2}OCCURRED \(UTC\) +EVENT +ENTITY +BY$/);
    expect(lines.slice(1).map((l) => /(loan\.\w+)/.exec(l)?.[1])).toEqual(["loan.created", "loan.decided"]);
    expect(lines[1]).toContain(`loan ${loan.id}`);
    const page = parsed<Page<{ event: string; entity_id: number }>>(json);
    expect(page.rows.map((e) => e.entity_id)).toContain(loan.id);
    expect(page.rows.every((e) => e.event === "loan.decided")).toBe(true);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(/HTTP 403/);
    expect(usage.code).toBe(2);
  });
});

describe("seed", () => {
  test("an admin seeds customers, approved agents and loans; others may not", async () => {
    const before = (await admin.listLoans()).total;
    const result = await boss.run(["--json", "seed", "--customers", "3", "--agents", "2", "--loans", "5"]);
    expect(result.code).toBe(0);
    const seeded = parsed<{ customers: { id: number }[]; agents: { id: number }[]; loans: { id: number }[]; password: string }>(result);
    expect(seeded.customers).toHaveLength(3);
    expect(seeded.agents).toHaveLength(2);
    expect(seeded.loans).toHaveLength(5);
    expect((await admin.listLoans()).total).toBe(before + 5);
    const agentIds = new Set(seeded.agents.map((a) => a.id));
    for (const { id } of seeded.loans) expect(agentIds.has((await admin.getLoan(id)).agent_id)).toBe(true);
    expect(result.stderr).toMatch(/customers: 3\/3, 3 ok, 0 failed/); // progress lines without a terminal

    const human = await boss.run(["seed", "--customers", "1", "--agents", "0", "--loans", "0"]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^CREATED +COUNT$/m);
    expect(human.stderr).toMatch(/password: Demo-/);

    const customer = await customerPerson();
    const denied = await customer.run(["seed"]);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(/needs an admin's login/);
  });
});

// a real terminal through util-linux `script`; skipped where it is missing
const onTerminal = terminalAvailable() ? describe : describe.skip;
onTerminal("on a terminal", () => {
  test("login asks for the email (echoed) and the password (never shown)", async () => {
    const customer = await signupUser("customer");
    const p = person();
    const { code, output } = await loanctlOnTerminal(["login"], { XDG_CONFIG_HOME: p.home, LOANCTL_API_URL: stack.url }, [
      ["Email: ", `${customer.email}\r`],
      ["Password: ", `${PASSWORD}\r`],
    ]);
    expect(code).toBe(0);
    expect(output).toContain(customer.email);
    expect(output).not.toContain(PASSWORD);
    expect(output).toMatch(/Logged in to .* as .* \(customer\)/);
    expect(fs.existsSync(path.join(p.home, "loanctl", "credentials.json"))).toBe(true);
  });

  test("a destructive command asks [y/N]: no cancels, yes goes on; tables are coloured unless NO_COLOR", async () => {
    const agent = await agentPerson();
    const customer = await signupUser("customer");
    const loan = parsed<Loan>(await agent.run(["--json", "loans", "request", "--customer", String(customer.id), "--principal", "5000", "--tenure", "12"]));
    const env = { XDG_CONFIG_HOME: boss.home, LOANCTL_API_URL: stack.url };
    const question = `Reject loan ${loan.id}? This cannot be undone. [y/N] `;
    const declined = await loanctlOnTerminal(["loans", "reject", String(loan.id)], env, [[question, "n\r"]]);
    expect(declined.code).toBe(1);
    expect(declined.output).toMatch(/\[y\/N\] n\r?\ncancelled\r?\n/); // what the user chose, not an error
    expect(declined.output).not.toContain("error:");
    expect((await admin.getLoan(loan.id)).status).toBe("NEW");
    const accepted = await loanctlOnTerminal(["loans", "reject", String(loan.id)], env, [[question, "y\r"]]);
    expect(accepted.code).toBe(0);
    expect((await admin.getLoan(loan.id)).status).toBe("REJECTED");
    expect(accepted.output).toContain("\u001b[31mREJECTED\u001b[39m");
    const plain = await loanctlOnTerminal(["loans", "show", String(loan.id)], { ...env, NO_COLOR: "1" });
    expect(plain.code).toBe(0);
    expect(plain.output).toMatch(/Status +REJECTED/);
    expect(plain.output).not.toContain("\u001b[");
  });
});

describe("repl", () => {
  test("loads the services' REPL only when run; without TRANSPORTER it says what is missing", async () => {
    const result = await loanctl(["repl"], { env: { TRANSPORTER: "" } });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: the REPL joins a running loanstack cluster through TRANSPORTER/);
    oneErrorLine(result);
  });

  test("without the services beside the CLI it says so clearly", async () => {
    // a copy of the CLI and the SDK alone, as if the services were not installed
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "loanctl-alone-"));
    homes.push(dir);
    const dist = path.resolve(__dirname, "../../dist");
    fs.cpSync(path.join(dist, "cli"), path.join(dir, "dist/cli"), { recursive: true });
    fs.cpSync(path.join(dist, "sdk"), path.join(dir, "dist/sdk"), { recursive: true });
    fs.symlinkSync(path.resolve(__dirname, "../../node_modules"), path.join(dir, "node_modules"), "dir");
    const result = spawnSync(process.execPath, [path.join(dir, "dist/cli/loanctl.js"), "repl"], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^error: loanctl repl needs the services of loanstack/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

// last: it takes the loans service down
describe("health", () => {
  test("ok with both services; degraded (exit 1) when one is down", async () => {
    const ok = await loanctl(["health"], { env: { LOANCTL_API_URL: stack.url } });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^Status +ok$/m);
    const loans = stack.broker.getLocalService("loans");
    await stack.broker.destroyService(loans!);
    const degraded = await loanctl(["--json", "health"], { env: { LOANCTL_API_URL: stack.url } });
    expect(degraded.code).toBe(1);
    expect(parsed(degraded)).toEqual({ api_url: stack.url, status: "degraded", services: ["users"] });
    expect(degraded.stderr).toMatch(/degraded: only users answering/);
  });
});
