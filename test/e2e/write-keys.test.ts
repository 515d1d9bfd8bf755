/**
 * One write-key rule, end to end through the gateway: a write's key is the client's
 * Idempotency-Key scoped to the caller, else an id the server makes for the HTTP request.
 * Nothing else a client sends (X-Request-ID, X-Correlation-ID) can make two callers'
 * writes, or two different writes, count as one. The same Idempotency-Key with another
 * request is 422 IDEMPOTENCY_KEY_MISMATCH; a replayed answer says `Idempotent-Replayed`.
 */
import { approvedAgent, type Actor } from "../support/actors.js";
import { useStack } from "../support/fixture.js";
import type { HttpAnswer, HttpOptions, Json } from "../support/http.js";

const { api, people } = useStack({ people: true });
let otherAgent: Actor;

beforeAll(async () => {
  otherAgent = await approvedAgent(api, people.admin.token);
});

const call = (method: string, path: string, options: HttpOptions = {}): Promise<HttpAnswer<Json>> => api.call(method, path, options);

function expectStatus(res: HttpAnswer<Json>, status: number): void {
  expect({ status: res.status, body: res.body }).toEqual({ status, body: res.body });
}

function expectMismatch(res: HttpAnswer<Json>): void {
  expectStatus(res, 422);
  expect(res.body).toMatchObject({ code: 422, type: "IDEMPOTENCY_KEY_MISMATCH", name: expect.any(String), message: expect.any(String) });
}

const requestLoan = (agent: Actor, headers: Record<string, string> = {}, principal = "30000.00") =>
  call("POST", "/api/loan/customer-loan", { token: agent.token, body: { customer_id: people.customer.id, principal, tenure_months: 12 }, headers });

async function activeLoan(): Promise<number> {
  const made = await requestLoan(people.agent);
  expectStatus(made, 201);
  const id = made.body.id as number;
  expectStatus(await call("PUT", `/api/loan/approve-reject-loan/${id}`, { token: people.admin.token, body: { status: "APPROVED" } }), 200);
  expectStatus(await call("PUT", `/api/loan/disburse-loan/${id}`, { token: people.admin.token, body: { disbursed_on: "2026-01-31" } }), 200);
  return id;
}

const repay = (id: number, token: string, amount: string, headers: Record<string, string> = {}) =>
  call("POST", `/api/loan/repayment/${id}`, { token, body: { amount, paid_on: "2026-02-01" }, headers });
const repayments = async (id: number) => (await call("GET", `/api/loan/repayments/${id}`, { token: people.admin.token })).body.rows as Array<{ amount: string; recorded_by: number }>;

describe("a client's request id is never a write key", () => {
  test.each(["x-request-id", "x-correlation-id"])("an agent's 11.00 then the admin's 55.00 with one %s: two repayments, both stored", async (header) => {
    const id = await activeLoan();
    const shared = { [header]: `shared-${header}-${id}` };
    const mine = await repay(id, people.agent.token, "11.00", shared);
    const theirs = await repay(id, people.admin.token, "55.00", shared);
    expectStatus(mine, 201);
    expectStatus(theirs, 201);
    expect(theirs.body.id).not.toBe(mine.body.id);
    expect(theirs.body).toMatchObject({ amount: "55.00", recorded_by: people.admin.id });
    expect((await repayments(id)).map((r) => [r.amount, r.recorded_by])).toEqual([
      ["11.00", people.agent.id],
      ["55.00", people.admin.id],
    ]);
  });

  test("two agents' loan requests with one X-Request-ID: two loans, each of its agent", async () => {
    const shared = { "x-request-id": `shared-request-${Date.now()}` };
    const mine = await requestLoan(people.agent, shared);
    const theirs = await requestLoan(otherAgent, shared);
    expectStatus(mine, 201);
    expectStatus(theirs, 201);
    expect(theirs.body.id).not.toBe(mine.body.id);
    expect([mine.body.agent_id, theirs.body.agent_id]).toEqual([people.agent.id, otherAgent.id]);
  });

  test("one caller's two different requests with one X-Request-ID: two of each", async () => {
    const shared = { "x-request-id": `same-caller-${Date.now()}` };
    const first = await requestLoan(people.agent, shared, "30000.00");
    const second = await requestLoan(people.agent, shared, "40000.00");
    expectStatus(second, 201);
    expect(second.body).toMatchObject({ principal: "40000.00" });
    expect(second.body.id).not.toBe(first.body.id);
    const id = await activeLoan();
    const pay = { "x-request-id": `same-caller-pay-${id}` };
    expectStatus(await repay(id, people.agent.token, "11.00", pay), 201);
    expectStatus(await repay(id, people.agent.token, "12.00", pay), 201);
    expect((await repayments(id)).map((r) => r.amount)).toEqual(["11.00", "12.00"]);
  });

  test("the same request sent twice without a key is done twice (it is two requests)", async () => {
    const shared = { "x-request-id": `twice-${Date.now()}` };
    const first = await requestLoan(people.agent, shared);
    const second = await requestLoan(people.agent, shared);
    expectStatus(second, 201);
    expect(second.body.id).not.toBe(first.body.id);
    expect(second.headers.get("idempotent-replayed")).toBeNull();
  });

  test("an X-Request-ID of 300 characters on a write is no 500", async () => {
    const res = await requestLoan(people.agent, { "x-request-id": "r".repeat(300) });
    expectStatus(res, 201);
  });
});

