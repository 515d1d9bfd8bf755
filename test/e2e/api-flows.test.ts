/**
 * Every row of the API table with its behaviour, end to end through the gateway over HTTP:
 * accounts and roles, approvals and deletions, the loan lifecycle with its arithmetic and
 * history, lists with their filters and pages. Every answer is checked to carry no password
 * hash.
 */
import Decimal from "decimal.js";
import { approvedAgent, mintToken, signedUp } from "../support/actors.js";
import { useStack } from "../support/fixture.js";
import { email, type HttpAnswer, type HttpOptions, type Json } from "../support/http.js";

const PASSWORD = "password-123";
const USER_KEYS = ["created_at", "email", "first_name", "id", "is_approved", "last_name", "role", "updated_at"];
const LOAN_KEYS = [
  "agent_id",
  "closed_at",
  "created_at",
  "customer_id",
  "days_past_due",
  "decided_at",
  "decided_by",
  "disbursed_on",
  "disbursement_fee",
  "emi",
  "id",
  "interest_rate",
  "next_due_date",
  "outstanding_fee",
  "outstanding_interest",
  "outstanding_penalty",
  "outstanding_principal",
  "principal",
  "product_code",
  "status",
  "tenure_months",
  "updated_at",
  "version",
];
const VERSION_KEYS = ["edited_at", "edited_by", "emi", "interest_rate", "principal", "status", "tenure_months", "version"];
const PAGE_KEYS = ["page", "pageSize", "rows", "total", "totalPages"];
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

const { stack, api, people } = useStack({ people: true });

/** Every answer of this file passes through here: no hash or password field ever leaves. */
async function call(method: string, path: string, options: HttpOptions = {}): Promise<HttpAnswer<Json>> {
  const res = await api.call(method, path, options);
  expect(JSON.stringify(res.body ?? "")).not.toMatch(/password_hash|\$2[aby]\$/);
  return res;
}

/** Status and body together, so that a wrong status shows the body that explains it. */
function expectStatus(res: HttpAnswer<Json>, status: number): void {
  expect({ status: res.status, body: res.body }).toEqual({ status, body: res.body });
}

function expectError(res: HttpAnswer<Json>, status: number, field?: string): void {
  expectStatus(res, status);
  expect(res.body).toEqual(expect.objectContaining({ name: expect.any(String), message: expect.any(String), code: status, type: expect.any(String) }));
  if (field) expect(res.body.data.map((d: { field: string }) => d.field)).toContain(field);
}

function expectUser(body: Json): void {
  expect(Object.keys(body).sort()).toEqual(USER_KEYS);
  expect(Number.isInteger(body.id)).toBe(true);
  expect(body.created_at).toMatch(ISO);
  expect(body.updated_at).toMatch(ISO);
}

function expectLoan(body: Json): void {
  expect(Object.keys(body).sort()).toEqual(LOAN_KEYS);
  for (const money of [body.principal, body.interest_rate, body.emi]) expect(money).toMatch(/^\d+\.\d{2}$/);
}

function expectPage(body: Json, page: number, pageSize: number): void {
  expect(Object.keys(body).sort()).toEqual(PAGE_KEYS);
  expect(body).toMatchObject({ page, pageSize, totalPages: Math.ceil(body.total / pageSize) });
  expect(body.rows.length).toBe(Math.max(0, Math.min(pageSize, body.total - (page - 1) * pageSize)));
}

/** The spec's arithmetic, written again here: rate table, then EMI rounded half-up to cents. */
function expectedTerms(principal: string, months: number): { principal: string; interest_rate: string; emi: string } {
  const D = Decimal.clone({ precision: 50 });
  const p = new D(principal);
  const rate = p.lte("50000.00") ? "14.00" : p.lte("500000.00") ? "12.00" : p.lte("2000000.00") ? "10.50" : "9.50";
  const r = new D(rate).div(1200);
  const g = r.plus(1).pow(months);
  const emi = p.mul(r).mul(g).div(g.minus(1)).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2);
  return { principal: p.toFixed(2), interest_rate: rate, emi };
}

function signupBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { email: email("flow"), password: PASSWORD, first_name: "Flow", last_name: "Tester", is_customer: true, is_agent: false, ...overrides };
}

async function requestLoan(body: Record<string, unknown>, token = people.agent.token): Promise<HttpAnswer<Json>> {
  return call("POST", "/api/loan/customer-loan", { token, body: { customer_id: people.customer.id, tenure_months: 24, principal: "250000.00", ...body } });
}

async function newLoanId(body: Record<string, unknown> = {}): Promise<number> {
  const res = await requestLoan(body);
  expectStatus(res, 201);
  return res.body.id;
}

async function decide(id: number, status: string): Promise<HttpAnswer<Json>> {
  return call("PUT", `/api/loan/approve-reject-loan/${id}`, { token: people.admin.token, body: { status } });
}

/** Every row of a list, page by page. */
async function allRows(path: string, token: string): Promise<Json[]> {
  const rows: Json[] = [];
  for (let page = 1; ; page += 1) {
    const res = await call("GET", `${path}${path.includes("?") ? "&" : "?"}page=${page}&pageSize=100`, { token });
    expectStatus(res, 200);
    rows.push(...res.body.rows);
    if (page >= res.body.totalPages) return rows;
  }
}

