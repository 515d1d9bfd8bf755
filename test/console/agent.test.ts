/**
 * The agent's path through the console, in Chromium against a real stack, by label and
 * button name: sign in, Customers, New loan (rate and EMI shown while typing, from the
 * loans service's own arithmetic; a 422 next to its field; Request loan), the new loan's
 * page, Edit while NEW (a 422, a 409 when an admin decided meanwhile). Every page passes
 * axe-core and leaks no token.
 */
import { loanTerms } from "../../domain/loan-math.js";
import { approvedAgent, type Actor } from "../support/actors.js";
import { useStack } from "../support/fixture.js";
import { expectText, screenshotPath, Tab, useBrowser } from "./browser.js";

jest.setTimeout(60_000);

const { stack, api, people, beforeStop } = useStack({ people: true });
const browser = useBrowser(beforeStop);
let agent: Actor;
let tab: Tab;
let customerName: string;

const grouped = (money: string) => money.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
/** The figures' value for a term. */
const figure = (term: string) =>
  tab.page
    .locator("dl.figures > div")
    .filter({ has: tab.page.locator("dt", { hasText: new RegExp(`^${term}$`) }) })
    .locator("dd");
const preview = () => tab.page.locator("output.preview");

/** A product of the admin's with its own bounds, bands and a PERCENT fee. */
const PRODUCT = {
  code: "AGRI-6",
  name: "Farm season",
  min_principal: "2000.00",
  max_principal: "300000.00",
  min_tenure_months: 3,
  max_tenure_months: 12,
  rate_bands: [
    { up_to: "50000.00", rate: "18.00" },
    { up_to: null, rate: "15.00" },
  ],
  disbursement_fee: { kind: "PERCENT", amount: "2.00" },
  penalty: null,
};

beforeAll(async () => {
  agent = await approvedAgent(api, people.admin.token);
  const created = await api.call("POST", "/api/v1/loan/products", { token: people.admin.token, body: PRODUCT });
  if (created.status !== 201) throw new Error(`product: ${created.status} ${JSON.stringify(created.body)}`);
  customerName = "Test customer";
  tab = await Tab.open(browser, stack.url);
});

test("an approved agent signs in and lands on Loans, with the agent's navigation", async () => {
  await tab.goto("/admin");
  await tab.signIn(agent.email, "password-123");
  await tab.heading("Loans").waitFor();
  await tab.page.waitForURL(/\/admin\/loans$/);
  const nav = tab.page.getByRole("navigation", { name: "Main" });
  for (const name of ["Loans", "Customers", "New loan", "Products"]) await nav.getByRole("link", { name, exact: true }).waitFor();
  expect(await nav.getByRole("link").count()).toBe(4);
  await tab.expectClean("Loans (agent)");
});

test("Customers: each with a link to request a loan for them", async () => {
  await tab.page.getByRole("link", { name: "Customers" }).click();
  await tab.heading("Customers").waitFor();
  const row = tab.page.getByRole("row").filter({ hasText: people.customer.email });
  await row.waitFor();
  await tab.expectClean("Customers");
  await row.getByRole("link", { name: `Request a loan for ${customerName}` }).click();
  await tab.heading("New loan").waitFor();
  await tab.page.waitForURL(new RegExp(`/admin/new-loan\\?customer=${people.customer.id}$`));
  expect(await tab.page.getByLabel("Customer").inputValue()).toBe(String(people.customer.id));
});

test("New loan: the rate and EMI follow the principal and tenure as they are typed", async () => {
  await expectText(preview(), "Enter a principal");
  await tab.expectClean("New loan, empty");
  const principal = tab.page.getByLabel("Principal");
  const tenure = tab.page.getByLabel("Tenure (months)");
  await tenure.pressSequentially("24");
  await principal.pressSequentially("25000");
  let terms = loanTerms("25000", 24);
  await expectText(preview(), `Interest rate ${terms.interest_rate} % · EMI ${grouped(terms.emi)} a month`);
  expect(terms.interest_rate).toBe("14.00");
  await principal.pressSequentially("0"); // 250000: the next band of the rate table
  terms = loanTerms("250000", 24);
  await expectText(preview(), `Interest rate 12.00 % · EMI 11,768.37 a month`); // the SPEC's example
  expect(terms.emi).toBe("11768.37");
  await tenure.fill("361");
  await expectText(preview(), "Enter a tenure of 1 to 360 months");
  await tenure.fill("24");
  await expectText(preview(), "EMI 11,768.37");
  await tab.expectClean("New loan, with a preview");
});

