/**
 * The real loanctl binary against a live gateway: people by name beside their ids in tables
 * (loans list|show|history, repayments, audit, limits), the bare id where the caller may not
 * read that person (an agent reading an agent) or they are gone (a deleted agent), --json
 * unchanged; and `users search` (table, --json, paging, 2 characters at least, who may) with
 * `loanctl help users search`.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import { LoanClient, type Loan, type Page, type User } from "../../sdk/index.js";
import { eventually } from "../support/eventually.js";
import { useStack } from "../support/fixture.js";
import { configHome, loanctl, parsed, requireBuild, type Result, type RunOptions } from "./loanctl.js";

jest.setTimeout(120_000);

const PASSWORD = "password-123";
const { stack } = useStack();
/** Letters only, unique to this run: the last name of everyone of this file ends with it. */
const TAG = `N${crypto
  .randomBytes(5)
  .toString("hex")
  .replace(/\d/g, (d) => "abcdefghij"[Number(d)]!)}`;
const homes: string[] = [];
let admin: LoanClient;

interface Person {
  user: User;
  run: (args: string[], options?: RunOptions) => Promise<Result>;
}

function configured(): Person["run"] {
  const home = configHome();
  homes.push(home);
  return (args, options = {}) => loanctl(args, { ...options, env: { XDG_CONFIG_HOME: home, LOANCTL_API_URL: stack.url, ...options.env } });
}

async function signedIn(kind: "customer" | "agent", first_name: string, last: string): Promise<Person> {
  const user = await new LoanClient({ baseUrl: stack.url }).signup({
    email: `${first_name.toLowerCase()}.${TAG.toLowerCase()}@example.com`,
    password: PASSWORD,
    first_name,
    last_name: `${last}${TAG}`,
    is_customer: kind === "customer",
    is_agent: kind === "agent",
  });
  if (kind === "agent") await admin.approveAgent(user.id);
  const run = configured();
  expect((await run(["login", "--email", user.email, "--password-stdin"], { input: `${PASSWORD}\n` })).code).toBe(0);
  return { user, run };
}

let boss: Person;
let ada: Person;
let grace: Person;
let alan: Person;
/** An agent removed after requesting a loan: their id names nobody any more. */
let gone: User;
let loan: Loan;
let orphan: Loan;

const label = (p: { user: User } | User) => {
  const u = "user" in p ? p.user : p;
  return `${u.id} ${u.first_name} ${u.last_name}`;
};

beforeAll(async () => {
  requireBuild();
  admin = new LoanClient({ baseUrl: stack.url });
  const login = await admin.login(stack.admin);
  boss = { user: login.user, run: configured() };
  expect((await boss.run(["login", "--email", stack.admin.email, "--password-stdin"], { input: `${stack.admin.password}\n` })).code).toBe(0);
  [ada, grace, alan] = await Promise.all([signedIn("customer", "Ada", "Lovelace"), signedIn("customer", "Grace", "Hopper"), signedIn("agent", "Alan", "Turing")]);

  loan = parsed<Loan>(await alan.run(["--json", "loans", "request", "--customer", String(ada.user.id), "--principal", "250000", "--tenure", "24"]));
  expect((await alan.run(["loans", "edit", String(loan.id), "--tenure", "12"])).code).toBe(0);
  expect((await boss.run(["loans", "approve", String(loan.id)])).code).toBe(0);
  expect((await boss.run(["loans", "disburse", String(loan.id), "--on", "2026-01-31"])).code).toBe(0);
  expect((await alan.run(["loans", "repay", String(loan.id), "--amount", "5000", "--on", "2026-02-10"])).code).toBe(0);

  const goneAgent = await signedIn("agent", "Gone", "Away");
  gone = goneAgent.user;
  orphan = parsed<Loan>(await goneAgent.run(["--json", "loans", "request", "--customer", String(grace.user.id), "--principal", "5000", "--tenure", "6"]));
  await admin.deleteAgent(gone.id);
});
afterAll(() => {
  for (const home of homes) fs.rmSync(home, { recursive: true, force: true });
});

/** The line of a table that starts with this id. */
function rowOf(result: Result, id: number): string {
  expect(result.code).toBe(0);
  const row = result.stdout.split("\n").find((line) => new RegExp(`^ *${id}  `).test(line));
  if (!row) throw new Error(`no row ${id} in:\n${result.stdout}\n${result.stderr}`);
  return row;
}