describe("GET /health", () => {
  test("answers ok with users and loans", async () => {
    const res = await call("GET", "/health");
    expectStatus(res, 200);
    expect(res.body.status).toBe("ok");
    expect(res.body.services).toEqual(expect.arrayContaining(["users", "loans"]));
  });
});

describe("POST /api/user/signup", () => {
  test("a customer is approved at once", async () => {
    const body = signupBody();
    const res = await call("POST", "/api/user/signup", { body });
    expectStatus(res, 201);
    expectUser(res.body);
    expect(res.body).toMatchObject({ email: body.email, first_name: "Flow", last_name: "Tester", role: "customer", is_approved: true });
    expect(await api.login(body.email as string, PASSWORD)).toEqual(expect.any(String));
  });

  test("an agent waits for approval", async () => {
    const res = await call("POST", "/api/user/signup", { body: signupBody({ is_customer: false, is_agent: true }) });
    expectStatus(res, 201);
    expectUser(res.body);
    expect(res.body).toMatchObject({ role: "agent", is_approved: false });
  });

  test.each([
    ["both true", { is_customer: true, is_agent: true }],
    ["both false", { is_customer: false, is_agent: false }],
    ["neither given", { is_customer: undefined, is_agent: undefined }],
  ])("exactly one role: %s → 422", async (_case, roles) => {
    const body = signupBody(roles);
    const res = await call("POST", "/api/user/signup", { body });
    expectError(res, 422);
    expect(Array.isArray(res.body.data)).toBe(true);
    expect(res.body.data.length).toBeGreaterThan(0);
    // Nothing was created.
    expect((await call("POST", "/api/user/login", { body: { email: body.email, password: PASSWORD } })).status).toBe(401);
  });

  test("a duplicate email, in any case, → 409", async () => {
    const address = email("dup");
    expectStatus(await call("POST", "/api/user/signup", { body: signupBody({ email: address }) }), 201);
    expectError(await call("POST", "/api/user/signup", { body: signupBody({ email: address }) }), 409);
    expectError(await call("POST", "/api/user/signup", { body: signupBody({ email: address.toUpperCase(), is_customer: false, is_agent: true }) }), 409);
  });

  test("the bootstrap admin's email is taken too", async () => {
    expectError(await call("POST", "/api/user/signup", { body: signupBody({ email: stack.admin.email.toUpperCase() }) }), 409);
  });
});

