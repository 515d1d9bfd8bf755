/**
 * Login and signup are rate limited per client address (here 5 a minute): past it they answer
 * 429 with Retry-After in the standard error shape; each has its own counter; every other
 * endpoint is not limited.
 *
 * One stack serves the file; each test speaks from a client address of its own (127.0.0.x,
 * all loopback on Linux), so each starts with fresh counters, and the "per client address"
 * of the spec is tested along the way.
 */
import http from "node:http";
import { checkAnswer } from "../support/contract.js";
import { useStack } from "../support/fixture.js";
import { email, type HttpAnswer, type HttpOptions, type Json } from "../support/http.js";

const LIMIT = 5;
const PASSWORD = "password-123";

const { stack } = useStack({ env: { RATE_LIMIT_AUTH_PER_MINUTE: String(LIMIT) } });
let port: number;

beforeAll(async () => {
  port = Number(new URL(stack.url).port);
});

let nextAddress = 10;
/** A client speaking from a loopback address no other test uses. */
function newClient(): Client {
  nextAddress += 1;
  return new Client(`127.0.0.${nextAddress}`);
}

class Client {
  /** The limiter's window ends (now + X-Rate-Limit-Reset seconds, epoch s) seen on this client's login and signup answers. */
  readonly windows = new Set<number>();

  constructor(readonly address: string) {}

  /** Plain HTTP from this client's address; every answer is checked to carry no hash. */
  async call(method: string, path: string, options: HttpOptions = {}): Promise<HttpAnswer<Json>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    if (body !== undefined) headers["content-type"] = "application/json";
    const res = await new Promise<HttpAnswer<Json>>((resolve, reject) => {
      const req = http.request({ host: "127.0.0.1", port, localAddress: this.address, method, path, headers, agent: false }, (answer) => {
        let text = "";
        answer.setEncoding("utf8");
        answer.on("data", (chunk: string) => (text += chunk));
        answer.on("end", () => {
          const h = new Headers();
          for (const [name, value] of Object.entries(answer.headers)) if (value !== undefined) h.set(name, Array.isArray(value) ? value.join(", ") : value);
          let parsed: unknown = text;
          try {
            parsed = text ? JSON.parse(text) : null;
          } catch {
            // not JSON: the raw text is the body
          }
          resolve({ status: answer.statusCode ?? 0, body: parsed, headers: h });
        });
      });
      req.on("error", reject);
      req.end(body);
    });
    expect(JSON.stringify(res.body ?? "")).not.toMatch(/password_hash|\$2[aby]\$/);
    checkAnswer(method, path, res);
    const reset = res.headers.get("x-rate-limit-reset");
    if (/^\/api\/(v1\/)?user\/(login|signup)$/.test(path) && reset) this.windows.add(Math.round(Date.now() / 1000) + Number(reset));
    return res;
  }

  login(password = stack.admin.password, headers?: Record<string, string>, path = "/api/user/login") {
    return this.call("POST", path, { body: { email: stack.admin.email, password }, headers });
  }

  signup(address = email("rl")) {
    return this.call("POST", "/api/user/signup", { body: { email: address, password: PASSWORD, first_name: "Rate", last_name: "Limit", is_customer: true, is_agent: false } });
  }

  /** Spends the whole login allowance; answers the first token. */
  async exhaustLogins(): Promise<string> {
    const tokens: string[] = [];
    for (let i = 0; i < LIMIT; i += 1) {
      const res = await this.login();
      expect(res.status).toBe(200);
      tokens.push(res.body.token);
    }
    expectLimited(await this.login());
    return tokens[0]!;
  }

  async exhaustSignups(): Promise<void> {
    for (let i = 0; i < LIMIT; i += 1) expect((await this.signup()).status).toBe(201);
    expectLimited(await this.signup());
  }
}

/**
 * The limiter counts in fixed one-minute windows from the gateway's start: a test that
 * straddles two windows sees its counters reset half-way. Such a run (seen in the
 * X-Rate-Limit-Reset headers) is repeated with fresh clients; any other failure stands.
 */
async function inOneWindow(body: (client: () => Client) => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    const clients: Client[] = [];
    try {
      await body(() => {
        const client = newClient();
        clients.push(client);
        return client;
      });
      return;
    } catch (err) {
      // Ends a second or two apart are one window read at different instants; the next is 60 s on.
      const ends = clients.flatMap((c) => [...c.windows]);
      if (attempt < 3 && Math.max(...ends) - Math.min(...ends) > 5) continue;
      throw err;
    }
  }
}

/** 429 with Retry-After (the shape in full is its own test, so a shape bug does not hide the counters). */
function expectLimited(res: HttpAnswer<Json>): void {
  expect({ status: res.status, body: res.body }).toEqual({ status: 429, body: res.body });
  expect(res.body).toEqual(expect.objectContaining({ name: expect.any(String), message: expect.any(String), code: 429 }));
  expect(res.body).not.toHaveProperty("token");
  const retryAfter = res.headers.get("retry-after");
  expect(retryAfter).toMatch(/^\d+$/);
  expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  expect(Number(retryAfter)).toBeLessThanOrEqual(60);
}

