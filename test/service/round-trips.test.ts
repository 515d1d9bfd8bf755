/**
 * The statements each loans write sends to its database, counted on the wire (pg's
 * Client#query, wrapped: each is noted, then sent): what the benchmark's write and repay scenarios cost
 * in round trips must not grow, and the other writes keep theirs. A loan request is a
 * transaction: the agent's limit row locked, their used amount summed after the lock (issue
 * 18), then the loan and its event in one statement; with a client key, the key's claim
 * first; a repayment locks its loan, then writes the repayment,
 * the loan's figures and its events in one statement; a locked change writes the loan and
 * its event in one.
 */
import pg from "pg";
import type { Service } from "moleculer";
import type { AuthUser, Loan, User } from "../../sdk/contracts.js";
import type { Outbox } from "../../services/shared/outbox.js";
import { useStack } from "../support/fixture.js";

const { stack, beforeStop } = useStack();
let customer: User;
let admin: AuthUser;
const agent: AuthUser = { id: 4242, email: "round-trips-agent@example.test", role: "agent", is_approved: true };

/**
 * What Sequelize sends once on each new pooled connection (standard_conforming_strings,
 * client_min_messages, the time zone): the pool's, not a request's round trips. A connection
 * the pool happens to open while counting (another caller took the idle one) would add it.
 */
const CONNECTION_SETUP = /^SET (standard_conforming_strings|client_min_messages|TIME ZONE)/;

/** The statements sent to the loans database while counting. */
const sent: string[] = [];
let counting = false;
// eslint-disable-next-line @typescript-eslint/unbound-method -- kept to be called with apply on its client, and put back
const query = pg.Client.prototype.query;

beforeAll(async () => {
  customer = await stack.broker.call("users.signup", { email: "round-trips@example.test", password: "password-123", first_name: "R", last_name: "T", is_customer: true, is_agent: false });
  admin = { id: 1, email: stack.admin.email, role: "admin", is_approved: true };
  const loans = stack.broker.getLocalService("loans") as Service & { outbox: Outbox; adapter: { db: { config: { database?: string } } } };
  // No relay pass in the counts: the outbox's own statements are not the request's.
  await loans.outbox.stop();
  const database = loans.adapter.db.config.database;
  // Notes each statement, then sends it as pg does.
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const text = typeof args[0] === "string" ? args[0] : ((args[0] as { text?: string } | undefined)?.text ?? "");
    if (counting && this.database === database && !CONNECTION_SETUP.test(text)) sent.push(text.replace(/\s+/g, " ").trim());
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof query;
});
beforeStop(() => {
  pg.Client.prototype.query = query;
});

async function statementsOf(work: () => Promise<unknown>): Promise<string[]> {
  sent.length = 0;
  counting = true;
  try {
    await work();
  } finally {
    counting = false;
  }
  return [...sent];
}

function call<T>(action: string, params: object, user: AuthUser, key?: string): Promise<T> {
  return stack.broker.call<T, object>(action, params, { meta: { user, ...(key && { idempotencyKey: key }) } });
}

const request = (key?: string) => call<Loan>("loans.request", { customer_id: customer.id, principal: "250000.00", tenure_months: 24 }, agent, key);

test("a loan request: BEGIN, the agent's limit and used amount locked, the loan with its event, COMMIT; with an Idempotency-Key the claim besides", async () => {
  // The agent's first request makes their limit row (issue 18: the default until told otherwise).
  const first = await statementsOf(() => request());
  expect(first.map((s) => s.split(" ")[0])).toEqual(["BEGIN", "SELECT", "INSERT", "SELECT", "WITH", "COMMIT"]);
  const plain = await statementsOf(() => request());
  expect(plain.map((s) => s.split(" ")[0])).toEqual(["BEGIN", "SELECT", "WITH", "COMMIT"]);
  expect(plain[1]).toMatch(/FROM agent_limits WHERE agent_id = \$1 FOR UPDATE$/);
  expect(plain[2]).toMatch(/^WITH loan AS \( INSERT INTO loans.*INSERT INTO outbox/);
  const keyed = await statementsOf(() => request("round-trips-1"));
  expect(keyed.map((s) => s.split(" ")[0])).toEqual(["BEGIN", "INSERT", "SELECT", "WITH", "COMMIT"]);
});

test("a repayment: BEGIN, the locked loan, its transactions, the repayment with the loan's figures and events, COMMIT (and the claim with a key)", async () => {
  const loan = await request();
  await call("loans.decide", { id: loan.id, status: "APPROVED" }, admin);
  await call("loans.disburse", { id: loan.id, disbursed_on: "2026-01-10" }, admin);
  const plain = await statementsOf(() => call("loans.repay", { id: loan.id, amount: "100.00" }, agent));
  // The transactions are read after the lock, by a statement of its own: a snapshot taken before the lock was granted would miss a repayment it waited for.
  expect(plain.map((s) => s.split(" ")[0])).toEqual(["BEGIN", "SELECT", "SELECT", "WITH", "COMMIT"]);
  expect(plain[3]).toMatch(/INSERT INTO loan_transactions .*UPDATE loans.*INSERT INTO outbox/);
  const keyed = await statementsOf(() => call("loans.repay", { id: loan.id, amount: "100.00" }, agent, "round-trips-2"));
  expect(keyed.map((s) => s.split(" ")[0])).toEqual(["BEGIN", "INSERT", "SELECT", "SELECT", "WITH", "COMMIT"]);
});

test("a decision, a disbursement, an edit: the locked loan, then the change and its event in one statement", async () => {
  const loan = await request();
  const edit = await statementsOf(() => call("loans.edit", { id: loan.id, tenure_months: 12 }, agent));
  // The version check and the history row besides.
  expect(edit).toHaveLength(6);
  // A raised principal locks the agent's limit row too (its used amount kept there by a trigger).
  const raised = await statementsOf(() => call("loans.edit", { id: loan.id, principal: "260000.00" }, agent));
  expect(raised).toHaveLength(7);
  expect(raised.filter((s) => /agent_limits .*FOR UPDATE/.test(s))).toHaveLength(1);
  const decide = await statementsOf(() => call("loans.decide", { id: loan.id, status: "APPROVED" }, admin));
  expect(decide.map((s) => s.split(" ")[0])).toEqual(["START", "SELECT", "WITH", "COMMIT;"]);
  expect(decide[2]).toMatch(/UPDATE loans.*INSERT INTO outbox/);
  const disburse = await statementsOf(() => call("loans.disburse", { id: loan.id, disbursed_on: "2026-01-10" }, admin));
  expect(disburse).toHaveLength(4);
});
