/**
 * The console's files through the real gateway: /admin and every deep link answer the
 * app's index with a strict Content-Security-Policy, the hashed assets are served and
 * cached, unknown files are 404, and the page renders in Chromium with no CSP violation.
 */
import { useStack } from "../support/fixture.js";
import { http } from "../support/http.js";
import { JWT_PATTERN, Tab, useBrowser } from "./browser.js";

const { stack, beforeStop } = useStack();
const browser = useBrowser(beforeStop);

function expectConsoleHeaders(headers: Headers): void {
  const csp = headers.get("content-security-policy") ?? "";
  expect(csp).toContain("default-src 'none'");
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toContain("unsafe-inline");
  expect(csp).not.toContain("unsafe-eval");
  expect(headers.get("x-content-type-options")).toBe("nosniff");
}

test.each(["/admin", "/admin/", "/admin/loans", "/admin/loans/42", "/admin/audit?entity=loan"])("%s answers the app's index with the CSP", async (path) => {
  const res = await http<string>(stack.url, "GET", path);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/html/);
  expect(res.body).toContain('<div id="app">');
  expectConsoleHeaders(res.headers);
  // Nothing inline: every script comes from a file of the console.
  for (const tag of res.body.match(/<script[^>]*>/g) ?? []) expect(tag).toMatch(/src="\/admin\/assets\/[\w.-]+\.js"/);
});

test("the hashed script is served and cached for good; a missing file is 404, not the index", async () => {
  const index = await http<string>(stack.url, "GET", "/admin");
  const script = /src="(\/admin\/assets\/[\w.-]+\.js)"/.exec(index.body)![1]!;
  const res = await fetch(stack.url + script);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/javascript/);
  expect(res.headers.get("cache-control")).toContain("immutable");
  // Read to the end: an unread body keeps fetch's socket referenced after the file ends,
  // which held the Jest worker past its exit ("failed to exit gracefully").
  expect((await res.text()).length).toBeGreaterThan(100);
  expect((await http(stack.url, "GET", "/admin/assets/missing-abc.js")).status).toBe(404);
  expect((await http(stack.url, "GET", "/admin/nothing.png")).status).toBe(404);
});

test("paths that only begin like the console's, and other methods, are not the console", async () => {
  expect((await http(stack.url, "GET", "/administrator")).status).toBe(404);
  expect((await http(stack.url, "POST", "/admin/loans", { body: {} })).status).toBe(404);
  expect((await http(stack.url, "GET", "/health")).status).toBe(200);
});

test("the app renders in Chromium without any CSP violation or script error", async () => {
  const tab = await Tab.open(browser, stack.url);
  try {
    await tab.goto("/admin/loans/42");
    await tab.heading("Sign in").waitFor(); // no session: the sign-in page, on the deep link
    expect(tab.page.url()).toBe(`${stack.url}/admin/loans/42`);
    expect(tab.cspViolations).toEqual([]);
    expect(tab.pageErrors).toEqual([]);
  } finally {
    await tab.close();
  }
});

test("the page checks catch what they look for: an unlabelled field, a blocked inline script, a token in storage", async () => {
  const tab = await Tab.open(browser, stack.url);
  try {
    await tab.goto("/admin");
    await tab.heading("Sign in").waitFor();
    expect(await tab.accessibilityViolations()).toEqual([]);
    // An input without a label is a critical axe violation.
    await tab.page.evaluate(`document.querySelector("main").insertAdjacentHTML("beforeend", '<input id="unlabelled">')`);
    expect((await tab.accessibilityViolations()).join("\n")).toMatch(/critical: label/);
    // The CSP is enforced by the browser: an inline script does not run, and says so.
    await tab.page.evaluate(`(() => { const s = document.createElement("script"); s.textContent = "window.inlineRan = true"; document.body.append(s); })()`);
    expect(await tab.page.evaluate("window.inlineRan === true")).toBe(false);
    expect(tab.cspViolations.join("\n")).toMatch(/inline script/);
    await tab.page.evaluate(`localStorage.setItem("token", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl")`);
    expect((await tab.scriptVisibleState()).localStorage).toMatch(JWT_PATTERN);
  } finally {
    await tab.page.evaluate("localStorage.clear()");
    await tab.close();
  }
});
