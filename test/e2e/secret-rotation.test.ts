/**
 * Rotating JWT_SECRET through restarts on the same databases: "old" → "new,old" (tokens of
 * the old secret still accepted, new ones signed with the new) → "new" (the old ones stop).
 */
import jwt from "jsonwebtoken";
import type { LoginResponse } from "../../sdk/contracts.js";
import { keyId } from "../../services/shared/tokens.js";
import { createTestDatabases, type TestDatabases } from "../support/databases.js";
import { Api, email } from "../support/http.js";
import { startStack, type Stack } from "../support/stack.js";

const OLD = "the-old-secret-of-this-test-0123456789";
const NEW = "the-new-secret-of-this-test-9876543210";
const PASSWORD = "password-123";
let databases: TestDatabases;
let stack: Stack | undefined;

beforeAll(async () => {
  databases = await createTestDatabases();
});
afterAll(async () => {
  await stack?.stopBroker();
  await databases?.drop();
});

async function runWith(secret: string): Promise<Api> {
  await stack?.stopBroker();
  stack = await startStack({ databases, env: { JWT_SECRET: secret } });
  return new Api(stack.url);
}

async function login(api: Api, address: string): Promise<LoginResponse> {
  const res = await api.call<LoginResponse>("POST", "/api/user/login", { body: { email: address, password: PASSWORD } });
  expect(res.status).toBe(200);
  return res.body;
}

const kidOf = (token: string) => jwt.decode(token, { complete: true })!.header.kid;

test("old → new,old → new: nobody is signed out by the rotation, the old secret's tokens end with it", async () => {
  let api = await runWith(OLD);
  const address = email("rotation");
  await api.signup("customer", address);
  const before = await login(api, address);
  expect(kidOf(before.token)).toBe(keyId(OLD));

  api = await runWith(`${NEW},${OLD}`);
  expect((await api.call("GET", "/api/user/profile", { token: before.token })).status).toBe(200);
  const after = await login(api, address);
  expect(kidOf(after.token)).toBe(keyId(NEW));
  expect(() => jwt.verify(after.token, NEW)).not.toThrow();
  // The session of the old token goes on: its refresh answers a token of the new secret.
  const renewed = await api.call<LoginResponse>("POST", "/api/user/token/refresh", { body: { refresh_token: before.refresh_token } });
  expect(renewed.status).toBe(200);
  expect(kidOf(renewed.body.token)).toBe(keyId(NEW));

  api = await runWith(NEW);
  expect((await api.call("GET", "/api/user/profile", { token: before.token })).status).toBe(401);
  expect((await api.call("GET", "/api/user/profile", { token: after.token })).status).toBe(200);
  expect((await api.call("GET", "/api/user/profile", { token: renewed.body.token })).status).toBe(200);
});
