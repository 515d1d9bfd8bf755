/**
 * The operator REPL (`npm run repl`): it refuses to start outside a cluster, its commands
 * answer from the real services, and the built entry joins a cluster over NATS and answers
 * commands typed on its stdin.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import type { ServiceBroker } from "moleculer";
import { startNode, type RunningNode } from "../../app/node";
import {
  REPL_COMMANDS,
  ReplUsageError,
  agentLimits,
  loanStats,
  loanTransactions,
  overdueLoans,
  pendingApprovals,
  portfolioSummary,
  productsSummary,
  searchUsers,
  startCloseOfBusiness,
  trialBalanceSummary,
  whois,
} from "../../services/shared/repl";
import type { CloseOfBusinessRun } from "../../sdk/contracts";
import { createTestDatabases, type TestDatabases } from "../support/databases";
import { eventually } from "../support/eventually";
import { testClock } from "../support/clock";
import { useStack } from "../support/fixture";
import { Api } from "../support/http";
import { ROOT } from "./artifacts";

const REPL_MAIN = path.join(ROOT, "dist/services/shared/repl-main.js");
const NATS_URL = "nats://127.0.0.1:4222";

function builtEntry(): string {
  if (!fs.existsSync(REPL_MAIN)) throw new Error(`${REPL_MAIN} is missing: run "npm run build" first (npm test does)`);
  return REPL_MAIN;
}

const homes: string[] = [];
afterAll(() => homes.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/** A clean environment for the REPL process: none of this test's settings leak into it. */
function replEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "loanstack-repl-")); // the REPL keeps its history there
  homes.push(home);
  return { PATH: process.env.PATH, HOME: home, NO_COLOR: "1", ...extra };
}