describe("POST /api/user/login", () => {
  test("answers token, token_type, expires_in, refresh_token, refresh_expires_in, the user and the device token", async () => {
    const res = await call("POST", "/api/user/login", { body: { email: people.customer.email, password: PASSWORD } });
    expectStatus(res, 200);
    expect(Object.keys(res.body).sort()).toEqual(["device_token", "expires_in", "refresh_expires_in", "refresh_token", "token", "token_type", "user"]);
    expect(res.body.token_type).toBe("Bearer");
    expect(res.body.token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(res.body.expires_in).toBe(7200); // the default JWT_EXPIRES_IN, 2 hours
    expect(res.body.refresh_token).toMatch(/^[\w-]{43}$/); // opaque: 32 random bytes, no JWT
    expect(res.body.refresh_expires_in).toBe(30 * 24 * 3600); // the default REFRESH_EXPIRES_IN, 30 days
    expectUser(res.body.user);
    expect(res.body.user).toMatchObject({ id: people.customer.id, role: "customer" });
    expectStatus(await call("GET", "/api/user/profile", { token: res.body.token }), 200);
  });

  test("the email is matched without regard to case", async () => {
    const res = await call("POST", "/api/user/login", { body: { email: people.customer.email.toUpperCase(), password: PASSWORD } });
    expectStatus(res, 200);
    expect(res.body.user.id).toBe(people.customer.id);
  });

  test("a wrong password and an unknown email → 401 with the same message", async () => {
    const wrong = await call("POST", "/api/user/login", { body: { email: people.customer.email, password: "not-the-password" } });
    const unknown = await call("POST", "/api/user/login", { body: { email: email("nobody"), password: PASSWORD } });
    expectError(wrong, 401);
    expectError(unknown, 401);
    expect(unknown.body.message).toBe(wrong.body.message);
    expect(unknown.body.type).toBe(wrong.body.type);
  });

  test("an agent not yet approved → 403", async () => {
    expectError(await call("POST", "/api/user/login", { body: { email: people.pendingAgent.email, password: PASSWORD } }), 403);
  });

  test("a pending agent with a wrong password → 401, not 403 (no hint that the account exists)", async () => {
    expectError(await call("POST", "/api/user/login", { body: { email: people.pendingAgent.email, password: "not-the-password" } }), 401);
  });
});

describe("GET /api/user/profile", () => {
  test.each(["customer", "agent", "admin"] as const)("answers the %s's own user", async (role) => {
    const res = await call("GET", "/api/user/profile", { token: people[role].token });
    expectStatus(res, 200);
    expectUser(res.body);
    expect(res.body).toMatchObject({ id: people[role].id, email: people[role].email.toLowerCase(), role, is_approved: true });
  });
});

describe("PUT /api/user/change-password", () => {
  test("204; the old password stops working, the new one works", async () => {
    const user = await signedUp(api, "customer");
    const res = await call("PUT", "/api/user/change-password", { token: user.token, body: { current_password: PASSWORD, new_password: "a-new-password-42" } });
    expectStatus(res, 204);
    expect(res.body).toBeNull();
    expectError(await call("POST", "/api/user/login", { body: { email: user.email, password: PASSWORD } }), 401);
    expectStatus(await call("POST", "/api/user/login", { body: { email: user.email, password: "a-new-password-42" } }), 200);
  });

  test("a wrong current password → 422 and nothing changes", async () => {
    const user = await signedUp(api, "customer");
    const res = await call("PUT", "/api/user/change-password", { token: user.token, body: { current_password: "not-the-password", new_password: "a-new-password-42" } });
    expectError(res, 422, "current_password");
    expectStatus(await call("POST", "/api/user/login", { body: { email: user.email, password: PASSWORD } }), 200);
    expectError(await call("POST", "/api/user/login", { body: { email: user.email, password: "a-new-password-42" } }), 401);
  });

  test("a new password shorter than 8 → 422", async () => {
    const user = await signedUp(api, "customer");
    expectError(await call("PUT", "/api/user/change-password", { token: user.token, body: { current_password: PASSWORD, new_password: "short" } }), 422, "new_password");
    expectStatus(await call("POST", "/api/user/login", { body: { email: user.email, password: PASSWORD } }), 200);
  });
});

describe("POST /api/user/create-admin", () => {
  test("201, an approved admin who can act as one", async () => {
    const address = email("new-admin");
    const res = await call("POST", "/api/user/create-admin", { token: people.admin.token, body: { email: address, password: PASSWORD, first_name: "New", last_name: "Admin" } });
    expectStatus(res, 201);
    expectUser(res.body);
    expect(res.body).toMatchObject({ email: address, role: "admin", is_approved: true, first_name: "New", last_name: "Admin" });
    const token = await api.login(address, PASSWORD);
    expectStatus(await call("GET", "/api/user/list-users", { token }), 200);
  });

  test("a taken email → 409", async () => {
    expectError(
      await call("POST", "/api/user/create-admin", { token: people.admin.token, body: { email: people.customer.email.toUpperCase(), password: PASSWORD, first_name: "A", last_name: "B" } }),
      409,
    );
  });

  test("a missing field → 422", async () => {
    expectError(await call("POST", "/api/user/create-admin", { token: people.admin.token, body: { email: email("x"), password: PASSWORD, first_name: "A" } }), 422, "last_name");
  });
});

describe("GET /api/user/list-agents", () => {
  test.each(["agent", "admin"] as const)("lists customers only, paginated (as %s)", async (role) => {
    const res = await call("GET", "/api/user/list-agents", { token: people[role].token });
    expectStatus(res, 200);
    expectPage(res.body, 1, 20);
    const rows = await allRows("/api/user/list-agents", people[role].token);
    expect(rows.length).toBe(res.body.total);
    expect(rows.every((u) => u.role === "customer")).toBe(true);
    rows.forEach(expectUser);
    const ids = rows.map((u) => u.id);
    expect(ids).toEqual(expect.arrayContaining([people.customer.id, people.otherCustomer.id]));
    expect(ids).not.toContain(people.agent.id);
    expect(ids).not.toContain(people.admin.id);
  });

  test("pages: page 2 of size 1 is the second customer; pageSize 100 is fine, 101 → 422", async () => {
    const first = await call("GET", "/api/user/list-agents?page=1&pageSize=1", { token: people.agent.token });
    const second = await call("GET", "/api/user/list-agents?page=2&pageSize=1", { token: people.agent.token });
    expectPage(first.body, 1, 1);
    expectPage(second.body, 2, 1);
    expect(first.body.totalPages).toBe(first.body.total);
    expect(second.body.rows[0].id).not.toBe(first.body.rows[0].id);
    const beyond = await call("GET", `/api/user/list-agents?page=${first.body.total + 1}&pageSize=1`, { token: people.agent.token });
    expectStatus(beyond, 200);
    expect(beyond.body.rows).toEqual([]);
    expectStatus(await call("GET", "/api/user/list-agents?pageSize=100", { token: people.agent.token }), 200);
    expectError(await call("GET", "/api/user/list-agents?pageSize=101", { token: people.agent.token }), 422, "pageSize");
    expectError(await call("GET", "/api/user/list-agents?pageSize=0", { token: people.agent.token }), 422, "pageSize");
    expectError(await call("GET", "/api/user/list-agents?page=0", { token: people.agent.token }), 422, "page");
  });
});

describe("GET /api/user/list-users", () => {
  test("lists every role without a filter", async () => {
    const rows = await allRows("/api/user/list-users", people.admin.token);
    const ids = rows.map((u) => u.id);
    for (const who of [people.admin, people.customer, people.agent, people.pendingAgent]) expect(ids).toContain(who.id);
    rows.forEach(expectUser);
  });

  test.each(["admin", "agent", "customer"] as const)("?role=%s lists that role only", async (role) => {
    const res = await call("GET", `/api/user/list-users?role=${role}`, { token: people.admin.token });
    expectStatus(res, 200);
    expectPage(res.body, 1, 20);
    const rows = await allRows(`/api/user/list-users?role=${role}`, people.admin.token);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((u) => u.role === role)).toBe(true);
  });

  test("the role filters add up to the whole", async () => {
    const total = (await call("GET", "/api/user/list-users", { token: people.admin.token })).body.total;
    let sum = 0;
    for (const role of ["admin", "agent", "customer"]) sum += (await call("GET", `/api/user/list-users?role=${role}`, { token: people.admin.token })).body.total;
    expect(sum).toBe(total);
  });

  test.each(["superuser", "ADMIN", ""])("?role=%s → 422", async (role) => {
    expectError(await call("GET", `/api/user/list-users?role=${role}`, { token: people.admin.token }), 422, "role");
  });
});

