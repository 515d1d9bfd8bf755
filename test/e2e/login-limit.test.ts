/**
 * The per-account login limit with two users instances behind one gateway (three brokers on
 * a Fake transporter, one database): 10 failed logins for an email within 15 minutes, counted
 * by either instance, and every further attempt for that email answers 429 with Retry-After —
 * from any address, with the right password too — until the window passes. Unknown emails get
 * the very same answers. A success starts the count again.
 */
import crypto from "node:crypto";
import http from "node:http";
import type { Context, Middleware, Service } from "moleculer";
import { Client } from "pg";
import { startNode, type RunningNode } from "../../app/node.js";
import { eventually } from "../support/eventually.js";
import { useStack } from "../support/fixture.js";
import { email, type HttpAnswer, type Json } from "../support/http.js";

const PASSWORD = "password-123";
const namespace = `limit-${crypto.randomBytes(3).toString("hex")}`;
const { stack, api, beforeStop } = useStack({ services: ["api", "loans", "audit"], broker: { transporter: "Fake", namespace } });
let db: Client;
const usersNodes: RunningNode[] = [];
/** users.login calls each users instance handled. */
const served: Record<string, number> = {};

function countLogins(nodeID: string): Middleware {
  served[nodeID] = 0;
  return {
    name: "CountLogins",
    localAction(handler, action) {
      if (action.name !== "users.login") return handler;
      return function (this: Service, ctx: Context) {
        served[nodeID]! += 1;
        return handler.call(this, ctx);
      };
    },
  } as Middleware;
}

beforeAll(async () => {
  for (const nodeID of ["users-1", "users-2"]) {
    usersNodes.push(await startNode({ services: ["users"], broker: { logger: false, transporter: "Fake", namespace, nodeID, middlewares: [countLogins(nodeID)] }, log: () => undefined }));
  }
  await eventually(() => expect(stack.broker.registry.getServiceList({ onlyAvailable: true }).filter((s) => s.name === "users")).toHaveLength(2), {
    what: "the gateway to see both users instances",
    intervalMs: 20,
  });
  db = new Client({ connectionString: stack.databases.users });
  await db.connect();
}, 60_000);
beforeStop(async () => {
  await db?.end();
  for (const node of usersNodes) await node.broker.stop();
});

async function customer(): Promise<string> {
  const address = email("limit");
  await api.signup("customer", address);
  return address;
}

/** A login over HTTP from a loopback address of its own (the per-address limiter keys the socket's). */
function loginFrom(address: string, emailAddress: string, password: string): Promise<HttpAnswer<Json>> {
  const body = JSON.stringify({ email: emailAddress, password });
  const { port } = new URL(stack.url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, localAddress: address, method: "POST", path: "/api/user/login", headers: { "content-type": "application/json" }, agent: false }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => {
        const headers = new Headers();
        for (const [name, value] of Object.entries(res.headers)) if (typeof value === "string") headers.set(name, value);
        resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : null, headers });
      });
    });
    req.on("error", reject);
    req.end(body);
  });
}

const login = (emailAddress: string, password: string) => api.call("POST", "/api/user/login", { body: { email: emailAddress, password } });

/** users.login on one instance, as the gateway would call it. */
const loginOn = (nodeID: string, emailAddress: string, password: string) =>
  stack.broker.call("users.login", { email: emailAddress, password }, { nodeID }).then(
    () => 200,
    (err: { code?: number }) => err.code,
  );

function expectLocked(res: HttpAnswer<Json>): void {
  expect({ status: res.status, body: res.body }).toEqual({
    status: 429,
    body: { name: expect.any(String), message: expect.any(String), code: 429, type: "LOGIN_ATTEMPTS_EXCEEDED", data: expect.anything() },
  });
  expect(res.body).not.toHaveProperty("token");
  const retryAfter = Number(res.headers.get("retry-after"));
  expect(retryAfter).toBeGreaterThan(800);
  expect(retryAfter).toBeLessThanOrEqual(900);
}

test("10 failures counted by two instances lock the account: 429 from either, any address, even the right password", async () => {
  const address = await customer();
  for (let i = 0; i < 5; i++) expect(await loginOn("users-1", address, "wrong-password")).toBe(401);
  for (let i = 0; i < 5; i++) expect(await loginOn("users-2", address, "wrong-password")).toBe(401);
  expectLocked(await login(address, PASSWORD));
  expectLocked(await loginFrom("127.0.0.21", address, PASSWORD));
  expectLocked(await loginFrom("127.0.0.22", address, "wrong-password"));
  expect(await loginOn("users-1", address, PASSWORD)).toBe(429);
  expect(await loginOn("users-2", address, PASSWORD)).toBe(429);
  // Another account is not touched.
  expect((await login(await customer(), PASSWORD)).status).toBe(200);
});

test("through the gateway alone: the 11th attempt is refused, whichever instance answers it", async () => {
  const address = await customer();
  const before = { ...served };
  const answers: number[] = [];
  for (let i = 0; i < 10; i++) answers.push((await login(address, "wrong-password")).status);
  expect(answers).toEqual(Array(10).fill(401));
  // Both instances took part: a count kept by each on its own would stop at 5 here.
  expect(served["users-1"]! - before["users-1"]!).toBeGreaterThanOrEqual(3);
  expect(served["users-2"]! - before["users-2"]!).toBeGreaterThanOrEqual(3);
  expectLocked(await login(address, PASSWORD));
  expectLocked(await login(address, PASSWORD));
});

test("an unknown email gets the same answers as a known one: the same 401, then the same 429", async () => {
  const known = await customer();
  const unknown = email("nobody");
  const strip = (res: HttpAnswer<Json>) => ({ status: res.status, name: res.body.name, message: res.body.message, type: res.body.type });
  for (let i = 0; i < 10; i++) {
    const [k, u] = await Promise.all([login(known, "wrong-password"), login(unknown, "wrong-password")]);
    expect(strip(u)).toEqual(strip(k));
    expect(k.status).toBe(401);
  }
  const [k, u] = await Promise.all([login(known, PASSWORD), login(unknown, PASSWORD)]);
  expectLocked(k);
  expectLocked(u);
  expect(strip(u)).toEqual(strip(k));
});

test("a success starts the count again", async () => {
  const address = await customer();
  for (let i = 0; i < 9; i++) expect((await login(address, "wrong-password")).status).toBe(401);
  expect((await login(address, PASSWORD)).status).toBe(200);
  for (let i = 0; i < 10; i++) expect((await login(address, "wrong-password")).status).toBe(401);
  expectLocked(await login(address, PASSWORD));
});

test("once the 15-minute window has passed, the right password logs in", async () => {
  const address = await customer();
  for (let i = 0; i < 10; i++) await login(address, "wrong-password");
  expectLocked(await login(address, PASSWORD));
  // The window began 16 minutes ago, as if the client had waited.
  await db.query("UPDATE login_failures SET window_start = window_start - interval '16 minutes'");
  expect((await login(address, PASSWORD)).status).toBe(200);
});

test("the email is counted whatever its case; only a hash of it is kept", async () => {
  const address = await customer();
  for (let i = 0; i < 10; i++) await login(i % 2 ? address.toUpperCase() : address, "wrong-password");
  expectLocked(await login(address, PASSWORD));
  const { rows } = await db.query("SELECT * FROM login_failures");
  expect(rows.length).toBeGreaterThan(0);
  expect(JSON.stringify(rows)).not.toContain("@");
});
