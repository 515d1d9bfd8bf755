/**
 * GET /docs in a real browser (Debian's Chromium, as the console's tests): Swagger UI renders
 * the document with no CSP violation and no script error, and its server is the gateway that
 * served the page — the document's `{baseUrl}` defaults to http://localhost:8000, which is
 * not where a test stack (or most deployments) listens — so "Try it out" calls this gateway.
 */
import type { Page } from "playwright-core";
import { useBrowser } from "../console/browser.js";
import { useStack } from "../support/fixture.js";

const { stack, beforeStop } = useStack();
const browser = useBrowser(beforeStop);
let page: Page;
const problems: string[] = [];

beforeAll(async () => {
  page = await browser.newPage();
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) problems.push(message.text());
  });
  page.on("pageerror", (error) => problems.push(error.message));
});

test("Swagger UI renders every tag of the document, with this gateway as the server", async () => {
  await page.goto(`${stack.url}/docs`);
  await page.locator(".opblock-tag").first().waitFor({ timeout: 20_000 });
  const tags = await page.locator(".opblock-tag").allTextContents();
  for (const tag of ["users", "loans", "servicing", "sessions"]) expect(tags.some((t) => t.startsWith(tag))).toBe(true);
  // The {baseUrl} variable is shown as a field, filled with the page's origin.
  const baseUrl = page.locator('.servers input[data-variable="baseUrl"]');
  await baseUrl.waitFor({ timeout: 10_000 });
  expect(await baseUrl.inputValue()).toBe(stack.url);
  expect(await page.locator(".servers .computed-url code").textContent()).toBe(stack.url);
  expect(problems).toEqual([]);
}, 60_000);