describe("the REPL entry outside a cluster", () => {
  it("refuses to start without TRANSPORTER, saying why in one line", () => {
    const run = spawnSync(process.execPath, [builtEntry()], { env: replEnv({}), encoding: "utf8", timeout: 20_000 });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/joins a running loanstack cluster through TRANSPORTER/);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("refuses TRANSPORTER=none and a malformed TRANSPORTER the same way", () => {
    for (const value of ["none", "ftp://example"]) {
      const run = spawnSync(process.execPath, [builtEntry()], { env: replEnv({ TRANSPORTER: value }), encoding: "utf8", timeout: 20_000 });
      expect({ value, status: run.status }).toEqual({ value, status: 1 });
      expect(run.stderr).toMatch(/TRANSPORTER/);
      expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
    }
  });
});

describe("the REPL commands against the services", () => {
  const { stack, api, people } = useStack({ people: true, clock: testClock });

  beforeAll(async () => {
    const request = () => api.call("POST", "/api/loan/customer-loan", { token: people.agent.token, body: { customer_id: people.customer.id, principal: "250000.00", tenure_months: 24 } });
    const [first] = await Promise.all([request(), request()]);
    const decided = await api.call("PUT", `/api/loan/approve-reject-loan/${first.body.id}`, { token: people.admin.token, body: { status: "APPROVED" } });
    expect(decided.status).toBe(200);
  });

  it("approvals lists the agents waiting for approval", async () => {
    const text = await pendingApprovals(stack.broker);
    expect(text).toMatch(/^1 agent\(s\) waiting for approval:/);
    expect(text).toContain(people.pendingAgent.email);
    expect(text).not.toContain(people.agent.email); // approved already
  });

  it("loan-stats counts the loans in each status", async () => {
    const text = await loanStats(stack.broker);
    expect(text).toMatch(/^NEW\s+1$/m);
    expect(text).toMatch(/^APPROVED\s+1$/m);
    expect(text).toMatch(/^REJECTED\s+0$/m);
    expect(text).toMatch(/^TOTAL\s+2$/m);
  });

  it("whois tells who a user id is, or that there is none", async () => {
    expect(await whois(stack.broker, String(people.customer.id))).toBe(`User ${people.customer.id}: ${people.customer.email} (customer)`);
    expect(await whois(stack.broker, String(people.pendingAgent.id))).toMatch(/\(agent, waiting for approval\)$/);
    expect(await whois(stack.broker, "99999999")).toBe("No user with id 99999999.");
    await expect(whois(stack.broker, "abc")).rejects.toBeInstanceOf(ReplUsageError);
    await expect(whois(stack.broker, undefined)).rejects.toThrow(/usage: whois <user id>/);
  });

  it("search finds people of every role by name or email, or says nobody matches", async () => {
    // The people of actors.ts are "Test customer" and "Test agent", with emails of example.test.
    const text = await searchUsers(stack.broker, people.pendingAgent.email.toUpperCase());
    expect(text).toMatch(/^1 match\(es\) for /);
    expect(text).toMatch(new RegExp(`^ID +NAME +EMAIL +ROLE\n${people.pendingAgent.id} +Test agent +${people.pendingAgent.email.replace(/\./g, "\\.")} +agent$`, "m"));
    expect(await searchUsers(stack.broker, "test agent")).toContain(people.agent.email);
    expect(await searchUsers(stack.broker, "zz-nobody-zz")).toBe('Nobody matches "zz-nobody-zz".');
    await expect(searchUsers(stack.broker, " a ")).rejects.toThrow(/usage: search <text>, 2 characters or more/);
    await expect(searchUsers(stack.broker, undefined)).rejects.toBeInstanceOf(ReplUsageError);
  });

  it("are registered as REPL commands that print their answer, and errors as one line", async () => {
    expect(REPL_COMMANDS.map((c) => c.command)).toEqual([
      "approvals",
      "loan-stats",
      "whois <id>",
      "search <q>",
      "overdue [as_of]",
      "portfolio [as_of]",
      "products [code]",
      "limits",
      "transactions <loan_id>",
      "cob [date]",
      "trial-balance [as_of]",
    ]);
    const whoisCommand = REPL_COMMANDS.find((c) => c.command.startsWith("whois"))!;
    const log = jest.spyOn(console, "log").mockImplementation(() => undefined);
    const error = jest.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      // moleculer-repl hands the action its parsed arguments as an object.
      const args = { options: {}, rawCommand: `whois ${people.customer.id}`, id: String(people.customer.id) };
      await whoisCommand.action(stack.broker, args as unknown as string[], {});
      expect(log).toHaveBeenCalledWith(expect.stringContaining(people.customer.email));
      await whoisCommand.action(stack.broker, { options: {}, rawCommand: "whois x", id: "x" } as unknown as string[], {});
      expect(error).toHaveBeenCalledWith(expect.stringMatching(/^error: usage: whois/));
    } finally {
      log.mockRestore();
      error.mockRestore();
    }
  });

  it("products lists the loan products, or shows one product's terms", async () => {
    const list = await productsSummary(stack.broker);
    expect(list).toMatch(/^1 product\(s\):/);
    expect(list).toMatch(/^STANDARD\s+Standard\s+yes\s+1000\.00-10000000\.00\s+1-360\s+<= 50000\.00: 14\.00, .*above: 9\.50\s+none$/m);
    const one = await productsSummary(stack.broker, "STANDARD");
    expect(one).toMatch(/^tenure \(months\)\s+1 to 360$/m);
    expect(one).toMatch(/^penalty\s+none$/m);
    await expect(productsSummary(stack.broker, "no such")).rejects.toBeInstanceOf(ReplUsageError);
    await expect(productsSummary(stack.broker, "NOPE")).rejects.toThrow(/product NOPE not found/);
  });

  it("overdue lists the loans past due as of a date, most overdue first; portfolio sums the book", async () => {
    const api = new Api(stack.url);
    const disbursed = async (on: string) => {
      const loan = await api.call("POST", "/api/loan/customer-loan", { token: people.agent.token, body: { customer_id: people.customer.id, principal: "250000.00", tenure_months: 24 } });
      await api.call("PUT", `/api/loan/approve-reject-loan/${loan.body.id}`, { token: people.admin.token, body: { status: "APPROVED" } });
      const res = await api.call("PUT", `/api/loan/disburse-loan/${loan.body.id}`, { token: people.admin.token, body: { disbursed_on: on } });
      expect(res.status).toBe(200);
      return loan.body.id as number;
    };
    const older = await disbursed("2026-01-31");
    const newer = await disbursed("2026-03-15");
    expect(await overdueLoans(stack.broker, "2026-02-28")).toBe("No loan is past due as of 2026-02-28.");
    const text = await overdueLoans(stack.broker, "2026-05-15");
    expect(text).toMatch(/^2 loan\(s\) past due as of 2026-05-15:/);
    const lines = text.split("\n");
    expect(lines.findIndex((l) => l.startsWith(`${older} `))).toBeLessThan(lines.findIndex((l) => l.startsWith(`${newer} `)));
    expect(text).toMatch(new RegExp(`^${older}\\s+${people.customer.id}\\s+2026-02-28\\s+76\\s+250000\\.00\\s+32440\\.84$`, "m"));
    await expect(overdueLoans(stack.broker, "May 15")).rejects.toBeInstanceOf(ReplUsageError);
    const book = await portfolioSummary(stack.broker, "2026-05-15");
    expect(book).toMatch(/^Portfolio as of 2026-05-15$/m);
    expect(book).toMatch(/^ACTIVE\s+2$/m);
    expect(book).toMatch(/^active outstanding principal\s+500000\.00$/m);
    // older: 3 installments due before 2026-05-15 (76 days past due), newer: 1 (2026-04-15, 30 days: not yet at risk)
    expect(book).toMatch(/^overdue amount\s+47073\.48$/m);
    expect(book).toMatch(/^PAR30 \(%\)\s+50\.00$/m);
  });

  it("limits: each agent's lending limit, used and available", async () => {
    const text = await eventually(
      async () => {
        const answer = await agentLimits(stack.broker);
        expect(answer).toMatch(new RegExp(`^${people.agent.id}\\s+\\d+\\.\\d{2}\\s+\\d+\\.\\d{2}\\s+\\d+\\.\\d{2}$`, "m"));
        return answer;
      },
      { what: "the agent's limit in the REPL's limits" },
    );
    expect(text).toMatch(/^\d+ agent\(s\) with a lending limit:\nAGENT\s+LIMIT\s+USED\s+AVAILABLE$/m);
  });

  it("cob starts close of business for a date; transactions shows the penalties it charged beside the disbursement", async () => {
    // 12,000.00 at 12.00 % over 12 months, disbursed 2026-01-31, nothing repaid: installments 1 and 2
    // (due 02-28 and 03-31) are late by 2026-04-10, their penalties dated 03-06 and 04-06.
    const api = new Api(stack.url);
    const product = await api.call("POST", "/api/v1/loan/products", {
      token: people.admin.token,
      body: {
        code: "REPLCOB",
        name: "Penalty 25.00 after 5 days",
        min_principal: "1000.00",
        max_principal: "100000.00",
        min_tenure_months: 1,
        max_tenure_months: 36,
        rate_bands: [{ up_to: null, rate: "12.00" }],
        disbursement_fee: { kind: "FLAT", amount: "100.00" },
        penalty: { grace_days: 5, kind: "FLAT", amount: "25.00" },
      },
    });
    expect(product.status).toBe(201);
    const loan = await api.call("POST", "/api/v1/loan/customer-loan", {
      token: people.agent.token,
      body: { customer_id: people.customer.id, principal: "12000.00", tenure_months: 12, product_code: "REPLCOB" },
    });
    const id = loan.body.id as number;
    await api.call("PUT", `/api/v1/loan/approve-reject-loan/${id}`, { token: people.admin.token, body: { status: "APPROVED" } });
    expect((await api.call("PUT", `/api/v1/loan/disburse-loan/${id}`, { token: people.admin.token, body: { disbursed_on: "2026-01-31" } })).status).toBe(200);

    const before = await loanTransactions(stack.broker, String(id));
    expect(before).toMatch(new RegExp(`^Loan ${id}: 2 transaction\\(s\\) by value date:$`, "m"));
    expect(before).toMatch(/^\d+\s+DISBURSEMENT\s+2026-01-31\s+12000\.00\s+12000\.00\s+0\.00\s+0\.00\s+0\.00\s+-\s+\d+$/m);
    expect(before).toMatch(/^\d+\s+FEE\s+2026-01-31\s+100\.00\s+0\.00\s+0\.00\s+100\.00\s+0\.00\s+1\s+\d+$/m);

    const started = await startCloseOfBusiness(stack.broker, "2026-04-10");
    const match = /^Started close of business 2026-04-10 \(run (\d+)\): (\d+) loan\(s\) to decide\.\nIts progress: call loans\.closeOfBusiness --id \1, or loanctl cob status \1$/.exec(started);
    expect(match).not.toBeNull();
    const runId = Number(match![1]);
    const run = await eventually(
      async () => {
        const now = await stack.broker.call<CloseOfBusinessRun, { id: number }>("loans.closeOfBusiness", { id: runId });
        expect(now.status).not.toBe("RUNNING");
        return now;
      },
      { what: `close of business run ${runId} to end` },
    );
    expect(run).toMatchObject({ status: "DONE", penalties_charged: 2 });
    const after = await loanTransactions(stack.broker, String(id));
    expect(after).toMatch(/^\d+\s+PENALTY\s+2026-03-06\s+25\.00\s+0\.00\s+0\.00\s+0\.00\s+25\.00\s+1\s+close of business$/m);
    expect(after).toMatch(/^\d+\s+PENALTY\s+2026-04-06\s+25\.00\s+0\.00\s+0\.00\s+0\.00\s+25\.00\s+2\s+close of business$/m);

    await expect(startCloseOfBusiness(stack.broker, "10 April")).rejects.toThrow(/usage: cob \[date\], a business date YYYY-MM-DD/);
    await expect(startCloseOfBusiness(stack.broker, "2026-06-16")).rejects.toThrow(/business_date must not be in the future|Parameters validation error/);
    await expect(loanTransactions(stack.broker, "x")).rejects.toBeInstanceOf(ReplUsageError);
    await expect(loanTransactions(stack.broker, "987654321")).rejects.toThrow(/not found/);
  });

  it("trial-balance: the ledger's trial balance as of a date, its totals and whether it balances", async () => {
    // As of 2026-01-31 the ledger holds the two loans disbursed that day: 250,000.00 (the overdue test)
    // and 12,000.00 (the cob test; its 100.00 fee is unpaid, so no income on a cash basis).
    const text = await eventually(
      async () => {
        const answer = await trialBalanceSummary(stack.broker, "2026-01-31");
        expect(answer).toMatch(/^1100\s+Loans receivable\s+ASSET\s+262000\.00\s+0\.00$/m);
        return answer;
      },
      { what: "the disbursements of 2026-01-31 posted to the ledger", timeoutMs: 20_000 },
    );
    expect(text.split("\n")).toEqual([
      "Trial balance as of 2026-01-31: balanced",
      expect.stringMatching(/^CODE\s+NAME\s+TYPE\s+DEBIT\s+CREDIT$/),
      expect.stringMatching(/^1000\s+Cash\s+ASSET\s+0\.00\s+262000\.00$/),
      expect.stringMatching(/^1100\s+Loans receivable\s+ASSET\s+262000\.00\s+0\.00$/),
      expect.stringMatching(/^4000\s+Interest income\s+INCOME\s+0\.00\s+0\.00$/),
      expect.stringMatching(/^4100\s+Fee income\s+INCOME\s+0\.00\s+0\.00$/),
      expect.stringMatching(/^4200\s+Penalty income\s+INCOME\s+0\.00\s+0\.00$/),
      expect.stringMatching(/^5000\s+Loan losses\s+EXPENSE\s+0\.00\s+0\.00$/),
      expect.stringMatching(/^\s+TOTAL\s+262000\.00\s+262000\.00$/),
    ]);
    expect(await trialBalanceSummary(stack.broker, "2026-01-30")).toMatch(/^\s+TOTAL\s+0\.00\s+0\.00$/m);
    // today (the pinned 2026-06-15) by default: balanced, whatever the other tests have posted
    expect(await trialBalanceSummary(stack.broker)).toMatch(/^Trial balance as of 2026-06-15: balanced\n/);
    await expect(trialBalanceSummary(stack.broker, "31 January")).rejects.toThrow(/usage: trial-balance \[as_of\], a date YYYY-MM-DD/);
    await expect(trialBalanceSummary(stack.broker, "31 January")).rejects.toBeInstanceOf(ReplUsageError);

    const command = REPL_COMMANDS.find((c) => c.command.startsWith("trial-balance"))!;
    const log = jest.spyOn(console, "log").mockImplementation(() => undefined);
    try {
      await command.action(stack.broker, { options: {}, rawCommand: "trial-balance 2026-01-31", as_of: "2026-01-31" } as unknown as string[], {});
      expect(log).toHaveBeenCalledWith(text);
    } finally {
      log.mockRestore();
    }
  });
});