test("New loan: a principal the service refuses shows its 422 next to the field and in the summary", async () => {
  await tab.page.getByLabel("Principal").fill("500");
  await tab.page.getByRole("button", { name: "Request loan" }).click();
  const alert = tab.page.getByRole("alert");
  await expectText(alert, "The loan was not requested:");
  await expectText(alert, "Principal must be between 1000.00 and 10000000.00");
  // Next to the field: its error message, tied to the input for screen readers.
  const input = tab.page.getByLabel("Principal");
  expect(await input.getAttribute("aria-invalid")).toBe("true");
  const describedBy = (await input.getAttribute("aria-describedby"))!.split(" ");
  expect(describedBy).toContain("new-principal-error");
  await expectText(tab.page.locator("#new-principal-error"), "Principal must be between 1000.00 and 10000000.00");
  await tab.expectClean("New loan, 422");
  // The summary's link takes the keyboard to the field.
  await alert.getByRole("link").click();
  await tab.expectFocusOn("new-principal");
  const loans = await api.call("GET", "/api/loan/list-loans-admin-agent", { token: people.admin.token });
  expect(loans.body.total).toBe(0);
});

let loanId: number;

test("Request loan: the new loan's page opens with what was shown before sending", async () => {
  await tab.page.getByLabel("Principal").fill("250000.00");
  await tab.page.getByRole("button", { name: "Request loan" }).click();
  await tab.heading(/^Loan \d+$/).waitFor();
  loanId = Number((await tab.heading(/^Loan \d+$/).textContent())!.replace("Loan ", ""));
  await expectText(tab.page.getByRole("status"), `Loan ${loanId} requested`);
  await expectText(figure("Principal"), "250,000.00");
  await expectText(figure("Interest rate"), "12.00 %");
  await expectText(figure("EMI"), "11,768.37");
  const stored = await api.call("GET", `/api/loan/loan-details/${loanId}`, { token: people.admin.token });
  expect(stored.body).toMatchObject({ customer_id: people.customer.id, agent_id: agent.id, principal: "250000.00", emi: "11768.37", status: "NEW" });
  // Agents do not read the audit log: no empty Audit trail section on their pages.
  await tab.page.getByRole("heading", { name: "Repayments" }).waitFor();
  expect(await tab.page.getByRole("heading", { name: "Audit trail" }).count()).toBe(0);
  await tab.expectClean("the new loan's page");
});

test("Edit while NEW: new terms, previewed, saved; Versions shows both", async () => {
  await tab.page.getByRole("button", { name: "Edit" }).click();
  await tab.expectFocusOn("edit-principal");
  await tab.page.getByLabel("Principal").fill("600000");
  await tab.page.getByLabel("Tenure (months)").fill("36");
  const terms = loanTerms("600000", 36);
  await expectText(preview(), `Interest rate 10.50 % · EMI ${grouped(terms.emi)} a month`);
  await tab.expectClean("Edit form");
  await tab.page.getByRole("button", { name: "Save" }).click();
  await expectText(tab.page.getByRole("status"), `Loan ${loanId} changed: it is at version 2.`);
  await expectText(figure("EMI"), grouped(terms.emi));
  await expectText(figure("Version"), "2");
  const versions = tab.page.getByRole("region", { name: "Versions" });
  await expectText(versions.getByRole("row").nth(1), "250,000.00");
  await expectText(versions.getByRole("row").nth(2), "600,000.00");
});

test("Edit: a 422 shows by the field; a loan an admin decided meanwhile shows the 409 and no Edit any more", async () => {
  await tab.page.getByRole("button", { name: "Edit" }).click();
  await tab.page.getByLabel("Principal").fill("12.345");
  await tab.page.getByRole("button", { name: "Save" }).click();
  await expectText(tab.page.locator("#edit-principal-error"), "at most two places");
  await tab.expectClean("Edit, 422");

  await tab.page.getByLabel("Principal").fill("700000");
  const decided = await api.call("PUT", `/api/loan/approve-reject-loan/${loanId}`, { token: people.admin.token, body: { status: "APPROVED" } });
  expect(decided.status).toBe(200);
  await tab.page.getByRole("button", { name: "Save" }).click();
  await expectText(tab.page.locator(".loan-actions").getByRole("alert"), `Loan ${loanId} is APPROVED: only a NEW loan can be edited`);
  await expectText(figure("Status"), "APPROVED");
  await tab.page.getByRole("button", { name: "Edit" }).waitFor({ state: "detached" });
  const stored = await api.call("GET", `/api/loan/loan-details/${loanId}`, { token: people.admin.token });
  expect(stored.body).toMatchObject({ principal: "600000.00", version: 2 });
  await tab.expectClean("Edit, 409");
});

test("an admin's page is not for agents; the keyboard alone reaches the navigation", async () => {
  await tab.goto("/admin/approvals");
  await tab.heading("Not allowed").waitFor();
  await tab.expectClean("Not allowed");
  await tab.page.keyboard.press("Tab"); // the skip link
  await tab.page.keyboard.press("Tab"); // the first navigation link
  expect(await tab.page.evaluate("document.activeElement.textContent")).toBe("Loans");
  await tab.page.keyboard.press("Enter");
  await tab.heading("Loans").waitFor();
  await tab.page.getByRole("link", { name: `Loan ${loanId}`, exact: true }).waitFor();
});

