/**
 * With METRICS_PORT set, the portfolio's figures and the ledger's books are Prometheus gauges
 * served by Moleculer's own Prometheus reporter, beside its metrics.
 */
import net from "node:net";
import type { AuthUser, Loan, Portfolio, User } from "../../sdk/contracts.js";
import { eventually } from "../support/eventually.js";
import { useStack } from "../support/fixture.js";
import { testClock } from "../support/clock.js";

let metricsUrl: string;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

const { stack } = useStack(async () => {
  const port = await freePort();
  metricsUrl = `http://127.0.0.1:${port}/metrics`;
  return { env: { METRICS_PORT: String(port), PORTFOLIO_METRICS_INTERVAL_MS: "100" }, clock: testClock };
});

/** The value of a metric's sample in the reporter's text, e.g. `name{namespace=...,status="ACTIVE"} 1`. */
function sample(text: string, name: string, label = ""): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${name}{`) && l.includes(label));
  return line === undefined
    ? undefined
    : Number(
        line
          .slice(line.lastIndexOf("}") + 1)
          .trim()
          .split(" ")[0],
      );
}

test("loans by status, outstanding principal, overdue amount and PAR30 as gauges", async () => {
  const admin: AuthUser = { id: 1, email: stack.admin.email, role: "admin", is_approved: true };
  const agent: AuthUser = { id: 9, email: "a@example.test", role: "agent", is_approved: true };
  const customer = await stack.broker.call<User, object>("users.signup", { email: "m@example.test", password: "password-123", first_name: "M", last_name: "C", is_customer: true, is_agent: false });
  const call = <T>(action: string, params: object, user = admin) => stack.broker.call<T, object>(action, params, { meta: { user } });
  await call<Loan>("loans.request", { customer_id: customer.id, principal: "5000.00", tenure_months: 6 }, agent);
  const loan = await call<Loan>("loans.request", { customer_id: customer.id, principal: "250000.00", tenure_months: 24 }, agent);
  await call("loans.decide", { id: loan.id, status: "APPROVED" });
  await call("loans.disburse", { id: loan.id, disbursed_on: "2026-01-31" });
  await call("loans.repay", { id: loan.id, amount: "11768.37", paid_on: "2026-02-28" }, agent);
  const book = await call<Portfolio>("loans.portfolio", {});

  // The gauges are refreshed every 100 ms here: wait for one refresh after the writes.
  const text = await eventually(
    async () => {
      const text = await (await fetch(metricsUrl)).text();
      expect(sample(text, "loanstack_loans_count", 'status="ACTIVE"')).toBe(1);
      expect(sample(text, "loanstack_portfolio_active_outstanding_principal")).toBe(240731.63);
      return text;
    },
    { what: "a refresh of the gauges after the writes" },
  );
  expect(sample(text, "loanstack_loans_count", 'status="NEW"')).toBe(1);
  expect(sample(text, "loanstack_loans_count", 'status="ACTIVE"')).toBe(1);
  expect(sample(text, "loanstack_loans_count", 'status="CLOSED"')).toBe(0);
  expect(sample(text, "loanstack_portfolio_active_outstanding_principal")).toBe(240731.63);
  expect(sample(text, "loanstack_portfolio_overdue_amount")).toBe(Number(book.overdue_amount));
  expect(sample(text, "loanstack_portfolio_par30_percent")).toBe(Number(book.par30));
  expect(book.par30).toBe("100.00"); // months past its second due date, it is all at risk
  // beside Moleculer's own
  expect(text).toMatch(/^moleculer_request_total/m);
});

test("the ledger's lag and each account's balance as gauges, once it posted the money events", async () => {
  // After the first test's disbursement of 250,000.00 and repayment of 11,768.37 (2,500.00 of it interest).
  const text = await eventually(
    async () => {
      const text = await (await fetch(metricsUrl)).text();
      expect(sample(text, "loanstack_ledger_account_balance", 'account="1100"')).toBe(240731.63);
      return text;
    },
    { what: "the ledger's gauges after its postings" },
  );
  expect(sample(text, "loanstack_ledger_account_balance", 'account="1000"')).toBe(-238231.63);
  expect(sample(text, "loanstack_ledger_account_balance", 'account="4000"')).toBe(2500);
  expect(sample(text, "loanstack_ledger_account_balance", 'account="5000"')).toBe(0);
  const lag = sample(text, "loanstack_ledger_lag_seconds");
  expect(lag).toBeGreaterThanOrEqual(0);
  expect(lag).toBeLessThan(60);
});
