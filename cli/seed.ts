/**
 * `loanctl seed`: demo customers, agents (approved with the admin's login) and loans, for
 * trying the system and for benchmarks. Every account of a run shares one password, and the
 * emails carry the run's id so runs never collide:
 * demo-<run>-customer-<n>@example.com, demo-<run>-agent-<n>@example.com.
 * Signup and login are rate limited per address: the seed waits when told to (Retry-After)
 * and says so on the progress line.
 */
import { randomBytes } from "node:crypto";
import { LoanApiError, type LoanClient, RateLimitError, type User } from "../sdk/index.js";
import { describeApiError, type CliError } from "./errors.js";
import type { Progress } from "./progress.js";

export interface SeedOptions {
  /** A client without a token, for signups and logins. */
  anonymous: () => LoanClient;
  /** The admin's client, to approve the agents. */
  admin: LoanClient;
  apiUrl: string;
  customers: number;
  agents: number;
  loans: number;
  concurrency: number;
  progress: Progress;
  password?: string;
  run?: string;
  random?: () => number;
  /** Longest total wait for rate limits per call, in seconds. */
  maxRateLimitWait?: number;
}

export interface SeedResult {
  run: string;
  password: string;
  customers: { id: number; email: string }[];
  agents: { id: number; email: string }[];
  loans: { id: number; customer_id: number; agent_id: number; principal: string; tenure_months: number }[];
  failed: number;
  errors: string[];
  stopped: string | null;
}

const FIRST = ["Ada", "Bola", "Chen", "Dara", "Emeka", "Fatima", "Goran", "Hana", "Ivan", "Jia", "Kofi", "Lena"];
const LAST = ["Okafor", "Silva", "Nguyen", "Haddad", "Kowalski", "Mensah", "Ivanova", "Tanaka", "Moreau", "Singh"];
const TENURES = [6, 12, 18, 24, 36, 48, 60, 120, 240, 360];

/** A principal spread over every rate band, in whole hundreds. */
export function demoPrincipal(random: () => number): string {
  const bands: [number, number][] = [
    [1_000, 50_000],
    [50_000, 500_000],
    [500_000, 2_000_000],
    [2_000_000, 5_000_000],
  ];
  const [low, high] = bands[Math.floor(random() * bands.length)]!;
  const hundreds = Math.floor((low + random() * (high - low)) / 100);
  return `${Math.max(10, hundreds) * 100}.00`;
}

/**
 * A lending limit that lets one agent make every loan of the run (each at most 5000000.00),
 * within what the limit column holds.
 */
export function seedLimit(loans: number): string {
  const cents = BigInt(Math.max(1, loans)) * 500_000_000n;
  const max = 99_999_999_999_999n;
  const limit = cents < max ? cents : max;
  return `${limit / 100n}.${String(limit % 100n).padStart(2, "0")}`;
}

