/**
 * User search end to end, through the gateway on real PostgreSQL: `q` found in a first name,
 * a last name, "first last" or an email, in any case, `%` and `_` taken literally; ordered by
 * last name, first name, id; paginated; admins find every role, agents customers only; a `q`
 * under 2 characters is a 422 naming `q`; the /api path answers as /api/v1 does; and the
 * statement PostgreSQL runs can use the trigram indexes of the users' migration 0005.
 */
import crypto from "node:crypto";
import { Client } from "pg";
import { searchStatements } from "../../services/users/user-repository.js";
import { pageWindow } from "../../services/shared/pagination.js";
import { useStack } from "../support/fixture.js";
import type { Json } from "../support/http.js";

const { stack, api, people } = useStack({ people: true });

/** Letters only, unique to this run: every person of this file carries it in their last name. */
const TAG = `q${crypto
  .randomBytes(6)
  .toString("hex")
  .replace(/\d/g, (d) => "abcdefghij"[Number(d)]!)}`;
const PASSWORD = "password-123";

interface Person {
  id: number;
  first_name: string;
  last_name: string;
  email: string;
  role: string;
}
const made: Record<string, Person> = {};

async function signup(key: string, first_name: string, last_name: string, address: string, kind: "customer" | "agent"): Promise<void> {
  const res = await api.call("POST", "/api/v1/user/signup", {
    body: { email: address, password: PASSWORD, first_name, last_name, is_customer: kind === "customer", is_agent: kind === "agent" },
  });
  expect(res.status).toBe(201);
  made[key] = res.body;
}

const search = (query: string, token = people.admin.token, prefix = "/api/v1") => api.call("GET", `${prefix}/user/search?${query}`, { token });
const q = (text: string) => `q=${encodeURIComponent(text)}`;
const ids = (body: Json): number[] => body.rows.map((u: { id: number }) => u.id);

beforeAll(async () => {
  // Signed up one after another: ids rise in this order, which the ordering tests rely on.
  await signup("ada", "Ada", `Lovelace${TAG}`, `ada.${TAG}@example.test`, "customer");
  await signup("byron", "Ada", `Byron${TAG}`, `byron.${TAG}@example.test`, "customer");
  await signup("grace", "Grace", `Hopper${TAG}`, `grace.${TAG}@example.test`, "customer");
  await signup("grace2", "grace", `hopper${TAG}`, `grace2.${TAG}@example.test`, "customer");
  await signup("percent", "Per", `Cent${TAG}`, `off%${TAG}@example.test`, "customer");
  await signup("under", "Under", `Score${TAG}`, `under_${TAG}@example.test`, "customer");
  await signup("alan", "Alan", `Turing${TAG}`, `alan.${TAG}@example.test`, "agent");
  expect((await api.call("PUT", `/api/v1/user/approve-delete/${made.alan!.id}`, { token: people.admin.token })).status).toBe(200);
  const admin = await api.call("POST", "/api/v1/user/create-admin", {
    token: people.admin.token,
    body: { email: `edsger.${TAG}@example.test`, password: PASSWORD, first_name: "Edsger", last_name: `Dijkstra${TAG}` },
  });
  expect(admin.status).toBe(201);
  made.edsger = admin.body;
});

/** Everyone of this file, in the order a search answers: last name, first name (any case), id. */
function expectedOrder(keys: string[]): number[] {
  return keys
    .map((k) => made[k]!)
    .sort((a, b) => a.last_name.toLowerCase().localeCompare(b.last_name.toLowerCase()) || a.first_name.toLowerCase().localeCompare(b.first_name.toLowerCase()) || a.id - b.id)
    .map((u) => u.id);
}

const EVERYONE = ["ada", "byron", "grace", "grace2", "percent", "under", "alan", "edsger"];
const CUSTOMERS = ["ada", "byron", "grace", "grace2", "percent", "under"];