describe("GET /api/user/list-approvals", () => {
  test("lists the agents waiting, not the approved ones", async () => {
    const res = await call("GET", "/api/user/list-approvals", { token: people.admin.token });
    expectStatus(res, 200);
    expectPage(res.body, 1, 20);
    const rows = await allRows("/api/user/list-approvals", people.admin.token);
    expect(rows.every((u) => u.role === "agent" && u.is_approved === false)).toBe(true);
    const ids = rows.map((u) => u.id);
    expect(ids).toContain(people.pendingAgent.id);
    expect(ids).not.toContain(people.agent.id);
  });
});

describe("PUT /api/user/approve-delete/{user_id}", () => {
  test("approves the agent: 200, is_approved, it can log in and leaves the approvals list", async () => {
    const agent = await signedUp(api, "agent");
    expectError(await call("POST", "/api/user/login", { body: { email: agent.email, password: PASSWORD } }), 403);
    const res = await call("PUT", `/api/user/approve-delete/${agent.id}`, { token: people.admin.token });
    expectStatus(res, 200);
    expectUser(res.body);
    expect(res.body).toMatchObject({ id: agent.id, role: "agent", is_approved: true });
    const login = await call("POST", "/api/user/login", { body: { email: agent.email, password: PASSWORD } });
    expectStatus(login, 200);
    expectStatus(await call("GET", "/api/loan/list-loans-admin-agent", { token: login.body.token }), 200);
    const waiting = (await allRows("/api/user/list-approvals", people.admin.token)).map((u) => u.id);
    expect(waiting).not.toContain(agent.id);
  });

  test("an unknown user → 404", async () => {
    expectError(await call("PUT", "/api/user/approve-delete/987654", { token: people.admin.token }), 404);
  });

  test("a customer is not an agent to approve → 404", async () => {
    expectError(await call("PUT", `/api/user/approve-delete/${people.customer.id}`, { token: people.admin.token }), 404);
  });
});

describe("DELETE /api/user/approve-delete/{user_id}", () => {
  test("removes a pending agent: 204, gone from the lists", async () => {
    const agent = await signedUp(api, "agent");
    const res = await call("DELETE", `/api/user/approve-delete/${agent.id}`, { token: people.admin.token });
    expectStatus(res, 204);
    expect(res.body).toBeNull();
    expect((await allRows("/api/user/list-approvals", people.admin.token)).map((u) => u.id)).not.toContain(agent.id);
    expect((await allRows("/api/user/list-users", people.admin.token)).map((u) => u.id)).not.toContain(agent.id);
    expectError(await call("POST", "/api/user/login", { body: { email: agent.email, password: PASSWORD } }), 401);
    expectError(await call("DELETE", `/api/user/approve-delete/${agent.id}`, { token: people.admin.token }), 404);
  });

  test("removes an approved agent: 204, its token and login stop working, its loans and history stay readable by admin", async () => {
    const agent = await approvedAgent(api, people.admin.token);
    const created = await requestLoan({ principal: "40000.00", tenure_months: 12 }, agent.token);
    expectStatus(created, 201);
    const id = created.body.id;
    expectStatus(await call("PUT", `/api/loan/edit-loan/${id}`, { token: agent.token, body: { tenure_months: 18 } }), 200);

    expectStatus(await call("DELETE", `/api/user/approve-delete/${agent.id}`, { token: people.admin.token }), 204);
    expectError(await call("GET", "/api/user/profile", { token: agent.token }), 401);
    expectError(await call("POST", "/api/user/login", { body: { email: agent.email, password: PASSWORD } }), 401);

    const details = await call("GET", `/api/loan/loan-details/${id}`, { token: people.admin.token });
    expectStatus(details, 200);
    expect(details.body).toMatchObject({ id, agent_id: agent.id, version: 2, tenure_months: 18 });
    const history = await call("GET", `/api/loan/loan-history/${id}`, { token: people.admin.token });
    expectStatus(history, 200);
    expect(history.body.rows).toHaveLength(1);
    expect(history.body.rows[0]).toMatchObject({ version: 1, tenure_months: 12, edited_by: agent.id });
    // The loan can still be decided.
    expectStatus(await decide(id, "APPROVED"), 200);
  });

  test("a customer or an admin is not an agent to delete → 404, and stays", async () => {
    expectError(await call("DELETE", `/api/user/approve-delete/${people.otherCustomer.id}`, { token: people.admin.token }), 404);
    expectError(await call("DELETE", `/api/user/approve-delete/${people.admin.id}`, { token: people.admin.token }), 404);
    expectStatus(await call("GET", "/api/user/profile", { token: people.otherCustomer.token }), 200);
    expectStatus(await call("GET", "/api/user/profile", { token: people.admin.token }), 200);
  });
});

