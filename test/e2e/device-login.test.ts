/**
 * Login limits that cannot lock the owner out (OWASP's device cookie), through real HTTP:
 * someone who knows only an email locks out the clients without a device token, never the
 * owner's device; a device token of another account, or a forged one, does not help; a
 * device's own failures are limited too. A wrong current password on change-password counts
 * as a failed login (and concurrent wrong guesses stop before bcrypt once over the limit).
 * An admin clears an account's counts with DELETE /api/v1/user/login-failures/{user_id}.
 */
import { Client } from "pg";
import { useStack } from "../support/fixture.js";
import { email, type HttpAnswer, type Json } from "../support/http.js";

const PASSWORD = "password-123";
const { stack, api, people, beforeStop } = useStack({ people: true });
let db: Client;

beforeAll(async () => {
  db = new Client({ connectionString: stack.databases.users });
  await db.connect();
});
beforeStop(() => db?.end());

async function customer(): Promise<{ id: number; email: string }> {
  const address = email("device");
  const user = await api.signup("customer", address);
  return { id: user.id, email: address };
}

const login = (address: string, password: string, deviceToken?: string): Promise<HttpAnswer<Json>> =>
  api.call("POST", "/api/v1/user/login", { body: { email: address, password, ...(deviceToken !== undefined && { device_token: deviceToken }) } });

/** The owner signs in once from their device, which keeps the answer's device token. */
async function ownerDevice(address: string): Promise<string> {
  const res = await login(address, PASSWORD);
  expect(res.status).toBe(200);
  expect(res.body.device_token).toEqual(expect.any(String));
  return res.body.device_token as string;
}

function expectLocked(res: HttpAnswer<Json>): void {
  expect({ status: res.status, type: res.body?.type }).toEqual({ status: 429, type: "LOGIN_ATTEMPTS_EXCEEDED" });
  expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
}

async function attack(address: string, times = 11): Promise<void> {
  for (let i = 0; i < times; i++) await login(address, "wrong-password");
}

describe("the device token", () => {
  test("a login answers an opaque device token; presenting it again answers the same device", async () => {
    const user = await customer();
    const first = await ownerDevice(user.email);
    expect(first).not.toContain(user.email);
    const again = await login(user.email, PASSWORD, first);
    expect(again.status).toBe(200);
    expect(again.body.device_token).toBe(first);
  });

  test("11 wrong logins knowing only the email lock out clients without a device token, not the owner's device", async () => {
    const user = await customer();
    const device = await ownerDevice(user.email);
    await attack(user.email);
    expectLocked(await login(user.email, PASSWORD));
    const owner = await login(user.email, PASSWORD, device);
    expect(owner.status).toBe(200);
    expect(owner.body.user.email).toBe(user.email);
    // The owner's success does not renew the budget of the clients without a device token.
    expectLocked(await login(user.email, PASSWORD));
    // And the attack goes on: the owner still gets in.
    await attack(user.email, 20);
    expect((await login(user.email, PASSWORD, device)).status).toBe(200);
  });

  test("a wrong password from the owner's device is a 401 (not a 429) while the account-wide limit is reached", async () => {
    const user = await customer();
    const device = await ownerDevice(user.email);
    await attack(user.email);
    const typo = await login(user.email, "wrong-password", device);
    expect({ status: typo.status, type: typo.body.type }).toEqual({ status: 401, type: "INVALID_CREDENTIALS" });
  });

  test("a device's own failures are limited: 10 within 15 minutes, then 429 for that device; clients without one are not counted by them", async () => {
    const user = await customer();
    const device = await ownerDevice(user.email);
    for (let i = 0; i < 10; i++) expect((await login(user.email, "wrong-password", device)).status).toBe(401);
    expectLocked(await login(user.email, PASSWORD, device));
    // The account-wide count did not move: a client without a device token still gets in.
    expect((await login(user.email, PASSWORD)).status).toBe(200);
    // A new device of the owner's is counted on its own.
    const other = await ownerDevice(user.email);
    expect(other).not.toBe(device);
    expect((await login(user.email, PASSWORD, other)).status).toBe(200);
  });

  test("a device token of another account does not help", async () => {
    const victim = await customer();
    const attacker = await customer();
    const attackersDevice = await ownerDevice(attacker.email);
    await attack(victim.email);
    expectLocked(await login(victim.email, PASSWORD, attackersDevice));
    // Nor does guessing with it escape the account-wide count.
    const other = await customer();
    for (let i = 0; i < 10; i++) expect((await login(other.email, "wrong-password", attackersDevice)).status).toBe(401);
    expectLocked(await login(other.email, PASSWORD));
  });

  test("a forged or altered device token does not help", async () => {
    const user = await customer();
    const device = await ownerDevice(user.email);
    await attack(user.email);
    const altered = device.slice(0, -2) + (device.endsWith("AA") ? "BB" : "AA");
    expectLocked(await login(user.email, PASSWORD, altered));
    expectLocked(await login(user.email, PASSWORD, "not-a-device-token"));
  });

  test("a device token over 512 characters, or not a string, → 422 naming it", async () => {
    const user = await customer();
    for (const device_token of ["x".repeat(513), 42]) {
      const res = await api.call("POST", "/api/v1/user/login", { body: { email: user.email, password: PASSWORD, device_token } });
      expect(res.status).toBe(422);
      expect(res.body.data).toEqual(expect.arrayContaining([expect.objectContaining({ field: "device_token" })]));
    }
  });
});

