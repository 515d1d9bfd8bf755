/**
 * The console for a clerk's day (issue 21), in Chromium against one real stack, by label and
 * role: a fresh load logs no error; people by name, each a link to their page (a customer's
 * loans and total outstanding, an agent's loans and lending limit); Search (a loan by id, a
 * person by name); sortable columns; Download CSV of a whole filtered list; the audit log
 * newest first with Event and From / To; a loan's page (schedule around today, Show all
 * installments, no audit section for agents, When on one line); Dashboard counts; dates as
 * YYYY-MM-DD; every page within a 390 px wide screen; /docs for admins. Every page passes axe.
 */
import fs from "node:fs";
import type { Download } from "playwright-core";
import type { Actor } from "../support/actors.js";
import { eventually } from "../support/eventually.js";
import { email } from "../support/http.js";
import { useStack } from "../support/fixture.js";
import { expectText, screenshotPath, Tab, useBrowser } from "./browser.js";

/** What the page functions below use of the browser (the test code compiles without the DOM's types). */
interface BrowserGlobals {
  getComputedStyle(element: unknown): { whiteSpace: string };
  document: { createRange(): { selectNodeContents(node: unknown): void; getClientRects(): ArrayLike<{ top: number }> & Iterable<{ top: number }> } };
}

jest.setTimeout(90_000);

const { stack, api, people, beforeStop } = useStack({ people: true });
const browser = useBrowser(beforeStop);
let admin: Tab;
/** A customer with a name to find: Ada Lovelace. */
let ada: Actor;
let adminName: string;
/** Ada's loans: ACTIVE (disbursed 100 days ago, 24 months, overdue), NEW, and APPROVED. */
let active: number;
let fresh: number;
let approved: number;

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

