/**
 * CORS_ORIGINS, through moleculer-web's `cors` setting: the listed browser origins may call the
 * API (preflight answered, the origin echoed); any other origin is refused. Without the
 * setting no CORS header is sent at all (sessions.test.ts).
 */
import { useStack } from "../support/fixture.js";

const ALLOWED = "https://console.example";
const { stack, api } = useStack({ env: { CORS_ORIGINS: `${ALLOWED},http://localhost:5173` } });
let token: string;

beforeAll(async () => {
  token = await api.login(stack.admin.email, stack.admin.password);
});

test("a preflight from a listed origin is answered: methods, headers, max age", async () => {
  const res = await api.call("OPTIONS", "/api/user/login", { headers: { origin: ALLOWED, "access-control-request-method": "POST", "access-control-request-headers": "content-type" } });
  expect(res.status).toBe(204);
  expect(res.headers.get("access-control-allow-origin")).toBe(ALLOWED);
  expect(res.headers.get("vary")).toMatch(/Origin/);
  expect(res.headers.get("access-control-allow-methods")).toMatch(/POST/);
  expect(res.headers.get("access-control-allow-headers")).toMatch(/Authorization/);
  expect(res.headers.get("access-control-max-age")).toBe("600");
  expect(res.headers.get("x-content-type-options")).toBe("nosniff");
});

test("a listed origin's calls carry its name back and expose Retry-After and Location", async () => {
  const [a, b] = await Promise.all([
    api.call("GET", "/api/user/profile", { token, headers: { origin: ALLOWED } }),
    api.call("GET", "/api/user/profile", { token, headers: { origin: "http://localhost:5173" } }),
  ]);
  expect(a.status).toBe(200);
  expect(a.headers.get("access-control-allow-origin")).toBe(ALLOWED);
  expect(a.headers.get("access-control-expose-headers")).toMatch(/Retry-After/);
  expect(a.headers.get("access-control-expose-headers")).toMatch(/Location/);
  expect(b.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
  // no credentials mode: tokens travel in the Authorization header, not in cookies
  expect(a.headers.get("access-control-allow-credentials")).toBeNull();
});

test("another origin is refused (403 in the error shape), with no CORS header", async () => {
  for (const origin of ["https://evil.example", "https://console.example.evil.example", "http://console.example"]) {
    const res = await api.call("GET", "/api/user/profile", { token, headers: { origin } });
    expect(res.status).toBe(403);
    expect(res.body).toEqual(expect.objectContaining({ name: expect.any(String), message: expect.any(String), code: 403, type: expect.any(String) }));
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  }
});

test("a call without an Origin (not from a browser page) is not affected", async () => {
  const res = await api.call("GET", "/api/user/profile", { token });
  expect(res.status).toBe(200);
  expect(res.headers.get("access-control-allow-origin")).toBeNull();
});
