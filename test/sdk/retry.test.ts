/**
 * The retry policy and the error mapping, with an injected `fetch` (the SDK's test seam):
 * what is repeated, what is not, and how long the client waits.
 */
import {
  BadRequestError,
  ConnectionError,
  ConnectionTimeoutError,
  LoanApiError,
  LoanClient,
  PayloadTooLargeError,
  RateLimitError,
  ServerError,
  ServiceUnavailableError,
  type FetchLike,
} from "../../sdk/index.js";
import { backoffDelay, parseRetryAfter, retryDecision } from "../../sdk/retry.js";

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/** A fetch answering from a script: a Response, or an Error to throw. */
function scripted(...answers: Array<Response | Error>): { fetch: FetchLike; calls: Call[] } {
  const calls: Call[] = [];
  const fetch: FetchLike = async (url, init) => {
    calls.push({
      url,
      method: init.method ?? "GET",
      headers: init.headers as Record<string, string>,
      body: init.body as string | undefined,
    });
    const answer = answers[Math.min(calls.length - 1, answers.length - 1)]!;
    if (answer instanceof Error) throw answer;
    return answer.clone();
  };
  return { fetch, calls };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Response =>
  new Response(status === 204 ? null : JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });

const refused = (): Error => Object.assign(new TypeError("fetch failed"), { cause: Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }) });
const reset = (): Error => Object.assign(new TypeError("fetch failed"), { cause: Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }) });

const health = { status: "ok", services: ["users", "loans"] };
const loan = { id: 1, status: "NEW" };
const unavailable = { name: "ServiceUnavailableError", message: "retry shortly", code: 503, type: "SERVICE_UNAVAILABLE" };

describe("requests", () => {
  test("sends JSON, the bearer token, the query; a 204 answers undefined", async () => {
    const { fetch, calls } = scripted(json(200, { rows: [], total: 0, page: 2, pageSize: 5, totalPages: 0 }), json(204, null));
    const client = new LoanClient({ baseUrl: "http://api.test/", token: "t0k", fetch });
    await client.listUsers({ role: "agent", page: 2, pageSize: 5 });
    await expect(client.deleteAgent(7)).resolves.toBeUndefined();
    expect(calls[0]).toMatchObject({ url: "http://api.test/api/v1/user/list-users?role=agent&page=2&pageSize=5", method: "GET" });
    expect(calls[0]!.headers.authorization).toBe("Bearer t0k");
    expect(calls[1]).toMatchObject({ url: "http://api.test/api/v1/user/approve-delete/7", method: "DELETE" });
  });

  test("login and signup send no token; login keeps the new one", async () => {
    const { fetch, calls } = scripted(json(200, { token: "new", token_type: "Bearer", expires_in: 7200, user: {} }));
    const client = new LoanClient({ baseUrl: "http://api.test", token: "old", fetch });
    await client.login({ email: "a@b.c", password: "password-1" });
    expect(calls[0]!.headers.authorization).toBeUndefined();
    expect(JSON.parse(calls[0]!.body!)).toEqual({ email: "a@b.c", password: "password-1" });
    expect(client.token).toBe("new");
  });

  test("an id must be a positive integer", () => {
    const client = new LoanClient({ fetch: scripted(json(200, loan)).fetch });
    expect(() => client.getLoan(0)).toThrow(RangeError);
    expect(() => client.getLoan(1.5)).toThrow(RangeError);
  });
});

describe("errors", () => {
  test("each status becomes its class, with status, type, message and data", async () => {
    const cases: Array<[number, new (...args: never[]) => LoanApiError, string]> = [
      [400, BadRequestError, "bad_request"],
      [413, PayloadTooLargeError, "payload_too_large"],
      [500, ServerError, "server"],
      [503, ServiceUnavailableError, "unavailable"],
    ];
    for (const [status, Class, kind] of cases) {
      const { fetch } = scripted(json(status, { name: "X", message: `m${status}`, code: status, type: "T", data: { a: 1 } }));
      const error = await new LoanClient({ fetch, maxRetries: 0 }).requestLoan({ customer_id: 1, principal: "1000.00", tenure_months: 1 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Class);
      expect(error).toBeInstanceOf(LoanApiError);
      expect(error).toMatchObject({ status, kind, type: "T", message: `m${status}`, data: { a: 1 } });
    }
  });

  test("a body that is not moleculer-web's shape still gives a clear error", async () => {
    const { fetch } = scripted(new Response("upstream down", { status: 502, headers: { "content-type": "text/plain" } }));
    const error = await new LoanClient({ fetch, maxRetries: 0 }).profile().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ status: 502, message: "Bad gateway: upstream down", data: "upstream down" });
  });
});