test("every answer of a limited route tells the limit and what remains", async () => {
  const client = newClient();
  const first = await client.login();
  expect(first.status).toBe(200);
  expect(first.headers.get("x-rate-limit-limit")).toBe(String(LIMIT));
  expect(first.headers.get("x-rate-limit-remaining")).toBe(String(LIMIT - 1));
  expect(first.headers.get("x-rate-limit-reset")).toMatch(/^\d+$/);
  expect((await client.signup()).headers.get("x-rate-limit-remaining")).toBe(String(LIMIT - 1));
});

test("the 6th login in a minute → 429 with Retry-After, even with the right password", () =>
  inOneWindow(async (fresh) => {
    const client = fresh();
    const answers: number[] = [];
    for (let i = 0; i < LIMIT; i += 1) answers.push((await client.login(i % 2 === 0 ? stack.admin.password : "wrong-password")).status);
    expect(answers).toEqual([200, 401, 200, 401, 200]);
    expectLimited(await client.login());
    expectLimited(await client.login());
    expectLimited(await client.login("wrong-password"));
  }));

test("the 429 is in the standard error shape { name, message, code, type }, like every other error", () =>
  inOneWindow(async (fresh) => {
    const client = fresh();
    for (let i = 0; i < LIMIT; i += 1) await client.login();
    const limited = await client.login();
    expectLimited(limited);
    expect(limited.headers.get("content-type")).toMatch(/^application\/json/);
    expect(limited.body).toEqual(expect.objectContaining({ name: expect.any(String), message: expect.any(String), code: 429, type: expect.any(String) }));
    for (const key of Object.keys(limited.body)) expect(["name", "message", "code", "type", "data"]).toContain(key);
  }));

test("the limit is per client address: another address still logs in", () =>
  inOneWindow(async (fresh) => {
    const first = fresh();
    await first.exhaustLogins();
    const second = fresh();
    expect((await second.login()).status).toBe(200);
    expectLimited(await first.login());
  }));

test("a forged X-Forwarded-For does not buy more logins", () =>
  inOneWindow(async (fresh) => {
    const client = fresh();
    await client.exhaustLogins();
    expectLimited(await client.login(undefined, { "x-forwarded-for": "203.0.113.7" }));
    expectLimited(await client.login(undefined, { "x-forwarded-for": "198.51.100.1, 203.0.113.9", "x-real-ip": "198.51.100.1" }));
  }));

test("signup has its own counter: exhausting logins leaves signups, and the 6th signup → 429", () =>
  inOneWindow(async (fresh) => {
    const client = fresh();
    await client.exhaustLogins();
    await client.exhaustSignups();
    expectLimited(await client.login());
  }));

test("exhausting signups leaves logins", () =>
  inOneWindow(async (fresh) => {
    const client = fresh();
    await client.exhaustSignups();
    await client.exhaustLogins();
  }));

test("a refused signup created nothing", () =>
  inOneWindow(async (fresh) => {
    const client = fresh();
    for (let i = 0; i < LIMIT; i += 1) expect((await client.signup()).status).toBe(201);
    const address = email("refused");
    expectLimited(await client.signup(address));
    // The same address signs up from another client: it was not taken.
    expect((await fresh().signup(address)).status).toBe(201);
  }));

test("other endpoints are not limited", () =>
  inOneWindow(async (fresh) => {
    const client = fresh();
    const token = await client.exhaustLogins();
    await client.exhaustSignups();
    const paths = ["/health", "/api/user/profile", "/api/user/list-users", "/api/loan/list-loans-admin-agent"];
    const answers = await Promise.all(Array.from({ length: 4 * LIMIT }, (_, i) => client.call("GET", paths[i % paths.length]!, { token })));
    expect(answers.map((a) => a.status)).toEqual(Array(4 * LIMIT).fill(200));
    // Refused calls of other endpoints do not count either.
    const unauthenticated = await Promise.all(Array.from({ length: 2 * LIMIT }, () => client.call("GET", "/api/user/profile")));
    expect(unauthenticated.map((a) => a.status)).toEqual(Array(2 * LIMIT).fill(401));
    const changed = await client.call("PUT", "/api/user/change-password", { token, body: { current_password: stack.admin.password, new_password: stack.admin.password } });
    expect(changed.status).toBe(204);
    const created = await client.call("POST", "/api/user/create-admin", { token, body: { email: email("rl-admin"), password: PASSWORD, first_name: "R", last_name: "L" } });
    expect(created.status).toBe(201);
  }));

test("/api/v1 and /api count against one limit: switching paths buys no more logins", () =>
  inOneWindow(async (fresh) => {
    const client = fresh();
    const answers: number[] = [];
    for (let i = 0; i < LIMIT; i += 1) answers.push((await client.login(undefined, undefined, i % 2 === 0 ? "/api/v1/user/login" : "/api/user/login")).status);
    expect(answers).toEqual(Array(LIMIT).fill(200));
    expectLimited(await client.login(undefined, undefined, "/api/v1/user/login"));
    expectLimited(await client.login(undefined, undefined, "/api/user/login"));
  }));
