/**
 * The console's cookie session over real HTTP through the gateway: the cookie's flags, the
 * API accepting it when no Authorization header is sent, the CSRF token every cookie write
 * needs (403 without it, or with another session's), sign-out, and staff only.
 */
import jwt from "jsonwebtoken";
import { CookieSession } from "../../services/api/cookie-session.js";
import { approvedAgent } from "../support/actors.js";
import { useStack } from "../support/fixture.js";
import { http, type HttpAnswer, type Json } from "../support/http.js";
import { JWT_PATTERN } from "./browser.js";

const PASSWORD = "password-123";
const { stack, api, people } = useStack({ people: true });

interface Signed {
  cookie: string;
  setCookie: string;
  csrf: string;
  answer: HttpAnswer<Json>;
}

async function signIn(email: string, password = PASSWORD, headers: Record<string, string> = {}): Promise<Signed> {
  const answer = await http(stack.url, "POST", "/admin/session", { body: { email, password }, headers });
  expect({ status: answer.status, body: answer.body }).toEqual({ status: 200, body: answer.body });
  const setCookie = answer.headers.get("set-cookie") ?? "";
  return { cookie: setCookie.split(";")[0]!, setCookie, csrf: answer.body.csrf_token, answer };
}

async function newLoan(): Promise<number> {
  const res = await api.call("POST", "/api/loan/customer-loan", { token: people.agent.token, body: { customer_id: people.customer.id, principal: "250000.00", tenure_months: 24 } });
  expect(res.status).toBe(201);
  return res.body.id;
}

const decide = (id: number, headers: Record<string, string>) => http(stack.url, "PUT", `/api/loan/approve-reject-loan/${id}`, { body: { status: "APPROVED" }, headers });

describe("signing in", () => {
  test("sets an HttpOnly, SameSite=Strict session cookie and answers the user, a CSRF token and the rate table, never the token", async () => {
    const { setCookie, answer, csrf } = await signIn(stack.admin.email, stack.admin.password);
    expect(setCookie).toMatch(/^loanstack_session=[\w.-]+;/);
    expect(setCookie).toMatch(/;\s*HttpOnly/i);
    expect(setCookie).toMatch(/;\s*SameSite=Strict/i);
    expect(setCookie).toMatch(/;\s*Path=\//i);
    expect(setCookie).toMatch(/;\s*Max-Age=\d+/i);
    expect(setCookie).not.toMatch(/;\s*Secure/i); // plain HTTP here
    expect(answer.headers.get("cache-control")).toBe("no-store");
    expect(answer.body).toEqual({
      user: expect.objectContaining({ email: stack.admin.email, role: "admin" }),
      csrf_token: expect.stringMatching(/^[\w-]{43}$/),
      expires_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      rate_table: [
        { up_to: "50000.00", rate: "14.00" },
        { up_to: "500000.00", rate: "12.00" },
        { up_to: "2000000.00", rate: "10.50" },
        { up_to: null, rate: "9.50" },
      ],
    });
    expect(JSON.stringify(answer.body)).not.toMatch(JWT_PATTERN);
    expect(csrf).not.toBe("");
  });

  test("the cookie is Secure when the request came over HTTPS (through a proxy that says so)", async () => {
    const { setCookie } = await signIn(stack.admin.email, stack.admin.password, { "x-forwarded-proto": "https" });
    expect(setCookie).toMatch(/;\s*Secure/i);
  });

  test("a wrong password is a 401 in the API's error shape, with no cookie; the route is rate limited", async () => {
    const res = await http(stack.url, "POST", "/admin/session", { body: { email: stack.admin.email, password: "wrong-password" } });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ code: 401, type: "INVALID_CREDENTIALS", message: "Invalid email or password" });
    expect(res.headers.get("set-cookie")).toBeNull();
    expect(res.headers.get("x-rate-limit-limit")).toBe("100000");
  });

  test("the console is for staff: a customer is refused (403), an agent waiting for approval too", async () => {
    const customer = await http(stack.url, "POST", "/admin/session", { body: { email: people.customer.email, password: PASSWORD } });
    expect(customer.status).toBe(403);
    expect(customer.body.type).toBe("CONSOLE_STAFF_ONLY");
    expect(customer.headers.get("set-cookie")).toBeNull();
    const pending = await http(stack.url, "POST", "/admin/session", { body: { email: people.pendingAgent.email, password: PASSWORD } });
    expect(pending.status).toBe(403);
    expect(pending.body.type).toBe("AGENT_NOT_APPROVED");
  });

  test("a missing field is a 422 naming it", async () => {
    const res = await http(stack.url, "POST", "/admin/session", { body: { email: stack.admin.email } });
    expect(res.status).toBe(422);
    expect(res.body.data.map((d: { field: string }) => d.field)).toContain("password");
  });
});