describe("an admin", () => {
  test("finds people of every role by a part of the last name, ordered by last name, first name, id", async () => {
    const res = await search(`${q(TAG)}&pageSize=100`);
    expect(res.status).toBe(200);
    expect(ids(res.body)).toEqual(expectedOrder(EVERYONE));
    expect(res.body).toMatchObject({ total: EVERYONE.length, page: 1, pageSize: 100, totalPages: 1 });
    // Two "grace hopper"s told apart by case only: the id decides, after the names in any case.
    const hoppers = ids(res.body).filter((id) => id === made.grace!.id || id === made.grace2!.id);
    expect(hoppers).toEqual([made.grace!.id, made.grace2!.id]);
    // Never a password or its hash.
    expect(JSON.stringify(res.body)).not.toMatch(/password/);
  });

  test.each([
    ["a last name in another case", () => `LOVELACE${TAG.toUpperCase()}`, ["ada"]],
    ["the full name, first then last", () => `ada lovelace${TAG}`, ["ada"]],
    ["the full name across the space", () => `da Lovelace${TAG}`, ["ada"]],
    ["a part of an email", () => `grace2.${TAG}@`, ["grace2"]],
    ["an email in capitals", () => `ALAN.${TAG.toUpperCase()}@EXAMPLE`, ["alan"]],
    ["a first name", () => "edsger", ["edsger"]],
  ])("finds by %s", async (_what, text, keys) => {
    const res = await search(`${q(text())}&pageSize=100`);
    expect(res.status).toBe(200);
    expect(ids(res.body)).toEqual(expectedOrder(keys));
  });

  test("a `%` or `_` in q is that character, not a wildcard", async () => {
    expect(ids((await search(q(`%${TAG}`))).body)).toEqual([made.percent!.id]);
    expect(ids((await search(q(`_${TAG}`))).body)).toEqual([made.under!.id]);
    expect((await search(q(`x%y${TAG}`))).body).toMatchObject({ rows: [], total: 0, totalPages: 0 });
  });

  test("q is trimmed", async () => {
    expect(ids((await search(q(`  hopper${TAG}  `))).body)).toEqual(expectedOrder(["grace", "grace2"]));
  });

  test("pages like every list: page 2 of 3 rows each, the same total", async () => {
    const all = expectedOrder(EVERYONE);
    const res = await search(`${q(TAG)}&page=2&pageSize=3`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ total: all.length, page: 2, pageSize: 3, totalPages: Math.ceil(all.length / 3) });
    expect(ids(res.body)).toEqual(all.slice(3, 6));
    const past = await search(`${q(TAG)}&page=9&pageSize=3`);
    expect(past.body).toMatchObject({ rows: [], total: all.length, page: 9 });
  });

  test("the unversioned /api path answers as /api/v1 does", async () => {
    const v1 = await search(`${q(TAG)}&pageSize=100`);
    const legacy = await search(`${q(TAG)}&pageSize=100`, people.admin.token, "/api");
    expect(legacy.status).toBe(200);
    expect(legacy.body).toEqual(v1.body);
  });
});

describe("an approved agent", () => {
  test("finds customers only: not agents, not admins", async () => {
    const agentToken = await api.login(made.alan!.email, PASSWORD);
    const res = await search(`${q(TAG)}&pageSize=100`, agentToken);
    expect(res.status).toBe(200);
    expect(ids(res.body)).toEqual(expectedOrder(CUSTOMERS));
    expect(res.body.total).toBe(CUSTOMERS.length);
    // Their own name finds nobody: they are not a customer.
    expect((await search(q(`turing${TAG}`), agentToken)).body).toMatchObject({ rows: [], total: 0 });
  });
});

describe("who may not", () => {
  test.each([
    ["a customer", 403, () => people.customer.token],
    ["a pending agent", 403, () => people.pendingAgent.token],
    ["nobody signed in", 401, () => undefined],
  ])("%s → %i", async (_who, status, token) => {
    const res = await api.call("GET", `/api/v1/user/search?${q(TAG)}`, { token: token() });
    expect(res.status).toBe(status);
  });
});

describe("q", () => {
  test.each([
    ["missing", ""],
    ["one character", q("a")],
    ["one character once trimmed", q(" a ")],
    ["empty", "q="],
    ["longer than 254 characters", q("a".repeat(255))],
  ])("%s → 422 naming q", async (_what, query) => {
    const res = await search(query);
    expect(res.status).toBe(422);
    expect(res.body.data).toEqual(expect.arrayContaining([expect.objectContaining({ field: "q" })]));
  });

  test("a bad page → 422 naming page", async () => {
    const res = await search(`${q(TAG)}&page=0`);
    expect(res.status).toBe(422);
    expect(res.body.data).toEqual(expect.arrayContaining([expect.objectContaining({ field: "page" })]));
  });
});

describe("the index", () => {
  let client: Client;
  beforeAll(async () => {
    client = new Client({ connectionString: stack.databases.users });
    await client.connect();
  });
  afterAll(() => client.end());

  test("the migration made both trigram indexes", async () => {
    const res = await client.query<{ indexname: string }>("SELECT indexname FROM pg_indexes WHERE tablename = 'users' AND indexdef LIKE '%gin_trgm_ops%' ORDER BY indexname");
    expect(res.rows.map((r) => r.indexname)).toEqual(["users_email_trgm_idx", "users_full_name_trgm_idx"]);
  });

  test("a search can be answered from them, not by reading every row", async () => {
    // A handful of rows: the planner would rather read them all; told not to, it must be able to
    // use the indexes (an agent's search adds `role = 'customer'`, which only narrows it).
    const { count } = searchStatements("lovelace", undefined, pageWindow({}));
    await client.query("BEGIN");
    try {
      await client.query("SET LOCAL enable_seqscan = off");
      const plan = await client.query<{ "QUERY PLAN": string }>(`EXPLAIN ${count.text}`, count.values);
      const text = plan.rows.map((r) => r["QUERY PLAN"]).join("\n");
      expect(text).toContain("users_full_name_trgm_idx");
      expect(text).toContain("users_email_trgm_idx");
      expect(text).not.toMatch(/Seq Scan/);
    } finally {
      await client.query("ROLLBACK");
    }
  });
});
