/**
 * Bad input of each kind, end to end through the gateway: wrong types, missing fields, too
 * long strings, malformed JSON, bodies over the 1 MB limit, unknown paths. Every error answer
 * is checked for moleculer-web's shape, a JSON content type, no stack trace, no hash, and
 * never the password that was sent.
 */
import crypto from "node:crypto";
import { useStack } from "../support/fixture.js";
import { email, type HttpAnswer, type HttpOptions, type Json } from "../support/http.js";

const PASSWORD = "password-123";
const LIMIT = 1024 * 1024; // the gateway's JSON body limit, "1MB"

const { api, people } = useStack({ people: true });
let loanId: number;

beforeAll(async () => {
  const loan = await api.call("POST", "/api/loan/customer-loan", { token: people.agent.token, body: { customer_id: people.customer.id, principal: "250000.00", tenure_months: 24 } });
  if (loan.status !== 201) throw new Error(`loan: ${loan.status} ${JSON.stringify(loan.body)}`);
  loanId = loan.body.id;
});

/** Every answer of this file passes through here. */
async function call(method: string, path: string, options: HttpOptions = {}): Promise<HttpAnswer<Json>> {
  const res = await api.call(method, path, options);
  const text = JSON.stringify(res.body ?? "");
  expect(text).not.toMatch(/password_hash|\$2[aby]\$/);
  if (res.status >= 400) {
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(text).not.toMatch(/"stack"|\bat [^"]*\(?[/\\][^"]*:\d+:\d+|\\n\s+at /);
  }
  return res;
}

/** The error shape of moleculer-web, with the HTTP status in `code`. */
function expectError(res: HttpAnswer<Json>, status: number, field?: string): void {
  expect({ status: res.status, body: res.body }).toEqual({ status, body: res.body });
  expect(res.body).toEqual(expect.objectContaining({ name: expect.any(String), message: expect.any(String), code: status, type: expect.any(String) }));
  for (const key of Object.keys(res.body)) expect(["name", "message", "code", "type", "data"]).toContain(key);
  if (field !== undefined) {
    expect(Array.isArray(res.body.data)).toBe(true);
    expect(res.body.data.map((d: { field: string }) => d.field)).toContain(field);
  }
}

function signupBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { email: email("bad"), password: PASSWORD, first_name: "Bad", last_name: "Input", is_customer: true, is_agent: false, ...overrides };
}

/** An email address of exactly `length` characters (local part 64, the rest domain labels). */
function emailOfLength(length: number): string {
  const local = `u${crypto.randomBytes(6).toString("hex")}`.padEnd(64, "x");
  let domain = "example.test";
  while (local.length + 1 + domain.length < length) {
    const room = length - (local.length + 1 + domain.length) - 1; // minus the dot
    domain = `${"d".repeat(Math.max(1, Math.min(63, room)))}.${domain}`;
  }
  const address = `${local}@${domain}`;
  if (address.length !== length) throw new Error(`emailOfLength(${length}) made ${address.length}`);
  return address;
}

type Who = "anonymous" | "customer" | "agent" | "admin";
const tokenOf = (who: Who) => (who === "anonymous" ? undefined : people[who].token);

