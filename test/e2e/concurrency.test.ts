/**
 * Concurrent commands on one loan, end to end through the gateway: of concurrent decisions
 * exactly one wins and the rest are 409; concurrent edits by the loan's agent all succeed,
 * one after another, and the history keeps every version exactly once, in order; other
 * agents' edits racing them are 403 and change nothing.
 */
import { approvedAgent, type Actor } from "../support/actors.js";
import { useStack } from "../support/fixture.js";
import { email, type HttpAnswer, type HttpOptions, type Json } from "../support/http.js";

const { api, people } = useStack({ people: true });
let agents: Actor[];

beforeAll(async () => {
  agents = [people.agent, ...(await Promise.all(Array.from({ length: 4 }, () => approvedAgent(api, people.admin.token))))];
});

async function call(method: string, path: string, options: HttpOptions = {}): Promise<HttpAnswer<Json>> {
  const res = await api.call(method, path, options);
  expect(JSON.stringify(res.body ?? "")).not.toMatch(/password_hash|\$2[aby]\$/);
  return res;
}

async function newLoan(principal = "100000.00", tenure_months = 12): Promise<Json> {
  const res = await call("POST", "/api/loan/customer-loan", { token: people.agent.token, body: { customer_id: people.customer.id, principal, tenure_months } });
  expect({ status: res.status, body: res.body }).toEqual({ status: 201, body: res.body });
  return res.body;
}

const details = async (id: number) => (await call("GET", `/api/loan/loan-details/${id}`, { token: people.admin.token })).body;
const history = async (id: number) => (await call("GET", `/api/loan/loan-history/${id}`, { token: people.admin.token })).body.rows as Json[];

describe("concurrent decisions", () => {
  test.each([1, 2, 3])("10 decisions at once on one NEW loan: exactly one 200, nine 409, the loan shows the winner (round %i)", async () => {
    const loan = await newLoan();
    const decisions = Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? "APPROVED" : "REJECTED"));
    const answers = await Promise.all(decisions.map((status) => call("PUT", `/api/loan/approve-reject-loan/${loan.id}`, { token: people.admin.token, body: { status } })));

    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(9);
    const winnerIndex = statuses.indexOf(200);
    const winner = answers[winnerIndex]!;
    expect(winner.body).toMatchObject({ id: loan.id, status: decisions[winnerIndex], decided_by: people.admin.id, version: 1 });
    for (const lost of answers.filter((a) => a.status === 409)) {
      expect(lost.body).toMatchObject({ code: 409, name: expect.any(String), type: expect.any(String) });
    }

    const final = await details(loan.id);
    expect(final).toMatchObject({ status: decisions[winnerIndex], decided_by: people.admin.id, decided_at: winner.body.decided_at, version: 1 });
    expect(await history(loan.id)).toEqual([]);
  });

  test("decisions by two admins at once on many loans: one winner per loan", async () => {
    const address = `second-admin-${Date.now()}@example.test`;
    const made = await call("POST", "/api/user/create-admin", { token: people.admin.token, body: { email: address, password: "password-123", first_name: "Second", last_name: "Admin" } });
    expect(made.status).toBe(201);
    const admins = [people.admin.token, await api.login(address, "password-123")];
    const loans = await Promise.all(Array.from({ length: 5 }, () => newLoan()));
    const answers = await Promise.all(
      loans.flatMap((loan) =>
        admins.flatMap((token, a) =>
          ["APPROVED", "REJECTED"].map((status) => call("PUT", `/api/loan/approve-reject-loan/${loan.id}`, { token, body: { status } }).then((res) => ({ loan: loan.id, a, status, res }))),
        ),
      ),
    );
    for (const loan of loans) {
      const mine = answers.filter((x) => x.loan === loan.id);
      const won = mine.filter((x) => x.res.status === 200);
      expect(won).toHaveLength(1);
      expect(mine.filter((x) => x.res.status === 409)).toHaveLength(mine.length - 1);
      const final = await details(loan.id);
      expect(final.status).toBe(won[0]!.status);
      expect(final.decided_by).toBe(won[0]!.res.body.decided_by);
    }
  });
});