describe("the cookie on API calls", () => {
  let admin: Signed;
  beforeAll(async () => {
    admin = await signIn(stack.admin.email, stack.admin.password);
  });

  test("GET /admin/session tells who is signed in, with the same CSRF token; without the cookie, 401", async () => {
    const res = await http(stack.url, "GET", "/admin/session", { headers: { cookie: admin.cookie } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ user: { email: stack.admin.email }, csrf_token: admin.csrf });
    expect((await http(stack.url, "GET", "/admin/session")).status).toBe(401);
    // An API client signed in by header has no console session.
    expect((await http(stack.url, "GET", "/admin/session", { token: people.admin.token })).status).toBe(401);
  });

  test("reads need only the cookie", async () => {
    const res = await http(stack.url, "GET", "/api/user/profile", { headers: { cookie: admin.cookie } });
    expect(res.status).toBe(200);
    expect(res.body.email).toBe(stack.admin.email);
  });

  test("a write by cookie without the CSRF token is refused (403) and does nothing", async () => {
    const id = await newLoan();
    const res = await decide(id, { cookie: admin.cookie });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: 403, type: "CSRF_TOKEN_INVALID" });
    const loan = await api.call("GET", `/api/loan/loan-details/${id}`, { token: people.admin.token });
    expect(loan.body.status).toBe("NEW");
  });

  test("a wrong CSRF token, or another session's, is refused too; the session's own goes through", async () => {
    const id = await newLoan();
    expect((await decide(id, { cookie: admin.cookie, "x-csrf-token": "not-the-token" })).status).toBe(403);
    // Another person's session stands for "another session" (two sign-ins of one person are
    // two sessions too, each with its own token).
    const other = await signIn((await approvedAgent(api, people.admin.token)).email);
    expect(other.csrf).not.toBe(admin.csrf);
    expect((await decide(id, { cookie: admin.cookie, "x-csrf-token": other.csrf })).status).toBe(403);
    const ok = await decide(id, { cookie: admin.cookie, "x-csrf-token": admin.csrf });
    expect(ok.status).toBe(200);
    expect(ok.body.status).toBe("APPROVED");
  });

  test("an Authorization header wins over the cookie and needs no CSRF token", async () => {
    const id = await newLoan();
    const res = await decide(id, { cookie: admin.cookie, authorization: `Bearer ${people.admin.token}` });
    expect(res.status).toBe(200);
  });

  test("a cookie that is not a valid token is a 401", async () => {
    const res = await http(stack.url, "GET", "/api/user/profile", { headers: { cookie: "loanstack_session=not.a.token" } });
    expect(res.status).toBe(401);
  });

  test("the cookie carries the agent's role rules like a token does", async () => {
    const agent = await approvedAgent(api, people.admin.token);
    const signed = await signIn(agent.email);
    const id = await newLoan();
    expect((await decide(id, { cookie: signed.cookie, "x-csrf-token": signed.csrf })).status).toBe(403);
    const mine = await http(stack.url, "POST", "/api/loan/customer-loan", {
      body: { customer_id: people.customer.id, principal: "5000.00", tenure_months: 6 },
      headers: { cookie: signed.cookie, "x-csrf-token": signed.csrf },
    });
    expect(mine.status).toBe(201);
    expect(mine.body.agent_id).toBe(agent.id);
  });
});

