/**
 * A loan's transactions in the console (issue 19), in Chromium against a real stack, by role
 * and label: a product with a FLAT 100.00 disbursement fee and a FLAT 25.00 penalty after 5
 * days' grace; loans of 12,000.00 at 12.00 % over 12 months (EMI 1,066.19) disbursed
 * 2026-01-31, so installment 1 (interest 120.00, principal 946.19) falls due 2026-02-28.
 *
 * Loan A is repaid 1,066.19 on 2026-02-27 (R1: the fee 100.00, interest 120.00, principal
 * 846.19) and 1,066.19 on 2026-03-31 (R2). Reversing R1 with a Reason re-allocates R2 as R1
 * was (so the outstanding principal is 12,000.00 − 846.19 = 11,153.81) and marks R1 reversed.
 * Loan B's fee is waived, close of business for 2026-03-31 charges installment 1's penalties
 * (dated 2026-03-06) and they show in the loans' Transactions; B is written off. A reversal of
 * a repayment reversed meanwhile shows the 409. Every new view passes axe.
 */
import { eventually } from "../support/eventually.js";
import { useStack } from "../support/fixture.js";
import { expectText, PNG_SIGNATURE, screenshotPath, Tab, useBrowser } from "./browser.js";

jest.setTimeout(90_000);

const { stack, api, people, beforeStop } = useStack({ people: true, env: { COB_AT: "off" } });
const browser = useBrowser(beforeStop);
let admin: Tab;
let loanA: number;
let loanB: number;

const PRODUCT = {
  code: "FEEPEN",
  name: "Fee 100.00, penalty 25.00 after 5 days",
  min_principal: "1000.00",
  max_principal: "100000.00",
  min_tenure_months: 1,
  max_tenure_months: 36,
  rate_bands: [{ up_to: null, rate: "12.00" }],
  disbursement_fee: { kind: "FLAT", amount: "100.00" },
  penalty: { grace_days: 5, kind: "FLAT", amount: "25.00" },
};

async function expectOk(answer: Promise<{ status: number; body: unknown }>, status: number) {
  const res = await answer;
  expect({ status: res.status, body: res.body }).toEqual({ status, body: res.body });
  return res;
}

async function activeLoan(): Promise<number> {
  const created = await expectOk(
    api.call("POST", "/api/v1/loan/customer-loan", { token: people.agent.token, body: { customer_id: people.customer.id, principal: "12000.00", tenure_months: 12, product_code: PRODUCT.code } }),
    201,
  );
  const id = (created.body as { id: number }).id;
  await expectOk(api.call("PUT", `/api/v1/loan/approve-reject-loan/${id}`, { token: people.admin.token, body: { status: "APPROVED" } }), 200);
  await expectOk(api.call("PUT", `/api/v1/loan/disburse-loan/${id}`, { token: people.admin.token, body: { disbursed_on: "2026-01-31" } }), 200);
  return id;
}

const repay = (id: number, amount: string, paid_on: string) => expectOk(api.call("POST", `/api/v1/loan/repayment/${id}`, { token: people.agent.token, body: { amount, paid_on } }), 201);

function figure(tab: Tab, term: string) {
  return tab.page
    .locator("dl.figures > div")
    .filter({ has: tab.page.locator("dt", { hasText: new RegExp(`^${term}$`) }) })
    .locator("dd");
}
const transactions = (tab: Tab) => tab.page.getByRole("region", { name: "Transactions" });
const transactionRows = (tab: Tab) => transactions(tab).locator("tbody tr");
const cells = async (tab: Tab, n: number) => (await transactionRows(tab).nth(n).locator("th, td").allTextContents()).map((t) => t.trim());

beforeAll(async () => {
  await expectOk(api.call("POST", "/api/v1/loan/products", { token: people.admin.token, body: PRODUCT }), 201);
  loanA = await activeLoan();
  await repay(loanA, "1066.19", "2026-02-27");
  await repay(loanA, "1066.19", "2026-03-31");
  loanB = await activeLoan();
  admin = await Tab.open(browser, stack.url);
  await admin.goto("/admin");
  await admin.signIn(stack.admin.email, stack.admin.password);
  await admin.heading("Dashboard").waitFor();
});

