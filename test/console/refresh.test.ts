/**
 * The console's refresh cookie, over real HTTP and in Chromium: sign-in sets it (HttpOnly,
 * SameSite=Strict, Path=/admin/session), POST /admin/session/refresh trades it for a new pair
 * through users.refresh (rotation: a spent one answers 401 and ends the session), only from
 * the console's own origin; sign-out with an expired access cookie still ends the server
 * session; in the browser, an expired access cookie is renewed without signing in again.
 */
import type { Browser } from "playwright-core";
import { CookieSession } from "../../services/api/cookie-session.js";
import { useStack } from "../support/fixture.js";
import { http } from "../support/http.js";
import { expectText, launchBrowser, Tab } from "./browser.js";

jest.setTimeout(60_000);

const { stack, api } = useStack({ env: { REFRESH_EXPIRES_IN: "7d" } });

interface Cookies {
  access: string;
  refresh: string;
  csrf: string;
  setCookies: string[];
}

function cookieValue(setCookies: string[], name: string): string {
  const line = setCookies.find((c) => c.startsWith(`${name}=`));
  return line ? line.split(";")[0]!.slice(name.length + 1) : "";
}

async function signIn(): Promise<Cookies> {
  const res = await http(stack.url, "POST", "/admin/session", { body: { email: stack.admin.email, password: stack.admin.password } });
  expect(res.status).toBe(200);
  const setCookies = res.headers.getSetCookie();
  return { access: cookieValue(setCookies, "loanstack_session"), refresh: cookieValue(setCookies, "loanstack_refresh"), csrf: res.body.csrf_token, setCookies };
}

const refresh = (refreshToken: string, headers: Record<string, string> = { origin: stack.url }) =>
  http(stack.url, "POST", "/admin/session/refresh", { headers: { cookie: `loanstack_refresh=${refreshToken}`, ...headers } });
const profile = (access: string) => http(stack.url, "GET", "/api/user/profile", { headers: { cookie: `loanstack_session=${access}` } });

test("sign-in sets the refresh cookie: HttpOnly, SameSite=Strict, scoped to /admin/session, living REFRESH_EXPIRES_IN", async () => {
  const { setCookies, refresh: token, access } = await signIn();
  const line = setCookies.find((c) => c.startsWith("loanstack_refresh="))!;
  expect(line).toMatch(/;\s*HttpOnly/i);
  expect(line).toMatch(/;\s*SameSite=Strict/i);
  expect(line).toMatch(/;\s*Path=\/admin\/session(;|$)/i);
  expect(line).toMatch(/;\s*Max-Age=604800(;|$)/i);
  expect(token).toMatch(/^[\w-]{20,}$/);
  expect(token).not.toBe(access);
});

test("refresh: a new access cookie and CSRF token; the refresh token used is spent, and replaying it ends the session", async () => {
  const first = await signIn();
  const res = await refresh(first.refresh);
  expect(res.status).toBe(200);
  expect(res.headers.get("cache-control")).toBe("no-store");
  const setCookies = res.headers.getSetCookie();
  const access = cookieValue(setCookies, "loanstack_session");
  const next = cookieValue(setCookies, "loanstack_refresh");
  // (Within the same second the new access token may equal the old one: same claims.)
  expect(access).toMatch(/^eyJ/);
  expect(next).not.toBe(first.refresh);
  // The answer's CSRF token is the one of the new access cookie.
  expect(res.body).toMatchObject({ user: { email: stack.admin.email }, csrf_token: new CookieSession(stack.jwtSecret).csrfTokenFor(access) });
  expect(JSON.stringify(res.body)).not.toContain(next);
  expect((await profile(access)).status).toBe(200);

  // The spent token again: 401, both cookies cleared, and the whole session revoked.
  const replay = await refresh(first.refresh);
  expect(replay.status).toBe(401);
  expect(replay.headers.getSetCookie().every((c) => /Max-Age=0/i.test(c))).toBe(true);
  expect(replay.headers.getSetCookie()).toHaveLength(2);
  expect((await profile(access)).status).toBe(401);
  expect((await refresh(next)).status).toBe(401);
});