describe("signing out", () => {
  test("needs the session's CSRF token, then clears the cookie (204)", async () => {
    const signed = await signIn(stack.admin.email, stack.admin.password);
    expect((await http(stack.url, "DELETE", "/admin/session", { headers: { cookie: signed.cookie } })).status).toBe(403);
    const res = await http(stack.url, "DELETE", "/admin/session", { headers: { cookie: signed.cookie, "x-csrf-token": signed.csrf } });
    expect(res.status).toBe(204);
    const cleared = res.headers.get("set-cookie") ?? "";
    expect(cleared).toMatch(/^loanstack_session=;/);
    expect(cleared).toMatch(/Max-Age=0/i);
    expect(cleared).toMatch(/HttpOnly/i);
  });

  test("with no cookie, or with an expired one (its CSRF token fitting), it still clears (204)", async () => {
    expect((await http(stack.url, "DELETE", "/admin/session")).status).toBe(204);
    const expired = jwt.sign({ role: "admin", exp: Math.floor(Date.now() / 1000) - 60 }, stack.jwtSecret, { algorithm: "HS256", subject: String(people.admin.id), issuer: "loanstack" });
    const csrf = new CookieSession(stack.jwtSecret).csrfTokenFor(expired);
    const res = await http(stack.url, "DELETE", "/admin/session", { headers: { cookie: `loanstack_session=${expired}`, "x-csrf-token": csrf } });
    expect(res.status).toBe(204);
    expect(res.headers.get("set-cookie")).toMatch(/Max-Age=0/i);
    // An expired cookie is no session: GET answers 401.
    expect((await http(stack.url, "GET", "/admin/session", { headers: { cookie: `loanstack_session=${expired}` } })).status).toBe(401);
  });

  test("ends the server session: the old cookie replayed afterwards is refused (401), and the session is gone from the list", async () => {
    const signed = await signIn(stack.admin.email, stack.admin.password);
    const sid = (jwt.decode(signed.cookie.split("=")[1]!) as { sid: string }).sid;
    const listed = async () => ((await api.call("GET", "/api/v1/user/sessions", { token: people.admin.token })).body.rows as Array<{ id: string }>).map((r) => r.id);
    expect(await listed()).toContain(sid);
    expect((await http(stack.url, "GET", "/api/user/profile", { headers: { cookie: signed.cookie } })).status).toBe(200);
    expect((await http(stack.url, "DELETE", "/admin/session", { headers: { cookie: signed.cookie, "x-csrf-token": signed.csrf } })).status).toBe(204);
    expect((await http(stack.url, "GET", "/api/user/profile", { headers: { cookie: signed.cookie } })).status).toBe(401);
    expect((await http(stack.url, "GET", "/admin/session", { headers: { cookie: signed.cookie } })).status).toBe(401);
    expect(await listed()).not.toContain(sid);
    // The admin's other sessions (the API token here) go on.
    expect((await api.call("GET", "/api/user/profile", { token: people.admin.token })).status).toBe(200);
  });

  test("ends only the cookie's session: a bearer token sent along stays signed in", async () => {
    const signed = await signIn(stack.admin.email, stack.admin.password);
    const other = await api.login(stack.admin.email, stack.admin.password);
    const res = await http(stack.url, "DELETE", "/admin/session", { headers: { cookie: signed.cookie, "x-csrf-token": signed.csrf, authorization: `Bearer ${other}` } });
    expect(res.status).toBe(204);
    expect((await api.call("GET", "/api/user/profile", { token: other })).status).toBe(200);
  });
});

describe("sessions of the console", () => {
  test("a sign-in's session is listed with the browser's address and User-Agent", async () => {
    const signed = await signIn(stack.admin.email, stack.admin.password, { "user-agent": "console-test/1.0" });
    const sid = (jwt.decode(signed.cookie.split("=")[1]!) as { sid: string }).sid;
    const rows = (await api.call("GET", "/api/v1/user/sessions", { token: people.admin.token })).body.rows as Array<{ id: string; ip: string | null; user_agent: string | null }>;
    expect(rows.find((r) => r.id === sid)).toMatchObject({ ip: "127.0.0.1", user_agent: "console-test/1.0" });
  });

  test("a refused customer's sign-in leaves no session behind", async () => {
    const count = async () => ((await api.call("GET", "/api/v1/user/sessions", { token: people.customer.token })).body.rows as unknown[]).length;
    const before = await count();
    const res = await http(stack.url, "POST", "/admin/session", { body: { email: people.customer.email, password: PASSWORD } });
    expect(res.status).toBe(403);
    expect(await count()).toBe(before);
  });
});
