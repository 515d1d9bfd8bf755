/**
 * Loan lists are served from Moleculer's cacher, and every loan write clears the lists it changes
 * (its customer's and the admin/agent lists): a read after a write is never stale.
 */
import { Client } from "pg";
import { useStack } from "../support/fixture.js";

const { stack, api, people } = useStack({ people: true });

const mine = async () => (await api.call("GET", "/api/loan/list-loans-customer", { token: people.customer.token })).body;
const all = async (status?: string) => (await api.call("GET", `/api/loan/list-loans-admin-agent${status ? `?status=${status}` : ""}`, { token: people.admin.token })).body;
const request = async () => {
  const res = await api.call("POST", "/api/loan/customer-loan", { token: people.agent.token, body: { customer_id: people.customer.id, principal: "12000.00", tenure_months: 12 } });
  expect(res.status).toBe(201);
  return res.body;
};

test("a list is answered from the cache until a write clears it", async () => {
  await request();
  expect((await mine()).total).toBe(1);
  // A row written behind the service's back is not seen: the answer came from the cache.
  const db = new Client({ connectionString: stack.databases.loans });
  await db.connect();
  await db.query("INSERT INTO loans (customer_id, agent_id, principal, interest_rate, tenure_months, emi, status) VALUES ($1, $2, 1000, 14, 1, 1011.67, 'NEW')", [people.customer.id, people.agent.id]);
  await db.end();
  expect((await mine()).total).toBe(1);
  // A write through the service clears it: both rows now.
  await request();
  expect((await mine()).total).toBe(3);
});

test("reads right after writes are never stale", async () => {
  for (let i = 0; i < 5; i++) {
    const loan = await request();
    expect((await mine()).rows[0]).toMatchObject({ id: loan.id, status: "NEW", version: 1 });
    expect((await all("NEW")).rows[0]).toMatchObject({ id: loan.id });

    const edited = await api.call("PUT", `/api/loan/edit-loan/${loan.id}`, { token: people.agent.token, body: { tenure_months: 24 } });
    expect(edited.status).toBe(200);
    expect((await mine()).rows[0]).toMatchObject({ id: loan.id, version: 2, tenure_months: 24 });

    const decided = await api.call("PUT", `/api/loan/approve-reject-loan/${loan.id}`, { token: people.admin.token, body: { status: i % 2 ? "APPROVED" : "REJECTED" } });
    expect(decided.status).toBe(200);
    expect((await mine()).rows[0]).toMatchObject({ id: loan.id, status: decided.body.status });
    expect((await all(decided.body.status)).rows[0]).toMatchObject({ id: loan.id });
    expect((await all("NEW")).rows.some((l: { id: number }) => l.id === loan.id)).toBe(false);
  }
});

test("a cached answer is sent as the very bytes and headers of the answer that filled the cache", async () => {
  await request(); // clears the customer's lists: the next read fills the cache
  const raw = async () => {
    const res = await fetch(`${stack.url}/api/loan/list-loans-customer`, { headers: { authorization: `Bearer ${people.customer.token}` } });
    // Date and X-Request-Id are each request's own.
    const headers = [...res.headers].filter(([name]) => name !== "date" && name !== "x-request-id");
    return { status: res.status, headers, text: await res.text() };
  };
  const filled = await raw();
  expect(filled.status).toBe(200);
  expect(filled.headers).toEqual(
    expect.arrayContaining([
      ["content-type", "application/json; charset=utf-8"],
      ["x-content-type-options", "nosniff"],
    ]),
  );
  expect(filled.text).toBe(JSON.stringify(JSON.parse(filled.text)));
  for (let i = 0; i < 3; i++) expect(await raw()).toEqual(filled);
  // Once a write clears the list, its new text is sent.
  await request();
  const refilled = await raw();
  expect(JSON.parse(refilled.text).total).toBe(JSON.parse(filled.text).total + 1);
  expect(await raw()).toEqual(refilled);
});

test("one customer's cached list is never another's", async () => {
  const other = await api.call("GET", "/api/loan/list-loans-customer", { token: people.otherCustomer.token });
  expect(other.body.total).toBe(0);
  expect((await mine()).total).toBeGreaterThan(0);
});

describe("a loan write clears its customer's lists and the admin/agent lists, no other customer's", () => {
  const otherMine = async () => (await api.call("GET", "/api/loan/list-loans-customer", { token: people.otherCustomer.token })).body;
  const behindTheBack = async (customerId: number) => {
    const db = new Client({ connectionString: stack.databases.loans });
    await db.connect();
    await db.query("INSERT INTO loans (customer_id, agent_id, principal, interest_rate, tenure_months, emi, status) VALUES ($1, $2, 1000, 14, 1, 1011.67, 'NEW')", [customerId, people.agent.id]);
    await db.end();
  };
  const requestFor = async (customerId: number) => {
    const res = await api.call("POST", "/api/loan/customer-loan", { token: people.agent.token, body: { customer_id: customerId, principal: "12000.00", tenure_months: 12 } });
    expect(res.status).toBe(201);
    return res.body;
  };

  test("through the service: the writer's instance", async () => {
    const otherBefore = (await otherMine()).total;
    await behindTheBack(people.otherCustomer.id); // seen only once the other customer's lists are cleared
    expect((await otherMine()).total).toBe(otherBefore);

    const loan = await requestFor(people.customer.id);
    expect((await mine()).rows[0]).toMatchObject({ id: loan.id });
    expect((await all()).rows[0]).toMatchObject({ id: loan.id });
    expect((await otherMine()).total).toBe(otherBefore); // still the cached answer

    const decided = await api.call("PUT", `/api/loan/approve-reject-loan/${loan.id}`, { token: people.admin.token, body: { status: "APPROVED" } });
    expect(decided.status).toBe(200);
    expect((await mine()).rows[0]).toMatchObject({ id: loan.id, status: "APPROVED" });
    expect((await all("APPROVED")).rows[0]).toMatchObject({ id: loan.id });
    expect((await otherMine()).total).toBe(otherBefore);

    const theirs = await requestFor(people.otherCustomer.id);
    const fresh = await otherMine();
    expect(fresh.total).toBe(otherBefore + 2);
    expect(fresh.rows[0]).toMatchObject({ id: theirs.id });
  });

  test("through the broadcast: what every other loans instance receives", async () => {
    const [mineBefore, otherBefore] = [(await mine()).total, (await otherMine()).total];
    await behindTheBack(people.customer.id);
    await behindTheBack(people.otherCustomer.id);
    // Another instance's write to one of the other customer's loans: only that customer's lists.
    await stack.broker.broadcast("cache.clean.loans", { customer_id: people.otherCustomer.id });
    expect((await otherMine()).total).toBe(otherBefore + 1);
    expect((await mine()).total).toBe(mineBefore);
    // A sender that names no customer (an older instance): every list.
    await stack.broker.broadcast("cache.clean.loans");
    expect((await mine()).total).toBe(mineBefore + 1);
  });
});
