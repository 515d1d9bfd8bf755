/**
 * The gateway's HTTP contract (SPEC "Security and the HTTP contract"), through real HTTP:
 * - OPTIONS never runs an action (issue 16 #1): not with a token, not with the console's
 *   cookie and no CSRF token, not on a read; without CORS it answers 204 with `Allow`.
 * - HEAD answers as GET without a body; a known path with a method it does not take → 405
 *   with `Allow`; a body that is not JSON on a JSON endpoint → 415.
 * - No 500 from input: corrupt gzip/deflate/br bodies → 400; odd or over-long request ids.
 * - Authenticated answers carry `Cache-Control: no-store`, 401s `WWW-Authenticate: Bearer`.
 * - Writes and login never read the query string.
 * - Answers over 1 KB are compressed when the client accepts it (cached ones too, and a
 *   write still shows in the next compressed read).
 * - X-Rate-Limit-Reset is in seconds; the memory cache is bounded by CACHER_MAX_KEYS;
 *   the console's source map is not served.
 */
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { useStack } from "../support/fixture.js";
import { email } from "../support/http.js";
import { rawRequest, type RawAnswer } from "../support/raw-http.js";

const CACHER_MAX_KEYS = 40;
const { stack, api, people } = useStack({ people: true, env: { CACHER_MAX_KEYS: String(CACHER_MAX_KEYS) } });

const raw = (method: string, url: string, headers: Record<string, string> = {}, body?: Buffer | string) => rawRequest(stack.url, method, url, { headers, body });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const JSON_TYPE = { "content-type": "application/json" };

async function newLoan(): Promise<number> {
  const res = await api.call("POST", "/api/v1/loan/customer-loan", { token: people.agent.token, body: { customer_id: people.customer.id, principal: "25000.00", tenure_months: 12 } });
  expect(res.status).toBe(201);
  return res.body.id;
}

async function loanStatus(id: number): Promise<string> {
  const res = await api.call("GET", `/api/v1/loan/loan-details/${id}`, { token: people.admin.token });
  expect(res.status).toBe(200);
  return res.body.status;
}

/** The console's real session: its cookie from POST /admin/session, as the browser keeps it. */
async function consoleCookie(): Promise<{ cookie: string; csrf: string }> {
  const res = await api.call("POST", "/admin/session", { body: { email: stack.admin.email, password: stack.admin.password } });
  expect(res.status).toBe(200);
  return { cookie: (res.headers.get("set-cookie") ?? "").split(";")[0]!, csrf: res.body.csrf_token };
}

function allowOf(res: RawAnswer): string[] {
  return String(res.headers.allow ?? "")
    .split(/\s*,\s*/)
    .filter(Boolean)
    .sort();
}

function expectErrorShape(res: RawAnswer, code: number, type?: string): void {
  expect(res.status).toBe(code);
  expect(res.headers["content-type"]).toMatch(/^application\/json/);
  expect(res.json).toEqual(expect.objectContaining({ name: expect.any(String), message: expect.any(String), code, type: type ?? expect.any(String) }));
}

describe("OPTIONS never runs an action", () => {
  test("the issue's attack: an admin's OPTIONS with Access-Control-Request-Method: PUT and a body leaves the loan NEW", async () => {
    const id = await newLoan();
    const res = await raw(
      "OPTIONS",
      `/api/v1/loan/approve-reject-loan/${id}`,
      { ...bearer(people.admin.token), ...JSON_TYPE, "access-control-request-method": "PUT" },
      JSON.stringify({ status: "REJECTED" }),
    );
    expect(res.status).toBe(204);
    expect(res.raw.length).toBe(0);
    expect(allowOf(res)).toEqual(["OPTIONS", "PUT"]);
    expect(await loanStatus(id)).toBe("NEW");
  });

  test("with the console's cookie and no X-CSRF-Token, an OPTIONS approves nothing (with or without the request-method header)", async () => {
    const { cookie } = await consoleCookie();
    const id = await newLoan();
    for (const extra of [{ "access-control-request-method": "PUT" }, {}] as Array<Record<string, string>>) {
      const res = await raw("OPTIONS", `/api/v1/loan/approve-reject-loan/${id}`, { cookie, ...JSON_TYPE, ...extra }, JSON.stringify({ status: "APPROVED" }));
      expect(res.status).toBe(204);
      expect(res.raw.length).toBe(0);
    }
    expect(await loanStatus(id)).toBe("NEW");
  });

  test("OPTIONS on a read answers no data, only what the path takes", async () => {
    const res = await raw("OPTIONS", "/api/v1/user/profile", bearer(people.admin.token));
    expect(res.status).toBe(204);
    expect(res.raw.length).toBe(0);
    expect(allowOf(res)).toEqual(["GET", "HEAD", "OPTIONS"]);
    const both = await raw("OPTIONS", "/api/v1/user/approve-delete/1", bearer(people.admin.token));
    expect(allowOf(both)).toEqual(["DELETE", "OPTIONS", "PUT"]);
  });

  test("OPTIONS on an unknown path is a 404", async () => {
    expectErrorShape(await raw("OPTIONS", "/api/v1/no/such/path"), 404);
  });
});