async function call(method: string, path: string, body?: unknown) {
  const res = await api.call(method, path, { token: people.admin.token, body });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

async function loanFor(customer: number, principal: string, months: number): Promise<number> {
  const res = await api.call("POST", "/api/loan/customer-loan", { token: people.agent.token, body: { customer_id: customer, principal, tenure_months: months } });
  if (res.status !== 201) throw new Error(`loan: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as number;
}

async function download(tab: Tab, click: () => Promise<void>): Promise<{ name: string; text: string }> {
  const [file] = await Promise.all([tab.page.waitForEvent("download") as Promise<Download>, click()]);
  const path = await file.path();
  return { name: file.suggestedFilename(), text: fs.readFileSync(path, "utf8") };
}

/** The rows of a CSV (no quoted commas in what these tests read). */
function csvRows(text: string): string[][] {
  return text
    .trim()
    .split("\r\n")
    .map((line) => line.split(","));
}

async function signedInTab(who: { email: string; password: string }, viewport?: { width: number; height: number }): Promise<Tab> {
  const tab = await Tab.open(browser, stack.url, viewport);
  await tab.goto("/admin");
  await tab.signIn(who.email, who.password);
  await tab.page.getByRole("button", { name: "Sign out" }).waitFor();
  return tab;
}

/** The value shown next to a term of a figures list. */
function figure(tab: Tab, term: string) {
  return tab.page
    .locator("dl.figures > div")
    .filter({ has: tab.page.locator("dt", { hasText: new RegExp(`^${term}$`) }) })
    .locator("dd");
}

beforeAll(async () => {
  const address = email("ada");
  const signup = await api.call("POST", "/api/user/signup", { body: { email: address, password: "password-123", first_name: "Ada", last_name: "Lovelace", is_customer: true, is_agent: false } });
  expect(signup.status).toBe(201);
  ada = { id: signup.body.id as number, email: address, token: "" };
  const me = await call("GET", "/api/user/profile");
  adminName = `${me.first_name} ${me.last_name}`.trim();
  active = await loanFor(ada.id, "120000.00", 24);
  await call("PUT", `/api/loan/approve-reject-loan/${active}`, { status: "APPROVED" });
  await call("PUT", `/api/v1/loan/disburse-loan/${active}`, { disbursed_on: day(-100) });
  fresh = await loanFor(ada.id, "5000.00", 6);
  approved = await loanFor(ada.id, "7000.00", 12);
  await call("PUT", `/api/loan/approve-reject-loan/${approved}`, { status: "APPROVED" });
  // Loans of someone else, so that lists, sorting and CSVs have more than Ada's.
  for (const principal of ["3000.00", "9000.00", "15000.00"]) await loanFor(people.customer.id, principal, 12);
  // A session.revoked event in the audit log.
  await call("DELETE", `/api/v1/user/sessions-of/${people.otherCustomer.id}`);
  admin = await Tab.open(browser, stack.url);
});

test("a fresh load logs no error in the browser console (no 401 from the session probe), nor does a reload once signed in", async () => {
  await admin.goto("/admin");
  await admin.heading("Sign in").waitFor();
  expect(admin.consoleErrors).toEqual([]);
  expect(admin.urls.filter((u) => u.includes("/admin/session"))).toEqual([]);
  await admin.signIn(stack.admin.email, stack.admin.password);
  await admin.heading("Dashboard").waitFor();
  await admin.page.reload();
  await admin.heading("Dashboard").waitFor();
  await admin.page.getByRole("region", { name: "Recent activity" }).getByRole("row").nth(1).waitFor();
  expect(admin.consoleErrors).toEqual([]);
  // Admins have the API's documentation a click away.
  expect(await admin.page.getByRole("banner").getByRole("link", { name: "API docs" }).getAttribute("href")).toBe("/docs");
});

test("Dashboard: agents and loans waiting (linked), the overdue count, and the latest 10 audit events newest first", async () => {
  const approvals = (await call("GET", "/api/user/list-approvals?pageSize=1")).total as number;
  const waitingLoans = (await call("GET", "/api/loan/list-loans-admin-agent?status=NEW&pageSize=1")).total as number;
  const overdue = (await call("GET", "/api/v1/loan/list-loans-admin-agent?overdue=true&pageSize=1")).total as number;
  expect(approvals).toBeGreaterThan(0);
  expect(overdue).toBe(1);
  const waiting = admin.page.getByRole("region", { name: "Waiting for you" });
  const agents = waiting.getByRole("link", { name: `${approvals} agent${approvals === 1 ? "" : "s"} waiting for approval` });
  expect(await agents.getAttribute("href")).toBe("/admin/approvals");
  const loans = waiting.getByRole("link", { name: `${waitingLoans} loans waiting for a decision` });
  expect(await loans.getAttribute("href")).toBe("/admin/loans?status=NEW");
  expect(await waiting.getByRole("link", { name: "1 overdue loan" }).getAttribute("href")).toBe("/admin/loans?overdue=true");

  const recent = admin.page.getByRole("region", { name: "Recent activity" });
  const total = (await call("GET", "/api/v1/audit/events?pageSize=1")).total as number;
  const newest = (await call("GET", `/api/v1/audit/events?pageSize=1&page=${total}`)).rows[0];
  await eventually(async () => expect(await recent.locator("tbody tr").count()).toBe(Math.min(10, total)), { what: "10 recent events" });
  expect(await recent.locator("tbody tr").first().locator("td").nth(1).textContent()).toBe(newest.event);
  await admin.expectClean("Dashboard");

  await loans.click();
  await admin.heading("Loans").waitFor();
  expect(await admin.page.getByLabel("Status").inputValue()).toBe("NEW");
});

test("people by name: the Loans list links customer and agent to their pages; a customer's page has contact, loans, outstanding and the total", async () => {
  await admin.goto("/admin/loans");
  const row = admin.page.getByRole("row").filter({ has: admin.page.getByRole("link", { name: `Loan ${active}`, exact: true }) });
  await row.getByRole("link", { name: "Ada Lovelace" }).waitFor();
  await row.getByRole("link", { name: "Test agent" }).waitFor();
  await admin.expectClean("Loans with names");
  await row.getByRole("link", { name: "Ada Lovelace" }).click();

  await admin.heading("Customer Ada Lovelace").waitFor();
  await expectText(figure(admin, "Email"), ada.email);
  const loans = admin.page.getByRole("region", { name: "Loans" });
  for (const id of [active, fresh, approved]) await loans.getByRole("link", { name: `Loan ${id}`, exact: true }).waitFor();
  expect(await loans.locator("tbody tr").count()).toBe(3);
  const loan = (await call("GET", `/api/v1/loan/loan-details/${active}`)) as { outstanding_principal: string; outstanding_interest: string };
  const owed = (Number(loan.outstanding_principal) + Number(loan.outstanding_interest)).toFixed(2).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const activeRow = loans.getByRole("row").filter({ has: admin.page.getByRole("link", { name: `Loan ${active}`, exact: true }) });
  await expectText(activeRow, "ACTIVE");
  await expectText(activeRow, owed);
  await expectText(loans, `Total outstanding: ${owed}`);
  await admin.expectClean("a customer's page");
  await admin.screenshot(screenshotPath("console-customer.png"));

  // Their agent's page: the loans they requested and their lending limit, with Set limit.
  await activeRow.getByRole("link", { name: "Test agent" }).click();
  await admin.heading("Agent Test agent").waitFor();
  const limit = (await call("GET", `/api/v1/loan/agent-limits/${people.agent.id}`)) as { limit: string; used: string; available: string };
  const lending = admin.page.getByRole("region", { name: "Lending limit" });
  await expectText(lending, limit.used.replace(/\B(?=(\d{3})+(?!\d))/g, ","));
  await lending.getByRole("button", { name: "Set limit" }).waitFor();
  await admin.page
    .getByRole("region", { name: "Loans" })
    .getByRole("link", { name: `Loan ${active}`, exact: true })
    .waitFor();
  await admin.expectClean("an agent's page");
});

test("Users and Customers link each person to their page", async () => {
  await admin.page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" }).click();
  await admin.heading("Users").waitFor();
  await admin.page.getByRole("link", { name: "Ada Lovelace" }).click();
  await admin.heading("Customer Ada Lovelace").waitFor();
});

test("a loan's page: figures and actions first, names linked, the schedule around today with Show all installments, When on one line", async () => {
  await admin.goto(`/admin/loans/${active}`);
  await admin.heading(`Loan ${active}`).waitFor();
  await figure(admin, "Customer").getByRole("link", { name: "Ada Lovelace" }).waitFor();
  await figure(admin, "Agent").getByRole("link", { name: "Test agent" }).waitFor();
  await figure(admin, "Decided").getByRole("link", { name: adminName }).waitFor();
  // In this order: the figures, the actions, then the sections.
  const headings = await admin.page.locator("main h2").allTextContents();
  expect(headings).toEqual(["Actions", "Schedule", "Transactions", "Versions", "Repayments", "Ledger entries", "Audit trail"]);
  const schedule = admin.page.getByRole("region", { name: "Schedule" });
  const rows = schedule.locator("tbody tr");
  // Disbursed 100 days ago: installments 1–3 fell due; 2 before the next one, it and 2 more.
  await eventually(async () => expect(await rows.locator("th").allTextContents()).toEqual(["2", "3", "4", "5", "6"]), { what: "installments 2 to 6" });
  await schedule.getByRole("button", { name: "Show all installments" }).click();
  expect(await rows.count()).toBe(24);
  await admin.expectClean("a loan's page, every installment");
  await schedule.getByRole("button", { name: "Show installments around today" }).click();
  expect(await rows.count()).toBe(5);

  const trail = admin.page.getByRole("region", { name: "Audit trail" });
  await trail.getByRole("link", { name: adminName }).first().waitFor();
  const whenCell = trail.locator("tbody tr td").first();
  expect(await whenCell.evaluate((cell) => (globalThis as unknown as BrowserGlobals).getComputedStyle(cell).whiteSpace)).toBe("nowrap");
  // One line: the cell's text makes a single box.
  const lines = await whenCell.evaluate((cell) => {
    const range = (globalThis as unknown as BrowserGlobals).document.createRange();
    range.selectNodeContents(cell);
    return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
  });
  expect(lines).toBe(1);
  await admin.expectClean("a loan's page");
});

test("dates are typed as YYYY-MM-DD: Disbursed on (today by default) and Paid on", async () => {
  await admin.goto(`/admin/loans/${approved}`);
  await admin.page.getByRole("button", { name: "Disburse" }).click();
  const dialog = admin.page.getByRole("dialog");
  const date = dialog.getByLabel("Disbursed on");
  expect(await date.inputValue()).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  expect(await date.inputValue()).toBe(day(0));
  expect(await date.getAttribute("type")).toBe("text");
  await expectText(dialog, "YYYY-MM-DD");
  await expectText(dialog, "paid out to Ada Lovelace");
  await date.fill("12/01/2026");
  await dialog.getByRole("button", { name: "Disburse" }).click();
  await expectText(dialog, "Enter the date as YYYY-MM-DD");
  await admin.expectClean("the Disburse dialog, a date not ISO");
  await dialog.getByRole("button", { name: "Cancel" }).click();

  await admin.goto(`/admin/loans/${active}`);
  await admin.page.getByRole("button", { name: "Record repayment" }).click();
  const paidOn = admin.page.getByLabel("Paid on");
  expect(await paidOn.getAttribute("placeholder")).toBe("YYYY-MM-DD");
  await admin.page.getByLabel("Amount").fill("100.00");
  await paidOn.fill(day(-1));
  await admin.page.getByRole("button", { name: "Save" }).click();
  await expectText(admin.page.getByRole("status"), `(paid on ${day(-1)})`);
  const repayments = admin.page.getByRole("region", { name: "Repayments" });
  await repayments.getByRole("link", { name: adminName }).waitFor();
});

test("sorting: a button in each sortable header, aria-sort saying the order", async () => {
  await admin.goto("/admin/loans");
  const header = admin.page.getByRole("columnheader", { name: /Principal/ });
  expect(await header.getAttribute("aria-sort")).toBe("none");
  const principals = async () => (await admin.page.locator("tbody tr td:nth-child(3)").allTextContents()).map((t) => Number(t.replace(/,/g, "")));
  await header.getByRole("button").click();
  expect(await header.getAttribute("aria-sort")).toBe("ascending");
  const up = await principals();
  expect(up).toEqual([...up].sort((a, b) => a - b));
  await header.getByRole("button").click();
  expect(await header.getAttribute("aria-sort")).toBe("descending");
  const down = await principals();
  expect(down).toEqual([...up].sort((a, b) => b - a));
  // The focus stays on the button (the header is not rebuilt).
  expect(await admin.page.evaluate("document.activeElement?.closest('th')?.getAttribute('aria-sort')")).toBe("descending");
  await admin.expectClean("Loans, sorted");
});

test("Download CSV: the whole filtered list, every page, with names, in a file named after it", async () => {
  await admin.goto("/admin/loans?status=NEW");
  await admin.page.getByRole("link", { name: `Loan ${fresh}`, exact: true }).waitFor();
  const { name, text } = await download(admin, () => admin.page.getByRole("button", { name: "Download CSV" }).click());
  expect(name).toBe(`loans-NEW-${day(0)}.csv`);
  const rows = csvRows(text);
  const total = (await call("GET", "/api/loan/list-loans-admin-agent?status=NEW&pageSize=1")).total as number;
  expect(rows[0]!.slice(0, 4)).toEqual(["id", "status", "product", "principal"]);
  expect(rows.length).toBe(total + 1);
  const ours = rows.find((r) => r[0] === String(fresh))!;
  expect(ours).toContain("Ada Lovelace");
  expect(ours).toContain("Test agent");
  expect(rows.slice(1).every((r) => r[1] === "NEW")).toBe(true);

  await admin.goto("/admin/users?role=customer");
  await admin.page.getByRole("link", { name: "Ada Lovelace" }).waitFor();
  const users = await download(admin, () => admin.page.getByRole("button", { name: "Download CSV" }).click());
  expect(users.name).toBe(`users-customer-${day(0)}.csv`);
  expect(csvRows(users.text).find((r) => r[0] === String(ada.id))).toEqual([String(ada.id), "Ada", "Lovelace", ada.email, "customer", "true", expect.any(String)]);
});

test("Audit log: newest first, Event and From / To filters, changes in words (a session.revoked never says created)", async () => {
  await admin.goto("/admin/audit");
  await admin.heading("Audit log").waitFor();
  const times = async () => admin.page.locator("tbody tr td:first-child").allTextContents();
  const total = (await call("GET", "/api/v1/audit/events?pageSize=1")).total as number;
  await eventually(async () => expect((await times()).length).toBe(Math.min(20, total)), { what: "the first page of events" });
  const shown = await times();
  expect(shown).toEqual([...shown].sort().reverse());
  const newest = (await call("GET", `/api/v1/audit/events?pageSize=1&page=${total}`)).rows[0];
  expect(await admin.page.locator("tbody tr").first().locator("td").nth(1).textContent()).toBe(newest.event);
  // No change reads as JSON.
  for (const change of await admin.page.locator("td.change").allTextContents()) expect(change).not.toMatch(/[{}"]/);
  await admin.expectClean("Audit log");
  await admin.screenshot(screenshotPath("console-audit.png"));

  await admin.page.getByLabel("Event", { exact: true }).selectOption("session.revoked");
  await admin.page.getByRole("button", { name: "Filter" }).click();
  await admin.page.waitForURL(/event=session.revoked/);
  await eventually(async () => expect(await admin.page.locator("tbody tr td:nth-child(2)").allTextContents()).toEqual(["session.revoked"]), { what: "the one session.revoked" });
  const change = await admin.page.locator("td.change").first().textContent();
  expect(change).toMatch(/session.* ended/);
  expect(change).not.toContain("created");

  await admin.page.getByLabel("Event", { exact: true }).selectOption("loan.created");
  await admin.page.getByLabel("From", { exact: true }).fill(day(0));
  await admin.page.getByLabel("To", { exact: true }).fill(day(0));
  await admin.page.getByRole("button", { name: "Filter" }).click();
  await admin.page.waitForURL(/from=/);
  const created = (await call("GET", "/api/v1/audit/events?event=loan.created&pageSize=1")).total as number;
  await expectText(admin.page.getByRole("navigation", { name: "Pages of events" }), `${created} events`);
  await expectText(admin.page.locator("td.change").first(), "requested");
  // The CSV of the filtered log: every loan.created of today, newest first.
  const file = await download(admin, () => admin.page.getByRole("button", { name: "Download CSV" }).click());
  expect(file.name).toBe(`audit-loan.created-from-${day(0)}-to-${day(0)}-${day(0)}.csv`);
  const lines = csvRows(file.text).slice(1);
  expect(lines.length).toBe(created);
  expect(lines.every((line) => line[2] === "loan.created")).toBe(true);
  const ids = lines.map((line) => Number(line[0]));
  expect(ids).toEqual([...ids].sort((a, b) => b - a));
  await admin.page.getByLabel("To", { exact: true }).fill(day(-1));
  await admin.page.getByRole("button", { name: "Filter" }).click();
  await expectText(admin.page.getByRole("main"), "No event recorded");
  await admin.page.getByLabel("From", { exact: true }).fill("yesterday");
  await admin.page.getByRole("button", { name: "Filter" }).click();
  await expectText(admin.page.getByRole("alert"), "Enter the date as YYYY-MM-DD");
  await admin.expectClean("Audit log, filters");
});

test("Search: a number opens that loan; a name lists the people found, each a link to their page", async () => {
  const search = admin.page.getByRole("search").getByLabel("Search");
  await search.fill(String(active));
  await search.press("Enter");
  await admin.heading(`Loan ${active}`).waitFor();
  await search.fill("Lovel");
  await search.press("Enter");
  await admin.heading("Search: Lovel").waitFor();
  await admin.expectClean("Search results");
  await admin.page.getByRole("list", { name: "People found" }).getByRole("link", { name: "Ada Lovelace" }).click();
  await admin.heading("Customer Ada Lovelace").waitFor();
});

test("the Overdue only checkbox sits by its label", async () => {
  await admin.goto("/admin/loans");
  const box = (await admin.page.getByRole("checkbox", { name: "Overdue only" }).boundingBox())!;
  const label = (await admin.page.locator("label[for=overdue]").boundingBox())!;
  expect(label.x - (box.x + box.width)).toBeGreaterThanOrEqual(0);
  expect(label.x - (box.x + box.width)).toBeLessThan(16);
});

test("an agent: names on their loan's page, no audit section, their customer's page, Search; no /docs link", async () => {
  const agent = await signedInTab({ email: people.agent.email, password: "password-123" });
  await agent.goto(`/admin/loans/${active}`);
  await agent.heading(`Loan ${active}`).waitFor();
  await figure(agent, "Customer").getByRole("link", { name: "Ada Lovelace" }).waitFor();
  await agent.page.getByRole("heading", { name: "Repayments" }).waitFor();
  expect(await agent.page.getByRole("heading", { name: "Audit trail" }).count()).toBe(0);
  await agent.expectClean("an agent's loan page");
  await figure(agent, "Customer").getByRole("link", { name: "Ada Lovelace" }).click();
  await agent.heading("Customer Ada Lovelace").waitFor();
  await agent.page
    .getByRole("region", { name: "Loans" })
    .getByRole("link", { name: `Loan ${fresh}`, exact: true })
    .waitFor();
  await agent.expectClean("a customer's page, as an agent");
  expect(await agent.page.getByRole("link", { name: "API docs" }).count()).toBe(0);
  const search = agent.page.getByRole("search").getByLabel("Search");
  await search.fill("Ada Love");
  await search.press("Enter");
  await agent.page.getByRole("list", { name: "People found" }).getByRole("link", { name: "Ada Lovelace" }).waitFor();
  await agent.close();
});

test("a 390 px wide screen: no page scrolls sideways (wide tables scroll in their own box)", async () => {
  const phone = await signedInTab(stack.admin, { width: 390, height: 844 });
  const pages: [string, string][] = [
    ["/admin", "Dashboard"],
    ["/admin/loans", "Loans"],
    [`/admin/loans/${active}`, `Loan ${active}`],
    ["/admin/users", "Users"],
    [`/admin/users/${ada.id}`, "Customer Ada Lovelace"],
    ["/admin/audit", "Audit log"],
    ["/admin/approvals", "Approvals"],
    ["/admin/products", "Products"],
  ];
  for (const [path, title] of pages) {
    await phone.goto(path);
    await phone.heading(title).waitFor();
    await phone.page.locator("table").first().waitFor();
    const width = await phone.page.evaluate<number>("document.documentElement.scrollWidth");
    expect({ path, width: width <= 390 ? "fits" : width }).toEqual({ path, width: "fits" });
  }
  await phone.goto(`/admin/loans/${active}`);
  await phone.heading(`Loan ${active}`).waitFor();
  await phone.page.locator("table").first().waitFor();
  await phone.expectClean("a loan's page on a phone");
  await phone.screenshot(screenshotPath("console-phone-loan.png"));
  await phone.close();
});
