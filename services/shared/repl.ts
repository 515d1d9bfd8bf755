/**
 * The operator REPL: a Moleculer node with no services of its own that joins a running
 * loanstack cluster through TRANSPORTER. It has Moleculer's REPL commands (nodes, services,
 * actions, call, emit, ...) plus a few operators want: approvals, loan-stats, whois, search, overdue,
 * portfolio, products, limits, transactions, cob, trial-balance.
 * `npm run repl` runs it through repl-main.ts.
 */
import os from "node:os";
import { ServiceBroker, type ReplOptions } from "moleculer";
import { brokerOptions } from "../../moleculer.config.js";
import { loanStats, overdueLoans, pendingApprovals, portfolioSummary, searchUsers, whois } from "./repl-commands.js";
import { productsSummary } from "./repl-products.js";
import { agentLimits } from "./repl-limits.js";
import { trialBalanceSummary } from "./repl-ledger.js";
import { loanTransactions, startCloseOfBusiness } from "./repl-transactions.js";

export { agentLimits } from "./repl-limits.js";
export { trialBalanceSummary } from "./repl-ledger.js";
export { formatTable, loanStats, overdueLoans, pendingApprovals, portfolioSummary, ReplUsageError, searchUsers, whois } from "./repl-commands.js";
export { productsSummary } from "./repl-products.js";
export { loanTransactions, REPL_OPERATOR, startCloseOfBusiness } from "./repl-transactions.js";

type ReplCommand = NonNullable<ReplOptions["customCommands"]>[number];
type Env = Record<string, string | undefined>;

/** Why the REPL cannot start, in one line for the operator. */
export class ReplStartError extends Error {
  override name = "ReplStartError";
}

/** The transporter retries forever; an operator would rather hear that it is unreachable. */
const CONNECT_TIMEOUT_MS = 15_000;

async function printing(work: () => Promise<string>): Promise<void> {
  try {
    console.log(await work());
  } catch (err) {
    // moleculer-repl would log the whole error object with its stack; one line is enough.
    console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** moleculer-repl hands an action `{ options, rawCommand, <arg>: value }`, not the `string[]` its types claim. */
function argOf(args: unknown, name: string): string | undefined {
  if (typeof args !== "object" || args === null) return undefined;
  const value = (args as Record<string, unknown>)[name];
  return typeof value === "string" ? value : undefined;
}

export const REPL_COMMANDS: ReplCommand[] = [
  {
    command: "approvals",
    description: "Agents waiting for an admin's approval (users.listApprovals)",
    action: (broker) => printing(() => pendingApprovals(broker)),
  },
  {
    command: "loan-stats",
    description: "Loan counts by status (loans.listAll)",
    action: (broker) => printing(() => loanStats(broker)),
  },
  {
    command: "whois <id>",
    description: "Who a user id is: email, role, approval (users.lookup)",
    action: (broker, args: unknown) => printing(() => whois(broker, argOf(args, "id"))),
  },
  {
    command: "search <q>",
    description: 'People by part of a name, "first last" or an email, every role (users.search)',
    action: (broker, args: unknown) => printing(() => searchUsers(broker, argOf(args, "q"))),
  },
  {
    command: "overdue [as_of]",
    description: "ACTIVE loans past due, most overdue first, as of a date, default today (loans.listAll)",
    action: (broker, args: unknown) => printing(() => overdueLoans(broker, argOf(args, "as_of"))),
  },
  {
    command: "portfolio [as_of]",
    description: "Loans by status, outstanding principal, overdue amount, PAR30 (loans.portfolio)",
    action: (broker, args: unknown) => printing(() => portfolioSummary(broker, argOf(args, "as_of"))),
  },
  {
    command: "products [code]",
    description: "The loan products, or one product's terms (loans.listProducts, loans.getProduct)",
    action: (broker, args: unknown) => printing(() => productsSummary(broker, argOf(args, "code"))),
  },
  {
    command: "limits",
    description: "Agents' lending limits: limit, used, available (loans.listAgentLimits)",
    action: (broker) => printing(() => agentLimits(broker)),
  },
  {
    command: "transactions <loan_id>",
    description: "A loan's transactions by value date: disbursement, fees, penalties, repayments, reversals, waivers, write-off (loans.transactions)",
    action: (broker, args: unknown) => printing(() => loanTransactions(broker, argOf(args, "loan_id"))),
  },
  {
    command: "cob [date]",
    description: "Start close of business for a date, default yesterday: it charges the penalties due (loans.runCloseOfBusiness)",
    action: (broker, args: unknown) => printing(() => startCloseOfBusiness(broker, argOf(args, "date"))),
  },
  {
    command: "trial-balance [as_of]",
    description: "The ledger's trial balance as of a date, default today: each account, the totals, balanced or not (ledger.trialBalance)",
    action: (broker, args: unknown) => printing(() => trialBalanceSummary(broker, argOf(args, "as_of"))),
  },
];

/** The transporter URL without its password, fit to print. */
function redacted(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) url.password = "***";
    return url.toString().replace(/\/$/, "");
  } catch {
    return value;
  }
}

async function startWithin(broker: ServiceBroker, ms: number, transporter: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ReplStartError(`could not reach the transporter at ${transporter} within ${ms / 1000}s`)), ms);
  });
  try {
    await Promise.race([broker.start(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export async function startRepl(env: Env = process.env): Promise<void> {
  // Quieter than a service node (the log would drown the prompt) and named so that
  // `nodes` shows which node is the operator's; both still follow LOG_LEVEL / NODE_ID.
  const options = brokerOptions({ LOG_LEVEL: "warn", NODE_ID: `repl-${os.hostname()}-${process.pid}`, ...env });
  const transporter = env.TRANSPORTER?.trim() ?? "";
  if (!options.transporter) {
    throw new ReplStartError("the REPL joins a running loanstack cluster through TRANSPORTER; set it as the services have it, e.g. TRANSPORTER=nats://127.0.0.1:4222 or redis://127.0.0.1:6379");
  }
  const replOptions: ReplOptions = { delimiter: "loanstack $", customCommands: REPL_COMMANDS };
  const broker = new ServiceBroker({ ...options, replOptions });
  await startWithin(broker, CONNECT_TIMEOUT_MS, redacted(transporter));
  console.log(
    `loanstack REPL: node ${broker.nodeID} joined namespace "${broker.namespace}" through ${redacted(transporter)}.\n` +
      `Commands: approvals, loan-stats, whois <id>, search <q>, transactions <loan_id>, cob [date], trial-balance [as_of]; "help" lists Moleculer's own (nodes, services, call, ...); "quit" leaves.`,
  );
  broker.repl();
}
