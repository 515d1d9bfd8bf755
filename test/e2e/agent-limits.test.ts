/**
 * Agent lending limits end to end, through the gateway on real PostgreSQL: the limit an
 * approval gives (or AGENT_DEFAULT_LIMIT), an admin's PUT, `used` over NEW, APPROVED and
 * ACTIVE loans, 422 AGENT_LIMIT_EXCEEDED on a request and on a raised edit, concurrent
 * requests never passing the limit, a late agent.approved never overwriting an admin's
 * limit, and every change in the audit log.
 */
import { Client } from "pg";
import { signedUp, type Actor } from "../support/actors.js";
import { eventually } from "../support/eventually.js";
import { useStack } from "../support/fixture.js";
import type { Json } from "../support/http.js";

const { stack, api, people } = useStack({ people: true, env: { AGENT_DEFAULT_LIMIT: "5000000.00" } });

const admin = () => people.admin.token;
const limitOf = async (agentId: number, token = admin()) => api.call("GET", `/api/v1/loan/agent-limits/${agentId}`, { token });
const setLimit = (agentId: number, limit: unknown, token = admin()) => api.call("PUT", `/api/v1/loan/agent-limits/${agentId}`, { token, body: { limit } });
const request = (agent: Actor, principal: string, tenure_months = 12) =>
  api.call("POST", "/api/v1/loan/customer-loan", { token: agent.token, body: { customer_id: people.customer.id, principal, tenure_months } });

/** An agent approved with `body` (a lending_limit or none), signed in. */
async function approved(body?: Json): Promise<Actor> {
  const agent = await signedUp(api, "agent");
  const res = await api.call("PUT", `/api/v1/user/approve-delete/${agent.id}`, { token: admin(), body });
  expect(res.status).toBe(200);
  return { ...agent, token: await api.login(agent.email, "password-123") };
}

/** Waits until the loans service holds `limit` for the agent (agent.approved arrives through the outbox). */
async function limitBecomes(agentId: number, limit: string): Promise<Json> {
  return eventually(
    async () => {
      const res = await limitOf(agentId);
      expect(res.body).toMatchObject({ agent_id: agentId, limit });
      return res.body;
    },
    { what: `agent ${agentId}'s limit ${limit}` },
  );
}

function expectExceeded(res: { status: number; body: Json }, available: string): void {
  expect(res.status).toBe(422);
  expect(res.body).toMatchObject({ code: 422, type: "AGENT_LIMIT_EXCEEDED", data: [{ field: "principal", type: "agentLimit" }] });
  expect(res.body.data[0].message).toContain(`${available} of`);
  expect(res.body.message).toContain(available);
}

describe("the limit an approval gives", () => {
  test("without lending_limit: AGENT_DEFAULT_LIMIT; the agent reads their own, not another's", async () => {
    const agent = await approved();
    const own = await limitBecomes(agent.id, "5000000.00");
    expect(own).toEqual({ agent_id: agent.id, limit: "5000000.00", used: "0.00", available: "5000000.00" });
    expect((await limitOf(agent.id, agent.token)).body).toEqual(own);
    expect((await limitOf(people.agent.id, agent.token)).status).toBe(403);
    expect((await limitOf(agent.id, people.customer.token)).status).toBe(403);
    expect((await api.call("GET", "/api/v1/loan/agent-limits", { token: agent.token })).status).toBe(403);
  });

  test("with lending_limit (a string or a number): that limit", async () => {
    const a = await approved({ lending_limit: "300000.00" });
    const b = await approved({ lending_limit: 1250.5 });
    await limitBecomes(a.id, "300000.00");
    await limitBecomes(b.id, "1250.50");
  });

  test.each([["abc"], ["-5"], ["1.234"], [-1], ["1000000000000.00"], [true]])("lending_limit %p → 422 naming it, the agent stays pending", async (lending_limit) => {
    const agent = await signedUp(api, "agent");
    const res = await api.call("PUT", `/api/v1/user/approve-delete/${agent.id}`, { token: admin(), body: { lending_limit } });
    expect(res.status).toBe(422);
    expect(res.body.data.map((d: Json) => d.field)).toContain("lending_limit");
    expect((await api.call("GET", `/api/v1/user/users/${agent.id}`, { token: admin() })).body.is_approved).toBe(false);
  });
});

