/**
 * Writes are safe to repeat: a retried call (Moleculer's retry after a node died, or a client
 * repeating its Idempotency-Key) finds the work it already did instead of doing it twice.
 */
import { approvedAgent } from "../support/actors.js";
import { eventually } from "../support/eventually.js";
import { useStack } from "../support/fixture.js";

const { api, people } = useStack({ people: true });

const keyed = (key: string) => ({ "idempotency-key": key });
const requestLoan = (token: string, key?: string) =>
  api.call("POST", "/api/loan/customer-loan", { token, body: { customer_id: people.customer.id, principal: "30000.00", tenure_months: 12 }, headers: key ? keyed(key) : {} });

test("a loan request repeated with its key is one loan", async () => {
  const first = await requestLoan(people.agent.token, "order-1");
  const again = await requestLoan(people.agent.token, "order-1");
  expect(first.status).toBe(201);
  expect(again.status).toBe(201);
  expect(again.body.id).toBe(first.body.id);
  const other = await requestLoan(people.agent.token, "order-2");
  expect(other.body.id).not.toBe(first.body.id);
  const unkeyed = [await requestLoan(people.agent.token), await requestLoan(people.agent.token)];
  expect(unkeyed[0]!.body.id).not.toBe(unkeyed[1]!.body.id);
});

test("a loan request retried while the first is still in flight is one loan, every answer 201", async () => {
  // The retries' inserts meet the first one's uncommitted key: they wait for it and answer its loan.
  const answers = await Promise.all(Array.from({ length: 8 }, () => requestLoan(people.agent.token, "racing-1")));
  expect(answers.map((a) => a.status)).toEqual(Array(8).fill(201));
  const ids = new Set(answers.map((a) => a.body.id));
  expect(ids.size).toBe(1);
  for (const a of answers) expect(a.headers.get("location")).toBe(`/api/v1/loan/loan-details/${answers[0]!.body.id}`);
  const created = () => api.call("GET", `/api/audit/events?entity=loan&entity_id=${answers[0]!.body.id}&event=loan.created`, { token: people.admin.token });
  await eventually(async () => expect((await created()).body.total).toBeGreaterThan(0), { what: "the loan.created event in the audit log" });
  expect((await created()).body.total).toBe(1);
});

test("keys are per caller: another agent's same key is another loan", async () => {
  const second = await approvedAgent(api, people.admin.token);
  const mine = await requestLoan(people.agent.token, "shared-key");
  const theirs = await requestLoan(second.token, "shared-key");
  expect(theirs.body.id).not.toBe(mine.body.id);
});

test("an edit repeated with its key is one new version", async () => {
  const loan = (await requestLoan(people.agent.token)).body;
  const edit = () => api.call("PUT", `/api/loan/edit-loan/${loan.id}`, { token: people.agent.token, body: { tenure_months: 36 }, headers: keyed("edit-1") });
  expect((await edit()).body.version).toBe(2);
  expect((await edit()).body.version).toBe(2);
  const history = await api.call("GET", `/api/loan/loan-history/${loan.id}`, { token: people.admin.token });
  expect(history.body.rows).toHaveLength(1);
});

test("a decision repeated with its key answers the decided loan, not 409; another decision still 409", async () => {
  const loan = (await requestLoan(people.agent.token)).body;
  const decide = (key: string, status: string) => api.call("PUT", `/api/loan/approve-reject-loan/${loan.id}`, { token: people.admin.token, body: { status }, headers: keyed(key) });
  const first = await decide("decision-1", "APPROVED");
  const again = await decide("decision-1", "APPROVED");
  expect([first.status, again.status]).toEqual([200, 200]);
  expect(again.body).toMatchObject({ status: "APPROVED", decided_at: first.body.decided_at });
  expect((await decide("decision-2", "REJECTED")).status).toBe(409);
  const decisions = () => api.call("GET", `/api/audit/events?entity=loan&entity_id=${loan.id}&event=loan.decided`, { token: people.admin.token });
  await eventually(async () => expect((await decisions()).body.total).toBeGreaterThan(0), { what: "the loan.decided event in the audit log" });
  await new Promise((r) => setTimeout(r, 600)); // a few more relay polls (200 ms in tests) for a second event to show
  expect((await decisions()).body.total).toBe(1); // the repeated decision published nothing
});

test("an over-long key is refused", async () => {
  const res = await requestLoan(people.agent.token, "k".repeat(101));
  expect(res.status).toBe(422);
});
