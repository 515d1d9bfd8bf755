/**
 * The admin's path through the console, in Chromium against a real stack, by label and
 * button name: sign in, Dashboard, Approvals (approve one, reject another after a confirm),
 * Loans (Status, ACTIVE among them, pages), a loan's page (figures, Approve, Reject with confirm, Versions,
 * Audit trail, a 409 when it was decided meanwhile through the API), Users by role, Audit log
 * by entity, reload and deep links, sign-out. Every page passes axe-core and leaks no token.
 */
import fs from "node:fs";
import { LOAN_STATUSES } from "../../sdk/contracts.js";
import { signedUp, type Actor } from "../support/actors.js";
import { eventually } from "../support/eventually.js";
import { useStack } from "../support/fixture.js";
import { expectText, PNG_SIGNATURE, screenshotPath, Tab, useBrowser } from "./browser.js";

jest.setTimeout(60_000);

const { stack, api, people, beforeStop } = useStack({ people: true });
const browser = useBrowser(beforeStop);
let tab: Tab;
let waiting: Actor[];
/** 23 loans: paging at 20 a page. */
let loanIds: number[];

async function requestLoan(principal: string, months: number): Promise<number> {
  const res = await api.call("POST", "/api/loan/customer-loan", { token: people.agent.token, body: { customer_id: people.customer.id, principal, tenure_months: months } });
  if (res.status !== 201) throw new Error(`loan: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as number;
}

async function decideByApi(id: number, status: "APPROVED" | "REJECTED"): Promise<void> {
  const res = await api.call("PUT", `/api/loan/approve-reject-loan/${id}`, { token: people.admin.token, body: { status } });
  expect(res.status).toBe(200);
}

async function loanStatus(id: number): Promise<string> {
  return (await api.call("GET", `/api/loan/loan-details/${id}`, { token: people.admin.token })).body.status;
}

/** The value shown next to a term of the figures. */
function figure(term: string) {
  return tab.page
    .locator("dl.figures > div")
    .filter({ has: tab.page.locator("dt", { hasText: new RegExp(`^${term}$`) }) })
    .locator("dd");
}

beforeAll(async () => {
  waiting = await Promise.all([signedUp(api, "agent"), signedUp(api, "agent")]);
  loanIds = [];
  for (let i = 0; i < 23; i++) loanIds.push(await requestLoan(String(10_000 + i * 1000), 12));
  await decideByApi(loanIds[0]!, "APPROVED");
  await decideByApi(loanIds[1]!, "REJECTED");
  // One loan in servicing, disbursed 100 days ago and never repaid: ACTIVE, overdue, in PAR30.
  const disbursedOn = new Date(Date.now() - 100 * 86_400_000).toISOString().slice(0, 10);
  expect((await api.call("PUT", `/api/v1/loan/disburse-loan/${loanIds[0]}`, { token: people.admin.token, body: { disbursed_on: disbursedOn } })).status).toBe(200);
  tab = await Tab.open(browser, stack.url);
});

test("sign-in: a wrong password shows in an alert; the right one opens the Dashboard", async () => {
  await tab.goto("/admin");
  await tab.heading("Sign in").waitFor();
  await tab.expectClean("sign-in page");
  await tab.signIn(stack.admin.email, "not-the-password");
  await expectText(tab.page.getByRole("alert"), "Invalid email or password");
  await tab.expectClean("sign-in failure");

  await tab.signIn(stack.admin.email, stack.admin.password);
  await tab.heading("Dashboard").waitFor();
  await tab.page.getByRole("button", { name: "Sign out" }).waitFor();
  const nav = tab.page.getByRole("navigation", { name: "Main" });
  for (const name of ["Dashboard", "Approvals", "Loans", "Users", "Products", "Close of business", "Ledger", "Audit log"]) await nav.getByRole("link", { name, exact: true }).waitFor();
  expect(await nav.getByRole("link").count()).toBe(8);
});

test("Dashboard: loans by status and the portfolio figures, from the API's own", async () => {
  const total = async (status: string) => (await api.call("GET", `/api/loan/list-loans-admin-agent?status=${status}&pageSize=1`, { token: people.admin.token })).body.total as number;
  const section = tab.page.getByRole("region", { name: "Loans by status" });
  for (const status of LOAN_STATUSES) {
    await section.getByRole("link", { name: `${await total(status)} ${status} loans` }).waitFor();
  }
  await section.getByRole("link", { name: "23 loans in all" }).waitFor();
  const portfolio = (await api.call("GET", "/api/v1/loan/portfolio", { token: people.admin.token })).body;
  expect(portfolio).toMatchObject({ active_outstanding_principal: "10000.00", par30: "100.00" });
  expect(Number(portfolio.overdue_amount)).toBeGreaterThan(0);
  const card = (term: string) =>
    tab.page
      .getByRole("region", { name: "Portfolio" })
      .locator(".card")
      .filter({ has: tab.page.locator("dt", { hasText: term }) })
      .locator("dd");
  await expectText(card("Outstanding principal"), "10,000.00");
  await expectText(card("Overdue amount"), portfolio.overdue_amount.replace(/\B(?=(\d{3})+(?!\d))/g, ","));
  await expectText(card("PAR30"), "100.00 %");
  await tab.expectClean("Dashboard");
  const png = await tab.screenshot(screenshotPath("console-dashboard.png"));
  expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
});

test("Approvals: approve one waiting agent, reject another after a confirm", async () => {
  await tab.page.getByRole("link", { name: "Approvals" }).click();
  await tab.heading("Approvals").waitFor();
  const [first, second] = waiting as [Actor, Actor];
  const row = (who: Actor) => tab.page.getByRole("row").filter({ hasText: who.email });
  await row(first).waitFor();
  await tab.expectClean("Approvals");

  // A Lending limit beside Approve (empty would give the default).
  await row(first).getByLabel("Lending limit").fill("750000");
  await tab.expectClean("Approvals, a lending limit typed");
  await tab.screenshot(screenshotPath("console-approvals-limit.png"));
  await row(first).getByRole("button", { name: "Approve" }).click();
  await expectText(tab.page.getByRole("status"), `Approved Test agent (${first.email})`);
  await expectText(tab.page.getByRole("status"), "lending up to 750,000.00");
  await row(first).waitFor({ state: "detached" });
  expect((await api.call("POST", "/api/user/login", { body: { email: first.email, password: "password-123" } })).status).toBe(200);
  // agent.approved carries the limit to the loans service.
  await eventually(
    async () =>
      expect((await api.call("GET", `/api/v1/loan/agent-limits/${first.id}`, { token: people.admin.token })).body).toMatchObject({
        agent_id: first.id,
        limit: "750000.00",
        used: "0.00",
        available: "750000.00",
      }),
    { what: "the limit given at approval" },
  );

  // A Lending limit the service refuses: its 422 by the field, the agent still waiting.
  await row(second).getByLabel("Lending limit").fill("lots");
  await row(second).getByRole("button", { name: "Approve" }).click();
  await tab.page.locator(`#limit-${second.id}-error`).waitFor();
  expect(await row(second).getByLabel("Lending limit").getAttribute("aria-invalid")).toBe("true");
  expect(await row(second).count()).toBe(1);
  await tab.expectClean("Approvals, a lending limit refused");

  // Reject asks first; Cancel leaves the agent waiting.
  await row(second).getByRole("button", { name: "Reject" }).click();
  const dialog = tab.page.getByRole("dialog", { name: "Reject Test agent?" });
  await dialog.waitFor();
  await tab.expectClean("Approvals, confirming a rejection");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await dialog.waitFor({ state: "detached" });
  expect(await row(second).count()).toBe(1);

  await row(second).getByRole("button", { name: "Reject" }).click();
  await tab.page.getByRole("dialog").getByRole("button", { name: "Reject" }).click();
  await expectText(tab.page.getByRole("status"), `Rejected Test agent (${second.email})`);
  await row(second).waitFor({ state: "detached" });
  expect((await api.call("POST", "/api/user/login", { body: { email: second.email, password: "password-123" } })).status).toBe(401);
  await tab.expectClean("Approvals, after the decisions");
});

