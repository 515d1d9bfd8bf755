/**
 * OPTIONS with CORS_ORIGINS set (SPEC "Security and the HTTP contract", issue 16 #1): a
 * preflight from a listed origin is answered 204 with the CORS headers and runs nothing;
 * from any other origin it is refused (403); an OPTIONS without an Origin answers 204 with
 * `Allow`. No OPTIONS ever runs the action behind the path.
 */
import { useStack } from "../support/fixture.js";
import { rawRequest } from "../support/raw-http.js";

const ALLOWED = "https://console.example";
const { stack, api, people } = useStack({ people: true, env: { CORS_ORIGINS: ALLOWED } });

async function newLoan(): Promise<number> {
  const res = await api.call("POST", "/api/v1/loan/customer-loan", { token: people.agent.token, body: { customer_id: people.customer.id, principal: "25000.00", tenure_months: 12 } });
  expect(res.status).toBe(201);
  return res.body.id;
}

const status = async (id: number) => (await api.call("GET", `/api/v1/loan/loan-details/${id}`, { token: people.admin.token })).body.status;

function preflight(url: string, origin: string | undefined, extra: Record<string, string> = {}) {
  const headers: Record<string, string> = { authorization: `Bearer ${people.admin.token}`, "content-type": "application/json", ...extra };
  if (origin) headers.origin = origin;
  return rawRequest(stack.url, "OPTIONS", url, { headers, body: JSON.stringify({ status: "REJECTED" }) });
}

test("a listed origin's preflight → 204 with the CORS headers, and the loan is not decided", async () => {
  const id = await newLoan();
  const res = await preflight(`/api/v1/loan/approve-reject-loan/${id}`, ALLOWED, { "access-control-request-method": "PUT", "access-control-request-headers": "authorization, content-type" });
  expect(res.status).toBe(204);
  expect(res.raw.length).toBe(0);
  expect(res.headers["access-control-allow-origin"]).toBe(ALLOWED);
  expect(res.headers["access-control-allow-methods"]).toMatch(/PUT/);
  expect(res.headers["access-control-allow-headers"]).toMatch(/Authorization/);
  expect(res.headers["access-control-expose-headers"]).toMatch(/Retry-After/);
  expect(res.headers["access-control-expose-headers"]).toMatch(/X-Rate-Limit-Reset/);
  expect(await status(id)).toBe("NEW");
});

test("another origin's preflight → 403 in the error shape, without CORS headers, and nothing runs", async () => {
  const id = await newLoan();
  for (const extra of [{ "access-control-request-method": "PUT" }, {}] as Array<Record<string, string>>) {
    const res = await preflight(`/api/v1/loan/approve-reject-loan/${id}`, "https://evil.example", extra);
    expect(res.status).toBe(403);
    expect(res.json).toEqual(expect.objectContaining({ code: 403, type: expect.any(String) }));
    expect(res.headers["access-control-allow-origin"]).toBeUndefined();
  }
  expect(await status(id)).toBe("NEW");
});

test("an OPTIONS without an Origin → 204 with Allow, and nothing runs (also on a read)", async () => {
  const id = await newLoan();
  const res = await preflight(`/api/v1/loan/approve-reject-loan/${id}`, undefined, { "access-control-request-method": "PUT" });
  expect(res.status).toBe(204);
  expect(res.headers.allow).toMatch(/PUT/);
  expect(await status(id)).toBe("NEW");
  const read = await preflight(`/api/v1/loan/loan-details/${id}`, undefined);
  expect(read.status).toBe(204);
  expect(read.raw.length).toBe(0);
});
