/**
 * Products in the console, in Chromium against a real stack, by label and button name: the
 * admin's Products page lists STANDARD; New product with rate bands added as rows, a fee and
 * a penalty; a 422 by the field it names, a taken code (409) by Code; Edit; Deactivate after
 * a confirm, then Reactivate. An agent reads the same table without the actions. Every state
 * passes axe-core and leaks no token; the page's screenshots are taken.
 */
import { eventually } from "../support/eventually.js";
import { useStack } from "../support/fixture.js";
import { expectText, PNG_SIGNATURE, screenshotPath, Tab, useBrowser } from "./browser.js";

jest.setTimeout(60_000);

const { stack, api, people, beforeStop } = useStack({ people: true });
const browser = useBrowser(beforeStop);
let tab: Tab;

const CODE = "SME-12";
const row = (code: string) => tab.page.getByRole("row").filter({ has: tab.page.getByRole("rowheader", { name: code, exact: true }) });
/** The text of a row's cell under a column. */
async function cell(code: string, column: string): Promise<string> {
  const headers = await tab.page.locator("thead th").allTextContents();
  const index = headers.indexOf(column);
  if (index < 0) throw new Error(`no column ${column} in ${headers.join(", ")}`);
  return (await row(code).locator("th, td").nth(index).textContent()) ?? "";
}
const stored = async (code: string) => (await api.call("GET", `/api/v1/loan/products/${code}`, { token: people.admin.token })).body;

beforeAll(async () => {
  tab = await Tab.open(browser, stack.url);
});

