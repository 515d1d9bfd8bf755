/**
 * Login and signup are rate limited per address: past the limit the SDK throws a
 * RateLimitError carrying Retry-After, and does not wait longer than `maxRetryDelay`.
 */
import { AuthenticationError, LoanApiError, LoanClient, RateLimitError } from "../../sdk/index.js";
import { useStack } from "../support/fixture.js";

const { stack } = useStack({ env: { RATE_LIMIT_AUTH_PER_MINUTE: "3" } });

test("past the limit, login answers a RateLimitError with retryAfter; other endpoints are not slowed", async () => {
  // Retry-After (up to a minute) is longer than maxRetryDelay: thrown at once, not waited for
  const client = new LoanClient({ baseUrl: stack.url, maxRetryDelay: 1000 });
  const attempts: unknown[] = [];
  for (let i = 0; i < 4; i++) {
    attempts.push(await client.login({ email: "nobody@example.com", password: "wrong-password" }).catch((e: unknown) => e));
  }
  expect(attempts.slice(0, 3).every((e) => e instanceof AuthenticationError)).toBe(true);
  const limited = attempts[3] as LoanApiError;
  expect(limited).toBeInstanceOf(RateLimitError);
  expect(limited).toMatchObject({ status: 429, kind: "rate_limited" });
  expect(limited.retryAfter).toBeGreaterThan(0);
  expect(limited.retryAfter).toBeLessThanOrEqual(60);
  expect(limited.headers?.get("retry-after")).toBeTruthy();

  const started = Date.now();
  await expect(client.health()).resolves.toMatchObject({ status: "ok" });
  expect(Date.now() - started).toBeLessThan(2000);
});