function reachable(host: string, port: number, timeoutMs = 1500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/** Collects a process's output and waits for what a test expects to see in it. */
class Transcript {
  text = "";
  constructor(child: ChildProcessWithoutNullStreams) {
    child.stdout.on("data", (chunk: Buffer) => (this.text += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (this.text += chunk.toString()));
  }

  async waitFor(pattern: RegExp, timeoutMs = 20_000): Promise<void> {
    await eventually(() => expect(this.text).toMatch(pattern), { what: `${pattern} in the REPL's output`, timeoutMs, intervalMs: 50 });
  }
}

describe("the REPL entry in a cluster over NATS", () => {
  let natsUp = false;
  let node: RunningNode | undefined;
  let databases: TestDatabases | undefined;
  let child: ChildProcessWithoutNullStreams | undefined;
  const namespace = `repl-test-${crypto.randomBytes(4).toString("hex")}`;

  beforeAll(async () => {
    natsUp = await reachable("127.0.0.1", 4222);
    if (!natsUp) return;
    databases = await createTestDatabases();
    Object.assign(process.env, {
      USERS_DATABASE_URL: databases.users,
      LOANS_DATABASE_URL: databases.loans,
      JWT_SECRET: crypto.randomBytes(32).toString("hex"),
      BCRYPT_ROUNDS: "4",
    });
    // users and loans on a node of their own, in a namespace no other test uses.
    node = await startNode({
      services: ["users", "loans"],
      broker: { logger: false, transporter: { type: "NATS", options: { url: NATS_URL } }, namespace, nodeID: `repl-test-services-${process.pid}` },
      log: () => undefined,
    });
  });

  afterAll(async () => {
    if (child && child.exitCode === null) child.kill("SIGKILL");
    await node?.broker.stop();
    await databases?.drop();
  });

  it("joins the cluster and answers the custom commands typed on stdin", async () => {
    if (!natsUp) {
      const reason = `NATS is not reachable at ${NATS_URL}`;
      if (process.env.CI === "true") throw new Error(`${reason} (under CI=true the REPL's cluster test must run; .ci/run starts NATS)`);
      console.log(`skipped: ${reason}; start it (e.g. .ci/run) to run this test`);
      return;
    }
    const broker: ServiceBroker = node!.broker;
    const agent = await broker.call<{ id: number; email: string }, Record<string, unknown>>("users.signup", {
      email: `pending-${namespace}@example.test`,
      password: "password-123",
      first_name: "Pending",
      last_name: "Agent",
      is_customer: false,
      is_agent: true,
    });

    child = spawn(process.execPath, [builtEntry()], { env: replEnv({ TRANSPORTER: NATS_URL, NAMESPACE: namespace }), stdio: "pipe" });
    const out = new Transcript(child);
    const exited = new Promise<number | null>((resolve) => child!.once("exit", (code) => resolve(code)));
    await out.waitFor(/joined namespace/);

    // One command at a time: each answer is awaited before the next line is typed.
    child.stdin.write("approvals\n");
    await out.waitFor(new RegExp(agent.email.replace(/[.]/g, "\\.")));
    child.stdin.write("loan-stats\n");
    await out.waitFor(/TOTAL\s+0/);
    child.stdin.write(`whois ${agent.id}\n`);
    await out.waitFor(/\(agent, waiting for approval\)/);
    child.stdin.write("quit\n");
    expect(await exited).toBe(0);
    expect(out.text).not.toMatch(/^error:/m);
  });
});