test("New loan with a product: its bounds and fee show by the select, the preview takes its bands, the loan's page shows both", async () => {
  await tab.page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "New loan" }).click();
  await tab.heading("New loan").waitFor();
  const select = tab.page.getByLabel("Product");
  expect(await select.inputValue()).toBe("STANDARD");
  const terms = tab.page.locator("#product-terms");
  await expectText(terms, "Principal 1,000.00 – 10,000,000.00 · Tenure 1 – 360 months · Disbursement fee none");
  expect(await select.getAttribute("aria-describedby")).toContain("product-terms");
  expect(await select.locator("option").allTextContents()).toEqual(expect.arrayContaining(["Farm season (AGRI-6)"]));

  await tab.page.getByLabel("Customer").selectOption(String(people.customer.id));
  await select.selectOption("AGRI-6");
  await expectText(terms, "Principal 2,000.00 – 300,000.00 · Tenure 3 – 12 months · Disbursement fee 2.00 % of the principal");
  await tab.page.getByLabel("Principal").fill("40000");
  await tab.page.getByLabel("Tenure (months)").fill("24");
  await expectText(preview(), "Enter a tenure of 3 to 12 months.");
  await tab.page.getByLabel("Tenure (months)").fill("12");
  const expected = loanTerms("40000", 12, [
    { upTo: "50000.00", rate: "18.00" },
    { upTo: null, rate: "15.00" },
  ]);
  expect(expected.interest_rate).toBe("18.00");
  await expectText(preview(), `Interest rate 18.00 % · EMI ${grouped(expected.emi)} a month · Disbursement fee 800.00`);
  await tab.expectClean("New loan, a product chosen");
  await tab.screenshot(screenshotPath("console-new-loan-product.png"));

  await tab.page.getByRole("button", { name: "Request loan" }).click();
  await tab.heading(/^Loan \d+$/).waitFor();
  const id = Number((await tab.heading(/^Loan \d+$/).textContent())!.replace("Loan ", ""));
  await expectText(figure("Product"), "AGRI-6");
  await expectText(figure("Disbursement fee"), "800.00");
  await expectText(figure("Interest rate"), "18.00 %");
  await expectText(figure("EMI"), grouped(expected.emi));
  const stored = await api.call("GET", `/api/loan/loan-details/${id}`, { token: people.admin.token });
  expect(stored.body).toMatchObject({ product_code: "AGRI-6", disbursement_fee: "800.00", interest_rate: "18.00", emi: expected.emi });
  await tab.expectClean("a loan with a product");
  await tab.screenshot(screenshotPath("console-loan-product.png"));

  // Edit keeps the loan's product, shown with its terms, its bands applying to the new principal.
  await tab.page.getByRole("button", { name: "Edit" }).click();
  await expectText(tab.page.getByRole("form", { name: `Edit loan ${id}` }), "Product Farm season (AGRI-6)");
  await tab.page.getByLabel("Principal").fill("60000");
  await expectText(preview(), "Interest rate 15.00 %");
  await expectText(preview(), "Disbursement fee 1,200.00");
  await tab.page.getByRole("button", { name: "Save" }).click();
  await expectText(tab.page.getByRole("status"), `Loan ${id} changed`);
  await expectText(figure("Disbursement fee"), "1,200.00");
});

test("New loan over the agent's lending limit: the 422 shows by Principal", async () => {
  const limit = (await api.call("GET", `/api/v1/loan/agent-limits/${agent.id}`, { token: agent.token })).body;
  const used = Number(limit.used);
  expect((await api.call("PUT", `/api/v1/loan/agent-limits/${agent.id}`, { token: people.admin.token, body: { limit: (used + 1000).toFixed(2) } })).status).toBe(200);
  await tab.page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "New loan" }).click();
  await tab.heading("New loan").waitFor();
  await tab.page.getByLabel("Customer").selectOption(String(people.customer.id));
  await tab.page.getByLabel("Principal").fill("5000");
  await tab.page.getByLabel("Tenure (months)").fill("12");
  await expectText(tab.page.locator("#lending-limit"), "You can lend 1,000.00 more");
  await tab.page.getByRole("button", { name: "Request loan" }).click();
  await expectText(tab.page.getByRole("alert"), "The loan was not requested:");
  await tab.page.locator("#new-principal-error").waitFor();
  await expectText(tab.page.locator("#new-principal-error"), "1000.00");
  expect(await tab.page.getByLabel("Principal").getAttribute("aria-invalid")).toBe("true");
  await tab.expectClean("New loan, over the limit");
});

test("nothing of the session reached web storage or a URL; Sign out", async () => {
  const session = (await tab.context.cookies()).find((c) => c.name === "loanstack_session")!;
  for (const url of tab.urls) expect(url).not.toContain(session.value);
  await tab.expectClean("the agent's whole path");
  await tab.page.getByRole("button", { name: "Sign out" }).click();
  await tab.heading("Sign in").waitFor();
  await tab.close();
});