describe("HEAD, 405 and 415", () => {
  test("HEAD answers as GET without a body: /health and an authenticated read", async () => {
    for (const [url, headers] of [
      ["/health", {}],
      ["/api/v1/user/profile", bearer(people.customer.token)],
    ] as const) {
      const [get, head] = [await raw("GET", url, headers), await raw("HEAD", url, headers)];
      expect(get.status).toBe(200);
      expect(head.status).toBe(200);
      expect(head.raw.length).toBe(0);
      expect(head.headers["content-type"]).toBe(get.headers["content-type"]);
    }
    // a HEAD of a path that needs a token is refused without one, as its GET
    expect((await raw("HEAD", "/api/v1/user/profile")).status).toBe(401);
  });

  test("a known path with a method it does not take → 405 with Allow, in the error shape", async () => {
    const cases: Array<[string, string, string[]]> = [
      ["PATCH", "/api/v1/loan/edit-loan/1", ["OPTIONS", "PUT"]],
      ["GET", "/api/v1/user/login", ["OPTIONS", "POST"]],
      ["DELETE", "/api/user/profile", ["GET", "HEAD", "OPTIONS"]],
      ["POST", "/health", ["GET", "HEAD", "OPTIONS"]],
      ["TRACE", "/api/v1/user/profile", ["GET", "HEAD", "OPTIONS"]],
      ["PUT", "/api/v1/openapi.json", ["GET", "HEAD", "OPTIONS"]],
    ];
    for (const [method, url, allow] of cases) {
      const res = await raw(method, url, bearer(people.admin.token));
      expectErrorShape(res, 405, "METHOD_NOT_ALLOWED");
      expect(allowOf(res)).toEqual(allow);
    }
    // an unknown path stays a 404
    expectErrorShape(await raw("PATCH", "/api/v1/no/such/path"), 404);
  });

  test("a body that is not JSON on a JSON endpoint → 415, and nothing is written", async () => {
    const before = (await api.call("GET", "/api/v1/loan/list-loans-admin-agent", { token: people.admin.token })).body.total;
    const loan = JSON.stringify({ customer_id: people.customer.id, principal: "25000.00", tenure_months: 12 });
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml", "application/json-patch+json"]) {
      expectErrorShape(await raw("POST", "/api/v1/loan/customer-loan", { ...bearer(people.agent.token), "content-type": type }, loan), 415, "UNSUPPORTED_MEDIA_TYPE");
    }
    // a body without any Content-Type is not taken for JSON either
    expectErrorShape(await raw("POST", "/api/v1/loan/customer-loan", bearer(people.agent.token), loan), 415, "UNSUPPORTED_MEDIA_TYPE");
    expectErrorShape(
      await raw("POST", "/api/v1/user/login", { "content-type": "text/plain" }, JSON.stringify({ email: stack.admin.email, password: stack.admin.password })),
      415,
      "UNSUPPORTED_MEDIA_TYPE",
    );
    expect((await api.call("GET", "/api/v1/loan/list-loans-admin-agent", { token: people.admin.token })).body.total).toBe(before);
    // JSON with its parameters is JSON; a write with no body at all needs no Content-Type
    expect((await raw("POST", "/api/v1/loan/customer-loan", { ...bearer(people.agent.token), "content-type": "application/json; charset=utf-8" }, loan)).status).toBe(201);
    const agent = await api.signup("agent", email("http-agent"));
    expect((await raw("PUT", `/api/v1/user/approve-delete/${agent.id}`, bearer(people.admin.token))).status).toBe(200);
  });
});

