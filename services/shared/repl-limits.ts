/** The operator REPL's `limits`: the agents' lending limits (loans.listAgentLimits), as repl-commands.ts's commands are made. */
import type { ServiceBroker } from "moleculer";
import type { ActionParams, ActionResult } from "../../sdk/contracts.js";
import { formatTable } from "./repl-commands.js";

/** The most agents one command lists: the action's own page size limit. */
const LIMITS_PAGE_SIZE = 100;
const DISCOVERY_TIMEOUT_MS = 5_000;

/** `limits`: each agent's lending limit, used and available, by agent id. */
export async function agentLimits(broker: ServiceBroker): Promise<string> {
  try {
    await broker.waitForServices("loans", DISCOVERY_TIMEOUT_MS);
  } catch {
    throw new Error(`the loans service is not running in namespace "${broker.namespace}" (no answer in ${DISCOVERY_TIMEOUT_MS / 1000}s)`);
  }
  const page = await broker.call<ActionResult<"loans.listAgentLimits">, ActionParams<"loans.listAgentLimits">>("loans.listAgentLimits", { page: 1, pageSize: LIMITS_PAGE_SIZE });
  if (page.total === 0) return "No agent has a lending limit yet.";
  const shown = page.total > page.rows.length ? ` (first ${page.rows.length} shown)` : "";
  const table = formatTable(
    ["AGENT", "LIMIT", "USED", "AVAILABLE"],
    page.rows.map((l) => [String(l.agent_id), l.limit, l.used, l.available]),
  );
  return `${page.total} agent(s) with a lending limit${shown}:\n${table}\nSet one with: loanctl limits set <agent id> <amount>`;
}
