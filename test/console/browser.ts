/**
 * A real browser for the console tests: Debian's Chromium driven by playwright-core, with
 * the checks every page gets — axe-core (no serious or critical violation), no CSP
 * violation, no token in web storage or in any URL the app visited.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import axe from "axe-core";
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from "playwright-core";
import { trackOpening } from "../support/open-resources.js";
import { eventually } from "../support/eventually.js";
import { late, notYet } from "../support/fixture.js";

/** The console's signed-in flag in localStorage (console/src/lib/session-hint.ts): never a token. */
export const SESSION_HINT = { key: "loanstack-console", value: "signed-in" };

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Without the background-networking flags Chromium keeps trying hosts it cannot reach. */
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)`);
  const launching = chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  // Listed while it launches, so that a set-up that gives up on it cannot leave Chromium running.
  trackOpening("a browser (launchBrowser)", launching, (browser) => browser.close());
  return launching;
}

/**
 * A browser for the tests of the file: launched once the stack of `useStack()` is up, closed
 * before it stops (`closeWith` is the fixture's beforeStop). Answers a stand-in, like the fixture's.
 */
export function useBrowser(closeWith: (close: () => unknown) => void): Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  closeWith(() => browser?.close());
  return late(() => browser ?? notYet("the browser of useBrowser()"));
}

/** A JWT anywhere in a string: three base64url parts, the first one a JSON header. */
export const JWT_PATTERN = /eyJ[\w-]+\.[\w-]+\.[\w-]+/;

/** One signed-in person's tab, recording what the page did that the tests look at afterwards. */
export class Tab {
  readonly urls: string[] = [];
  readonly cspViolations: string[] = [];
  readonly pageErrors: string[] = [];
  /** Every console.error the page logged, failed requests included ("Failed to load resource: … 401"). */
  readonly consoleErrors: string[] = [];

  private constructor(
    readonly context: BrowserContext,
    readonly page: Page,
    readonly baseUrl: string,
  ) {
    page.on("request", (request) => this.urls.push(request.url()));
    page.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) this.cspViolations.push(message.text());
      if (message.type() === "error") this.consoleErrors.push(`${message.text()} (${message.location().url})`);
    });
    page.on("pageerror", (error) => this.pageErrors.push(error.message));
  }

  static async open(browser: Browser, baseUrl: string, viewport = { width: 1280, height: 800 }): Promise<Tab> {
    const context = await browser.newContext({ viewport, acceptDownloads: true });
    return new Tab(context, await context.newPage(), baseUrl);
  }

  goto(pathname: string) {
    return this.page.goto(this.baseUrl + pathname);
  }

  /** axe-core on the page as it is now; answers the serious and critical violations. */
  async accessibilityViolations(): Promise<string[]> {
    // Evaluated through the DevTools protocol, which the page's CSP does not govern.
    if (!(await this.page.evaluate("typeof window.axe === 'object'"))) await this.page.evaluate(axe.source);
    const result = await this.page.evaluate<{ id: string; impact: string | null; help: string; targets: string[] }[]>(
      `axe.run(document, { resultTypes: ["violations"] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => String(n.target)) })))`,
    );
    return result.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.impact}: ${v.id} (${v.help}) at ${v.targets.join(", ")}`);
  }

  /** What the page's own scripts could read: web storage and document.cookie. */
  async scriptVisibleState(): Promise<{ localStorage: string; sessionStorage: string; cookie: string }> {
    return this.page.evaluate(`({ localStorage: JSON.stringify(Object.entries(localStorage)), sessionStorage: JSON.stringify(Object.entries(sessionStorage)), cookie: document.cookie })`);
  }

  /** Signs in through the form, as a person would. */
  async signIn(email: string, password: string): Promise<void> {
    await this.page.getByLabel("Email").fill(email);
    await this.page.getByLabel("Password").fill(password);
    await this.page.getByRole("button", { name: "Sign in" }).click();
  }

  /** Waits until the element with this id has the focus (pages move it after rendering). */
  async expectFocusOn(id: string): Promise<void> {
    // Polled with page.evaluate (the DevTools protocol, outside the page's CSP): waitForFunction
    // with a string compiles it inside the page, which the CSP refuses (a page error).
    const focused = () => this.page.evaluate<string | undefined>("document.activeElement?.id");
    await eventually(async () => expect(await focused()).toBe(id), { what: `the focus on #${id}` });
  }

  heading(name: string | RegExp) {
    return this.page.getByRole("heading", { level: 1, name });
  }

  /**
   * What every page must be: no serious or critical axe violation, nothing blocked by the
   * CSP, no script error, no token where a script or a log could find it.
   */
  async expectClean(where: string): Promise<void> {
    expect({ where, violations: await this.accessibilityViolations() }).toEqual({ where, violations: [] });
    expect({ where, csp: this.cspViolations, errors: this.pageErrors }).toEqual({ where, csp: [], errors: [] });
    const state = await this.scriptVisibleState();
    // localStorage holds at most the console's signed-in flag (no token: the session is in HttpOnly cookies).
    const stored = (JSON.parse(state.localStorage) as [string, string][]).filter(([key, value]) => !(key === SESSION_HINT.key && value === SESSION_HINT.value));
    expect({ where, state: { ...state, localStorage: JSON.stringify(stored) } }).toEqual({ where, state: { localStorage: "[]", sessionStorage: "[]", cookie: "" } });
    expect({ where, urls: this.urls.filter((u) => JWT_PATTERN.test(u) || /token=/i.test(u)) }).toEqual({ where, urls: [] });
  }

  async screenshot(file: string): Promise<Buffer> {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    return this.page.screenshot({ path: file, fullPage: true });
  }

  close() {
    return this.context.close();
  }
}

/**
 * Where the screenshots go: docs/ (committed, referenced by the README and docs/console.md) with
 * UPDATE_SCREENSHOTS=1, else a scratch folder, so an ordinary test run leaves the tree clean.
 */
export function screenshotPath(name: string): string {
  const dir = process.env.UPDATE_SCREENSHOTS === "1" ? path.resolve(__dirname, "../../docs") : path.join(os.tmpdir(), "loanstack-console-screenshots");
  return path.join(dir, name);
}

/** The first bytes of every PNG file. */
export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * Waits until the locator's text contains `text`, then passes; fails with what it saw.
 * (playwright-core has no auto-retrying expect; the wait is for the page, not a speed goal.)
 */
export async function expectText(locator: Locator, text: string, timeoutMs = 10_000): Promise<void> {
  await eventually(async () => expect((await locator.textContent({ timeout: timeoutMs }).catch(() => "")) ?? "").toContain(text), { what: `the text "${text}" on the page`, timeoutMs });
}