describe("no 500 from input", () => {
  const login = () => Buffer.from(JSON.stringify({ email: stack.admin.email, password: stack.admin.password }));
  const signup = () => Buffer.from(JSON.stringify({ email: email("enc"), password: "password-123", first_name: "Enc", last_name: "Oded", is_customer: true, is_agent: false }));
  const compress: Record<string, (b: Buffer) => Buffer> = { gzip: zlib.gzipSync, deflate: zlib.deflateSync, br: zlib.brotliCompressSync };

  test("corrupt gzip, deflate and br bodies on signup and login → 400", async () => {
    for (const coding of ["gzip", "deflate", "br"]) {
      for (const [url, body] of [
        ["/api/v1/user/login", login()],
        ["/api/v1/user/signup", signup()],
        ["/api/user/login", login()],
      ] as const) {
        const corrupt = Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), body]);
        const truncated = compress[coding]!(body).subarray(0, 12);
        for (const payload of [corrupt, truncated, body]) {
          const res = await raw("POST", url, { ...JSON_TYPE, "content-encoding": coding }, payload);
          expectErrorShape(res, 400, "INVALID_CONTENT_ENCODING");
        }
      }
    }
  });

  test("valid gzip, deflate and br bodies are read; an unknown coding → 415", async () => {
    for (const coding of ["gzip", "deflate", "br"]) {
      const res = await raw("POST", "/api/v1/user/login", { ...JSON_TYPE, "content-encoding": coding }, compress[coding]!(login()));
      expect(res.status).toBe(200);
    }
    expectErrorShape(await raw("POST", "/api/v1/user/login", { ...JSON_TYPE, "content-encoding": "compress" }, login()), 415, "UNSUPPORTED_MEDIA_TYPE");
  });

  test("an over-long or odd X-Request-ID / X-Correlation-ID makes no 500 on a write, and is not echoed", async () => {
    const odd = ["r".repeat(201), "x".repeat(5000), "a b c", "id;drop table loans", "\u00e9t\u00e9", "<script>", "%00", '"quoted"'];
    for (const value of odd) {
      for (const header of ["x-request-id", "x-correlation-id"]) {
        const res = await raw(
          "POST",
          "/api/v1/loan/customer-loan",
          { ...bearer(people.agent.token), ...JSON_TYPE, [header]: Buffer.from(value, "utf8").toString("latin1") },
          JSON.stringify({ customer_id: people.customer.id, principal: "1000.00", tenure_months: 1 }),
        );
        expect(res.status).toBe(201);
        expect(res.headers["x-request-id"]).not.toBe(value);
        expect(String(res.headers["x-request-id"]).length).toBeLessThanOrEqual(128);
      }
    }
    // a well-formed one is kept (and echoed), as before
    const id = "3f1c2b6e-6a7d-4f7e-9d2a-0b5c8e1f2a3b";
    expect((await raw("GET", "/api/v1/user/profile", { ...bearer(people.agent.token), "x-request-id": id })).headers["x-request-id"]).toBe(id);
  });
});

describe("caching and authentication headers", () => {
  test("every answer to a request with a token or the console cookie carries Cache-Control: no-store, errors too", async () => {
    const { cookie } = await consoleCookie();
    const answers = [
      await raw("GET", "/api/v1/user/profile", bearer(people.customer.token)),
      await raw("GET", "/api/v1/loan/list-loans-customer", bearer(people.customer.token)),
      await raw("GET", "/api/v1/loan/list-loans-admin-agent", bearer(people.customer.token)), // 403
      await raw("GET", "/api/v1/user/profile", bearer("not.a.token")), // 401
      await raw("GET", "/api/v1/loan/loan-details/999999", bearer(people.admin.token)), // 404
      await raw("GET", "/admin/session", { cookie }),
      await raw("GET", "/api/v1/user/profile", { cookie }),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 200, 403, 401, 404, 200, 200]);
    for (const a of answers) expect(a.headers["cache-control"]).toBe("no-store");
  });

  test("401 answers carry WWW-Authenticate: Bearer", async () => {
    for (const headers of [{}, bearer("not.a.token"), { authorization: "Basic Zm9vOmJhcg==" }]) {
      const res = await raw("GET", "/api/v1/user/profile", headers);
      expect(res.status).toBe(401);
      expect(res.headers["www-authenticate"]).toMatch(/^Bearer\b/);
    }
  });

  test("X-Rate-Limit-Reset counts the seconds to the window's end, not an epoch", async () => {
    const res = await raw("POST", "/api/v1/user/login", JSON_TYPE, login());
    expect(res.status).toBe(200);
    const reset = String(res.headers["x-rate-limit-reset"]);
    expect(reset).toMatch(/^\d+$/);
    expect(Number(reset)).toBeLessThanOrEqual(60);
    function login() {
      return JSON.stringify({ email: stack.admin.email, password: stack.admin.password });
    }
  });
});

