/**
 * The real loanctl binary and agents' lending limits: `approvals approve ID --limit`,
 * `limits list|show|set` (tables and --json), an agent showing their own, and a request over
 * the limit refused with what is still available.
 */
import fs from "node:fs";
import { LoanClient, type AgentLimit, type Page, type User } from "../../sdk/index.js";
import { eventually } from "../support/eventually.js";
import { useStack } from "../support/fixture.js";
import { configHome, loanctl, parsed, requireBuild, type Result, type RunOptions } from "./loanctl.js";

jest.setTimeout(120_000);

const PASSWORD = "password-123";
const { stack } = useStack({ env: { AGENT_DEFAULT_LIMIT: "5000000.00" } });
const homes: string[] = [];
let n = 0;
let admin: LoanClient;

function person(): { run: (args: string[], options?: RunOptions) => Promise<Result> } {
  const home = configHome();
  homes.push(home);
  return { run: (args, options = {}) => loanctl(args, { ...options, env: { XDG_CONFIG_HOME: home, LOANCTL_API_URL: stack.url, ...options.env } }) };
}

async function signup(kind: "customer" | "agent"): Promise<User> {
  return new LoanClient({ baseUrl: stack.url }).signup({
    email: `cli-limits-${kind}-${process.pid}-${Date.now().toString(36)}-${++n}@example.com`,
    password: PASSWORD,
    first_name: "Cli",
    last_name: kind,
    is_customer: kind === "customer",
    is_agent: kind === "agent",
  });
}

let boss: ReturnType<typeof person>;

beforeAll(async () => {
  requireBuild();
  admin = new LoanClient({ baseUrl: stack.url });
  await admin.login(stack.admin);
  boss = person();
  expect((await boss.run(["login", "--email", stack.admin.email, "--password-stdin"], { input: `${stack.admin.password}\n` })).code).toBe(0);
});
afterAll(() => {
  for (const home of homes) fs.rmSync(home, { recursive: true, force: true });
});

test("approvals approve --limit, limits show|set|list, an agent's own limit and a request over it", async () => {
  const agent = await signup("agent");
  const customer = await signup("customer");

  const bad = await boss.run(["approvals", "approve", String(agent.id), "--limit", "12.345"]);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toMatch(/--limit/);

  const approved = await boss.run(["approvals", "approve", String(agent.id), "--limit", "300,000"]);
  expect(approved.code).toBe(0);
  expect(approved.stderr + approved.stdout).toContain("lending limit 300000.00");

  const shown = await eventually(
    async () => {
      const res = await boss.run(["--json", "limits", "show", String(agent.id)]);
      expect(res.code).toBe(0);
      expect(parsed<AgentLimit>(res)).toEqual({ agent_id: agent.id, limit: "300000.00", used: "0.00", available: "300000.00" });
      return res;
    },
    { what: "the approval's limit in the loans service" },
  );
  expect(shown.code).toBe(0);
  const record = await boss.run(["limits", "show", String(agent.id)]);
  expect(record.stdout).toMatch(/Limit\s+300000\.00/);
  expect(record.stdout).toMatch(/Available\s+300000\.00/);

  // The agent, signed in: their own limit, a loan within it, one over it.
  const agentCli = person();
  expect((await agentCli.run(["login", "--email", agent.email, "--password-stdin"], { input: `${PASSWORD}\n` })).code).toBe(0);
  expect((await agentCli.run(["loans", "request", "--customer", String(customer.id), "--principal", "200000", "--tenure", "12"])).code).toBe(0);
  const over = await agentCli.run(["loans", "request", "--customer", String(customer.id), "--principal", "150000", "--tenure", "12"]);
  expect(over.code).toBe(1);
  expect(over.stderr).toContain("100000.00 of 300000.00 is still available");
  expect(parsed<AgentLimit>(await agentCli.run(["--json", "limits", "show", String(agent.id)]))).toMatchObject({ used: "200000.00", available: "100000.00" });
  expect((await agentCli.run(["limits", "list"])).code).toBe(1);

  const set = await boss.run(["limits", "set", String(agent.id), "450000"]);
  expect(set.code).toBe(0);
  expect(set.stderr + set.stdout).toContain(`Agent ${agent.id}'s lending limit is 450000.00 (250000.00 available)`);
  expect((await boss.run(["limits", "set", String(agent.id), "abc"])).code).toBe(2);
  expect((await boss.run(["limits", "set", String(customer.id), "1000"])).code).toBe(1);

  const table = await boss.run(["limits", "list", "--page-size", "100"]);
  expect(table.code).toBe(0);
  expect(table.stdout).toMatch(/AGENT\s+LIMIT\s+USED\s+AVAILABLE/);
  expect(table.stdout).toMatch(new RegExp(`^\\s*${agent.id} Cli agent\\s+450000\\.00\\s+200000\\.00\\s+250000\\.00$`, "m"));
  const page = parsed<Page<AgentLimit>>(await boss.run(["--json", "limits", "list", "--page-size", "100"]));
  expect(page.rows).toContainEqual({ agent_id: agent.id, limit: "450000.00", used: "200000.00", available: "250000.00" });
});