test("refresh is refused without the console's own Origin, and the token stays unspent", async () => {
  const { refresh: token } = await signIn();
  expect((await refresh(token, {})).status).toBe(403);
  const otherPort = new URL(stack.url);
  otherPort.port = String(Number(otherPort.port) + 1);
  const crossSite = await refresh(token, { origin: otherPort.origin });
  expect(crossSite.status).toBe(403);
  expect(crossSite.body).toMatchObject({ code: 403, type: "CONSOLE_ORIGIN_REFUSED" });
  expect((await refresh(token)).status).toBe(200);
  expect((await refresh("")).status).toBe(401);
});

test("sign-out once the access cookie has expired still ends the server session through the refresh cookie", async () => {
  const { refresh: token, access } = await signIn();
  // The browser dropped the expired access cookie: only the refresh cookie goes along.
  const out = await http(stack.url, "DELETE", "/admin/session", { headers: { cookie: `loanstack_refresh=${token}`, origin: stack.url } });
  expect(out.status).toBe(204);
  expect(out.headers.getSetCookie()).toHaveLength(2);
  expect((await profile(access)).status).toBe(401);
  const after = await refresh(token);
  expect(after.status).toBe(401);
});

describe("in the browser", () => {
  let browser: Browser;
  let tab: Tab;
  beforeAll(async () => {
    browser = await launchBrowser();
    tab = await Tab.open(browser, stack.url);
  });
  afterAll(() => browser?.close());

  test("an expired access cookie is renewed from the refresh cookie: pages, writes and a reload keep working", async () => {
    await tab.goto("/admin");
    await tab.signIn(stack.admin.email, stack.admin.password);
    await tab.heading("Dashboard").waitFor();
    const before = await tab.context.cookies();
    const refreshCookie = before.find((c) => c.name === "loanstack_refresh")!;
    expect(refreshCookie).toMatchObject({ httpOnly: true, sameSite: "Strict", path: "/admin/session" });

    // What the browser does when the access cookie's Max-Age has passed.
    await tab.context.clearCookies({ name: "loanstack_session" });
    await tab.page.getByRole("link", { name: "Users" }).click();
    await tab.heading("Users").waitFor();
    await tab.page.getByRole("cell", { name: stack.admin.email, exact: true }).waitFor();
    // The page refreshed: an access cookie again, and the refresh token rotated.
    const after = await tab.context.cookies();
    expect(after.find((c) => c.name === "loanstack_session")?.value).toMatch(/^eyJ/);
    expect(after.find((c) => c.name === "loanstack_refresh")!.value).not.toBe(refreshCookie.value);

    // A write after a renewal carries the new CSRF token: End sessions goes through.
    const customer = await api.signup("customer", `refresh-${Date.now()}@example.test`);
    const customerToken = await api.login(customer.email, "password-123");
    await tab.page.reload();
    await tab.heading("Users").waitFor();
    await tab.context.clearCookies({ name: "loanstack_session" });
    await tab.page.getByRole("button", { name: `End sessions of ${customer.email}` }).click();
    await tab.page.getByRole("dialog").getByRole("button", { name: "End sessions" }).click();
    await expectText(tab.page.getByRole("status"), `Ended every session of ${customer.email}`);
    expect((await api.call("GET", "/api/user/profile", { token: customerToken })).status).toBe(401);

    // A reload with the access cookie gone: still signed in.
    await tab.context.clearCookies({ name: "loanstack_session" });
    await tab.page.reload();
    await tab.heading("Users").waitFor();
    await tab.page.getByRole("button", { name: "Sign out" }).waitFor();
    await tab.expectClean("after refreshes");

    // Sign out: the refresh cookie is gone too, and the server session with it.
    const lastRefresh = (await tab.context.cookies()).find((c) => c.name === "loanstack_refresh")!.value;
    await tab.page.getByRole("button", { name: "Sign out" }).click();
    await tab.heading("Sign in").waitFor();
    // Only the device cookie stays: it names the browser, not a session (console-session.ts).
    expect((await tab.context.cookies()).map((c) => c.name)).toEqual(["loanstack_device"]);
    expect((await refresh(lastRefresh)).status).toBe(401);
    await expectText(tab.page.locator("main"), "You are signed out.");
    await tab.close();
  });
});