test("Loans: filter by Status, page through, open a loan by its link", async () => {
  await tab.page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Loans" }).click();
  await tab.heading("Loans").waitFor();
  await tab.page.getByRole("link", { name: `Loan ${loanIds[22]}`, exact: true }).waitFor();
  await tab.expectClean("Loans");

  await tab.page.getByLabel("Status").selectOption("NEW");
  await tab.page.waitForURL(/\/admin\/loans\?status=NEW$/);
  await expectText(tab.page.getByRole("navigation", { name: "Pages of loans" }), "Page 1 of 2 · 21 loans");
  const statuses = await tab.page.locator("tbody tr td:nth-child(2)").allTextContents();
  expect(statuses).toHaveLength(20);
  expect(new Set(statuses)).toEqual(new Set(["NEW"]));

  await tab.page.getByRole("link", { name: "Next page" }).click();
  await tab.page.waitForURL(/status=NEW&page=2$/);
  await expectText(tab.page.getByRole("navigation", { name: "Pages of loans" }), "Page 2 of 2");
  expect(await tab.page.locator("tbody tr").count()).toBe(1);
  await tab.expectClean("Loans, page 2");

  await tab.page.getByLabel("Status").selectOption("ACTIVE");
  await tab.page.waitForURL(/\/admin\/loans\?status=ACTIVE$/);
  await expectText(tab.page.getByRole("navigation", { name: "Pages of loans" }), "Page 1 of 1 · 1 loan");
  expect(await tab.page.locator("tbody tr td:nth-child(2)").allTextContents()).toEqual(["ACTIVE"]);
  await tab.page.getByRole("link", { name: `Loan ${loanIds[0]}`, exact: true }).waitFor();

  // Overdue only: the one loan past due, with its days past due; unticked, the filter goes.
  await tab.page.getByLabel("Status").selectOption("");
  await tab.page.waitForURL(/\/admin\/loans$/);
  await tab.page.getByLabel("Overdue only").check();
  await tab.page.waitForURL(/\/admin\/loans\?overdue=true$/);
  await expectText(tab.page.getByRole("navigation", { name: "Pages of loans" }), "Page 1 of 1 · 1 loan");
  const overdueRow = await tab.page.locator("tbody tr").first().locator("th, td").allTextContents();
  expect(overdueRow[0]).toBe(`Loan ${loanIds[0]}`);
  expect(Number(overdueRow.at(-1))).toBeGreaterThan(30);
  await tab.expectClean("Loans, overdue only");
  await tab.page.getByLabel("Overdue only").uncheck();
  await tab.page.waitForURL(/\/admin\/loans$/);
  await expectText(tab.page.getByRole("navigation", { name: "Pages of loans" }), "23 loans");
  await tab.page.getByLabel("Status").selectOption("ACTIVE");
  await tab.page.waitForURL(/\/admin\/loans\?status=ACTIVE$/);
  await expectText(tab.page.getByRole("navigation", { name: "Pages of loans" }), "Page 1 of 1 · 1 loan");

  const link = tab.page.getByRole("link", { name: /^Loan \d+$/ });
  const name = (await link.textContent())!;
  await link.click();
  await tab.heading(name).waitFor();
});

