/**
 * `loanctl products list|show|create|update|deactivate` and `loans request --product` with the
 * real binary against a live gateway, and the SDK's product methods under them.
 */
import fs from "node:fs";
import { ConflictError, LoanClient, NotFoundError, type Loan, type Page, type Product } from "../../sdk/index.js";
import { useStack } from "../support/fixture.js";
import { configHome, loanctl, parsed, requireBuild } from "./loanctl.js";

jest.setTimeout(120_000);

const PASSWORD = "password-123";
const { stack } = useStack();
let admin: LoanClient;
let adminHome: string;
let agentHome: string;
let customerId: number;

const env = (home: string) => ({ XDG_CONFIG_HOME: home, LOANCTL_API_URL: stack.url });
const asAdmin = (args: string[]) => loanctl(args, { env: env(adminHome) });
const asAgent = (args: string[]) => loanctl(args, { env: env(agentHome) });

beforeAll(async () => {
  requireBuild();
  admin = new LoanClient({ baseUrl: stack.url });
  await admin.login(stack.admin);
  const tag = `${process.pid}-${Date.now().toString(36)}`;
  const client = new LoanClient({ baseUrl: stack.url });
  const agent = await client.signup({ email: `cli-products-agent-${tag}@example.com`, password: PASSWORD, first_name: "Cli", last_name: "Agent", is_customer: false, is_agent: true });
  await admin.approveAgent(agent.id);
  customerId = (await client.signup({ email: `cli-products-customer-${tag}@example.com`, password: PASSWORD, first_name: "Cli", last_name: "Customer", is_customer: true, is_agent: false })).id;
  adminHome = configHome();
  agentHome = configHome();
  expect(await loanctl(["login", "--email", stack.admin.email, "--password-stdin"], { input: `${stack.admin.password}\n`, env: env(adminHome) })).toMatchObject({ code: 0 });
  expect(await loanctl(["login", "--email", agent.email, "--password-stdin"], { input: `${PASSWORD}\n`, env: env(agentHome) })).toMatchObject({ code: 0 });
});
afterAll(() => {
  for (const home of [adminHome, agentHome]) if (home) fs.rmSync(home, { recursive: true, force: true });
});

test("create from flags, show, list, update, deactivate; a loan requested with --product takes its terms", async () => {
  const created = await asAdmin([
    "--json",
    "products",
    "create",
    "MICRO",
    "--name",
    "Micro loan",
    "--min-principal",
    "1000",
    "--max-principal",
    "50,000",
    "--min-tenure",
    "3",
    "--max-tenure",
    "24",
    "--band",
    "10000:18",
    "--band",
    ":16.00",
    "--fee-percent",
    "1.5",
    "--penalty",
    "flat:200:5",
  ]);
  const product = parsed<Product>(created);
  expect(product).toMatchObject({
    code: "MICRO",
    name: "Micro loan",
    active: true,
    min_principal: "1000.00",
    max_principal: "50000.00",
    min_tenure_months: 3,
    max_tenure_months: 24,
    rate_bands: [
      { up_to: "10000.00", rate: "18.00" },
      { up_to: null, rate: "16.00" },
    ],
    disbursement_fee: { kind: "PERCENT", amount: "1.50" },
    penalty: { grace_days: 5, kind: "FLAT", amount: "200.00" },
  });
  expect(await admin.getProduct("MICRO")).toEqual(product);

  const shown = await asAgent(["products", "show", "MICRO"]);
  expect(shown.code).toBe(0);
  expect(shown.stdout).toMatch(/^Rate bands +≤ 10000\.00: 18\.00 %, above: 16\.00 %$/m);
  expect(shown.stdout).toMatch(/^Disbursement fee +1\.50 % of the principal$/m);
  expect(shown.stdout).toMatch(/^Penalty +200\.00 flat, after 5 grace day\(s\)$/m);

  const list = await asAgent(["products", "list"]);
  expect(list.code).toBe(0);
  expect(list.stdout).toMatch(/^CODE +NAME +ACTIVE/m);
  expect(list.stdout).toMatch(/^MICRO +Micro loan +yes +1000\.00-50000\.00 +3-24 /m);
  expect(list.stdout).toMatch(/^STANDARD +Standard +yes /m);

  const loan = parsed<Loan>(await asAgent(["--json", "loans", "request", "--customer", String(customerId), "--principal", "20000", "--tenure", "12", "--product", "MICRO"]));
  expect(loan).toMatchObject({ product_code: "MICRO", interest_rate: "16.00", disbursement_fee: "300.00" });
  const outOfBounds = await asAgent(["loans", "request", "--customer", String(customerId), "--principal", "60000", "--tenure", "12", "--product", "MICRO"]);
  expect(outOfBounds.code).toBe(1);
  expect(outOfBounds.stderr).toMatch(/principal must be at most 50000\.00 for product MICRO/);

  const updated = parsed<Product>(await asAdmin(["--json", "products", "update", "MICRO", "--band", ":12.5", "--no-fee", "--no-penalty", "--max-tenure", "36"]));
  expect(updated).toMatchObject({ rate_bands: [{ up_to: null, rate: "12.50" }], disbursement_fee: null, penalty: null, max_tenure_months: 36 });
  // The loan made before keeps its terms.
  expect(await admin.getLoan(loan.id)).toMatchObject({ interest_rate: "16.00", emi: loan.emi, disbursement_fee: "300.00" });

  const gone = await asAdmin(["products", "deactivate", "MICRO"]);
  expect(gone.code).toBe(0);
  expect(gone.stdout + gone.stderr).toMatch(/Deactivated product MICRO/);
  expect((await admin.getProduct("MICRO")).active).toBe(false);
  const inactive = parsed<Page<Product>>(await asAdmin(["--json", "products", "list", "--inactive"]));
  expect(inactive.rows.map((p) => p.code)).toEqual(["MICRO"]);
  const refused = await asAgent(["loans", "request", "--customer", String(customerId), "--principal", "5000", "--tenure", "12", "--product", "MICRO"]);
  expect(refused.stderr).toMatch(/product MICRO is deactivated/);
  expect(parsed<Product>(await asAdmin(["--json", "products", "update", "MICRO", "--activate"])).active).toBe(true);
});