describe("the rule: used + principal ≤ limit", () => {
  test("a request over what is available → 422 AGENT_LIMIT_EXCEEDED naming principal and the amount still available", async () => {
    const agent = await approved({ lending_limit: "300000.00" });
    await limitBecomes(agent.id, "300000.00");
    expect((await request(agent, "200000.00")).status).toBe(201);
    expectExceeded(await request(agent, "150000.00"), "100000.00");
    expect((await request(agent, "100000.00")).status).toBe(201);
    expect((await limitOf(agent.id)).body).toEqual({ agent_id: agent.id, limit: "300000.00", used: "300000.00", available: "0.00" });
    expectExceeded(await request(agent, "1000.00"), "0.00");
  });

  test("used counts NEW and APPROVED principals and ACTIVE outstanding principal; REJECTED frees it", async () => {
    const agent = await approved({ lending_limit: "1000000.00" });
    await limitBecomes(agent.id, "1000000.00");
    const a = (await request(agent, "400000.00")).body;
    expect((await limitOf(agent.id)).body.used).toBe("400000.00");
    expect((await api.call("PUT", `/api/v1/loan/approve-reject-loan/${a.id}`, { token: admin(), body: { status: "REJECTED" } })).status).toBe(200);
    expect((await limitOf(agent.id)).body.used).toBe("0.00");

    const b = (await request(agent, "500000.00", 12)).body;
    expect((await api.call("PUT", `/api/v1/loan/approve-reject-loan/${b.id}`, { token: admin(), body: { status: "APPROVED" } })).status).toBe(200);
    expect((await limitOf(agent.id)).body.used).toBe("500000.00");
    expect((await api.call("PUT", `/api/v1/loan/disburse-loan/${b.id}`, { token: admin(), body: {} })).status).toBe(200);
    expect((await limitOf(agent.id)).body.used).toBe("500000.00");
    const paid = await api.call("POST", `/api/v1/loan/repayment/${b.id}`, { token: admin(), body: { amount: "100000.00" } });
    expect(paid.status).toBe(201);
    const loan = (await api.call("GET", `/api/v1/loan/loan-details/${b.id}`, { token: admin() })).body;
    expect(Number(loan.outstanding_principal)).toBeLessThan(500000);
    const after = (await limitOf(agent.id)).body;
    expect(after.used).toBe(loan.outstanding_principal);
    expect(after.available).toBe((1000000 - Number(loan.outstanding_principal)).toFixed(2));
  });

  test("10 concurrent requests of one agent against a limit that fits five: exactly five 201, five AGENT_LIMIT_EXCEEDED", async () => {
    const agent = await approved({ lending_limit: "500000.00" });
    await limitBecomes(agent.id, "500000.00");
    const answers = await Promise.all(Array.from({ length: 10 }, () => request(agent, "100000.00")));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(5);
    const refused = answers.filter((a) => a.status !== 201);
    expect(refused).toHaveLength(5);
    for (const r of refused) expect(r.body).toMatchObject({ code: 422, type: "AGENT_LIMIT_EXCEEDED" });
    expect((await limitOf(agent.id)).body).toMatchObject({ used: "500000.00", available: "0.00" });
    const listed = await api.call("GET", `/api/v1/loan/list-loans-admin-agent?pageSize=100`, { token: admin() });
    expect(listed.body.rows.filter((l: Json) => l.agent_id === agent.id)).toHaveLength(5);
  });

  test("an edit raising the principal past the limit is refused; up to it, lowering it and tenure alone are not", async () => {
    const agent = await approved({ lending_limit: "300000.00" });
    await limitBecomes(agent.id, "300000.00");
    const loan = (await request(agent, "200000.00")).body;
    const other = (await request(agent, "50000.00")).body;
    const edit = (id: number, body: Json) => api.call("PUT", `/api/v1/loan/edit-loan/${id}`, { token: agent.token, body });
    // This loan's own 200000.00 is not counted against it: 300000.00 − 50000.00 is what it may reach.
    expectExceeded(await edit(loan.id, { principal: "260000.00" }), "250000.00");
    expect((await api.call("GET", `/api/v1/loan/loan-details/${loan.id}`, { token: admin() })).body).toMatchObject({ principal: "200000.00", version: 1 });
    expect((await edit(loan.id, { principal: "250000.00" })).status).toBe(200);
    expect((await limitOf(agent.id)).body).toMatchObject({ used: "300000.00", available: "0.00" });
    // An admin lowers the limit under `used`: the loans stay, lowering and tenure-only edits go through.
    expect((await setLimit(agent.id, "100000.00")).body).toEqual({ agent_id: agent.id, limit: "100000.00", used: "300000.00", available: "0.00" });
    expect((await edit(loan.id, { tenure_months: 24 })).status).toBe(200);
    expect((await edit(loan.id, { principal: "240000.00" })).status).toBe(200);
    expectExceeded(await edit(other.id, { principal: "60000.00" }), "0.00");
  });
});

