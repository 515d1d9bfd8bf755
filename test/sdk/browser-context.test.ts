/**
 * The SDK where the back-office console runs it: a browser page. Opened over plain HTTP on
 * a private address, a page has no crypto.randomUUID (secure contexts only); writes must
 * still carry a fresh Idempotency-Key. With an injected `fetch` (the SDK's test seam).
 */
import { LoanClient, type FetchLike } from "../../sdk/index.js";

test("writes carry a fresh Idempotency-Key when crypto.randomUUID is missing", async () => {
  const keys: string[] = [];
  const fetch: FetchLike = async (_url, init) => {
    keys.push((init.headers as Record<string, string>)["idempotency-key"]!);
    return new Response(JSON.stringify({ id: 1, status: "APPROVED" }), { status: 200, headers: { "content-type": "application/json" } });
  };
  const client = new LoanClient({ baseUrl: "http://console.test", fetch, maxRetries: 0 });
  Object.defineProperty(globalThis.crypto, "randomUUID", { value: undefined, configurable: true });
  try {
    expect(typeof globalThis.crypto.randomUUID).toBe("undefined");
    await client.decideLoan(1, { status: "APPROVED" });
    await client.decideLoan(1, { status: "APPROVED" });
  } finally {
    // The own property shadowed the prototype's method: removing it brings that back.
    delete (globalThis.crypto as { randomUUID?: unknown }).randomUUID;
  }
  expect(typeof globalThis.crypto.randomUUID).toBe("function");
  expect(keys).toHaveLength(2);
  for (const key of keys) expect(key).toMatch(/^[0-9a-f]{32}$/);
  expect(keys[0]).not.toBe(keys[1]);
});
