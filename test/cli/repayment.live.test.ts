/**
 * One repayment by its id, where a recorded repayment's `Location` points: the SDK's
 * `getRepayment` and `loanctl loans repayment ID` against a live gateway.
 */
import fs from "node:fs";
import { LoanClient, PermissionDeniedError, NotFoundError, type Repayment } from "../../sdk/index.js";
import { useStack } from "../support/fixture.js";
import { testClock } from "../support/clock.js";
import { configHome, loanctl, parsed, requireBuild } from "./loanctl.js";

jest.setTimeout(120_000);

const PASSWORD = "password-123";
const { stack } = useStack({ clock: testClock });
let admin: LoanClient;
let home: string;
let n = 0;

const uniqueEmail = (kind: string): string => `cli-repayment-${kind}-${process.pid}-${Date.now().toString(36)}-${++n}@example.com`;

async function signedIn(kind: "customer" | "agent"): Promise<LoanClient> {
  const email = uniqueEmail(kind);
  const user = await new LoanClient({ baseUrl: stack.url }).signup({ email, password: PASSWORD, first_name: "Cli", last_name: kind, is_customer: kind === "customer", is_agent: kind === "agent" });
  if (kind === "agent") await admin.approveAgent(user.id);
  const client = new LoanClient({ baseUrl: stack.url });
  await client.login({ email, password: PASSWORD });
  return client;
}

beforeAll(async () => {
  requireBuild();
  admin = new LoanClient({ baseUrl: stack.url });
  await admin.login(stack.admin);
  home = configHome();
  const login = await loanctl(["login", "--email", stack.admin.email, "--password-stdin"], { input: `${stack.admin.password}\n`, env: { XDG_CONFIG_HOME: home, LOANCTL_API_URL: stack.url } });
  expect(login).toMatchObject({ code: 0 });
});
afterAll(() => {
  if (home) fs.rmSync(home, { recursive: true, force: true });
});

async function recordedRepayment(agent: LoanClient, customerId: number): Promise<Repayment> {
  const loan = await agent.requestLoan({ customer_id: customerId, principal: "10000.00", tenure_months: 6 });
  await admin.decideLoan(loan.id, { status: "APPROVED" });
  await admin.disburseLoan(loan.id, { disbursed_on: "2026-01-31" });
  return agent.recordRepayment(loan.id, { amount: "11.67", paid_on: "2026-02-01" });
}

test("SDK getRepayment: the repayment to staff and to its loan's customer; 403 to another customer, 404 unknown", async () => {
  const [agent, customer, stranger] = await Promise.all([signedIn("agent"), signedIn("customer"), signedIn("customer")]);
  const me = await customer.profile();
  const made = await recordedRepayment(agent, me.id);
  expect(await admin.getRepayment(made.id)).toEqual(made);
  expect(await agent.getRepayment(made.id)).toEqual(made);
  expect(await customer.getRepayment(made.id)).toEqual(made);
  await expect(stranger.getRepayment(made.id)).rejects.toBeInstanceOf(PermissionDeniedError);
  await expect(admin.getRepayment(987654321)).rejects.toBeInstanceOf(NotFoundError);
});

test("loanctl loans repayment ID: a record for people, the API's JSON with --json; --help with an example", async () => {
  const [agent, customer] = await Promise.all([signedIn("agent"), signedIn("customer")]);
  const made = await recordedRepayment(agent, (await customer.profile()).id);
  const env = { XDG_CONFIG_HOME: home, LOANCTL_API_URL: stack.url };
  const shown = await loanctl(["loans", "repayment", String(made.id)], { env });
  expect(shown.code).toBe(0);
  expect(shown.stdout).toMatch(new RegExp(`^ID +${made.id}$`, "m"));
  expect(shown.stdout).toMatch(new RegExp(`^Loan +${made.loan_id}$`, "m"));
  expect(shown.stdout).toMatch(/^Amount +11\.67$/m);
  expect(parsed<Repayment>(await loanctl(["--json", "loans", "repayment", String(made.id)], { env }))).toEqual(made);
  const missing = await loanctl(["loans", "repayment", "987654321"], { env });
  expect(missing.code).not.toBe(0);
  expect(missing.stderr).toMatch(/^error: .*not found/im);
  const help = await loanctl(["loans", "repayment", "--help"]);
  expect(help.code).toBe(0);
  expect(help.stdout).toContain("Usage: loanctl loans repayment [options] <repayment-id>");
  expect(help.stdout).toContain("$ loanctl loans repayment 7");
});