describe("an admin's limit", () => {
  test("PUT → 200 { agent_id, limit, used, available }; listed; validated; each change audited", async () => {
    const agent = await approved({ lending_limit: "400000.00" });
    await limitBecomes(agent.id, "400000.00");
    const set = await setLimit(agent.id, 750000);
    expect(set.status).toBe(200);
    expect(set.body).toEqual({ agent_id: agent.id, limit: "750000.00", used: "0.00", available: "750000.00" });
    expect((await limitOf(agent.id)).body.limit).toBe("750000.00");

    for (const bad of ["abc", "-1", "1.001", null]) {
      const res = await setLimit(agent.id, bad);
      expect(res.status).toBe(422);
      expect(res.body.data.map((d: Json) => d.field)).toContain("limit");
    }
    expect((await setLimit(people.customer.id, "1.00")).status).toBe(404);
    expect((await setLimit(2_000_000_000, "1.00")).status).toBe(404);
    expect((await setLimit(agent.id, "1.00", agent.token)).status).toBe(403);

    const page = await api.call("GET", "/api/v1/loan/agent-limits?pageSize=100", { token: admin() });
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ page: 1, pageSize: 100, total: expect.any(Number) });
    expect(page.body.rows).toContainEqual({ agent_id: agent.id, limit: "750000.00", used: "0.00", available: "750000.00" });
    const one = await api.call("GET", "/api/v1/loan/agent-limits?pageSize=1&page=2", { token: admin() });
    expect(one.body.rows).toHaveLength(1);
    expect(one.body.total).toBe(page.body.total);

    const events = await eventually(
      async () => {
        const res = await api.call("GET", `/api/v1/audit/events?entity=agent_limit&entity_id=${agent.id}`, { token: admin() });
        expect(res.body.rows).toHaveLength(2);
        return res.body.rows as Json[];
      },
      { what: "the agent's two agent_limit.changed events" },
    );
    expect(events[0]).toMatchObject({ event: "agent_limit.changed", actor_id: people.admin.id, before: { limit: "5000000.00" }, after: { agent_id: agent.id, limit: "400000.00" } });
    expect(events[1]).toMatchObject({ event: "agent_limit.changed", actor_id: people.admin.id, before: { limit: "400000.00" }, after: { limit: "750000.00" } });
  });

  test("the agent.approved delivered late (after an admin's PUT) keeps the admin's limit; until it arrives the agent has the default", async () => {
    // Hold the consumer's table: the relay's delivery of agent.approved waits on it.
    const db = new Client({ connectionString: stack.databases.loans });
    await db.connect();
    try {
      await db.query("BEGIN");
      await db.query("LOCK TABLE consumed_events IN SHARE ROW EXCLUSIVE MODE");
      const agent = await approved({ lending_limit: "700000.00" });
      await eventually(
        async () => {
          const { rows } = await db.query("SELECT count(*)::int AS n FROM pg_locks WHERE relation = 'consumed_events'::regclass AND NOT granted");
          expect(rows[0].n).toBe(1);
        },
        { what: "the delivery of agent.approved waiting" },
      );
      expect((await limitOf(agent.id)).body).toEqual({ agent_id: agent.id, limit: "5000000.00", used: "0.00", available: "5000000.00" });
      expect((await request(agent, "10000.00")).status).toBe(201);
      expect((await setLimit(agent.id, "200000.00")).body).toEqual({ agent_id: agent.id, limit: "200000.00", used: "10000.00", available: "190000.00" });
      await db.query("COMMIT");
      await eventually(
        async () => {
          const { rows } = await db.query("SELECT count(*)::int AS n FROM consumed_events WHERE source = 'users' AND consumed_at > now() - interval '1 minute'");
          expect(rows[0].n).toBeGreaterThanOrEqual(1);
          const pending = new Client({ connectionString: stack.databases.users });
          await pending.connect();
          try {
            const left = await pending.query("SELECT count(*)::int AS n FROM outbox_pending WHERE consumer = 'loans'");
            expect(left.rows[0].n).toBe(0);
          } finally {
            await pending.end();
          }
        },
        { what: "agent.approved applied" },
      );
      expect((await limitOf(agent.id)).body).toEqual({ agent_id: agent.id, limit: "200000.00", used: "10000.00", available: "190000.00" });
    } finally {
      await db.query("ROLLBACK").catch(() => undefined);
      await db.end();
    }
  });
});