test("the Transactions section lists the disbursement, its fee and the repayments, with their parts; the schedule has a Fee column", async () => {
  await admin.goto(`/admin/loans/${loanA}`);
  await admin.heading(`Loan ${loanA}`).waitFor();
  await eventually(async () => expect(await transactionRows(admin).count()).toBe(4), { what: "four transactions" });
  expect((await cells(admin, 0)).slice(0, 8)).toEqual(["2026-01-31", "Disbursement", "12,000.00", "12,000.00", "0.00", "0.00", "0.00", "—"]);
  expect((await cells(admin, 1)).slice(0, 8)).toEqual(["2026-01-31", "Fee", "100.00", "0.00", "0.00", "100.00", "0.00", "1"]);
  expect((await cells(admin, 2)).slice(0, 8)).toEqual(["2026-02-27", "Repayment", "1,066.19", "846.19", "120.00", "100.00", "0.00", "—"]);
  expect((await cells(admin, 3)).slice(0, 2)).toEqual(["2026-03-31", "Repayment"]);
  // Recorded by the agent, by name (a link to their page).
  expect(await transactionRows(admin).nth(2).getByRole("link").count()).toBe(1);
  // The schedule shows the fee; the figures the outstanding fee and penalty.
  const schedule = admin.page.getByRole("region", { name: "Schedule" });
  await schedule.getByRole("columnheader", { name: "Fee" }).waitFor();
  expect(await schedule.getByRole("columnheader", { name: "Penalty" }).count()).toBe(0);
  await expectText(figure(admin, "Outstanding fee"), "0.00");
  await expectText(figure(admin, "Outstanding penalty"), "0.00");
  // Reverse on each repayment, Waive on no charge (the fee is paid), Write off for the ACTIVE loan.
  expect(
    await transactions(admin)
      .getByRole("button", { name: /^Reverse/ })
      .count(),
  ).toBe(2);
  expect(
    await transactions(admin)
      .getByRole("button", { name: /^Waive/ })
      .count(),
  ).toBe(0);
  await admin.page.getByRole("button", { name: "Write off" }).waitFor();
  await admin.expectClean("a loan's Transactions");
});

test("Reverse with a Reason: the other repayment is re-allocated, the figures follow, the row stays, marked reversed", async () => {
  const before = (await api.call("GET", `/api/v1/loan/loan-details/${loanA}`, { token: people.admin.token })).body;
  await expectText(figure(admin, "Outstanding principal"), Number(before.outstanding_principal).toLocaleString("en-US", { minimumFractionDigits: 2 }));
  await transactionRows(admin)
    .nth(2)
    .getByRole("button", { name: /^Reverse/ })
    .click();
  const dialog = admin.page.getByRole("dialog", { name: "Reverse the repayment of 1,066.19 paid on 2026-02-27?" });
  await dialog.waitFor();
  // The Reason is required: nothing is sent without it.
  await dialog.getByRole("button", { name: "Reverse" }).click();
  await expectText(dialog, "Enter the reason");
  await admin.expectClean("the Reverse dialog");
  await dialog.getByLabel("Reason").fill("Cheque bounced");
  await dialog.getByRole("button", { name: "Reverse" }).click();
  await expectText(admin.page.getByRole("status"), "The repayment of 1,066.19 paid on 2026-02-27 is reversed");
  await expectText(figure(admin, "Outstanding principal"), "11,153.81");
  await expectText(figure(admin, "Outstanding fee"), "0.00");
  await eventually(async () => expect((await cells(admin, 3)).slice(0, 7)).toEqual(["2026-03-31", "Repayment", "1,066.19", "846.19", "120.00", "100.00", "0.00"]), { what: "R2 re-allocated" });
  const reversed = await cells(admin, 2);
  expect(reversed[9]).toMatch(/^REVERSED on \d{4}-\d{2}-\d{2} by .+: Cheque bounced$/);
  expect(
    await transactions(admin)
      .getByRole("button", { name: /^Reverse/ })
      .count(),
  ).toBe(1);
  const stored = (await api.call("GET", `/api/v1/loan/repayments/${loanA}`, { token: people.admin.token })).body.rows;
  expect(stored.map((r: { reversed: boolean }) => r.reversed)).toEqual([true, false]);
  // The Repayments section marks it too.
  await expectText(admin.page.getByRole("region", { name: "Repayments" }).locator("tbody tr").first(), "REVERSED");
  await admin.expectClean("after a reversal");
});