test("a loan's page: its figures, Versions and Audit trail; Approve shows the result at once", async () => {
  const id = await requestLoan("250000.00", 24);
  const edit = await api.call("PUT", `/api/loan/edit-loan/${id}`, { token: people.agent.token, body: { tenure_months: 36 } });
  expect(edit.status).toBe(200);

  await tab.goto(`/admin/loans/${id}`); // a deep link, loaded afresh
  await tab.heading(`Loan ${id}`).waitFor();
  await expectText(figure("Status"), "NEW");
  await expectText(figure("Principal"), "250,000.00");
  await expectText(figure("EMI"), edit.body.emi.replace(/\B(?=(\d{3})+(?!\d))/g, ","));
  const versions = tab.page.getByRole("region", { name: "Versions" });
  await expectText(versions.getByRole("row").nth(1), "11,768.37"); // version 1: 24 months
  await expectText(versions.getByRole("row").nth(2), "2 (current)");
  const trail = tab.page.getByRole("region", { name: "Audit trail" });
  await expectText(trail, "loan.updated");
  await expectText(trail, "tenure (months): 24 → 36");
  await tab.expectClean("a loan's page");

  await tab.page.getByRole("button", { name: "Approve" }).click();
  await expectText(tab.page.getByRole("status"), `Loan ${id} approved.`);
  await expectText(figure("Status"), "APPROVED");
  await tab.page.getByRole("button", { name: "Approve" }).waitFor({ state: "detached" });
  await expectText(trail, "status: NEW → APPROVED");
  expect(await loanStatus(id)).toBe("APPROVED");
  await tab.expectClean("a loan's page, approved");
});