describe("wrong types → 422 naming the field", () => {
  const cases: Array<[string, string, () => string, Who, () => Record<string, unknown>, string]> = [
    ["signup email a number", "POST", () => "/api/user/signup", "anonymous", () => signupBody({ email: 12345 }), "email"],
    ["signup email not an address", "POST", () => "/api/user/signup", "anonymous", () => signupBody({ email: "not-an-email" }), "email"],
    ["signup password a number", "POST", () => "/api/user/signup", "anonymous", () => signupBody({ password: 123456789 }), "password"],
    ["signup first_name a number", "POST", () => "/api/user/signup", "anonymous", () => signupBody({ first_name: 42 }), "first_name"],
    ["signup last_name an array", "POST", () => "/api/user/signup", "anonymous", () => signupBody({ last_name: ["Input"] }), "last_name"],
    ["signup first_name only spaces", "POST", () => "/api/user/signup", "anonymous", () => signupBody({ first_name: "   " }), "first_name"],
    ["signup is_customer a word", "POST", () => "/api/user/signup", "anonymous", () => signupBody({ is_customer: "yes" }), "is_customer"],
    ["signup is_agent an object", "POST", () => "/api/user/signup", "anonymous", () => signupBody({ is_agent: {} }), "is_agent"],
    ["login email a number", "POST", () => "/api/user/login", "anonymous", () => ({ email: 5, password: PASSWORD }), "email"],
    ["login password a boolean", "POST", () => "/api/user/login", "anonymous", () => ({ email: people.customer.email, password: true }), "password"],
    ["change-password new_password a number", "PUT", () => "/api/user/change-password", "customer", () => ({ current_password: PASSWORD, new_password: 123456789 }), "new_password"],
    ["change-password current_password null", "PUT", () => "/api/user/change-password", "customer", () => ({ current_password: null, new_password: "another-pass-1" }), "current_password"],
    ["create-admin first_name an object", "POST", () => "/api/user/create-admin", "admin", () => ({ email: email("adm"), password: PASSWORD, first_name: {}, last_name: "X" }), "first_name"],
    ["loan customer_id a word", "POST", () => "/api/loan/customer-loan", "agent", () => ({ customer_id: "abc", principal: "5000.00", tenure_months: 12 }), "customer_id"],
    ["loan customer_id a fraction", "POST", () => "/api/loan/customer-loan", "agent", () => ({ customer_id: 1.5, principal: "5000.00", tenure_months: 12 }), "customer_id"],
    ["loan principal a boolean", "POST", () => "/api/loan/customer-loan", "agent", () => ({ customer_id: people.customer.id, principal: true, tenure_months: 12 }), "principal"],
    ["loan principal an object", "POST", () => "/api/loan/customer-loan", "agent", () => ({ customer_id: people.customer.id, principal: { amount: 5000 }, tenure_months: 12 }), "principal"],
    ["loan principal an array", "POST", () => "/api/loan/customer-loan", "agent", () => ({ customer_id: people.customer.id, principal: ["5000.00"], tenure_months: 12 }), "principal"],
    ["loan principal not a number", "POST", () => "/api/loan/customer-loan", "agent", () => ({ customer_id: people.customer.id, principal: "12abc", tenure_months: 12 }), "principal"],
    ["loan principal in exponent form", "POST", () => "/api/loan/customer-loan", "agent", () => ({ customer_id: people.customer.id, principal: "5e3", tenure_months: 12 }), "principal"],
    ["loan principal empty", "POST", () => "/api/loan/customer-loan", "agent", () => ({ customer_id: people.customer.id, principal: "", tenure_months: 12 }), "principal"],
    ["loan principal null", "POST", () => "/api/loan/customer-loan", "agent", () => ({ customer_id: people.customer.id, principal: null, tenure_months: 12 }), "principal"],
    ["loan tenure a word", "POST", () => "/api/loan/customer-loan", "agent", () => ({ customer_id: people.customer.id, principal: "5000.00", tenure_months: "twelve" }), "tenure_months"],
    ["loan tenure an object", "POST", () => "/api/loan/customer-loan", "agent", () => ({ customer_id: people.customer.id, principal: "5000.00", tenure_months: {} }), "tenure_months"],
    ["edit principal a word", "PUT", () => `/api/loan/edit-loan/${loanId}`, "agent", () => ({ principal: "lots" }), "principal"],
    ["edit tenure a word", "PUT", () => `/api/loan/edit-loan/${loanId}`, "agent", () => ({ tenure_months: "x" }), "tenure_months"],
    ["decision status a number", "PUT", () => `/api/loan/approve-reject-loan/${loanId}`, "admin", () => ({ status: 1 }), "status"],
    ["decision status null", "PUT", () => `/api/loan/approve-reject-loan/${loanId}`, "admin", () => ({ status: null }), "status"],
  ];

  test.each(cases)("%s", async (_name, method, path, who, body, field) => {
    expectError(await call(method, path(), { token: tokenOf(who), body: body() }), 422, field);
  });

  test("the loan used above is untouched by all of it", async () => {
    const res = await call("GET", `/api/loan/loan-details/${loanId}`, { token: people.admin.token });
    expect(res.body).toMatchObject({ status: "NEW", version: 1, principal: "250000.00", tenure_months: 24 });
  });

  test.each([
    ["pageSize", "/api/user/list-agents?pageSize=abc", "agent"],
    ["page", "/api/user/list-users?page=x", "admin"],
    ["page", "/api/loan/list-loans-admin-agent?page=1.5", "admin"],
    ["pageSize", "/api/loan/list-loans-customer?pageSize=-3", "customer"],
  ] as const)("a query %s that is not a positive integer → 422 (%s)", async (field, path, who) => {
    expectError(await call("GET", path, { token: tokenOf(who) }), 422, field);
  });

  const idPaths: Array<[string, string, Who, unknown]> = [
    ["GET", "/api/loan/loan-details/", "admin", undefined],
    ["GET", "/api/loan/loan-history/", "admin", undefined],
    ["PUT", "/api/loan/edit-loan/", "agent", { tenure_months: 12 }],
    ["PUT", "/api/loan/approve-reject-loan/", "admin", { status: "APPROVED" }],
    ["PUT", "/api/user/approve-delete/", "admin", undefined],
    ["DELETE", "/api/user/approve-delete/", "admin", undefined],
  ];
  test.each(idPaths.flatMap(([method, path, who, body]) => ["abc", "0", "-1", "1.5"].map((id) => [`${method} ${path}${id}`, method, path + id, who, body] as const)))(
    "a path id that is not a positive integer → 422: %s",
    async (_name, method, path, who, body) => {
      expectError(await call(method, path, { token: tokenOf(who), body }), 422, "id");
    },
  );
});