export function demoPassword(): string {
  return `Demo-${randomBytes(9).toString("base64url")}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs `fn(i)` for i in [0, count) with at most `concurrency` at a time; stops taking new work when `stopped()`. */
export async function pool(count: number, concurrency: number, fn: (i: number) => Promise<void>, stopped: () => boolean): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (!stopped() && next < count) await fn(next++);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, count)) }, worker));
}

export async function seed(options: SeedOptions): Promise<SeedResult> {
  const { admin, progress, apiUrl } = options;
  const random = options.random ?? Math.random;
  const run = options.run ?? `${Date.now().toString(36)}${randomBytes(2).toString("hex")}`;
  const password = options.password ?? demoPassword();
  const maxWait = (options.maxRateLimitWait ?? 300) * 1000;
  const result: SeedResult = { run, password, customers: [], agents: [], loans: [], failed: 0, errors: [], stopped: null };
  const halt: { error?: CliError } = {};

  /** Calls `fn`, waiting out rate limits; a failure is counted (and may stop the seed). */
  const attempt = async <T>(what: string, fn: () => Promise<T>): Promise<T | undefined> => {
    let waited = 0;
    for (;;) {
      try {
        return await fn();
      } catch (error) {
        if (error instanceof RateLimitError && waited < maxWait) {
          const ms = Math.max(1, error.retryAfter ?? 5) * 1000;
          waited += ms;
          progress.status(`rate limited, waiting ${Math.ceil(ms / 1000)}s`);
          await sleep(ms);
          progress.status("");
          continue;
        }
        if (!(error instanceof LoanApiError)) throw error;
        const described = describeApiError(error, { apiUrl, hadToken: true });
        result.failed++;
        if (result.errors.length < 10) result.errors.push(`${what}: ${described.message}`);
        if (error.kind === "connection" || error.kind === "unauthorized" || error.kind === "forbidden") halt.error ??= described;
        progress.tick("failed");
        return undefined;
      }
    }
  };
  const stopped = (): boolean => halt.error !== undefined;
  const name = (i: number): { first_name: string; last_name: string } => ({
    first_name: FIRST[i % FIRST.length]!,
    last_name: LAST[Math.floor(i / FIRST.length) % LAST.length]!,
  });

  progress.phase("customers", options.customers);
  await pool(
    options.customers,
    options.concurrency,
    async (i) => {
      const email = `demo-${run}-customer-${i + 1}@example.com`;
      const user = await attempt(`customer ${email}`, () => options.anonymous().signup({ email, password, ...name(i), is_customer: true, is_agent: false }));
      if (user) {
        result.customers.push({ id: user.id, email: user.email });
        progress.tick("ok");
      }
    },
    stopped,
  );
  progress.finish();

  const agentClients: { agent: User; client: LoanClient }[] = [];
  if (!stopped()) {
    progress.phase("agents", options.agents);
    await pool(
      options.agents,
      options.concurrency,
      async (i) => {
        const email = `demo-${run}-agent-${i + 1}@example.com`;
        const user = await attempt(`agent ${email}`, () => options.anonymous().signup({ email, password, ...name(i + 7), is_customer: false, is_agent: true }));
        if (!user) return;
        const lending_limit = seedLimit(options.loans);
        const approved = await attempt(`approve agent ${user.id}`, () => admin.approveAgent(user.id, { lending_limit }));
        if (!approved) return;
        // Set at once as well: the approval's limit reaches the loans service by an event, maybe after the first loans.
        if (options.loans > 0 && !(await attempt(`lending limit of agent ${user.id}`, () => admin.setAgentLimit(user.id, { limit: lending_limit })))) return;
        result.agents.push({ id: user.id, email: user.email });
        if (options.loans > 0) {
          const client = options.anonymous();
          const login = await attempt(`login of agent ${email}`, () => client.login({ email, password }));
          if (!login) return;
          agentClients.push({ agent: login.user, client });
        }
        progress.tick("ok");
      },
      stopped,
    );
    progress.finish();
  }

  if (!stopped() && options.loans > 0) {
    let customerIds = result.customers.map((c) => c.id);
    if (customerIds.length === 0) {
      // no new customers: lend to the ones already there
      const existing = await attempt("list customers", () => admin.listCustomers({ pageSize: 100 }));
      customerIds = existing?.rows.map((c) => c.id) ?? [];
    }
    progress.phase("loans", options.loans);
    if (customerIds.length === 0 || agentClients.length === 0) {
      progress.finish();
      result.errors.push("no loans made: there are no customers or no agent could log in");
      result.failed += options.loans;
      return { ...result, stopped: halt.error?.message ?? null };
    }
    await pool(
      options.loans,
      options.concurrency,
      async (i) => {
        const { client } = agentClients[i % agentClients.length]!;
        const customerId = customerIds[Math.floor(random() * customerIds.length)]!;
        const request = {
          customer_id: customerId,
          principal: demoPrincipal(random),
          tenure_months: TENURES[Math.floor(random() * TENURES.length)]!,
        };
        const loan = await attempt(`loan for customer ${customerId}`, () => client.requestLoan(request));
        if (loan) {
          result.loans.push({
            id: loan.id,
            customer_id: loan.customer_id,
            agent_id: loan.agent_id,
            principal: loan.principal,
            tenure_months: loan.tenure_months,
          });
          progress.tick("ok");
        }
      },
      stopped,
    );
    progress.finish();
  }
  result.customers.sort((a, b) => a.id - b.id);
  result.agents.sort((a, b) => a.id - b.id);
  result.loans.sort((a, b) => a.id - b.id);
  return { ...result, stopped: halt.error?.message ?? null };
}