describe("retries", () => {
  const fast = { maxRetries: 2 };
  beforeEach(() => jest.spyOn(Math, "random").mockReturnValue(1)); // the shortest backoff (0.75 of it)
  afterEach(() => jest.restoreAllMocks());

  test("a GET is repeated after 503 and 502, then succeeds", async () => {
    const { fetch, calls } = scripted(json(503, unavailable, { "retry-after": "0" }), json(502, {}), json(200, health));
    await expect(new LoanClient({ fetch, ...fast }).health()).resolves.toEqual(health);
    expect(calls).toHaveLength(3);
  });

  test("a GET is repeated after a connection reset; a POST is not", async () => {
    const get = scripted(reset(), json(200, loan));
    await expect(new LoanClient({ fetch: get.fetch, ...fast }).getLoan(1)).resolves.toEqual(loan);
    expect(get.calls).toHaveLength(2);

    const post = scripted(reset(), json(201, loan));
    const error = await new LoanClient({ fetch: post.fetch, ...fast }).requestLoan({ customer_id: 1, principal: 1000, tenure_months: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(post.calls).toHaveLength(1);
  });

  test("a POST is repeated when the connection was refused (nothing was sent)", async () => {
    const { fetch, calls } = scripted(refused(), json(201, loan));
    await expect(new LoanClient({ fetch, ...fast }).requestLoan({ customer_id: 1, principal: 1000, tenure_months: 1 })).resolves.toEqual(loan);
    expect(calls).toHaveLength(2);
  });

  test("a POST is repeated after 429 and 503, honouring Retry-After", async () => {
    const { fetch, calls } = scripted(json(429, { message: "slow down", code: 429 }, { "retry-after": "0" }), json(503, unavailable, { "retry-after": "0" }), json(201, loan));
    await expect(new LoanClient({ fetch, ...fast }).requestLoan({ customer_id: 1, principal: 1000, tenure_months: 1 })).resolves.toEqual(loan);
    expect(calls).toHaveLength(3);
  });

  test("a POST that timed out is not repeated (it may have been done)", async () => {
    let calls = 0;
    const fetch: FetchLike = (_url, init) => {
      calls++;
      return new Promise((_resolve, reject) => {
        // What a fetch aborted by its signal rejects with: the signal's reason (a DOMException).
        init.signal?.addEventListener("abort", () => reject(init.signal?.reason as Error));
      });
    };
    const error = await new LoanClient({ fetch, timeout: 30, ...fast }).requestLoan({ customer_id: 1, principal: 1000, tenure_months: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionTimeoutError);
    expect(calls).toBe(1);
  });

  test("4xx answers are never repeated; a Retry-After beyond maxRetryDelay is not waited for", async () => {
    const conflict = scripted(json(409, { message: "not NEW", code: 409 }));
    await new LoanClient({ fetch: conflict.fetch, ...fast }).getLoan(1).catch(() => undefined);
    expect(conflict.calls).toHaveLength(1);

    const limited = scripted(json(429, { message: "slow down", code: 429 }, { "retry-after": "30" }));
    const started = Date.now();
    const error = await new LoanClient({ fetch: limited.fetch, maxRetryDelay: 1000 }).login({ email: "a@b.c", password: "x" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfter).toBe(30);
    expect(limited.calls).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(500);
  });

  test("maxRetries bounds the attempts, per client and per call", async () => {
    const a = scripted(json(503, unavailable, { "retry-after": "0" }));
    await new LoanClient({ fetch: a.fetch, maxRetries: 3 }).health().catch(() => undefined);
    expect(a.calls).toHaveLength(4);
    const b = scripted(json(503, unavailable, { "retry-after": "0" }));
    await new LoanClient({ fetch: b.fetch, maxRetries: 3 }).health({ maxRetries: 0 }).catch(() => undefined);
    expect(b.calls).toHaveLength(1);
  });
});

describe("policy helpers", () => {
  test("backoff doubles from 0.5 s up to 8 s, jitter taking off at most a quarter", () => {
    expect(backoffDelay(0, () => 0)).toBe(500);
    expect(backoffDelay(1, () => 0)).toBe(1000);
    expect(backoffDelay(2, () => 0)).toBe(2000);
    expect(backoffDelay(10, () => 0)).toBe(8000);
    expect(backoffDelay(0, () => 1)).toBe(375);
  });

  test("Retry-After is seconds or an HTTP date", () => {
    expect(parseRetryAfter("12")).toBe(12);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter("soon")).toBeUndefined();
    const now = Date.parse("2025-01-01T00:00:00Z");
    expect(parseRetryAfter("Wed, 01 Jan 2025 00:00:30 GMT", now)).toBe(30);
  });

  test("a GET 500 is not retried (a bug stays a bug); a 502 is", () => {
    const error = (status: number): LoanApiError => LoanApiError.fromResponse(status, {});
    const decide = (method: string, status: number) => retryDecision({ method, error: error(status), code: undefined, attempt: 0, maxRetries: 2, maxRetryDelayMs: 60_000 }).retry;
    expect(decide("GET", 500)).toBe(false);
    expect(decide("GET", 502)).toBe(true);
    expect(decide("PUT", 502)).toBe(false);
    expect(decide("PUT", 503)).toBe(true);
    expect(decide("DELETE", 429)).toBe(true);
    expect(decide("GET", 404)).toBe(false);
  });
});