describe("change-password", () => {
  const change = (token: string, current: string) => api.call("PUT", "/api/v1/user/change-password", { token, body: { current_password: current, new_password: "another-pass-1" } });

  test("a wrong current password counts as a failed login: after 10, 429 with Retry-After, and the login limit too", async () => {
    const user = await customer();
    const token = await api.login(user.email, PASSWORD);
    for (let i = 0; i < 10; i++) expect((await change(token, "wrong-password")).status).toBe(422);
    const refused = await change(token, "wrong-password");
    expectLocked(refused);
    // The right one is refused too until the window passes: the thief's guess cannot be told from it.
    expectLocked(await change(token, PASSWORD));
    expectLocked(await login(user.email, PASSWORD));
  });

  test("failed logins and wrong current passwords share one count", async () => {
    const user = await customer();
    const token = await api.login(user.email, PASSWORD);
    for (let i = 0; i < 5; i++) await login(user.email, "wrong-password");
    for (let i = 0; i < 5; i++) expect((await change(token, "wrong-password")).status).toBe(422);
    expectLocked(await change(token, "wrong-password"));
  });

  // Whether the bystander waits is a matter of time, which the bench measures (a timed assertion
  // failed under the suite's load): here, that at most 10 guesses reach bcrypt at all.
  test("70 concurrent wrong guesses: at most 10 are checked (422), the rest refused before bcrypt (429); another user's login still succeeds", async () => {
    const user = await customer();
    const token = await api.login(user.email, PASSWORD);
    const bystander = await customer();
    const guesses = Promise.all(Array.from({ length: 70 }, () => change(token, "wrong-password")));
    const other = await login(bystander.email, PASSWORD);
    const answers = (await guesses).map((r) => r.status);
    expect(other.status).toBe(200);
    expect(answers.filter((s) => s === 422).length).toBeLessThanOrEqual(10);
    expect(answers.filter((s) => s === 429).length).toBeGreaterThanOrEqual(60);
    expect(answers.every((s) => s === 422 || s === 429)).toBe(true);
  });

  test("the right current password still changes it (204) below the limit", async () => {
    const user = await customer();
    const token = await api.login(user.email, PASSWORD);
    expect((await change(token, "wrong-password")).status).toBe(422);
    expect((await change(token, PASSWORD)).status).toBe(204);
    expect((await login(user.email, "another-pass-1")).status).toBe(200);
  });
});

describe("DELETE /api/v1/user/login-failures/{user_id}", () => {
  const clear = (id: number, token = people.admin.token) => api.call("DELETE", `/api/v1/user/login-failures/${id}`, { token });

  test("an admin clears the account-wide count: the owner without a device token gets in again (204)", async () => {
    const user = await customer();
    await attack(user.email);
    expectLocked(await login(user.email, PASSWORD));
    const res = await clear(user.id);
    expect(res.status).toBe(204);
    expect(res.body).toBeNull();
    expect((await login(user.email, PASSWORD)).status).toBe(200);
  });

  test("it clears the account's device counts too", async () => {
    const user = await customer();
    const device = await ownerDevice(user.email);
    for (let i = 0; i < 11; i++) await login(user.email, "wrong-password", device);
    expectLocked(await login(user.email, PASSWORD, device));
    expect((await clear(user.id)).status).toBe(204);
    expect((await login(user.email, PASSWORD, device)).status).toBe(200);
  });

  test("another account's counts stay", async () => {
    const user = await customer();
    const other = await customer();
    await attack(user.email);
    await attack(other.email);
    expect((await clear(user.id)).status).toBe(204);
    expectLocked(await login(other.email, PASSWORD));
  });

  test("an unknown user → 404; a customer or an agent → 403", async () => {
    expect((await clear(99_999_999)).status).toBe(404);
    expect((await clear(people.customer.id, people.customer.token)).status).toBe(403);
    expect((await clear(people.customer.id, people.agent.token)).status).toBe(403);
  });
});

test("the device counts kept in the database name no email and no device token", async () => {
  const user = await customer();
  const device = await ownerDevice(user.email);
  await login(user.email, "wrong-password", device);
  const { rows } = await db.query("SELECT * FROM login_failures");
  const text = JSON.stringify(rows);
  expect(text).not.toContain("@");
  expect(text).not.toContain(device);
});
