/**
 * The console keeps the login's device token in an HttpOnly cookie, sent back on its next
 * sign-in, over real HTTP as a browser would: a staff member whose email is under attack
 * still signs in from the browser that holds the cookie; a browser without it is refused.
 * The cookie outlives a sign-out (it names the device, not the session).
 */
import { useStack } from "../support/fixture.js";
import { email, http } from "../support/http.js";

const PASSWORD = "password-123";
const { stack, api, people } = useStack({ people: true });

const signIn = (address: string, password: string, cookie?: string) => http(stack.url, "POST", "/admin/session", { body: { email: address, password }, headers: cookie ? { cookie } : {} });

function cookiesOf(setCookie: string[]): Record<string, string> {
  return Object.fromEntries(setCookie.map((c) => c.split(";")[0]!.split("=") as [string, string]).filter(([, v]) => v !== ""));
}

/** A staff member: an admin made for this test, so that attacks on it touch nobody else. */
async function newAdmin(): Promise<string> {
  const address = email("console-dev");
  const res = await api.call("POST", "/api/v1/user/create-admin", { token: people.admin.token, body: { email: address, password: PASSWORD, first_name: "Con", last_name: "Sole" } });
  expect(res.status).toBe(201);
  return address;
}

test("sign-in sets an HttpOnly, SameSite=Strict device cookie, for the sign-in route only, that outlives the session", async () => {
  const address = await newAdmin();
  const res = await signIn(address, PASSWORD);
  expect(res.status).toBe(200);
  const device = res.headers.getSetCookie().find((c) => c.startsWith("loanstack_device="));
  expect(device).toBeDefined();
  expect(device).toMatch(/;\s*HttpOnly/i);
  expect(device).toMatch(/;\s*SameSite=Strict/i);
  expect(device).toMatch(/;\s*Path=\/admin\/session/i);
  expect(Number(/Max-Age=(\d+)/i.exec(device!)?.[1])).toBeGreaterThan(30 * 24 * 3600);
  expect(JSON.stringify(res.body)).not.toContain(cookiesOf([device!]).loanstack_device!);
});

test("a browser holding the device cookie signs in while the email is locked for everyone else", async () => {
  const address = await newAdmin();
  const first = await signIn(address, PASSWORD);
  const cookies = cookiesOf(first.headers.getSetCookie());
  expect(cookies.loanstack_device).toBeDefined();
  // Someone who knows only the email, through the API.
  for (let i = 0; i < 11; i++) await api.call("POST", "/api/v1/user/login", { body: { email: address, password: "wrong-password" } });
  const stranger = await signIn(address, PASSWORD);
  expect({ status: stranger.status, type: stranger.body.type }).toEqual({ status: 429, type: "LOGIN_ATTEMPTS_EXCEEDED" });
  expect(stranger.headers.get("retry-after")).toMatch(/^\d+$/);
  // Signed out first: the device cookie stays with the browser.
  const signOut = await http(stack.url, "DELETE", "/admin/session", { headers: { cookie: `loanstack_session=${cookies.loanstack_session}`, "x-csrf-token": first.body.csrf_token } });
  expect(signOut.status).toBe(204);
  expect(signOut.headers.getSetCookie().some((c) => c.startsWith("loanstack_device="))).toBe(false);
  const owner = await signIn(address, PASSWORD, `loanstack_device=${cookies.loanstack_device}`);
  expect(owner.status).toBe(200);
  expect(owner.body.user.email).toBe(address);
});

test("another staff member's device cookie does not help", async () => {
  const victim = await newAdmin();
  const other = await newAdmin();
  const cookies = cookiesOf((await signIn(other, PASSWORD)).headers.getSetCookie());
  for (let i = 0; i < 11; i++) await api.call("POST", "/api/v1/user/login", { body: { email: victim, password: "wrong-password" } });
  const res = await signIn(victim, PASSWORD, `loanstack_device=${cookies.loanstack_device}`);
  expect(res.status).toBe(429);
});
