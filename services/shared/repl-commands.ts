/**
 * What the operator REPL's own commands do, as plain functions of a broker that return the
 * text to print. The REPL wraps them (repl.ts); tests call them against a real cluster.
 * They call the services directly over the broker: the gateway's access checks are for
 * HTTP callers, and an operator on the cluster's transporter is already inside it.
 */
import type { ServiceBroker } from "moleculer";
import { LOAN_STATUSES, USER_SEARCH_MIN, type ActionName, type ActionParams, type ActionResult, type User } from "../../sdk/contracts.js";

/** A mistake in how a command was typed: shown as is, without a stack. */
export class ReplUsageError extends Error {
  override name = "ReplUsageError";
}

/** How long a command waits for a service to be discovered before saying it is not running. */
const DISCOVERY_TIMEOUT_MS = 5_000;
/** The most approvals one command lists: the actions' own page size limit. */
const APPROVALS_PAGE_SIZE = 100;

export async function call<A extends ActionName>(broker: ServiceBroker, action: A, params: ActionParams<A>): Promise<ActionResult<A>> {
  const service = action.slice(0, action.indexOf("."));
  try {
    // A REPL that just joined may not have heard of every node yet; waiting a moment
    // turns that race into a clear answer instead of a ServiceNotFoundError.
    await broker.waitForServices(service, DISCOVERY_TIMEOUT_MS);
  } catch {
    throw new Error(`the ${service} service is not running in namespace "${broker.namespace}" (no answer in ${DISCOVERY_TIMEOUT_MS / 1000}s)`);
  }
  return broker.call<ActionResult<A>, ActionParams<A>>(action, params);
}

/** Left-aligned columns, the header first; enough for a terminal, no dependency. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

function fullName(user: User): string {
  return `${user.first_name} ${user.last_name}`.trim();
}

/** `approvals`: the agents waiting for an admin's approval, oldest first as the service lists them. */
export async function pendingApprovals(broker: ServiceBroker): Promise<string> {
  const page = await call(broker, "users.listApprovals", { page: 1, pageSize: APPROVALS_PAGE_SIZE });
  if (page.total === 0) return "No agents are waiting for approval.";
  const shown = page.total > page.rows.length ? ` (first ${page.rows.length} shown)` : "";
  const table = formatTable(
    ["ID", "EMAIL", "NAME", "SIGNED UP"],
    page.rows.map((u) => [String(u.id), u.email, fullName(u), u.created_at]),
  );
  return `${page.total} agent(s) waiting for approval${shown}:\n${table}\nApprove with: loanctl approvals approve <id>`;
}

/** `loan-stats`: how many loans are in each status, and in all. */
export async function loanStats(broker: ServiceBroker): Promise<string> {
  // One page of one row per status: only `total` is wanted, not the loans.
  const counts = await Promise.all(LOAN_STATUSES.map(async (status) => ({ status, total: (await call(broker, "loans.listAll", { status, pageSize: 1 })).total })));
  const sum = counts.reduce((acc, c) => acc + c.total, 0);
  return formatTable(["STATUS", "LOANS"], [...counts.map((c) => [c.status, String(c.total)]), ["TOTAL", String(sum)]]);
}

/** `whois <id>`: who a user id is, as the gateway sees it (email, role, approval). */
export async function whois(broker: ServiceBroker, rawId: string | undefined): Promise<string> {
  const id = Number(rawId);
  if (!rawId || !/^\d+$/.test(rawId.trim()) || !Number.isSafeInteger(id) || id < 1) {
    throw new ReplUsageError(`usage: whois <user id>, a positive integer${rawId ? ` (got "${rawId}")` : ""}`);
  }
  const user = await call(broker, "users.lookup", { id });
  if (!user) return `No user with id ${id}.`;
  const approval = user.role === "agent" ? (user.is_approved ? ", approved" : ", waiting for approval") : "";
  return `User ${user.id}: ${user.email} (${user.role}${approval})`;
}

/** The most people one `search` shows: the rest are counted. */
const SEARCH_PAGE_SIZE = 20;

/** `search <q>`: people by part of a name, "first last" or an email, every role (users.search). */
export async function searchUsers(broker: ServiceBroker, rawQ: string | undefined): Promise<string> {
  const q = rawQ?.trim() ?? "";
  if (q.length < USER_SEARCH_MIN) throw new ReplUsageError(`usage: search <text>, ${USER_SEARCH_MIN} characters or more of a name or an email${rawQ ? ` (got "${rawQ}")` : ""}`);
  const page = await call(broker, "users.search", { q, pageSize: SEARCH_PAGE_SIZE });
  if (page.total === 0) return `Nobody matches "${q}".`;
  const shown = page.total > page.rows.length ? ` (first ${page.rows.length} shown)` : "";
  const table = formatTable(
    ["ID", "NAME", "EMAIL", "ROLE"],
    page.rows.map((u) => [String(u.id), fullName(u), u.email, u.role]),
  );
  return `${page.total} match(es) for "${q}"${shown}:\n${table}`;
}

// ---- servicing ----

/** The most overdue loans one command lists: the actions' own page size limit. */
const OVERDUE_PAGE_SIZE = 100;
const DATE_SHAPE = /^\d{4}-\d{2}-\d{2}$/;

/** A command's optional `as_of` argument: undefined when not given, a usage error when not YYYY-MM-DD. */
export function asOfArgument(command: string, raw: string | undefined): string | undefined {
  if (raw === undefined || raw === "") return undefined;
  if (!DATE_SHAPE.test(raw.trim())) throw new ReplUsageError(`usage: ${command} [as_of], a date YYYY-MM-DD (got "${raw}")`);
  return raw.trim();
}

/** `overdue [as_of]`: the ACTIVE loans past due, most overdue first, as of a date (default today UTC). */
export async function overdueLoans(broker: ServiceBroker, rawAsOf?: string): Promise<string> {
  const as_of = asOfArgument("overdue", rawAsOf);
  const page = await call(broker, "loans.listAll", { overdue: true, ...(as_of && { as_of }), pageSize: OVERDUE_PAGE_SIZE });
  const when = as_of ?? "today";
  if (page.total === 0) return `No loan is past due as of ${when}.`;
  const shown = page.total > page.rows.length ? ` (the ${page.rows.length} most overdue shown)` : "";
  const table = formatTable(
    ["ID", "CUSTOMER", "OLDEST UNPAID DUE", "DAYS PAST DUE", "OUTSTANDING PRINCIPAL", "OUTSTANDING INTEREST"],
    page.rows.map((l) => [String(l.id), String(l.customer_id), l.next_due_date ?? "-", String(l.days_past_due ?? 0), l.outstanding_principal ?? "-", l.outstanding_interest ?? "-"]),
  );
  return `${page.total} loan(s) past due as of ${when}${shown}:\n${table}`;
}

/** `portfolio [as_of]`: counts by status, active outstanding principal, overdue amount, PAR30. */
export async function portfolioSummary(broker: ServiceBroker, rawAsOf?: string): Promise<string> {
  const as_of = asOfArgument("portfolio", rawAsOf);
  const book = await call(broker, "loans.portfolio", as_of ? { as_of } : {});
  return [
    `Portfolio as of ${book.as_of}`,
    formatTable(
      ["STATUS", "LOANS"],
      LOAN_STATUSES.map((s) => [s, String(book.by_status[s])]),
    ),
    formatTable(
      ["FIGURE", "VALUE"],
      [
        ["active outstanding principal", book.active_outstanding_principal],
        ["overdue amount", book.overdue_amount],
        ["PAR30 (%)", book.par30],
      ],
    ),
  ].join("\n");
}