test("Waive the fee with a Reason: a WAIVER row, nothing owed of the fee, no Waive left", async () => {
  await admin.goto(`/admin/loans/${loanB}`);
  await admin.heading(`Loan ${loanB}`).waitFor();
  await expectText(figure(admin, "Outstanding fee"), "100.00");
  await transactions(admin)
    .getByRole("button", { name: /^Waive/ })
    .click();
  const dialog = admin.page.getByRole("dialog", { name: "Waive the fee of 100.00 on installment 1 dated 2026-01-31?" });
  await dialog.getByLabel("Reason").fill("Goodwill");
  await admin.expectClean("the Waive dialog");
  await dialog.getByRole("button", { name: "Waive" }).click();
  await expectText(admin.page.getByRole("status"), "100.00 of the fee of 100.00 on installment 1 dated 2026-01-31 is waived.");
  await expectText(figure(admin, "Outstanding fee"), "0.00");
  await eventually(async () => expect(await transactionRows(admin).count()).toBe(3), { what: "the WAIVER listed" });
  const waiver = await cells(admin, 2);
  expect([waiver[1], waiver[2], waiver[5], waiver[7], waiver[9]]).toEqual(["Waiver", "100.00", "100.00", "1", "Goodwill"]);
  expect(
    await transactions(admin)
      .getByRole("button", { name: /^Waive/ })
      .count(),
  ).toBe(0);
});

test("Close of business: run for a date, a progress bar to DONE with the penalties count, the run listed; the penalties show on the loans", async () => {
  await admin.page.getByRole("link", { name: "Close of business" }).click();
  await admin.heading("Close of business").waitFor();
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  expect(await admin.page.getByLabel("Business date").inputValue()).toBe(yesterday);
  await admin.expectClean("the Close of business page");
  // A date in the future is refused (422) next to the field.
  await admin.page.getByLabel("Business date").fill("2099-01-01");
  await admin.page.getByRole("button", { name: "Run close of business" }).click();
  await admin.page.locator("#cob-date-error").waitFor();

  await admin.page.getByLabel("Business date").fill("2026-03-31");
  await admin.page.getByRole("button", { name: "Run close of business" }).click();
  await expectText(admin.page.getByRole("status"), "Close of business for 2026-03-31 is DONE", 30_000);
  const listed = (await api.call("GET", "/api/v1/loan/close-of-business", { token: people.admin.token })).body.rows[0];
  expect(listed).toMatchObject({ business_date: "2026-03-31", status: "DONE" });
  expect(listed.penalties_charged).toBeGreaterThanOrEqual(2); // installment 1 of loans A and B
  await expectText(admin.page.getByRole("status"), `${listed.penalties_charged} penalties charged.`);
  const bar = admin.page.getByRole("progressbar", { name: "Close of business for 2026-03-31" });
  expect(await bar.getAttribute("aria-valuenow")).toBe(await bar.getAttribute("aria-valuemax"));
  const runs = admin.page.getByRole("group", { name: "Recent runs of close of business" }).locator("tbody tr");
  await eventually(async () => expect((await runs.first().locator("th, td").allTextContents()).slice(0, 3)).toEqual([String(listed.id), "2026-03-31", "DONE"]), { what: "the run listed first" });
  await admin.expectClean("a finished close of business");
  await admin.screenshot(screenshotPath("console-close-of-business.png"));

  await admin.goto(`/admin/loans/${loanA}`);
  await admin.heading(`Loan ${loanA}`).waitFor();
  const penalty = transactionRows(admin).filter({ hasText: "Penalty" });
  await eventually(async () => expect(await penalty.count()).toBe(1), { what: "loan A's penalty" });
  expect((await penalty.first().locator("th, td").allTextContents()).slice(0, 8)).toEqual(["2026-03-06", "Penalty", "25.00", "0.00", "0.00", "0.00", "25.00", "1"]);
  await expectText(penalty.first(), "close of business");
  await admin.page.getByRole("region", { name: "Schedule" }).getByRole("columnheader", { name: "Penalty" }).waitFor();
  const png = await admin.screenshot(screenshotPath("console-loan-transactions.png"));
  expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  await admin.expectClean("a loan with a penalty");
});