describe("names beside ids", () => {
  test("loans list (admin): CUSTOMER and AGENT by name; --json keeps the API's ids", async () => {
    const table = await boss.run(["loans", "list", "--page-size", "100"]);
    expect(rowOf(table, loan.id)).toMatch(new RegExp(`^ *${loan.id} {2}${label(ada)} +${label(alan)} +250000\\.00 `));
    // A deleted agent: the lookup answers 404, the id stays, the command does not fail.
    expect(rowOf(table, orphan.id)).toMatch(new RegExp(`^ *${orphan.id} {2}${label(grace)} +${gone.id} +5000\\.00 `));
    expect(table.stderr).toBe("");

    const json = parsed<Page<Loan>>(await boss.run(["--json", "loans", "list", "--page-size", "100"]));
    const row = json.rows.find((l) => l.id === loan.id)!;
    expect(row.customer_id).toBe(ada.user.id);
    expect(row.agent_id).toBe(alan.user.id);
    expect(JSON.stringify(json)).not.toContain("Lovelace");
  });

  test("loans list (agent): customers by name, agents bare (an agent may not read an agent: 403), exit 0", async () => {
    const table = await alan.run(["loans", "list", "--page-size", "100"]);
    expect(rowOf(table, loan.id)).toMatch(new RegExp(`^ *${loan.id} {2}${label(ada)} +${alan.user.id} +250000\\.00 `));
    expect(table.stderr).toBe("");
  });

  test("loans list (customer): their own name; the agent bare", async () => {
    const table = await ada.run(["loans", "list"]);
    expect(rowOf(table, loan.id)).toMatch(new RegExp(`^ *${loan.id} {2}${label(ada)} +${alan.user.id} +250000\\.00 `));
  });

  test("loans show: Customer, Agent and Decided by; --json unchanged", async () => {
    const shown = await boss.run(["loans", "show", String(loan.id)]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(new RegExp(`^Customer +${label(ada)}$`, "m"));
    expect(shown.stdout).toMatch(new RegExp(`^Agent +${label(alan)}$`, "m"));
    expect(shown.stdout).toMatch(new RegExp(`^Decided by +${boss.user.id} ${boss.user.first_name} ${boss.user.last_name}$`, "m"));
    expect(parsed<Loan>(await boss.run(["--json", "loans", "show", String(loan.id)]))).toMatchObject({ customer_id: ada.user.id, agent_id: alan.user.id, decided_by: boss.user.id });
  });

  test("loans history: EDITED BY; loans repayments: RECORDED BY", async () => {
    const history = await boss.run(["loans", "history", String(loan.id)]);
    expect(history.code).toBe(0);
    expect(history.stdout).toMatch(/EDITED BY/);
    expect(history.stdout).toContain(label(alan));
    const repayments = await boss.run(["loans", "repayments", String(loan.id)]);
    expect(repayments.code).toBe(0);
    expect(repayments.stdout).toMatch(/RECORDED BY/);
    expect(repayments.stdout).toMatch(new RegExp(`2026-02-10 +5000\\.00 .* ${label(alan)} `));
  });

  test("audit list: BY, and a user entity, by name", async () => {
    await eventually(async () => expect((await admin.listAuditEvents({ entity: "loan", entity_id: loan.id })).total).toBeGreaterThanOrEqual(3), { what: "the loan's audit events" });
    const table = await boss.run(["audit", "list", "--entity", "loan", "--entity-id", String(loan.id)]);
    expect(table.code).toBe(0);
    const created = table.stdout.split("\n").find((l) => l.includes("loan.created"))!;
    expect(created).toMatch(new RegExp(`loan ${loan.id} +${label(alan)}$`));
    const users = await boss.run(["audit", "list", "--entity", "user", "--entity-id", String(ada.user.id)]);
    expect(users.stdout).toContain(`user ${label(ada)}`);
  });

  test("limits list and show: AGENT by name", async () => {
    await eventually(async () => expect((await admin.getAgentLimit(alan.user.id)).agent_id).toBe(alan.user.id), { what: "alan's limit" });
    const list = await boss.run(["limits", "list", "--page-size", "100"]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`^${label(alan)} +\\d+\\.\\d\\d `, "m"));
    const own = await alan.run(["limits", "show", String(alan.user.id)]);
    // An agent may not read an agent's account, themselves included: the bare id.
    expect(own.stdout).toMatch(new RegExp(`^Agent +${alan.user.id}$`, "m"));
  });
});

describe("users search", () => {
  test("a table of ID, NAME, EMAIL, ROLE, by last name; an agent finds customers only", async () => {
    const table = await boss.run(["users", "search", TAG.toLowerCase()]);
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^ *ID {2}NAME +EMAIL +ROLE$/);
    // Hopper, Lovelace, Turing: the deleted agent is gone.
    expect(lines.slice(1).map((l) => Number(/^ *(\d+)/.exec(l)?.[1]))).toEqual([grace.user.id, ada.user.id, alan.user.id]);
    expect(lines[2]).toMatch(new RegExp(`^ *${ada.user.id} {2}Ada Lovelace${TAG} +${ada.user.email} +customer$`));

    const byAgent = await alan.run(["users", "search", TAG]);
    expect(byAgent.stdout).not.toContain("Turing");
    expect(byAgent.stdout).toContain(`Ada Lovelace${TAG}`);
  });

  test("--json is the API's page; --page-size pages with a footer", async () => {
    const page = parsed<Page<User>>(await boss.run(["--json", "users", "search", `lovelace${TAG}`]));
    expect(page).toMatchObject({ total: 1, page: 1, rows: [{ id: ada.user.id, email: ada.user.email }] });
    const paged = await boss.run(["users", "search", TAG, "--page-size", "2"]);
    expect(paged.code).toBe(0);
    expect(paged.stderr).toMatch(/Page 1 of 2, 3 people in all \(next: --page 2\)/);
  });

  test("nobody found says so; q under 2 characters exits 1 naming q; a customer is refused", async () => {
    const none = await boss.run(["users", "search", `zz${TAG}zz`]);
    expect(none.code).toBe(0);
    expect(none.stdout).toBe("");
    expect(none.stderr).toMatch(/Nobody matches/);
    const short = await boss.run(["users", "search", "a"]);
    expect(short.code).toBe(1);
    expect(short.stderr).toMatch(/\bq\b/);
    expect(short.stderr).not.toMatch(/\n\s+at /);
    const refused = await ada.run(["users", "search", TAG]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/HTTP 403/);
  });

  test("loanctl help users search and users search --help print the command's own help", async () => {
    const [help, flag] = await Promise.all([loanctl(["help", "users", "search"]), loanctl(["users", "search", "--help"])]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: loanctl users search\|find \[options\] <q>/m);
    expect(help.stdout).toContain("$ loanctl users search lovelace");
    expect(help.stdout).toBe(flag.stdout);
  });
});