describe("the query string is not a body", () => {
  test("a write's fields come from its JSON body only", async () => {
    const id = await newLoan();
    const res = await raw("PUT", `/api/v1/loan/approve-reject-loan/${id}?status=REJECTED`, { ...bearer(people.admin.token), ...JSON_TYPE }, JSON.stringify({ status: "APPROVED" }));
    expect(res.status).toBe(200);
    expect(res.json.status).toBe("APPROVED");
    const other = await newLoan();
    const fromQuery = await raw("PUT", `/api/v1/loan/approve-reject-loan/${other}?status=REJECTED`, { ...bearer(people.admin.token), ...JSON_TYPE }, "{}");
    expect(fromQuery.status).toBe(422);
    expect(await loanStatus(other)).toBe("NEW");
  });

  test("login and signup never read the query string", async () => {
    const q = `email=${encodeURIComponent(stack.admin.email)}&password=${encodeURIComponent(stack.admin.password)}`;
    for (const url of [`/api/v1/user/login?${q}`, `/api/user/login?${q}`]) {
      const res = await raw("POST", url, JSON_TYPE, "{}");
      expect(res.status).toBe(422);
      expect(res.json.token).toBeUndefined();
    }
    const signupQuery = `email=${encodeURIComponent(email("q"))}&password=password-123&first_name=Q&last_name=S&is_customer=true&is_agent=false`;
    expect((await raw("POST", `/api/v1/user/signup?${signupQuery}`, JSON_TYPE, "{}")).status).toBe(422);
  });
});

describe("compression", () => {
  const decode: Record<string, (b: Buffer) => Buffer> = { gzip: zlib.gunzipSync, br: zlib.brotliDecompressSync };

  test("the OpenAPI document (over 100 KB) is compressed with br or gzip as the client accepts", async () => {
    const plain = await raw("GET", "/api/v1/openapi.json");
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.raw.length).toBeGreaterThan(100_000);
    for (const [accept, coding] of [
      ["gzip", "gzip"],
      ["br", "br"],
      ["gzip, deflate, br", "br"],
      ["br;q=0, gzip", "gzip"],
      ["*", "br"],
    ] as const) {
      const res = await raw("GET", "/api/v1/openapi.json", { "accept-encoding": accept });
      expect(res.status).toBe(200);
      expect(res.headers["content-encoding"]).toBe(coding);
      expect(res.headers.vary).toMatch(/Accept-Encoding/i);
      expect(res.raw.length).toBeLessThan(plain.raw.length / 4);
      expect(Number(res.headers["content-length"])).toBe(res.raw.length);
      expect(JSON.parse(decode[coding]!(res.raw).toString("utf8"))).toEqual(plain.json);
    }
    expect((await raw("GET", "/api/v1/openapi.json", { "accept-encoding": "identity" })).headers["content-encoding"]).toBeUndefined();
  });

  test("a small answer is not compressed", async () => {
    const res = await raw("GET", "/api/v1/user/profile", { ...bearer(people.customer.token), "accept-encoding": "gzip, br" });
    expect(res.raw.length).toBeLessThan(1024);
    expect(res.headers["content-encoding"]).toBeUndefined();
  });

  test("a cached list is compressed, read twice alike, and a write shows in the next compressed read", async () => {
    for (let i = 0; i < 12; i += 1) await newLoan();
    const read = async () => {
      const res = await raw("GET", "/api/v1/loan/list-loans-customer", { ...bearer(people.customer.token), "accept-encoding": "gzip" });
      expect(res.status).toBe(200);
      expect(res.headers["content-encoding"]).toBe("gzip");
      return JSON.parse(zlib.gunzipSync(res.raw).toString("utf8"));
    };
    const first = await read();
    expect(await read()).toEqual(first);
    await newLoan();
    const after = await read();
    expect(after.total).toBe(first.total + 1);
    const plain = await api.call("GET", "/api/v1/loan/list-loans-customer", { token: people.customer.token });
    expect(plain.body).toEqual(after);
  });
});

test("the memory cache holds at most CACHER_MAX_KEYS entries (caller-chosen keys cannot grow it)", async () => {
  const cacher = stack.broker.cacher as unknown as { constructor: { name: string }; cache: { size: number } };
  expect(cacher.constructor.name).toBe("MemoryLRUCacher");
  const id = await newLoan();
  for (let day = 1; day <= CACHER_MAX_KEYS * 2; day += 1) {
    const asOf = new Date(Date.UTC(2030, 0, day)).toISOString().slice(0, 10);
    expect((await raw("GET", `/api/v1/loan/loan-schedule/${id}?as_of=${asOf}`, bearer(people.admin.token))).status).toBe(200);
  }
  expect(cacher.cache.size).toBeLessThanOrEqual(CACHER_MAX_KEYS);
});

test("the console's source maps are not served", async () => {
  const assets = path.join(__dirname, "../../dist/console/assets");
  const files = fs.readdirSync(assets);
  expect(files.filter((f) => f.endsWith(".map"))).toEqual([]);
  const scripts = files.filter((f) => f.endsWith(".js"));
  expect(scripts.length).toBeGreaterThan(0);
  for (const script of scripts) {
    expect(fs.readFileSync(path.join(assets, script), "utf8")).not.toMatch(/sourceMappingURL/);
    expect((await raw("GET", `/admin/assets/${script}.map`)).status).toBe(404);
  }
});
