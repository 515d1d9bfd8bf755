/**
 * A signed-in agent's browser visits another page, which tries to request a loan in their
 * name with their cookie (a classic CSRF). From another port of the same host — the same
 * *site*, so SameSite=Strict lets the cookie go — the missing CSRF token gets it refused
 * (403). From another site, the browser does not even send the cookie (401). Nothing is written.
 */
import http, { type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { approvedAgent, type Actor } from "../support/actors.js";
import { useStack } from "../support/fixture.js";
import { Tab, useBrowser } from "./browser.js";

jest.setTimeout(60_000);

const { stack, api, people, beforeStop } = useStack({ people: true });
const browser = useBrowser(beforeStop);
let agent: Actor;
let tab: Tab;
let attacker: Server;
let attackerPort: number;

/** A page that posts a loan request to the gateway as soon as it loads, JSON smuggled in a text/plain form. */
function attackPage(target: string, customerId: number): string {
  const json = `{"customer_id":${customerId},"principal":"9999.00","tenure_months":6,"x":"`;
  return `<!doctype html><title>You won a prize</title>
<form id="f" method="POST" action="${target}/api/loan/customer-loan" enctype="text/plain">
  <input type="hidden" name='${json}' value='"}'>
</form>
<script>
  fetch("${target}/api/loan/customer-loan", { method: "POST", mode: "no-cors", credentials: "include", headers: { "content-type": "text/plain" }, body: '{"customer_id":${customerId},"principal":"8888.00","tenure_months":6}' })
    .finally(() => document.getElementById("f").submit());
</script>`;
}

async function loanCount(): Promise<number> {
  return (await api.call("GET", "/api/loan/list-loans-admin-agent", { token: people.admin.token })).body.total;
}

beforeAll(async () => {
  agent = await approvedAgent(api, people.admin.token);
  attacker = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html" });
    res.end(attackPage(stack.url, people.customer.id));
  });
  await new Promise<void>((resolve) => attacker.listen(0, "127.0.0.1", resolve));
  attackerPort = (attacker.address() as AddressInfo).port;
  tab = await Tab.open(browser, stack.url);
  await tab.goto("/admin");
  await tab.signIn(agent.email, "password-123");
  await tab.heading("Loans").waitFor();
});
beforeStop(async () => {
  // Not `attacker?.close(resolve)`: with no server (a failed set-up) that would never resolve.
  if (attacker) await new Promise((resolve) => attacker.close(resolve));
});

test("from another port of the same host, the forged request carries the cookie and is refused for its missing CSRF token", async () => {
  const before = await loanCount();
  const page = await tab.context.newPage();
  const [posted] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith("/api/loan/customer-loan") && r.request().resourceType() === "document"),
    page.goto(`http://127.0.0.1:${attackerPort}/`),
  ]);
  // A 403 for the CSRF token, not a 401: the cookie went along and was recognised.
  expect(posted.status()).toBe(403);
  expect(await posted.json()).toMatchObject({ code: 403, type: "CSRF_TOKEN_INVALID" });
  expect(await loanCount()).toBe(before);
  await page.close();
});

test("from another site, the browser does not send the SameSite=Strict cookie at all", async () => {
  const before = await loanCount();
  const page = await tab.context.newPage();
  const [posted] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith("/api/loan/customer-loan") && r.request().resourceType() === "document"),
    page.goto(`http://localhost:${attackerPort}/`),
  ]);
  expect(posted.status()).toBe(401);
  expect(await loanCount()).toBe(before);
  await page.close();
});

test("the console itself, with its CSRF token, still writes", async () => {
  const before = await loanCount();
  const status = await tab.page.evaluate(`fetch("/admin/session").then((r) => r.json()).then((s) =>
    fetch("/api/loan/customer-loan", { method: "POST", headers: { "content-type": "application/json", "x-csrf-token": s.csrf_token }, body: JSON.stringify({ customer_id: ${people.customer.id}, principal: "5000.00", tenure_months: 6 }) })
  ).then((r) => r.status)`);
  expect(status).toBe(201);
  expect(await loanCount()).toBe(before + 1);
});