test("Reject asks to confirm; a loan decided meanwhile through the API shows the 409 next to the actions", async () => {
  const rejected = await requestLoan("40000.00", 10);
  await tab.goto(`/admin/loans/${rejected}`);
  await tab.heading(`Loan ${rejected}`).waitFor();
  await tab.page.getByRole("button", { name: "Reject" }).click();
  const dialog = tab.page.getByRole("dialog", { name: `Reject loan ${rejected}?` });
  await dialog.getByRole("button", { name: "Reject" }).click();
  await expectText(tab.page.getByRole("status"), `Loan ${rejected} rejected.`);
  await expectText(figure("Status"), "REJECTED");
  expect(await loanStatus(rejected)).toBe("REJECTED");

  // Someone else decides first, through the API, while the page shows the loan as NEW.
  const raced = await requestLoan("60000.00", 12);
  await tab.goto(`/admin/loans/${raced}`);
  await expectText(figure("Status"), "NEW");
  await decideByApi(raced, "APPROVED");
  await tab.page.getByRole("button", { name: "Reject" }).click();
  await tab.page.getByRole("dialog").getByRole("button", { name: "Reject" }).click();
  const alert = tab.page.locator(".loan-actions").getByRole("alert");
  await expectText(alert, `Loan ${raced} is APPROVED: only a NEW loan can be decided`);
  await expectText(figure("Status"), "APPROVED"); // the page now shows the loan as it is, without a reload
  expect(await loanStatus(raced)).toBe("APPROVED");
  await tab.expectClean("a loan's page, 409");

  // The same with Approve, the other way round.
  const other = await requestLoan("70000.00", 12);
  await tab.goto(`/admin/loans/${other}`);
  await expectText(figure("Status"), "NEW");
  await decideByApi(other, "REJECTED");
  await tab.page.getByRole("button", { name: "Approve" }).click();
  await expectText(tab.page.locator(".loan-actions").getByRole("alert"), `Loan ${other} is REJECTED`);
  await expectText(figure("Status"), "REJECTED");
});

test("Users: listed by role", async () => {
  await tab.page.getByRole("link", { name: "Users" }).click();
  await tab.heading("Users").waitFor();
  await tab.page.getByRole("cell", { name: people.customer.email, exact: true }).waitFor();
  await tab.expectClean("Users");
  await tab.page.getByLabel("Role").selectOption("agent");
  await tab.page.waitForURL(/\/admin\/users\?role=agent$/);
  await expectText(tab.page.getByRole("table"), waiting[0]!.email);
  await tab.page.getByRole("cell", { name: people.customer.email, exact: true }).waitFor({ state: "detached" });
  const roles = await tab.page.locator("tbody tr td:nth-child(4)").allTextContents();
  expect(roles.length).toBeGreaterThan(0);
  expect(new Set(roles)).toEqual(new Set(["agent"]));
  expect(await tab.page.getByRole("cell", { name: people.customer.email, exact: true }).count()).toBe(0);
  await tab.expectClean("Users by role");
});

test("Users: an approved agent's lending limit, used and available; Set limit in a dialog", async () => {
  const first = waiting[0]!;
  const agentRow = tab.page.getByRole("row").filter({ hasText: first.email });
  await expectText(agentRow, "750,000.00");
  await expectText(agentRow, "used 0.00, available 750,000.00");
  // The agent of the fixture has requested loans: used counts them.
  const mine = (await api.call("GET", `/api/v1/loan/agent-limits/${people.agent.id}`, { token: people.admin.token })).body;
  await expectText(tab.page.getByRole("row").filter({ hasText: people.agent.email }), `used ${mine.used.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}`);

  await agentRow.getByRole("button", { name: `Set limit of ${first.email}` }).click();
  const dialog = tab.page.getByRole("dialog", { name: "Set the lending limit of Test agent" });
  await dialog.waitFor();
  expect(await dialog.getByLabel("Lending limit").inputValue()).toBe("750000.00");
  await dialog.getByLabel("Lending limit").fill("-5");
  await dialog.getByRole("button", { name: "Set limit" }).click();
  await dialog.locator("#set-limit-error").waitFor();
  expect(await dialog.getByLabel("Lending limit").getAttribute("aria-invalid")).toBe("true");
  await tab.expectClean("Users, Set limit with a 422");
  await tab.screenshot(screenshotPath("console-set-limit.png"));
  await dialog.getByLabel("Lending limit").fill("900000");
  await dialog.getByRole("button", { name: "Set limit" }).click();
  await expectText(tab.page.getByRole("status"), `The lending limit of ${first.email} is 900,000.00: 900,000.00 available.`);
  await dialog.waitFor({ state: "detached" });
  await expectText(agentRow, "900,000.00");
  expect((await api.call("GET", `/api/v1/loan/agent-limits/${first.id}`, { token: people.admin.token })).body).toMatchObject({ limit: "900000.00" });
  await tab.expectClean("Users, after Set limit");
  await tab.screenshot(screenshotPath("console-users-limits.png"));
});