describe("values no field can hold → 422, never a 500 nor a silent change", () => {
  test.each([
    ["/api/user/list-users", "admin"],
    ["/api/user/list-agents", "agent"],
    ["/api/loan/list-loans-admin-agent", "admin"],
    ["/api/loan/list-loans-customer", "customer"],
  ] as const)("an absurd page number on %s → an empty page or 422, not 500", async (path, who) => {
    const res = await call("GET", `${path}?page=10000000000000000000`, { token: tokenOf(who) });
    expect({ status: [200, 422].includes(res.status) ? "200 or 422" : res.status, body: res.body }).toEqual({ status: "200 or 422", body: res.body });
    if (res.status === 200) expect(res.body.rows).toEqual([]);
  });

  test("an edit whose only field is null changes nothing → 422", async () => {
    const created = await call("POST", "/api/loan/customer-loan", { token: people.agent.token, body: { customer_id: people.customer.id, principal: "5000.00", tenure_months: 12 } });
    expect(created.status).toBe(201);
    for (const body of [{ tenure_months: null }, { principal: null }, { principal: null, tenure_months: null }]) {
      expectError(await call("PUT", `/api/loan/edit-loan/${created.body.id}`, { token: people.agent.token, body }), 422);
    }
    const after = await call("GET", `/api/loan/loan-details/${created.body.id}`, { token: people.admin.token });
    expect(after.body).toMatchObject({ version: 1, tenure_months: 12, principal: "5000.00" });
    expect((await call("GET", `/api/loan/loan-history/${created.body.id}`, { token: people.admin.token })).body.rows).toEqual([]);
  });

  test.each(["first_name", "last_name", "email"])("a NUL character in %s → 422 (PostgreSQL text cannot hold it; it must not be stored altered)", async (field) => {
    const value = field === "email" ? `nul\u0000${crypto.randomBytes(3).toString("hex")}@example.test` : "Nul\u0000Name";
    const res = await call("POST", "/api/user/signup", { body: signupBody({ [field]: value }) });
    expectError(res, 422, field);
  });

  test("a 72-character password longer than 72 bytes: a different password sharing its first 72 bytes must not log in", async () => {
    // 24 three-byte characters fill bcrypt's 72 bytes; what follows would be ignored by a plain bcrypt.
    const head = "密".repeat(24);
    const address = email("bytes");
    const signup = await call("POST", "/api/user/signup", { body: signupBody({ email: address, password: `${head}right-tail` }) });
    if (signup.status === 201) {
      expect((await call("POST", "/api/user/login", { body: { email: address, password: `${head}right-tail` } })).status).toBe(200);
      expectError(await call("POST", "/api/user/login", { body: { email: address, password: `${head}WRONG-tail` } }), 401);
    } else {
      // Refusing a password bcrypt cannot take whole is the other honest answer.
      expectError(signup, 422, "password");
    }
  });
});

