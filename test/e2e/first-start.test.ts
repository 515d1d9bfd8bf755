/**
 * The first hour of a new user: plain `npm start` (dist/server.js, embedded PostgreSQL, no
 * admin) prints where the console and the API reference are, says in one line how to make
 * the first admin, and the server's bare address leads to the console.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startServerProcess, type ServerProcess } from "../support/server-process.js";
import { eventually } from "../support/eventually.js";

let dataDir: string;
let server: ServerProcess | undefined;

const env = (extra: Record<string, string> = {}) => ({
  LOANSTACK_DATA_DIR: dataDir,
  USERS_DATABASE_URL: "",
  LOANS_DATABASE_URL: "",
  AUDIT_DATABASE_URL: "",
  LEDGER_DATABASE_URL: "",
  JWT_SECRET: "",
  PORT: "0",
  HOST: "127.0.0.1",
  ADMIN_EMAIL: "",
  ADMIN_PASSWORD: "",
  BCRYPT_ROUNDS: "4",
  ...extra,
});

async function stop(): Promise<void> {
  if (server && server.child.exitCode === null) {
    server.child.kill("SIGTERM");
    await server.exited;
  }
  server = undefined;
}

beforeAll(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "loanstack-first-start-"));
  fs.chmodSync(dataDir, 0o755);
});

afterAll(async () => {
  await stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

jest.setTimeout(90_000);

const NO_ADMIN_HINT = /no admin yet: start once with ADMIN_EMAIL and ADMIN_PASSWORD set to create the first one/;

test("plain npm start prints the console and docs URLs and how to make the first admin", async () => {
  server = await startServerProcess(env());
  const port = new URL(server.url).port;
  // The lines come from separate writes: wait for the last of them before reading all.
  await eventually(() => expect(server!.output()).toContain(`API docs: http://localhost:${port}/docs`), { what: "the docs URL" });
  await eventually(() => expect(server!.output()).toMatch(NO_ADMIN_HINT), { what: "the no-admin hint" });
  expect(server.output()).toContain(`console:  http://localhost:${port}/admin`);
  expect(server.output().match(new RegExp(NO_ADMIN_HINT.source, "g"))).toHaveLength(1);
});

test("GET / redirects to the console and lists where to go", async () => {
  const res = await fetch(`${server!.url}/`, { redirect: "manual" });
  expect(res.status).toBe(302);
  expect(res.headers.get("location")).toBe("/admin");
  expect(await res.json()).toEqual({ console: "/admin", docs: "/docs", openapi: "/api/v1/openapi.json", health: "/health" });
  const followed = await fetch(`${server!.url}/`);
  expect(followed.status).toBe(200);
  expect(followed.url).toBe(`${server!.url}/admin`);
  expect(await followed.text()).toMatch(/<html/i);
  expect((await fetch(`${server!.url}/`, { method: "HEAD", redirect: "manual" })).status).toBe(302);
});

test("once an admin exists, the hint is not said again", async () => {
  await stop();
  server = await startServerProcess(env({ ADMIN_EMAIL: "first-admin@example.test", ADMIN_PASSWORD: "first-admin-pass-1" }));
  const res = await fetch(`${server.url}/api/v1/user/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: "first-admin@example.test", password: "first-admin-pass-1" }),
  });
  expect(res.status).toBe(200);
  await stop();
  server = await startServerProcess(env());
  // The users service has started (the gateway answers login) and said nothing of a missing admin.
  const again = await fetch(`${server.url}/api/v1/user/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: "first-admin@example.test", password: "first-admin-pass-1" }),
  });
  expect(again.status).toBe(200);
  expect(server.output()).not.toMatch(NO_ADMIN_HINT);
});
