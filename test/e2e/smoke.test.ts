import { createActors } from "../support/actors.js";
import { useStack } from "../support/fixture.js";
import { Api } from "../support/http.js";

const { stack } = useStack();

test("a loan goes from request to approval through the gateway", async () => {
  const api = new Api(stack.url);
  const people = await createActors(stack);
  const created = await api.call("POST", "/api/loan/customer-loan", { token: people.agent.token, body: { customer_id: people.customer.id, principal: "250000.00", tenure_months: 24 } });
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({ principal: "250000.00", interest_rate: "12.00", emi: "11768.37", status: "NEW", version: 1 });
  expect(created.headers.get("location")).toBe(`/api/v1/loan/loan-details/${created.body.id}`);
  const decided = await api.call("PUT", `/api/loan/approve-reject-loan/${created.body.id}`, { token: people.admin.token, body: { status: "APPROVED" } });
  expect(decided.status).toBe(200);
  expect(decided.body).toMatchObject({ status: "APPROVED", decided_by: people.admin.id });
});