describe("missing fields → 422 naming each", () => {
  const signupFields = ["email", "password", "first_name", "last_name"];
  test.each(signupFields)("signup without %s", async (field) => {
    const body = signupBody();
    delete body[field];
    expectError(await call("POST", "/api/user/signup", { body }), 422, field);
  });

  test("signup with an empty object lists every required field", async () => {
    const res = await call("POST", "/api/user/signup", { body: {} });
    expectError(res, 422);
    const fields = res.body.data.map((d: { field: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(signupFields));
  });

  test("signup with no body at all → 422", async () => {
    expectError(await call("POST", "/api/user/signup", { headers: { "content-type": "application/json" } }), 422, "email");
  });

  test.each(["email", "password"])("login without %s", async (field) => {
    const body: Record<string, unknown> = { email: people.customer.email, password: PASSWORD };
    delete body[field];
    expectError(await call("POST", "/api/user/login", { body }), 422, field);
  });

  test.each(["current_password", "new_password"])("change-password without %s", async (field) => {
    const body: Record<string, unknown> = { current_password: PASSWORD, new_password: "another-pass-1" };
    delete body[field];
    expectError(await call("PUT", "/api/user/change-password", { token: people.customer.token, body }), 422, field);
  });

  test.each(["email", "password", "first_name", "last_name"])("create-admin without %s", async (field) => {
    const body: Record<string, unknown> = { email: email("adm"), password: PASSWORD, first_name: "A", last_name: "B" };
    delete body[field];
    expectError(await call("POST", "/api/user/create-admin", { token: people.admin.token, body }), 422, field);
  });

  test.each(["customer_id", "principal", "tenure_months"])("loan request without %s", async (field) => {
    const body: Record<string, unknown> = { customer_id: people.customer.id, principal: "5000.00", tenure_months: 12 };
    delete body[field];
    expectError(await call("POST", "/api/loan/customer-loan", { token: people.agent.token, body }), 422, field);
  });

  test("decision without status", async () => {
    expectError(await call("PUT", `/api/loan/approve-reject-loan/${loanId}`, { token: people.admin.token, body: {} }), 422, "status");
  });
});

describe("too long → 422; the longest allowed is fine", () => {
  test("email of 254 characters is accepted, 255 is not", async () => {
    const ok = emailOfLength(254);
    const res = await call("POST", "/api/user/signup", { body: signupBody({ email: ok }) });
    expect({ status: res.status, body: res.body }).toEqual({ status: 201, body: res.body });
    expect(res.body.email).toBe(ok.toLowerCase());
    expectError(await call("POST", "/api/user/signup", { body: signupBody({ email: emailOfLength(255) }) }), 422, "email");
    expectError(await call("POST", "/api/user/create-admin", { token: people.admin.token, body: { email: emailOfLength(300), password: PASSWORD, first_name: "A", last_name: "B" } }), 422, "email");
  });

  test.each(["first_name", "last_name"])("%s of 100 characters is accepted, 101 is not", async (field) => {
    const res = await call("POST", "/api/user/signup", { body: signupBody({ [field]: "n".repeat(100) }) });
    expect(res.status).toBe(201);
    expect(res.body[field]).toBe("n".repeat(100));
    expectError(await call("POST", "/api/user/signup", { body: signupBody({ [field]: "n".repeat(101) }) }), 422, field);
    expectError(
      await call("POST", "/api/user/create-admin", { token: people.admin.token, body: { email: email("adm"), password: PASSWORD, first_name: "A", last_name: "B", [field]: "n".repeat(101) } }),
      422,
      field,
    );
  });

  test("a password of 72 characters is accepted and works; 73 is refused and not echoed", async () => {
    const ok = `P${crypto.randomBytes(8).toString("hex")}`.padEnd(72, "q");
    const address = email("long-pass");
    expect((await call("POST", "/api/user/signup", { body: signupBody({ email: address, password: ok }) })).status).toBe(201);
    expect((await call("POST", "/api/user/login", { body: { email: address, password: ok } })).status).toBe(200);

    const tooLong = `T${crypto.randomBytes(8).toString("hex")}`.padEnd(73, "z");
    for (const [method, path, token, body, field] of [
      ["POST", "/api/user/signup", undefined, signupBody({ password: tooLong }), "password"],
      ["POST", "/api/user/create-admin", people.admin.token, { email: email("adm"), password: tooLong, first_name: "A", last_name: "B" }, "password"],
      ["PUT", "/api/user/change-password", people.customer.token, { current_password: PASSWORD, new_password: tooLong }, "new_password"],
    ] as const) {
      const res = await call(method, path, { token, body });
      expectError(res, 422, field);
      expect(JSON.stringify(res.body)).not.toContain(tooLong);
    }
  });
});

describe("passwords are never echoed", () => {
  test("a too-short password → 422 without the password in the answer", async () => {
    const secret = `S${crypto.randomBytes(2).toString("hex")}!`; // 6 characters
    for (const [method, path, token, body, field] of [
      ["POST", "/api/user/signup", undefined, signupBody({ password: secret }), "password"],
      ["POST", "/api/user/create-admin", people.admin.token, { email: email("adm"), password: secret, first_name: "A", last_name: "B" }, "password"],
      ["PUT", "/api/user/change-password", people.customer.token, { current_password: PASSWORD, new_password: secret }, "new_password"],
    ] as const) {
      const res = await call(method, path, { token, body });
      expectError(res, 422, field);
      expect(JSON.stringify(res.body)).not.toContain(secret);
    }
  });

  test("a wrong password or a wrong current password is not echoed", async () => {
    const secret = `W${crypto.randomBytes(8).toString("hex")}`;
    const login = await call("POST", "/api/user/login", { body: { email: people.customer.email, password: secret } });
    expectError(login, 401);
    expect(JSON.stringify(login.body)).not.toContain(secret);
    const change = await call("PUT", "/api/user/change-password", { token: people.customer.token, body: { current_password: secret, new_password: "another-pass-1" } });
    expectError(change, 422, "current_password");
    expect(JSON.stringify(change.body)).not.toContain(secret);
  });

  test("a password inside malformed JSON is not echoed", async () => {
    const secret = `M${crypto.randomBytes(8).toString("hex")}`;
    const res = await call("POST", "/api/user/login", { rawBody: `{"email":"${people.customer.email}","password":"${secret}",}` });
    expectError(res, 400);
    expect(JSON.stringify(res.body)).not.toContain(secret);
  });
});

describe("malformed JSON → 400", () => {
  const bodies = [
    ["a cut-off object", '{"email": "a@b.c",'],
    ["unquoted keys", "{email: 1}"],
    ["plain text", "not json at all"],
    ["trailing garbage", '{"a":1}}'],
    ["single quotes", "{'a': 1}"],
    ["a bare number (strict JSON wants an object or array)", "42"],
  ];
  const targets: Array<[string, string, () => string, Who]> = [
    ["POST", "/api/user/signup", () => "/api/user/signup", "anonymous"],
    ["POST", "/api/user/login", () => "/api/user/login", "anonymous"],
    ["POST", "/api/loan/customer-loan", () => "/api/loan/customer-loan", "agent"],
    ["PUT", "/api/loan/approve-reject-loan/{id}", () => `/api/loan/approve-reject-loan/${loanId}`, "admin"],
    ["PUT", "/api/user/change-password", () => "/api/user/change-password", "customer"],
  ];
  test.each(targets.flatMap(([method, route, path, who]) => bodies.map(([kind, raw]) => [`${method} ${route}: ${kind}`, method, path, who, raw] as const)))(
    "%s",
    async (_name, method, path, who, raw) => {
      const res = await call(method, path(), { token: tokenOf(who), rawBody: raw });
      expectError(res, 400);
    },
  );

  test("the loan is still NEW after the malformed decisions", async () => {
    expect((await call("GET", `/api/loan/loan-details/${loanId}`, { token: people.admin.token })).body.status).toBe("NEW");
  });
});

describe("bodies over the limit → 413, and the server keeps answering", () => {
  /** A JSON object of exactly `size` bytes: a valid body but for its size. */
  function jsonOfSize(size: number, fields: Record<string, unknown>): string {
    const head = JSON.stringify({ ...fields, pad: "" });
    return `${head.slice(0, -2)}${"x".repeat(size - head.length)}"}`;
  }

  test.each([
    ["POST", "/api/user/signup", "anonymous"],
    ["POST", "/api/user/login", "anonymous"],
    ["POST", "/api/loan/customer-loan", "agent"],
  ] as const)("a 5 MB body to %s %s → 413", async (method, path, who) => {
    const raw = jsonOfSize(5 * 1024 * 1024, { email: email("big"), password: PASSWORD });
    expectError(await call(method, path, { token: tokenOf(who), rawBody: raw }), 413);
    const health = await call("GET", "/health");
    expect(health.status).toBe(200);
    expect(health.body.status).toBe("ok");
    expect((await call("POST", "/api/user/login", { body: { email: people.customer.email, password: PASSWORD } })).status).toBe(200);
  });

  test("exactly 1 MB passes, one byte more → 413", async () => {
    const fields = { email: people.customer.email, password: PASSWORD };
    const atLimit = jsonOfSize(LIMIT, fields);
    expect(Buffer.byteLength(atLimit)).toBe(LIMIT);
    expect(JSON.parse(atLimit)).toMatchObject(fields);
    const ok = await call("POST", "/api/user/login", { rawBody: atLimit });
    expect({ status: ok.status, body: ok.body }).toEqual({ status: 200, body: ok.body });

    const over = jsonOfSize(LIMIT + 1, fields);
    expect(Buffer.byteLength(over)).toBe(LIMIT + 1);
    expectError(await call("POST", "/api/user/login", { rawBody: over }), 413);
    const overApi = jsonOfSize(LIMIT + 1, { customer_id: people.customer.id, principal: "5000.00", tenure_months: 12 });
    expectError(await call("POST", "/api/loan/customer-loan", { token: people.agent.token, rawBody: overApi }), 413);
    expect((await call("GET", "/api/user/profile", { token: people.customer.token })).status).toBe(200);
  });
});

describe("unknown paths → 404", () => {
  test.each([
    ["GET", "/nope", "anonymous"],
    ["GET", "/api", "anonymous"],
    ["GET", "/api/nope", "admin"],
    ["GET", "/api/user/nope", "admin"],
    ["POST", "/api/loan/nope", "agent"],
    ["GET", "/api/loan/loan-details", "admin"],
    ["GET", "/api/users.list", "admin"],
    ["GET", "/api/loans/find", "admin"],
  ] as const)("%s %s (%s) → 404", async (method, path, who) => {
    expectError(await call(method, path, { token: tokenOf(who) }), 404);
  });

  // A path the API has, with a method it does not take: 405 naming the ones it does (http-contract.test.ts).
  test.each([
    ["GET", "/api/user/signup", "anonymous", "OPTIONS, POST"],
    ["DELETE", "/api/loan/loan-details/1", "admin", "GET, HEAD, OPTIONS"],
    ["POST", "/api/user/profile", "customer", "GET, HEAD, OPTIONS"],
  ] as const)("%s %s (%s) → 405 with Allow", async (method, path, who, allow) => {
    const res = await call(method, path, { token: tokenOf(who) });
    expectError(res, 405);
    expect(res.headers.get("allow")).toBe(allow);
  });

  test("moleculer's internal actions are not reachable by their names", async () => {
    for (const path of ["/users/resolve?id=1", "/api/users/resolve?id=1", "/api/users.resolve?id=1", "/~node/list", "/api/~node/actions", "/api/$node/list"]) {
      expectError(await call("GET", path, { token: people.admin.token }), 404);
    }
  });
});