describe("an Idempotency-Key names one request", () => {
  test("a replay answers the first result with Idempotent-Replayed: true; the first answer has no such header", async () => {
    const key = { "idempotency-key": `replay-${Date.now()}` };
    const first = await requestLoan(people.agent, key);
    const again = await requestLoan(people.agent, key);
    expectStatus(first, 201);
    expectStatus(again, 201);
    expect(again.body.id).toBe(first.body.id);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    expect(again.headers.get("idempotent-replayed")).toBe("true");
  });

  test("a replayed repayment, edit, decision and disbursement each say Idempotent-Replayed", async () => {
    const made = await requestLoan(people.agent);
    const id = made.body.id as number;
    const edit = () => call("PUT", `/api/loan/edit-loan/${id}`, { token: people.agent.token, body: { tenure_months: 24 }, headers: { "idempotency-key": `edit-${id}` } });
    expect((await edit()).headers.get("idempotent-replayed")).toBeNull();
    const edited = await edit();
    expectStatus(edited, 200);
    expect(edited.headers.get("idempotent-replayed")).toBe("true");
    const decide = () => call("PUT", `/api/loan/approve-reject-loan/${id}`, { token: people.admin.token, body: { status: "APPROVED" }, headers: { "idempotency-key": `decide-${id}` } });
    expect((await decide()).headers.get("idempotent-replayed")).toBeNull();
    expect((await decide()).headers.get("idempotent-replayed")).toBe("true");
    const disburse = () => call("PUT", `/api/loan/disburse-loan/${id}`, { token: people.admin.token, body: { disbursed_on: "2026-01-31" }, headers: { "idempotency-key": `out-${id}` } });
    expect((await disburse()).headers.get("idempotent-replayed")).toBeNull();
    const again = await disburse();
    expectStatus(again, 200);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    const pay = { "idempotency-key": `pay-${id}` };
    const paid = await repay(id, people.agent.token, "10.00", pay);
    const repaid = await repay(id, people.agent.token, "10.00", pay);
    expect(paid.headers.get("idempotent-replayed")).toBeNull();
    expectStatus(repaid, 201);
    expect(repaid.body.id).toBe(paid.body.id);
    expect(repaid.headers.get("idempotent-replayed")).toBe("true");
  });

  test("the same key with another body → 422 IDEMPOTENCY_KEY_MISMATCH, nothing done", async () => {
    const key = { "idempotency-key": `body-${Date.now()}` };
    expectStatus(await requestLoan(people.agent, key, "30000.00"), 201);
    const before = (await call("GET", "/api/loan/list-loans-admin-agent", { token: people.admin.token })).body.total;
    expectMismatch(await requestLoan(people.agent, key, "45000.00"));
    expect((await call("GET", "/api/loan/list-loans-admin-agent", { token: people.admin.token })).body.total).toBe(before);

    const id = await activeLoan();
    const pay = { "idempotency-key": `pay-body-${id}` };
    expectStatus(await repay(id, people.agent.token, "11.00", pay), 201);
    expectMismatch(await repay(id, people.agent.token, "55.00", pay));
    expect((await repayments(id)).map((r) => r.amount)).toEqual(["11.00"]);
  });

  test("the same key on another path (another loan) → 422, not 500: edit, repayment, decision", async () => {
    const [a, b] = [(await requestLoan(people.agent)).body.id, (await requestLoan(people.agent)).body.id];
    const key = { "idempotency-key": `edit-across-${a}` };
    expectStatus(await call("PUT", `/api/loan/edit-loan/${a}`, { token: people.agent.token, body: { tenure_months: 24 }, headers: key }), 200);
    expectMismatch(await call("PUT", `/api/loan/edit-loan/${b}`, { token: people.agent.token, body: { tenure_months: 24 }, headers: key }));
    expect((await call("GET", `/api/loan/loan-details/${b}`, { token: people.admin.token })).body).toMatchObject({ version: 1, tenure_months: 12 });

    const decision = { "idempotency-key": `decide-across-${a}` };
    expectStatus(await call("PUT", `/api/loan/approve-reject-loan/${a}`, { token: people.admin.token, body: { status: "REJECTED" }, headers: decision }), 200);
    expectMismatch(await call("PUT", `/api/loan/approve-reject-loan/${b}`, { token: people.admin.token, body: { status: "REJECTED" }, headers: decision }));
    expect((await call("GET", `/api/loan/loan-details/${b}`, { token: people.admin.token })).body.status).toBe("NEW");

    const [x, y] = [await activeLoan(), await activeLoan()];
    const pay = { "idempotency-key": `pay-across-${x}` };
    expectStatus(await repay(x, people.agent.token, "11.00", pay), 201);
    expectMismatch(await repay(y, people.agent.token, "11.00", pay));
    expect(await repayments(y)).toEqual([]);
  });

  test("the same key on another method and action (a loan request, then a repayment) → 422", async () => {
    const key = { "idempotency-key": `across-actions-${Date.now()}` };
    const id = await activeLoan();
    expectStatus(await requestLoan(people.agent, key), 201);
    expectMismatch(await repay(id, people.agent.token, "11.00", key));
    expect(await repayments(id)).toEqual([]);
  });

  test("racing requests with one key and two bodies: one body wins, its twins replay it, the other body 422", async () => {
    const key = { "idempotency-key": `race-${Date.now()}` };
    const bodies = Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? "30000.00" : "45000.00"));
    const answers = await Promise.all(bodies.map((principal) => requestLoan(people.agent, key, principal)));
    const won = answers.filter((a) => a.status === 201);
    expect(answers.filter((a) => a.status !== 201).map((a) => [a.status, a.body.type])).toEqual(Array(4).fill([422, "IDEMPOTENCY_KEY_MISMATCH"]));
    expect(won).toHaveLength(4);
    expect(new Set(won.map((a) => a.body.id)).size).toBe(1);
    expect(new Set(won.map((a) => a.body.principal)).size).toBe(1);
    expect(won.filter((a) => a.headers.get("idempotent-replayed") === "true")).toHaveLength(3);
  });

  test("another caller's same key is their own: no mismatch, no replay", async () => {
    const key = { "idempotency-key": `per-caller-${Date.now()}` };
    const mine = await requestLoan(people.agent, key, "30000.00");
    const theirs = await requestLoan(otherAgent, key, "45000.00");
    expectStatus(theirs, 201);
    expect(theirs.body.id).not.toBe(mine.body.id);
    expect(theirs.headers.get("idempotent-replayed")).toBeNull();
  });
});