describe("concurrent edits", () => {
  test("10 edits at once by the loan's agent, raced by other agents' edits: all 200, the others 403; final version 11, history has versions 1..10 exactly once, in order", async () => {
    const loan = await newLoan("100000.00", 12);
    // Each edit carries terms of its own, so every one of them can be found again afterwards.
    const edits = Array.from({ length: 10 }, (_, i) => ({ agent: people.agent, principal: `${(i + 2) * 10000}.00`, tenure_months: 13 + i }));
    const foreign = agents.slice(1).map((agent) => call("PUT", `/api/loan/edit-loan/${loan.id}`, { token: agent.token, body: { principal: "77777.00" } }));
    const [answers, refused] = await Promise.all([
      Promise.all(edits.map((e) => call("PUT", `/api/loan/edit-loan/${loan.id}`, { token: e.agent.token, body: { principal: e.principal, tenure_months: e.tenure_months } }))),
      Promise.all(foreign),
    ]);

    expect(refused.map((a) => a.status)).toEqual(Array(agents.length - 1).fill(403));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    // Each answer is a distinct version 2..11: the edits were serialised, none overwrote another.
    expect(answers.map((a) => a.body.version).sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    answers.forEach((a, i) => expect(a.body).toMatchObject({ principal: edits[i]!.principal, tenure_months: edits[i]!.tenure_months }));

    const final = await details(loan.id);
    expect(final.version).toBe(11);
    const last = answers.find((a) => a.body.version === 11)!;
    expect(final).toMatchObject({ principal: last.body.principal, tenure_months: last.body.tenure_months, emi: last.body.emi, interest_rate: last.body.interest_rate });

    const rows = await history(loan.id);
    expect(rows.map((r) => r.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // Version 1 is the loan as requested; version v (2..10) is exactly what the edit that produced v answered.
    expect(rows[0]).toMatchObject({ principal: loan.principal, tenure_months: loan.tenure_months, emi: loan.emi, interest_rate: loan.interest_rate, status: "NEW" });
    for (const row of rows.slice(1)) {
      const producer = answers.find((a) => a.body.version === row.version)!;
      expect(row).toMatchObject({ principal: producer.body.principal, tenure_months: producer.body.tenure_months, emi: producer.body.emi, interest_rate: producer.body.interest_rate });
    }
    // Each row was replaced by the edit that made the next version: its agent is the editor.
    for (const row of rows) {
      const next = answers.findIndex((a) => a.body.version === row.version + 1);
      expect(row.edited_by).toBe(edits[next]!.agent.id);
    }
    // Every edit's terms appear exactly once across history and the final loan.
    const seen = [...rows.slice(1), final].map((r) => `${r.principal}/${r.tenure_months}`).sort();
    expect(seen).toEqual(edits.map((e) => `${e.principal}/${e.tenure_months}`).sort());
  });

  test("edits racing a decision: the decision wins from the point it lands, later edits 409, none lost before it", async () => {
    const loan = await newLoan("100000.00", 12);
    const edits = Array.from({ length: 6 }, (_, i) => call("PUT", `/api/loan/edit-loan/${loan.id}`, { token: people.agent.token, body: { tenure_months: 20 + i } }));
    const decision = call("PUT", `/api/loan/approve-reject-loan/${loan.id}`, { token: people.admin.token, body: { status: "APPROVED" } });
    const [decided, ...edited] = await Promise.all([decision, ...edits]);

    expect(decided!.status).toBe(200);
    const applied = edited.filter((e) => e.status === 200);
    expect(edited.filter((e) => e.status !== 200).every((e) => e.status === 409)).toBe(true);
    // The decision saw the loan after exactly the edits that got in before it.
    expect(decided!.body.version).toBe(1 + applied.length);
    const final = await details(loan.id);
    expect(final).toMatchObject({ status: "APPROVED", version: 1 + applied.length });
    expect((await history(loan.id)).map((r) => r.version)).toEqual(Array.from({ length: applied.length }, (_, i) => i + 1));
  });

  test("concurrent edits on different loans do not disturb each other", async () => {
    const loans = await Promise.all(Array.from({ length: 4 }, () => newLoan()));
    const answers = await Promise.all(
      loans.flatMap((loan) => Array.from({ length: 3 }, (_, i) => call("PUT", `/api/loan/edit-loan/${loan.id}`, { token: people.agent.token, body: { tenure_months: 30 + i } }))),
    );
    expect(answers.every((a) => a.status === 200)).toBe(true);
    for (const loan of loans) {
      expect((await details(loan.id)).version).toBe(4);
      expect((await history(loan.id)).map((r) => r.version)).toEqual([1, 2, 3]);
    }
  });
});

describe("concurrent account changes", () => {
  test("10 signups at once with one email in different cases: exactly one 201, nine 409", async () => {
    const address = email("race");
    const variants = Array.from({ length: 10 }, (_, i) => (i % 3 === 0 ? address : i % 3 === 1 ? address.toUpperCase() : address.replace(/^./, (c) => c.toUpperCase())));
    const answers = await Promise.all(
      variants.map((e, i) =>
        call("POST", "/api/user/signup", { body: { email: e, password: "password-123", first_name: "Race", last_name: String(i), is_customer: i % 2 === 0, is_agent: i % 2 === 1 } }),
      ),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(9);
    const users = await call("GET", "/api/user/list-users?pageSize=100", { token: people.admin.token });
    let all = users.body.rows as Array<{ email: string }>;
    for (let page = 2; page <= users.body.totalPages; page += 1) {
      all = all.concat((await call("GET", `/api/user/list-users?pageSize=100&page=${page}`, { token: people.admin.token })).body.rows);
    }
    expect(all.filter((u) => u.email.toLowerCase() === address.toLowerCase())).toHaveLength(1);
  });

  test("an agent deleted by several admins' requests at once: it is gone, each answer is 204 or 404, at least one 204", async () => {
    const agent = await approvedAgent(api, people.admin.token);
    const answers = await Promise.all(Array.from({ length: 5 }, () => call("DELETE", `/api/user/approve-delete/${agent.id}`, { token: people.admin.token })));
    const statuses = answers.map((a) => a.status);
    expect(statuses.every((s) => s === 204 || s === 404)).toBe(true);
    expect(statuses).toContain(204);
    expect((await call("GET", "/api/user/profile", { token: agent.token })).status).toBe(401);
  });
});