test("mistakes: a bad --band is a usage error (2), a missing flag is named, an agent may not create, a taken code is the API's 409", async () => {
  const bad = await asAdmin(["products", "create", "BAD", "--band", "cheap"]);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toMatch(/--band.*UP_TO:RATE/);
  const missing = await asAdmin(["products", "create", "HALF", "--name", "Half", "--band", ":10"]);
  expect(missing.code).toBe(2);
  expect(missing.stderr).toMatch(/missing --min-principal, --max-principal, --min-tenure, --max-tenure/);
  const flags = ["--name", "X", "--min-principal", "1000", "--max-principal", "2000", "--min-tenure", "1", "--max-tenure", "2", "--band", ":10"];
  const agent = await asAgent(["products", "create", "AGENTS", ...flags]);
  expect(agent.code).toBe(1);
  expect(agent.stderr).toMatch(/error:/);
  expect(await asAdmin(["products", "create", "TWICE", ...flags])).toMatchObject({ code: 0 });
  const twice = await asAdmin(["products", "create", "TWICE", ...flags]);
  expect(twice.code).toBe(1);
  expect(twice.stderr).toMatch(/TWICE exists/);
  await expect(
    admin.createProduct({ code: "TWICE", name: "x", min_principal: 1000, max_principal: 2000, min_tenure_months: 1, max_tenure_months: 2, rate_bands: [{ up_to: null, rate: 10 }] }),
  ).rejects.toBeInstanceOf(ConflictError);
  await expect(admin.getProduct("NOPE")).rejects.toBeInstanceOf(NotFoundError);
  const invalid = await asAdmin(["products", "update", "TWICE", "--min-principal", "5000"]);
  expect(invalid.code).toBe(1);
  expect(invalid.stderr).toMatch(/min_principal/);
});

test("--help documents the flags with examples", async () => {
  const help = await loanctl(["products", "create", "--help"]);
  expect(help.code).toBe(0);
  expect(help.stdout).toContain("Usage: loanctl products create [options] <code>");
  expect(help.stdout).toMatch(/--band <up_to:rate>/);
  expect(help.stdout).toMatch(/--penalty <kind:amount:grace>/);
  expect(help.stdout).toContain("--band 10000:18.00 --band :16.00");
  const request = await loanctl(["loans", "request", "--help"]);
  expect(request.stdout).toMatch(/--product <code>/);
});