describe("far dates answer, never 500", () => {
  test.each(["9999-12-31", "1900-01-01", "2999-06-30"])("the schedule of a NEW and of an ACTIVE loan as of %s", async (asOf) => {
    const fresh = (await requestLoan(people.agent)).body.id;
    const active = await activeLoan();
    for (const id of [fresh, active]) {
      const res = await call("GET", `/api/v1/loan/loan-schedule/${id}?as_of=${asOf}`, { token: people.admin.token });
      expect(res.status).toBeLessThan(500);
      if (res.status === 200) expect(res.body.as_of).toBe(asOf);
      else expect(res.body).toMatchObject({ code: 422, type: "VALIDATION_ERROR", data: [expect.objectContaining({ field: "as_of" })] });
    }
    const activeAnswer = await call("GET", `/api/v1/loan/loan-schedule/${active}?as_of=${asOf}`, { token: people.admin.token });
    expectStatus(activeAnswer, 200); // a disbursed loan's schedule has its own dates: any as_of is answered
  });

  test.each(["9999-12-31", "1900-01-01"])("the lists, the overdue filter and the portfolio as of %s", async (asOf) => {
    await activeLoan();
    for (const path of [`/api/v1/loan/list-loans-admin-agent?as_of=${asOf}`, `/api/v1/loan/list-loans-admin-agent?overdue=true&as_of=${asOf}`, `/api/v1/loan/portfolio?as_of=${asOf}`]) {
      expectStatus(await call("GET", path, { token: people.admin.token }), 200);
    }
    expectStatus(await call("GET", `/api/v1/loan/list-loans-customer?as_of=${asOf}`, { token: people.customer.token }), 200);
  });

  test("a far-future as_of on a NEW loan's projection is a clear 422 naming as_of", async () => {
    const fresh = (await requestLoan(people.agent)).body.id;
    const res = await call("GET", `/api/v1/loan/loan-schedule/${fresh}?as_of=9999-12-31`, { token: people.admin.token });
    expectStatus(res, 422);
    expect(res.body.data).toEqual([expect.objectContaining({ field: "as_of" })]);
  });
});