test("Users: End sessions of a user, after a confirm, makes that user's existing token answer 401", async () => {
  const victim = people.otherCustomer;
  expect((await api.call("GET", "/api/user/profile", { token: victim.token })).status).toBe(200);
  await tab.page.getByLabel("Role").selectOption("customer");
  await tab.page.waitForURL(/\/admin\/users\?role=customer$/);
  const button = tab.page.getByRole("button", { name: `End sessions of ${victim.email}` });
  await button.click();
  const dialog = tab.page.getByRole("dialog", { name: `End every session of ${victim.email}?` });
  await dialog.waitFor();
  await tab.expectClean("Users, confirming End sessions");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await dialog.waitFor({ state: "detached" });
  expect((await api.call("GET", "/api/user/profile", { token: victim.token })).status).toBe(200);

  await button.click();
  await dialog.getByRole("button", { name: "End sessions" }).click();
  await expectText(tab.page.getByRole("status"), `Ended every session of ${victim.email}: they must sign in again.`);
  await eventually(async () => expect((await api.call("GET", "/api/user/profile", { token: victim.token })).status).toBe(401), { what: "the old token refused" });
  // The admin's own row has no such button: Sign out is the way to end one's own session.
  await tab.page.getByLabel("Role").selectOption("admin");
  await tab.page.waitForURL(/\/admin\/users\?role=admin$/);
  await expectText(tab.page.getByRole("row").filter({ hasText: stack.admin.email }), "You (use Sign out)");
  await tab.expectClean("Users, after End sessions");
});

test("Audit log: filtered by entity", async () => {
  await tab.page.getByRole("link", { name: "Audit log" }).click();
  await tab.heading("Audit log").waitFor();
  // Newest first: the latest event (a loan's decision) on page 1.
  await expectText(tab.page.getByRole("table"), "loan.decided");
  await tab.expectClean("Audit log");
  await tab.page.getByLabel("Entity", { exact: true }).selectOption("loan");
  await tab.page.getByRole("button", { name: "Filter" }).click();
  await tab.page.waitForURL(/\/admin\/audit\?entity=loan$/);
  await expectText(tab.page.getByRole("table"), "loan.created");
  await eventually(async () => expect(await tab.page.locator("tbody tr td:nth-child(2)", { hasText: /^user\./ }).count()).toBe(0), { what: "only loan events listed" });
  const events = await tab.page.locator("tbody tr td:nth-child(2)").allTextContents();
  expect(events.length).toBeGreaterThan(0);
  for (const event of events) expect(event).toMatch(/^loan\./);
  await tab.page
    .getByRole("link", { name: `Loan ${loanIds[0]}`, exact: true })
    .first()
    .waitFor();
  await tab.expectClean("Audit log by entity");
});

test("a reload keeps the session, and deep links open where they point", async () => {
  await tab.goto(`/admin/loans/${loanIds[5]}`);
  await tab.heading(`Loan ${loanIds[5]}`).waitFor();
  await tab.page.reload();
  await tab.heading(`Loan ${loanIds[5]}`).waitFor();
  await tab.page.getByRole("button", { name: "Sign out" }).waitFor();

  const second = await tab.context.newPage(); // another tab of the same browser
  await second.goto(`${stack.url}/admin/audit?entity=user`);
  await second.getByRole("heading", { level: 1, name: "Audit log" }).waitFor();
  expect(await second.getByLabel("Entity", { exact: true }).inputValue()).toBe("user");
  await second.close();

  // Keyboard alone: the skip link, then into the page.
  await tab.page.keyboard.press("Tab");
  expect(await tab.page.evaluate("document.activeElement.textContent")).toBe("Skip to main content");
});

test("the session never reached a script, web storage or a URL", async () => {
  const cookies = await tab.context.cookies();
  const session = cookies.find((c) => c.name === "loanstack_session")!;
  expect(session).toMatchObject({ httpOnly: true, sameSite: "Strict", path: "/" });
  expect(tab.urls.length).toBeGreaterThan(20);
  for (const url of tab.urls) expect(url).not.toContain(session.value);
  await tab.expectClean("after the whole path");
});

test("Sign out: back to the sign-in page, and a reload stays signed out", async () => {
  await tab.page.getByRole("button", { name: "Sign out" }).click();
  await tab.heading("Sign in").waitFor();
  await expectText(tab.page.locator("main"), "You are signed out.");
  expect((await tab.context.cookies()).find((c) => c.name === "loanstack_session")).toBeUndefined();
  // The page's own request, cookie-less now, is refused.
  expect(await tab.page.evaluate("fetch('/api/user/profile').then((r) => r.status)")).toBe(401);
  await tab.page.reload();
  await tab.heading("Sign in").waitFor();
  await tab.expectClean("signed out");
  await tab.close();
});

test("the Dashboard's screenshot is a PNG file (servicing.test.ts takes the loan page's)", () => {
  for (const name of ["console-dashboard.png"]) {
    const bytes = fs.readFileSync(screenshotPath(name));
    expect(bytes.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(bytes.length).toBeGreaterThan(10_000);
  }
});