describe("POST /api/loan/customer-loan", () => {
  test("201, a NEW loan at version 1 with the spec's example EMI", async () => {
    const res = await requestLoan({ principal: "250000.00", tenure_months: 24 });
    expectStatus(res, 201);
    expectLoan(res.body);
    expect(res.body).toMatchObject({
      customer_id: people.customer.id,
      agent_id: people.agent.id,
      principal: "250000.00",
      interest_rate: "12.00",
      tenure_months: 24,
      emi: "11768.37",
      status: "NEW",
      version: 1,
      decided_by: null,
      decided_at: null,
    });
    expect(res.body.created_at).toMatch(ISO);
    const details = await call("GET", `/api/loan/loan-details/${res.body.id}`, { token: people.admin.token });
    expect(details.body).toEqual(res.body);
  });

  test.each([
    ["1000.00", "14.00"],
    ["50000.00", "14.00"],
    ["50000.01", "12.00"],
    ["500000.00", "12.00"],
    ["500000.01", "10.50"],
    ["2000000.00", "10.50"],
    ["2000000.01", "9.50"],
    ["10000000.00", "9.50"],
  ])("the rate table's edges: %s → %s", async (principal, rate) => {
    const res = await requestLoan({ principal, tenure_months: 60 });
    expectStatus(res, 201);
    expect(res.body).toMatchObject({ ...expectedTerms(principal, 60), principal, interest_rate: rate });
  });

  test.each([1, 12, 360])("tenure %i months is accepted, the EMI as the formula gives it", async (months) => {
    const res = await requestLoan({ principal: "123456.78", tenure_months: months });
    expectStatus(res, 201);
    expect(res.body).toMatchObject({ tenure_months: months, ...expectedTerms("123456.78", months) });
  });

  test.each([
    [250000, "250000.00"],
    [1000.5, "1000.50"],
    ["75000", "75000.00"],
    ["75000.5", "75000.50"],
  ])("principal %p is answered as %p", async (principal, money) => {
    const res = await requestLoan({ principal });
    expectStatus(res, 201);
    expect(res.body.principal).toBe(money);
  });

  test("customer_id of an agent, an admin or nobody → 422", async () => {
    for (const id of [people.agent.id, people.admin.id, people.pendingAgent.id, 987654]) {
      expectError(await requestLoan({ customer_id: id }), 422, "customer_id");
    }
  });

  test.each(["999.99", "0.00", "10000000.01", "-5000.00", 999, 10000000.5])("principal %p out of range → 422", async (principal) => {
    expectError(await requestLoan({ principal }), 422, "principal");
  });

  test.each(["1000.005", "250000.123", 1000.001])("principal %p with three decimals → 422", async (principal) => {
    expectError(await requestLoan({ principal }), 422, "principal");
  });

  test.each([0, 361, 12.5, -1])("tenure %p → 422", async (tenure_months) => {
    expectError(await requestLoan({ tenure_months }), 422, "tenure_months");
  });

  test("a refused request creates nothing", async () => {
    const before = (await call("GET", "/api/loan/list-loans-admin-agent", { token: people.admin.token })).body.total;
    await requestLoan({ tenure_months: 0 });
    await requestLoan({ principal: "1.00" });
    await requestLoan({ customer_id: people.agent.id });
    expect((await call("GET", "/api/loan/list-loans-admin-agent", { token: people.admin.token })).body.total).toBe(before);
  });
});