test("an admin opens Products from the navigation: STANDARD is listed with its terms", async () => {
  await tab.goto("/admin");
  await tab.signIn(stack.admin.email, stack.admin.password);
  await tab.heading("Dashboard").waitFor();
  await tab.page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Products", exact: true }).click();
  await tab.heading("Products").waitFor();
  await row("STANDARD").waitFor();
  expect(await cell("STANDARD", "Principal")).toBe("1,000.00 – 10,000,000.00");
  expect(await cell("STANDARD", "Tenure")).toBe("1 – 360 months");
  expect(await cell("STANDARD", "Disbursement fee")).toBe("none");
  expect(await cell("STANDARD", "Penalty")).toBe("none");
  expect(await cell("STANDARD", "Active")).toBe("yes");
  expect(await cell("STANDARD", "Rate bands")).toMatch(/^up to .*: \d+\.\d\d %; .*above: \d+\.\d\d %$/);
  await row("STANDARD").getByRole("button", { name: "Edit" }).waitFor();
  await tab.expectClean("Products");
  const png = await tab.screenshot(screenshotPath("console-products.png"));
  expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  // A phone's width: the wide table scrolls inside its own box, the page does not.
  await tab.page.setViewportSize({ width: 390, height: 800 });
  expect(await tab.page.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(390);
  await tab.screenshot(screenshotPath("console-products-narrow.png"));
  await tab.page.setViewportSize({ width: 1280, height: 800 });
});

test("New product: bands added as rows, a fee and a penalty; the table and the API show it", async () => {
  await tab.page.getByRole("button", { name: "New product" }).click();
  const form = tab.page.getByRole("form", { name: "New product" });
  await form.waitFor();
  await tab.expectFocusOn("product-code");
  await form.getByLabel("Code").fill(CODE);
  await form.getByLabel("Name", { exact: true }).fill("Small business, 12 months");
  await form.getByLabel("Minimum principal").fill("5000");
  await form.getByLabel("Maximum principal").fill("500000");
  await form.getByLabel("Minimum tenure (months)").fill("6");
  await form.getByLabel("Maximum tenure (months)").fill("24");
  await form.getByLabel("Band 1 rate (%)").fill("16");
  await form.getByRole("button", { name: "Add band" }).click();
  await form.getByRole("button", { name: "Add band" }).click();
  await form.getByLabel("Band 1 up to").fill("100000");
  await form.getByLabel("Band 2 up to").fill("250000");
  await form.getByLabel("Band 2 rate (%)").fill("14.5");
  await form.getByLabel("Band 3 rate (%)").fill("13");
  // A band too many: removed again, the one after it moves up.
  await form.getByRole("button", { name: "Remove band 2" }).click();
  expect(await form.getByLabel("Band 2 rate (%)").inputValue()).toBe("13");
  await form.getByLabel("Band 3 rate (%)").waitFor({ state: "detached" });
  await form.getByLabel("Fee kind").selectOption("FLAT");
  await form.getByLabel("Fee amount").fill("500");
  await form.getByLabel("Penalty kind").selectOption("PERCENT");
  await form.getByLabel("Penalty (% of the unpaid installment)").fill("2");
  await form.getByLabel("Grace days").fill("5");
  await tab.expectClean("New product, filled in");
  await tab.screenshot(screenshotPath("console-new-product.png"));
  await form.getByRole("button", { name: "Create product" }).click();

  await expectText(tab.page.getByRole("status"), `Product ${CODE} created.`);
  await form.waitFor({ state: "detached" });
  await row(CODE).waitFor();
  expect(await cell(CODE, "Name")).toBe("Small business, 12 months");
  expect(await cell(CODE, "Principal")).toBe("5,000.00 – 500,000.00");
  expect(await cell(CODE, "Tenure")).toBe("6 – 24 months");
  expect(await cell(CODE, "Rate bands")).toBe("up to 100,000.00: 16.00 %; above: 13.00 %");
  expect(await cell(CODE, "Disbursement fee")).toBe("500.00");
  expect(await cell(CODE, "Penalty")).toBe("2.00 % of the unpaid installment after 5 days' grace");
  expect(await stored(CODE)).toMatchObject({
    code: CODE,
    active: true,
    min_principal: "5000.00",
    max_principal: "500000.00",
    min_tenure_months: 6,
    max_tenure_months: 24,
    rate_bands: [
      { up_to: "100000.00", rate: "16.00" },
      { up_to: null, rate: "13.00" },
    ],
    disbursement_fee: { kind: "FLAT", amount: "500.00" },
    penalty: { kind: "PERCENT", amount: "2.00", grace_days: 5 },
  });
  await tab.expectClean("Products, after New product");
});

test("New product: a 422 shows by the field it names; a code already taken shows by Code", async () => {
  await tab.page.getByRole("button", { name: "New product" }).click();
  const form = tab.page.getByRole("form", { name: "New product" });
  await form.getByLabel("Code").fill("BAD-ONE");
  await form.getByLabel("Name", { exact: true }).fill("Bad");
  await form.getByLabel("Minimum principal").fill("1000");
  await form.getByLabel("Maximum principal").fill("12.345");
  await form.getByLabel("Minimum tenure (months)").fill("1");
  await form.getByLabel("Maximum tenure (months)").fill("12");
  await form.getByLabel("Band 1 rate (%)").fill("12");
  await form.getByRole("button", { name: "Create product" }).click();
  await expectText(form.getByRole("alert"), "The product was not created:");
  const max = form.getByLabel("Maximum principal");
  await eventually(async () => expect(await max.getAttribute("aria-invalid")).toBe("true"), { what: "Maximum principal marked invalid" });
  expect((await max.getAttribute("aria-describedby"))!.split(" ")).toContain("product-max-principal-error");
  await tab.page.locator("#product-max-principal-error").waitFor();
  await tab.expectClean("New product, 422");
  // The summary's link takes the keyboard to the field.
  await form.getByRole("alert").getByRole("link").first().click();
  await tab.expectFocusOn("product-max-principal");

  await max.fill("2000");
  await form.getByLabel("Code").fill(CODE);
  await form.getByRole("button", { name: "Create product" }).click();
  const codeError = tab.page.locator("#product-code-error");
  await codeError.waitFor();
  expect(await form.getByLabel("Code").getAttribute("aria-invalid")).toBe("true");
  expect((await api.call("GET", "/api/v1/loan/products/BAD-ONE", { token: people.admin.token })).status).toBe(404);
  await form.getByRole("button", { name: "Cancel" }).click();
  await form.waitFor({ state: "detached" });
  await tab.expectFocusOn("product-new");
});

test("Edit: the code stays, the rest changes; the table and the API show the new terms", async () => {
  await row(CODE).getByRole("button", { name: "Edit" }).click();
  const form = tab.page.getByRole("form", { name: `Edit product ${CODE}` });
  await form.waitFor();
  expect(await form.getByLabel("Code").isDisabled()).toBe(true);
  expect(await form.getByLabel("Band 1 up to").inputValue()).toBe("100000.00");
  await form.getByLabel("Name", { exact: true }).fill("Small business");
  await form.getByLabel("Fee kind").selectOption("PERCENT");
  await form.getByLabel("Fee (% of the principal)").fill("1.5");
  await form.getByLabel("Penalty kind").selectOption("");
  await tab.expectClean("Edit product");
  await form.getByRole("button", { name: "Save product" }).click();
  await expectText(tab.page.getByRole("status"), `Product ${CODE} saved`);
  await form.waitFor({ state: "detached" });
  await eventually(async () => expect(await cell(CODE, "Name")).toBe("Small business"), { what: "the new name in the table" });
  expect(await cell(CODE, "Disbursement fee")).toBe("1.50 % of the principal");
  expect(await cell(CODE, "Penalty")).toBe("none");
  expect(await stored(CODE)).toMatchObject({ name: "Small business", disbursement_fee: { kind: "PERCENT", amount: "1.50" }, penalty: null, min_principal: "5000.00" });
  await tab.expectFocusOn(`product-edit-${CODE}`);
});

test("the Audit log shows the product's changes as words", async () => {
  await tab.goto("/admin/audit?entity=product");
  await tab.heading("Audit log").waitFor();
  const changed = tab.page.getByRole("row").filter({ hasText: "disbursement fee:" });
  await eventually(
    async () => {
      if ((await changed.count()) === 0) await tab.page.reload();
      expect(await changed.first().textContent()).toContain("disbursement fee: 500.00 → 1.50 %");
    },
    { what: "the product's edit in the audit log" },
  );
  await expectText(changed.first(), `Product ${CODE}`);
  await expectText(changed.first(), "penalty: 2.00 % after 5 days' grace → —");
  await tab.expectClean("Audit log of products");
  await tab.page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Products", exact: true }).click();
  await row(CODE).waitFor();
});

test("Deactivate asks to confirm; Reactivate brings the product back", async () => {
  await row(CODE).getByRole("button", { name: "Deactivate" }).click();
  const dialog = tab.page.getByRole("dialog", { name: `Deactivate ${CODE}?` });
  await dialog.waitFor();
  await tab.expectClean("Products, confirming Deactivate");
  await tab.screenshot(screenshotPath("console-product-deactivate.png"));
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await dialog.waitFor({ state: "detached" });
  expect((await stored(CODE)).active).toBe(true);

  await row(CODE).getByRole("button", { name: "Deactivate" }).click();
  await dialog.getByRole("button", { name: "Deactivate" }).click();
  await expectText(tab.page.getByRole("status"), `Product ${CODE} deactivated`);
  await eventually(async () => expect(await cell(CODE, "Active")).toBe("no"), { what: "Active: no" });
  expect((await stored(CODE)).active).toBe(false);
  await tab.expectClean("Products, a product deactivated");

  await row(CODE).getByRole("button", { name: "Reactivate" }).click();
  await expectText(tab.page.getByRole("status"), `Product ${CODE} reactivated`);
  await eventually(async () => expect(await cell(CODE, "Active")).toBe("yes"), { what: "Active: yes" });
  expect((await stored(CODE)).active).toBe(true);
  await tab.page.getByRole("button", { name: "Sign out" }).click();
  await tab.heading("Sign in").waitFor();
});

test("an agent reads Products without the actions", async () => {
  await tab.signIn(people.agent.email, "password-123");
  await tab.heading("Loans").waitFor();
  await tab.page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Products", exact: true }).click();
  await tab.heading("Products").waitFor();
  await row(CODE).waitFor();
  expect(await tab.page.getByRole("button", { name: "New product" }).count()).toBe(0);
  expect(await tab.page.getByRole("button", { name: /^(Edit|Deactivate|Reactivate)$/ }).count()).toBe(0);
  await tab.expectClean("Products (agent)");
  await tab.page.getByRole("button", { name: "Sign out" }).click();
  await tab.heading("Sign in").waitFor();
  await tab.close();
});