test("Write off with a Reason: the loan is WRITTEN_OFF, owes 0.00, a WRITE_OFF row; the Loans filter knows the status", async () => {
  await admin.goto(`/admin/loans/${loanB}`);
  await admin.heading(`Loan ${loanB}`).waitFor();
  await expectText(figure(admin, "Outstanding penalty"), "25.00");
  await admin.page.getByRole("button", { name: "Write off" }).click();
  const dialog = admin.page.getByRole("dialog", { name: `Write off loan ${loanB}?` });
  await dialog.getByLabel("Written off on").fill("2026-13-01");
  await dialog.getByLabel("Reason").fill("Customer unreachable");
  await dialog.getByRole("button", { name: "Write off" }).click();
  await expectText(dialog, "Enter the date as YYYY-MM-DD");
  await admin.expectClean("the Write off dialog");
  await dialog.getByLabel("Written off on").fill("");
  await dialog.getByRole("button", { name: "Write off" }).click();
  await expectText(admin.page.getByRole("status"), `Loan ${loanB} written off: it is WRITTEN_OFF.`);
  await expectText(figure(admin, "Status"), "WRITTEN_OFF");
  await expectText(figure(admin, "Outstanding principal"), "0.00");
  await expectText(figure(admin, "Outstanding penalty"), "0.00");
  const writeOff = transactionRows(admin).filter({ hasText: "Write-off" });
  await eventually(async () => expect(await writeOff.count()).toBe(1), { what: "the WRITE_OFF row" });
  await expectText(writeOff, "Customer unreachable");
  for (const name of ["Write off", "Record repayment"]) expect(await admin.page.getByRole("button", { name }).count()).toBe(0);
  await admin.expectClean("a WRITTEN_OFF loan");

  await admin.goto("/admin/loans");
  await admin.page.getByLabel("Status").selectOption("WRITTEN_OFF");
  await expectText(admin.page.locator("main"), `Loan ${loanB}`);
});

test("Reverse a repayment reversed meanwhile: the 409 shows in the section and the row catches up", async () => {
  await admin.goto(`/admin/loans/${loanA}`);
  await admin.heading(`Loan ${loanA}`).waitFor();
  const r2 = transactionRows(admin).filter({ hasText: "2026-03-31" }).filter({ hasText: "Repayment" });
  await r2.getByRole("button", { name: /^Reverse/ }).waitFor();
  const rows = (await api.call("GET", `/api/v1/loan/repayments/${loanA}`, { token: people.admin.token })).body.rows;
  await expectOk(api.call("POST", `/api/v1/loan/repayments/${rows[1].id}/reverse`, { token: people.admin.token, body: { reason: "Keyed twice" } }), 200);
  await r2.getByRole("button", { name: /^Reverse/ }).click();
  const dialog = admin.page.getByRole("dialog");
  await dialog.getByLabel("Reason").fill("Keyed twice");
  await dialog.getByRole("button", { name: "Reverse" }).click();
  await expectText(transactions(admin).getByRole("alert"), "reversed");
  await expectText(r2, "REVERSED");
  expect(
    await transactions(admin)
      .getByRole("button", { name: /^Reverse/ })
      .count(),
  ).toBe(0);
  await admin.expectClean("Reverse, 409");
});

test("a 390 px wide screen: the loan page with its transactions does not scroll sideways", async () => {
  await admin.page.setViewportSize({ width: 390, height: 844 });
  await admin.goto(`/admin/loans/${loanA}`);
  await transactions(admin).locator("tbody tr").first().waitFor();
  expect(await admin.page.evaluate<number>("document.documentElement.scrollWidth")).toBeLessThanOrEqual(390);
  await admin.goto("/admin/close-of-business");
  await admin.heading("Close of business").waitFor();
  expect(await admin.page.evaluate<number>("document.documentElement.scrollWidth")).toBeLessThanOrEqual(390);
  await admin.page.setViewportSize({ width: 1280, height: 800 });
});
