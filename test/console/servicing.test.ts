/**
 * Loan servicing in the console, in Chromium against a real stack, by label and button name:
 * an admin disburses an APPROVED loan through the Disburse dialog (the Schedule becomes 24
 * dated rows), records a repayment of one EMI (row 1 PAID, listed under Repayments, figures
 * reloaded), sees a 422 next to Amount for more than the outstanding total and the 409 by
 * the actions when the loan was disbursed meanwhile; an approved agent records a repayment.
 * Every state passes axe-core (the dialog open, the forms) and leaks no token.
 */
import { eventually } from "../support/eventually.js";
import { useStack } from "../support/fixture.js";
import { expectText, PNG_SIGNATURE, screenshotPath, Tab, useBrowser } from "./browser.js";

jest.setTimeout(60_000);

const { stack, api, people, beforeStop } = useStack({ people: true });
const browser = useBrowser(beforeStop);
let admin: Tab;
let loanId: number;

const today = () => new Date().toISOString().slice(0, 10);

async function approvedLoan(principal: string, months: number): Promise<number> {
  const created = await api.call("POST", "/api/loan/customer-loan", { token: people.agent.token, body: { customer_id: people.customer.id, principal, tenure_months: months } });
  expect(created.status).toBe(201);
  const decided = await api.call("PUT", `/api/loan/approve-reject-loan/${created.body.id}`, { token: people.admin.token, body: { status: "APPROVED" } });
  expect(decided.status).toBe(200);
  return created.body.id as number;
}

/** The value shown next to a term of the figures. */
function figure(tab: Tab, term: string) {
  return tab.page
    .locator("dl.figures > div")
    .filter({ has: tab.page.locator("dt", { hasText: new RegExp(`^${term}$`) }) })
    .locator("dd");
}
const scheduleRows = (tab: Tab) => tab.page.getByRole("region", { name: "Schedule" }).locator("tbody tr");
const repaymentRows = (tab: Tab) => tab.page.getByRole("region", { name: "Repayments" }).locator("tbody tr");

beforeAll(async () => {
  loanId = await approvedLoan("250000.00", 24);
  admin = await Tab.open(browser, stack.url);
  await admin.goto("/admin");
  await admin.signIn(stack.admin.email, stack.admin.password);
  await admin.heading("Dashboard").waitFor();
});

test("an APPROVED loan shows a projected Schedule and a Disburse button; the dialog asks for the date, today by default", async () => {
  await admin.goto(`/admin/loans/${loanId}`);
  await admin.heading(`Loan ${loanId}`).waitFor();
  await expectText(admin.page.getByRole("region", { name: "Schedule" }), "a projection");
  // Installments around today first (the first 5 before disbursement), then all of them.
  await eventually(async () => expect(await scheduleRows(admin).count()).toBe(5), { what: "5 projected rows" });
  await admin.page.getByRole("button", { name: "Show all installments" }).click();
  await eventually(async () => expect(await scheduleRows(admin).count()).toBe(24), { what: "24 projected rows" });
  await expectText(admin.page.getByRole("region", { name: "Repayments" }), "No repayment recorded yet.");

  await admin.page.getByRole("button", { name: "Disburse" }).click();
  const dialog = admin.page.getByRole("dialog", { name: `Disburse loan ${loanId}?` });
  await dialog.waitFor();
  expect(await dialog.getByLabel("Disbursed on").inputValue()).toBe(today());
  await admin.expectClean("the Disburse dialog");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await dialog.waitFor({ state: "detached" });
  expect((await api.call("GET", `/api/loan/loan-details/${loanId}`, { token: people.admin.token })).body.status).toBe("APPROVED");
});

test("Disburse: the loan becomes ACTIVE at once, its figures and a 24-row dated Schedule shown", async () => {
  await admin.page.getByRole("button", { name: "Disburse" }).click();
  const dialog = admin.page.getByRole("dialog", { name: `Disburse loan ${loanId}?` });
  await dialog.getByRole("button", { name: "Disburse" }).click();
  await expectText(admin.page.getByRole("status"), `Loan ${loanId} disbursed on ${today()}: it is ACTIVE.`);
  await expectText(figure(admin, "Status"), "ACTIVE");
  await expectText(figure(admin, "Disbursed on"), today());
  await expectText(figure(admin, "Outstanding principal"), "250,000.00");
  await expectText(figure(admin, "Outstanding interest"), "32,440.84"); // the SPEC's example
  await expectText(figure(admin, "Days past due"), "0");
  await admin.page.getByRole("button", { name: "Disburse" }).waitFor({ state: "detached" });
  await admin.page.getByRole("button", { name: "Record repayment" }).waitFor();

  const schedule = admin.page.getByRole("region", { name: "Schedule" });
  await eventually(async () => expect(await schedule.getByText("a projection").count()).toBe(0), { what: "the projection gone" });
  await eventually(async () => expect(await scheduleRows(admin).count()).toBe(24), { what: "all 24 rows still shown" });
  const first = await scheduleRows(admin).first().locator("th, td").allTextContents();
  expect(first).toEqual(["1", expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), "11,768.37", "9,268.37", "2,500.00", "0.00", "DUE"]);
  await expectText(scheduleRows(admin).last(), "11,768.33");
  const stored = await api.call("GET", `/api/loan/loan-details/${loanId}`, { token: people.admin.token });
  expect(stored.body).toMatchObject({ status: "ACTIVE", disbursed_on: today() });
  await admin.expectClean("an ACTIVE loan's page");
});