describe("PUT /api/loan/edit-loan/{loan_id}", () => {
  test("each edit bumps the version, recomputes rate and EMI, and keeps the earlier versions oldest first", async () => {
    const second = await approvedAgent(api, people.admin.token);
    const created = await requestLoan({ principal: "40000.00", tenure_months: 12 });
    const id = created.body.id;
    const v1 = created.body;
    expect(v1).toMatchObject(expectedTerms("40000.00", 12));

    const started = Date.now();
    const e1 = await call("PUT", `/api/loan/edit-loan/${id}`, { token: people.agent.token, body: { principal: "600000.00" } });
    expectStatus(e1, 200);
    expectLoan(e1.body);
    expect(e1.body).toMatchObject({ id, version: 2, tenure_months: 12, status: "NEW", ...expectedTerms("600000.00", 12) });
    expect(e1.body.interest_rate).toBe("10.50");

    // Only the agent who requested the loan edits it.
    expectStatus(await call("PUT", `/api/loan/edit-loan/${id}`, { token: second.token, body: { tenure_months: 48 } }), 403);
    const e2 = await call("PUT", `/api/loan/edit-loan/${id}`, { token: people.agent.token, body: { tenure_months: 48 } });
    expectStatus(e2, 200);
    expect(e2.body).toMatchObject({ version: 3, ...expectedTerms("600000.00", 48) });

    const e3 = await call("PUT", `/api/loan/edit-loan/${id}`, { token: people.agent.token, body: { principal: 3000000, tenure_months: 120 } });
    expectStatus(e3, 200);
    expect(e3.body).toMatchObject({ version: 4, ...expectedTerms("3000000.00", 120) });
    // Only the terms and the version changed.
    expect(e3.body).toMatchObject({ customer_id: v1.customer_id, agent_id: v1.agent_id, created_at: v1.created_at });

    const history = await call("GET", `/api/loan/loan-history/${id}`, { token: people.admin.token });
    expectStatus(history, 200);
    expect(Object.keys(history.body)).toEqual(["rows"]);
    const rows = history.body.rows;
    expect(rows.map((r: { version: number }) => r.version)).toEqual([1, 2, 3]);
    rows.forEach((r: object) => expect(Object.keys(r).sort()).toEqual(VERSION_KEYS));
    const pick = (l: Json) => ({ principal: l.principal, interest_rate: l.interest_rate, tenure_months: l.tenure_months, emi: l.emi, status: l.status });
    expect(rows.map(pick)).toEqual([v1, e1.body, e2.body].map(pick));
    expect(rows.map((r: { edited_by: number }) => r.edited_by)).toEqual([people.agent.id, people.agent.id, people.agent.id]);
    for (const r of rows) {
      expect(r.edited_at).toMatch(ISO);
      expect(Date.parse(r.edited_at)).toBeGreaterThanOrEqual(started - 5_000);
    }
    const times = rows.map((r: { edited_at: string }) => Date.parse(r.edited_at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);

    // The customer and any agent read the same history.
    expect((await call("GET", `/api/loan/loan-history/${id}`, { token: people.customer.token })).body).toEqual(history.body);
    expect((await call("GET", `/api/loan/loan-history/${id}`, { token: second.token })).body).toEqual(history.body);
  });

  test("only a NEW loan: after a decision → 409, nothing changes", async () => {
    for (const status of ["APPROVED", "REJECTED"]) {
      const id = await newLoanId();
      expectStatus(await decide(id, status), 200);
      expectError(await call("PUT", `/api/loan/edit-loan/${id}`, { token: people.agent.token, body: { tenure_months: 36 } }), 409);
      const details = await call("GET", `/api/loan/loan-details/${id}`, { token: people.admin.token });
      expect(details.body).toMatchObject({ version: 1, tenure_months: 24, status });
      expect((await call("GET", `/api/loan/loan-history/${id}`, { token: people.admin.token })).body.rows).toEqual([]);
    }
  });

  test("an empty body → 422, nothing changes", async () => {
    const id = await newLoanId();
    expectError(await call("PUT", `/api/loan/edit-loan/${id}`, { token: people.agent.token, body: {} }), 422);
    expect((await call("GET", `/api/loan/loan-details/${id}`, { token: people.admin.token })).body.version).toBe(1);
  });

  test("the same validation as a request: principal and tenure out of range → 422", async () => {
    const id = await newLoanId();
    expectError(await call("PUT", `/api/loan/edit-loan/${id}`, { token: people.agent.token, body: { principal: "999.99" } }), 422, "principal");
    expectError(await call("PUT", `/api/loan/edit-loan/${id}`, { token: people.agent.token, body: { principal: "1000.001" } }), 422, "principal");
    expectError(await call("PUT", `/api/loan/edit-loan/${id}`, { token: people.agent.token, body: { tenure_months: 361 } }), 422, "tenure_months");
    expect((await call("GET", `/api/loan/loan-details/${id}`, { token: people.admin.token })).body.version).toBe(1);
  });

  test("an unknown loan → 404", async () => {
    expectError(await call("PUT", "/api/loan/edit-loan/987654", { token: people.agent.token, body: { tenure_months: 36 } }), 404);
  });
});

describe("PUT /api/loan/approve-reject-loan/{loan_id}", () => {
  test.each(["APPROVED", "REJECTED"])("%s: 200, decided_by and decided_at set; a second decision → 409", async (status) => {
    const id = await newLoanId();
    const before = Date.now();
    const res = await decide(id, status);
    expectStatus(res, 200);
    expectLoan(res.body);
    expect(res.body).toMatchObject({ id, status, decided_by: people.admin.id, version: 1 });
    expect(res.body.decided_at).toMatch(ISO);
    expect(Date.parse(res.body.decided_at)).toBeGreaterThanOrEqual(before - 5_000);
    for (const again of ["APPROVED", "REJECTED"]) expectError(await decide(id, again), 409);
    expect((await call("GET", `/api/loan/loan-details/${id}`, { token: people.customer.token })).body).toMatchObject({ status, decided_by: people.admin.id });
  });

  test.each(["NEW", "approved", "CANCELLED", ""])("status %p → 422, the loan stays NEW", async (status) => {
    const id = await newLoanId();
    expectError(await decide(id, status), 422, "status");
    expect((await call("GET", `/api/loan/loan-details/${id}`, { token: people.admin.token })).body.status).toBe("NEW");
  });

  test("an unknown loan → 404", async () => {
    expectError(await decide(987654, "APPROVED"), 404);
  });
});

describe("GET /api/loan/loan-details/{loan_id} and loan-history", () => {
  test("an unknown loan → 404", async () => {
    expectError(await call("GET", "/api/loan/loan-details/987654", { token: people.admin.token }), 404);
    expectError(await call("GET", "/api/loan/loan-history/987654", { token: people.admin.token }), 404);
  });

  test("a loan never edited has an empty history", async () => {
    const id = await newLoanId();
    const res = await call("GET", `/api/loan/loan-history/${id}`, { token: people.customer.token });
    expectStatus(res, 200);
    expect(res.body).toEqual({ rows: [] });
  });
});

describe("GET /api/loan/list-loans-admin-agent", () => {
  let ids: { NEW: number; APPROVED: number; REJECTED: number };
  beforeAll(async () => {
    ids = { NEW: await newLoanId(), APPROVED: await newLoanId(), REJECTED: await newLoanId() };
    await decide(ids.APPROVED, "APPROVED");
    await decide(ids.REJECTED, "REJECTED");
  });

  test.each(["admin", "agent"] as const)("lists every loan (as %s)", async (role) => {
    const res = await call("GET", "/api/loan/list-loans-admin-agent", { token: people[role].token });
    expectStatus(res, 200);
    expectPage(res.body, 1, 20);
    res.body.rows.forEach(expectLoan);
    const all = (await allRows("/api/loan/list-loans-admin-agent", people[role].token)).map((l) => l.id);
    expect(all.length).toBe(res.body.total);
    expect(new Set(all).size).toBe(all.length);
    expect(all).toEqual(expect.arrayContaining(Object.values(ids)));
  });

  test.each(["NEW", "APPROVED", "REJECTED"] as const)("?status=%s lists that status only", async (status) => {
    const rows = await allRows(`/api/loan/list-loans-admin-agent?status=${status}`, people.admin.token);
    expect(rows.every((l) => l.status === status)).toBe(true);
    expect(rows.map((l) => l.id)).toContain(ids[status]);
  });

  test("the status filters add up to the whole", async () => {
    const total = (await call("GET", "/api/loan/list-loans-admin-agent", { token: people.admin.token })).body.total;
    let sum = 0;
    for (const s of ["NEW", "APPROVED", "REJECTED"]) sum += (await call("GET", `/api/loan/list-loans-admin-agent?status=${s}`, { token: people.admin.token })).body.total;
    expect(sum).toBe(total);
  });

  test.each(["PENDING", "new", "x"])("?status=%s → 422", async (status) => {
    expectError(await call("GET", `/api/loan/list-loans-admin-agent?status=${status}`, { token: people.admin.token }), 422, "status");
  });

  test("pages: size 2 walks every loan once; pageSize 101 → 422", async () => {
    const first = await call("GET", "/api/loan/list-loans-admin-agent?pageSize=2", { token: people.agent.token });
    expectPage(first.body, 1, 2);
    const seen: number[] = [];
    for (let page = 1; page <= first.body.totalPages; page += 1) {
      const res = await call("GET", `/api/loan/list-loans-admin-agent?page=${page}&pageSize=2`, { token: people.agent.token });
      expectPage(res.body, page, 2);
      seen.push(...res.body.rows.map((l: { id: number }) => l.id));
    }
    expect(seen.length).toBe(first.body.total);
    expect(new Set(seen).size).toBe(seen.length);
    expectError(await call("GET", "/api/loan/list-loans-admin-agent?pageSize=101", { token: people.agent.token }), 422, "pageSize");
  });
});

describe("GET /api/loan/list-loans-customer", () => {
  test("lists the caller's own loans only, with the status filter", async () => {
    const customer = await signedUp(api, "customer");
    const mine = [await newLoanId({ customer_id: customer.id }), await newLoanId({ customer_id: customer.id }), await newLoanId({ customer_id: customer.id })];
    await newLoanId({ customer_id: people.otherCustomer.id });
    await decide(mine[1]!, "APPROVED");

    const res = await call("GET", "/api/loan/list-loans-customer", { token: customer.token });
    expectStatus(res, 200);
    expectPage(res.body, 1, 20);
    expect(res.body.total).toBe(3);
    expect(res.body.rows.map((l: { id: number }) => l.id).sort()).toEqual([...mine].sort());
    expect(res.body.rows.every((l: { customer_id: number }) => l.customer_id === customer.id)).toBe(true);

    const approved = await call("GET", "/api/loan/list-loans-customer?status=APPROVED", { token: customer.token });
    expect(approved.body.rows.map((l: { id: number }) => l.id)).toEqual([mine[1]]);
    const fresh = await call("GET", "/api/loan/list-loans-customer?status=NEW", { token: customer.token });
    expect(fresh.body.total).toBe(2);
    expectError(await call("GET", "/api/loan/list-loans-customer?status=DONE", { token: customer.token }), 422, "status");

    const paged = await call("GET", "/api/loan/list-loans-customer?page=2&pageSize=2", { token: customer.token });
    expectPage(paged.body, 2, 2);
    expect(paged.body.total).toBe(3);
  });

  test("another customer's loans are never in the list", async () => {
    const theirs = await newLoanId({ customer_id: people.otherCustomer.id });
    const someoneElses = await newLoanId({ customer_id: people.customer.id });
    const rows = await allRows("/api/loan/list-loans-customer", people.otherCustomer.token);
    expect(rows.map((l) => l.id)).toContain(theirs);
    expect(rows.map((l) => l.id)).not.toContain(someoneElses);
    expect(rows.every((l) => l.customer_id === people.otherCustomer.id)).toBe(true);
  });

  test("a customer with no loans gets an empty page", async () => {
    const customer = await signedUp(api, "customer");
    const res = await call("GET", "/api/loan/list-loans-customer", { token: customer.token });
    expectStatus(res, 200);
    expect(res.body).toEqual({ rows: [], total: 0, page: 1, pageSize: 20, totalPages: 0 });
  });
});

describe("a pending agent, once approved, works through the whole loan flow", () => {
  test("approve → login → request → edit → admin decides → customer sees it", async () => {
    const agent = await signedUp(api, "agent");
    expectStatus(await call("PUT", `/api/user/approve-delete/${agent.id}`, { token: people.admin.token }), 200);
    const token = await api.login(agent.email, PASSWORD);
    const loan = await requestLoan({ principal: "50000.00", tenure_months: 10 }, token);
    expectStatus(loan, 201);
    expectStatus(await call("PUT", `/api/loan/edit-loan/${loan.body.id}`, { token, body: { principal: "50000.01" } }), 200);
    expectStatus(await decide(loan.body.id, "REJECTED"), 200);
    const seen = await call("GET", `/api/loan/loan-details/${loan.body.id}`, { token: people.customer.token });
    expect(seen.body).toMatchObject({ status: "REJECTED", version: 2, interest_rate: "12.00", agent_id: agent.id });
    // A minted token of that agent (same secret) works too: the gateway trusts the stack's secret only.
    expectStatus(await call("GET", "/api/user/profile", { token: await mintToken(stack, agent.id, "agent") }), 200);
  });
});

describe("fields a client must not set are ignored", () => {
  test("signup cannot choose its role, approval or id", async () => {
    const body = signupBody({ is_customer: false, is_agent: true, role: "admin", is_approved: true, id: people.admin.id, password_hash: "$2a$04$abcdefghijklmnopqrstuv" });
    const res = await call("POST", "/api/user/signup", { body });
    expectStatus(res, 201);
    expect(res.body).toMatchObject({ role: "agent", is_approved: false });
    expect(res.body.id).not.toBe(people.admin.id);
    expectError(await call("POST", "/api/user/login", { body: { email: body.email, password: PASSWORD } }), 403);
  });

  test("a loan request and an edit cannot set status, version, rate, EMI or agent", async () => {
    const forged = { status: "APPROVED", version: 99, interest_rate: "1.00", emi: "1.00", agent_id: people.admin.id, decided_by: people.admin.id };
    const created = await requestLoan({ principal: "250000.00", tenure_months: 24, ...forged });
    expectStatus(created, 201);
    expect(created.body).toMatchObject({ status: "NEW", version: 1, interest_rate: "12.00", emi: "11768.37", agent_id: people.agent.id, decided_by: null });
    const edited = await call("PUT", `/api/loan/edit-loan/${created.body.id}`, { token: people.agent.token, body: { tenure_months: 24, ...forged } });
    expectStatus(edited, 200);
    expect(edited.body).toMatchObject({ status: "NEW", version: 2, interest_rate: "12.00", emi: "11768.37", agent_id: people.agent.id, decided_by: null });
  });
});

/** Takes a service away for the describe block it is called in, and brings it back after. */
function whileDown(name: "users" | "loans"): { restore(): Promise<void> } {
  let down = false;
  let restored = false;
  const restore = async () => {
    if (restored || !down) return;
    restored = true;
    stack.createService(name);
    await stack.broker.waitForServices([name], 10_000);
  };
  beforeAll(async () => {
    await stack.broker.destroyService(stack.broker.getLocalService(name)!);
    down = true;
  });
  afterAll(restore);
  return { restore };
}

// Last: these take a service away and bring it back.
describe("when the loans service is down", () => {
  const loans = whileDown("loans");

  test("GET /health → 503 degraded, naming the services that answer", async () => {
    const health = await call("GET", "/health");
    expectStatus(health, 503);
    expect(health.body).toMatchObject({ status: "degraded" });
    expect(health.body.services).toEqual(["users"]);
  });

  test.each([
    ["GET", "/api/loan/list-loans-admin-agent", "admin", undefined],
    ["GET", "/api/loan/loan-details/1", "admin", undefined],
    ["POST", "/api/loan/customer-loan", "agent", { customer_id: 1, principal: "5000.00", tenure_months: 12 }],
  ] as const)("%s %s → 503 in the error shape", async (method, path, who, body) => {
    expectError(await call(method, path, { token: people[who].token, body }), 503);
  });

  test("the users service is still served", async () => {
    expectStatus(await call("GET", "/api/user/profile", { token: people.admin.token }), 200);
  });

  test("once loans is back: health ok, loans served again", async () => {
    await loans.restore();
    const health = await call("GET", "/health");
    expectStatus(health, 200);
    expect(health.body.status).toBe("ok");
    expectStatus(await call("GET", "/api/loan/list-loans-admin-agent", { token: people.admin.token }), 200);
  });
});

describe("when the users service is down", () => {
  const users = whileDown("users");

  test("GET /health → 503 degraded", async () => {
    const health = await call("GET", "/health");
    expectStatus(health, 503);
    expect(health.body).toMatchObject({ status: "degraded", services: ["loans"] });
  });

  test.each([
    ["POST", "/api/user/login", undefined, { email: "someone@example.test", password: PASSWORD }],
    ["GET", "/api/user/profile", "customer", undefined],
    ["GET", "/api/loan/list-loans-admin-agent", "admin", undefined],
  ] as const)("%s %s → 503 in the error shape (the token cannot be resolved either)", async (method, path, who, body) => {
    expectError(await call(method, path, { token: who ? people[who].token : undefined, body }), 503);
  });

  test("once users is back: health ok, sign-in works again", async () => {
    await users.restore();
    expectStatus(await call("GET", "/health"), 200);
    expectStatus(await call("GET", "/api/user/profile", { token: people.customer.token }), 200);
    expectStatus(await call("POST", "/api/user/login", { body: { email: people.customer.email, password: PASSWORD } }), 200);
  });
});