describe("who edits and who repays", () => {
  test("an agent edits only the loans they requested: another agent → 403, nothing changed", async () => {
    const id = (await requestLoan(people.agent)).body.id;
    const foreign = await call("PUT", `/api/loan/edit-loan/${id}`, { token: otherAgent.token, body: { tenure_months: 36 } });
    expectStatus(foreign, 403);
    expect(foreign.body).toMatchObject({ code: 403, type: expect.any(String) });
    expect((await call("GET", `/api/loan/loan-details/${id}`, { token: people.admin.token })).body).toMatchObject({ version: 1, tenure_months: 12 });
    expectStatus(await call("PUT", `/api/loan/edit-loan/${id}`, { token: people.agent.token, body: { tenure_months: 36 } }), 200);
  });

  test("any approved agent may record a repayment of another agent's loan", async () => {
    const id = await activeLoan();
    const res = await repay(id, otherAgent.token, "11.00");
    expectStatus(res, 201);
    expect(res.body.recorded_by).toBe(otherAgent.id);
  });
});

describe("a repayment can be read by its own address", () => {
  test("the 201's Location names the repayment, and GET there answers it to the admin, agents and the loan's customer", async () => {
    const id = await activeLoan();
    const made = await repay(id, people.agent.token, "11.00");
    expectStatus(made, 201);
    expect(made.headers.get("location")).toBe(`/api/v1/loan/repayment/${made.body.id}`);
    for (const token of [people.admin.token, people.agent.token, otherAgent.token, people.customer.token]) {
      const read = await call("GET", made.headers.get("location")!, { token });
      expectStatus(read, 200);
      expect(read.body).toEqual(made.body);
    }
    expectStatus(await call("GET", `/api/loan/repayment/${made.body.id}`, { token: people.admin.token }), 200);
  });

  test("another customer → 403; an unknown id → 404; no token → 401", async () => {
    const id = await activeLoan();
    const made = (await repay(id, people.agent.token, "11.00")).body;
    expectStatus(await call("GET", `/api/v1/loan/repayment/${made.id}`, { token: people.otherCustomer.token }), 403);
    const unknown = await call("GET", "/api/v1/loan/repayment/987654321", { token: people.admin.token });
    expectStatus(unknown, 404);
    expect(unknown.body).toMatchObject({ code: 404, type: "NOT_FOUND" });
    expectStatus(await call("GET", `/api/v1/loan/repayment/${made.id}`), 401);
  });
});