test("Record repayment: a 422 for more than the outstanding total shows next to Amount", async () => {
  await admin.page.getByRole("button", { name: "Record repayment" }).click();
  await admin.expectFocusOn("repay-amount");
  await admin.expectClean("the Record repayment form");
  await admin.page.getByLabel("Amount").fill("999999.00");
  await admin.page.getByRole("button", { name: "Save" }).click();
  await expectText(admin.page.locator("#repay-amount-error"), "at most the outstanding total, 282440.84");
  await expectText(admin.page.getByRole("alert"), "The repayment was not recorded:");
  const input = admin.page.getByLabel("Amount");
  expect(await input.getAttribute("aria-invalid")).toBe("true");
  expect((await input.getAttribute("aria-describedby"))!.split(" ")).toContain("repay-amount-error");
  await admin.expectClean("Record repayment, 422");
  expect((await api.call("GET", `/api/v1/loan/repayments/${loanId}`, { token: people.admin.token })).body.rows).toEqual([]);
});

test("Record repayment of one EMI: row 1 PAID, the Repayments section lists it, the figures move", async () => {
  await admin.page.getByLabel("Amount").fill("11768.37");
  await admin.page.getByRole("button", { name: "Save" }).click();
  await expectText(admin.page.getByRole("status"), `Repayment of 11,768.37 recorded on loan ${loanId} (paid on ${today()}).`);
  await expectText(scheduleRows(admin).first(), "PAID");
  await expectText(scheduleRows(admin).nth(1), "DUE");
  await eventually(async () => expect(await repaymentRows(admin).count()).toBe(1), { what: "one repayment listed" });
  const listed = await repaymentRows(admin).first().locator("th, td").allTextContents();
  expect(listed.slice(0, 5)).toEqual([today(), "11,768.37", "9,268.37", "2,500.00", "1"]);
  await expectText(figure(admin, "Outstanding principal"), "240,731.63");
  // The page as a clerk first sees it: the installments around today, the loan's events in the trail.
  await admin.page.getByRole("button", { name: "Show installments around today" }).click();
  await expectText(admin.page.getByRole("region", { name: "Audit trail" }), "loan.repaid");
  const png = await admin.screenshot(screenshotPath("console-loan.png"));
  expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  await admin.expectClean("an ACTIVE loan after a repayment");
});

test("Disburse on a loan disbursed meanwhile through the API: the 409 shows by the actions and the page catches up", async () => {
  const raced = await approvedLoan("50000.00", 12);
  await admin.goto(`/admin/loans/${raced}`);
  await expectText(figure(admin, "Status"), "APPROVED");
  expect((await api.call("PUT", `/api/v1/loan/disburse-loan/${raced}`, { token: people.admin.token, body: {} })).status).toBe(200);
  await admin.page.getByRole("button", { name: "Disburse" }).click();
  await admin.page.getByRole("dialog").getByRole("button", { name: "Disburse" }).click();
  await expectText(admin.page.locator(".loan-actions").getByRole("alert"), `Loan ${raced} is ACTIVE`);
  await expectText(figure(admin, "Status"), "ACTIVE");
  await admin.page.getByRole("button", { name: "Record repayment" }).waitFor();
  await admin.expectClean("Disburse, 409");
});

test("an approved agent records a repayment on an ACTIVE loan", async () => {
  const agent = await Tab.open(browser, stack.url);
  await agent.goto(`/admin/loans/${loanId}`); // a deep link, through the sign-in
  await agent.signIn(people.agent.email, "password-123");
  await agent.heading(`Loan ${loanId}`).waitFor();
  expect(await agent.page.getByRole("button", { name: "Disburse" }).count()).toBe(0);
  await agent.page.getByRole("button", { name: "Record repayment" }).click();
  await agent.page.getByLabel("Amount").fill("5000.00");
  await agent.page.getByLabel("Paid on").fill(today());
  await agent.page.getByRole("button", { name: "Save" }).click();
  await expectText(agent.page.getByRole("status"), `Repayment of 5,000.00 recorded on loan ${loanId}`);
  await expectText(scheduleRows(agent).nth(1), "PARTIAL");
  await eventually(async () => expect(await repaymentRows(agent).count()).toBe(2), { what: "two repayments listed" });
  const rows = (await api.call("GET", `/api/v1/loan/repayments/${loanId}`, { token: people.admin.token })).body.rows;
  expect(rows.map((r: { amount: string; recorded_by: number }) => [r.amount, r.recorded_by])).toEqual([
    ["11768.37", expect.any(Number)],
    ["5000.00", people.agent.id],
  ]);
  await agent.expectClean("the agent's repayment");
  await agent.close();
});
