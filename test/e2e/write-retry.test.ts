/**
 * A write Moleculer retried finds the work it already did: the server's own id of the HTTP
 * request (no Idempotency-Key sent) survives the broker's retry of the call. Each write's
 * first attempt here commits and then loses its answer with a retryable error, as a node
 * that died after its COMMIT would; the retry must answer that work, not do it again.
 */
import { Errors, type Context, type Middleware } from "moleculer";
import type { ContextMeta } from "../../sdk/contracts.js";
import { useStack } from "../support/fixture.js";
import type { HttpAnswer, HttpOptions, Json } from "../support/http.js";

const LOSING = new Set(["loans.request", "loans.edit", "loans.decide", "loans.disburse", "loans.repay"]);
const attempts = new Map<string, number>();
let losing = false;

/** Inside the broker's retry: the first attempt of each write commits, then its answer is lost. */
const loseFirstAnswer: Middleware = {
  name: "LoseFirstAnswer",
  localAction(handler, action) {
    if (!LOSING.has(action.name ?? "")) return handler;
    const next = handler as unknown as (ctx: Context) => Promise<unknown>;
    return async (ctx: Context) => {
      const result = await next(ctx);
      const id = (ctx.meta as ContextMeta).writeId ?? "none";
      const seen = attempts.get(id) ?? 0;
      attempts.set(id, seen + 1);
      if (losing && seen === 0) throw new Errors.MoleculerRetryableError("the answer was lost on the way back", 503, "ANSWER_LOST");
      return result;
    };
  },
};

const { api, people } = useStack({ people: true, broker: { middlewares: [loseFirstAnswer] } });

const call = (method: string, path: string, options: HttpOptions = {}): Promise<HttpAnswer<Json>> => api.call(method, path, options);

function expectStatus(res: HttpAnswer<Json>, status: number): void {
  expect({ status: res.status, body: res.body }).toEqual({ status, body: res.body });
}

const loanTotal = async () => (await call("GET", "/api/loan/list-loans-admin-agent", { token: people.admin.token })).body.total as number;

test("a loan request, edit, decision, disbursement and repayment each retried after their commit are done once", async () => {
  losing = true;
  try {
    const before = await loanTotal();
    const made = await call("POST", "/api/loan/customer-loan", {
      token: people.agent.token,
      body: { customer_id: people.customer.id, principal: "30000.00", tenure_months: 12 },
      headers: { "x-request-id": "client-chosen" },
    });
    expectStatus(made, 201);
    expect(made.headers.get("idempotent-replayed")).toBe("true"); // the retry answered the first attempt's loan
    expect(await loanTotal()).toBe(before + 1);
    const id = made.body.id as number;

    const edited = await call("PUT", `/api/loan/edit-loan/${id}`, { token: people.agent.token, body: { tenure_months: 24 } });
    expectStatus(edited, 200);
    expect(edited.body.version).toBe(2);
    expect((await call("GET", `/api/loan/loan-history/${id}`, { token: people.admin.token })).body.rows).toHaveLength(1);

    expectStatus(await call("PUT", `/api/loan/approve-reject-loan/${id}`, { token: people.admin.token, body: { status: "APPROVED" } }), 200);
    expectStatus(await call("PUT", `/api/loan/disburse-loan/${id}`, { token: people.admin.token, body: { disbursed_on: "2026-01-31" } }), 200);

    const paid = await call("POST", `/api/loan/repayment/${id}`, { token: people.agent.token, body: { amount: "11.00", paid_on: "2026-02-01" } });
    expectStatus(paid, 201);
    const rows = (await call("GET", `/api/loan/repayments/${id}`, { token: people.admin.token })).body.rows;
    expect(rows.map((r: { id: number; amount: string }) => [r.id, r.amount])).toEqual([[paid.body.id, "11.00"]]);
  } finally {
    losing = false;
  }
  // Every write above ran twice under one id of the server's: the retry reused the context's meta.
  expect([...attempts.values()].filter((n) => n === 2)).toHaveLength(5);
});
