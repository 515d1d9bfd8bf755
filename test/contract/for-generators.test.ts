/**
 * What code generators and API tools read in the document (SPEC "Security and the HTTP
 * contract", "The OpenAPI document, for generators"), checked on the document the code
 * builds (the gateway serves the same, document.test.ts): an absolute server URL, error
 * types as an enum of the real ones, integer codes, money as decimal strings, dates with
 * their format, path parameters with examples, and the headers tools rely on.
 */
import { ERROR_TYPES } from "../../sdk/errors.js";
import type { JsonSchema } from "../../sdk/schemas.js";
import { documentFromCode } from "../../app/openapi.js";
import type { OpenApiDocument, OpenApiOperation, OpenApiResponse } from "../../services/api/openapi/types.js";

const doc: OpenApiDocument = documentFromCode();
const ops: Array<{ name: string; op: OpenApiOperation }> = Object.entries(doc.paths).flatMap(([path, byMethod]) =>
  Object.entries(byMethod).map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, op })),
);
const responsesOf = (status: string): Array<{ name: string; response: OpenApiResponse }> => ops.flatMap(({ name, op }) => (op.responses[status] ? [{ name, response: op.responses[status] }] : []));

/** Every schema object inside `schema`, with where it sits. */
function walk(schema: JsonSchema | undefined, at: string, out: Array<{ at: string; schema: JsonSchema }> = []) {
  if (!schema || typeof schema !== "object") return out;
  out.push({ at, schema });
  for (const [k, s] of Object.entries(schema.properties ?? {})) walk(s, `${at}.${k}`, out);
  if (schema.items) walk(schema.items, `${at}[]`, out);
  for (const key of ["oneOf", "anyOf", "allOf"] as const) (schema[key] ?? []).forEach((s, i) => walk(s, `${at}.${key}[${i}]`, out));
  if (typeof schema.additionalProperties === "object") walk(schema.additionalProperties, `${at}.*`, out);
  return out;
}

/** Every schema of the document: components, parameters, request bodies, headers. */
function everySchema(): Array<{ at: string; schema: JsonSchema }> {
  const found = Object.entries(doc.components.schemas).flatMap(([name, s]) => walk(s, name));
  for (const { name, op } of ops) {
    for (const p of op.parameters) walk(p.schema, `${name} ${p.in} ${p.name}`, found);
    walk(op.requestBody?.content["application/json"]?.schema, `${name} body`, found);
  }
  return found;
}

const hasType = (s: JsonSchema, t: string) => s.type === t || (Array.isArray(s.type) && s.type.includes(t));
const DATE_PATTERN = "^\\d{4}-\\d{2}-\\d{2}$";

test("servers: one absolute URL, a {baseUrl} variable whose default is an absolute http(s) URL", () => {
  expect(doc.servers).toHaveLength(1);
  const [server] = doc.servers;
  expect(server!.url).toBe("{baseUrl}");
  const base = server!.variables?.baseUrl;
  expect(base).toEqual(expect.objectContaining({ default: expect.stringMatching(/^https?:\/\//), description: expect.any(String) }));
  expect(new URL(base!.default).pathname).toBe("/");
});

test("the error `type` is an enum of ERROR_TYPES (sdk/errors.ts), and every error example uses one of them", () => {
  expect(doc.components.schemas.ApiError!.properties!.type).toEqual(expect.objectContaining({ type: "string", enum: [...ERROR_TYPES] }));
  const examples = ops.flatMap(({ name, op }) =>
    Object.entries(op.responses)
      .filter(([status]) => Number(status) >= 400 && op.operationId !== "health")
      .map(([status, r]) => ({ at: `${name} ${status}`, type: (r.content?.["application/json"]?.example as { type?: string } | undefined)?.type })),
  );
  expect(examples.filter((e) => !ERROR_TYPES.includes(e.type as (typeof ERROR_TYPES)[number]))).toEqual([]);
  // moleculer-web sends NO_TOKEN; ERR_NO_TOKEN is only the name of its constant
  expect(responsesOf("401").map((r) => (r.response.content!["application/json"]!.example as { type: string }).type)).toContain("NO_TOKEN");
  expect(JSON.stringify(doc)).not.toMatch(/"ERR_[A-Z_]+"/);
});

test("every `const` has its `type` (orval makes `never` of a bare const), and 422's code is the integer 422", () => {
  const bare = everySchema().filter(({ schema }) => "const" in schema && !schema.type);
  expect(bare.map((b) => b.at)).toEqual([]);
  const code = walk(doc.components.schemas.ValidationError, "ValidationError").find((s) => s.at.endsWith(".code") && "const" in s.schema);
  expect(code!.schema).toEqual(expect.objectContaining({ type: "integer", const: 422 }));
});

test("money: every decimal string carries format decimal; request money is a string only, numbers still accepted", () => {
  const decimals = everySchema().filter(({ schema }) => hasType(schema, "string") && /\\d\+?\(?\\\.\\d/.test(schema.pattern ?? ""));
  expect(decimals.length).toBeGreaterThan(20);
  expect(decimals.filter(({ schema }) => schema.format !== "decimal").map((d) => d.at)).toEqual([]);
  const mixed = everySchema().filter(({ schema }) => (schema.oneOf ?? schema.anyOf ?? []).some((s) => hasType(s, "number")) && (schema.oneOf ?? schema.anyOf ?? []).some((s) => hasType(s, "string")));
  expect(mixed.map((m) => m.at)).toEqual([]);
  const bodyOf = (path: string, method: string) => doc.paths[path]![method]!.requestBody!.content["application/json"]!.schema.properties!;
  for (const money of [bodyOf("/api/v1/loan/customer-loan", "post").principal, bodyOf("/api/v1/loan/edit-loan/{id}", "put").principal, bodyOf("/api/v1/loan/repayment/{id}", "post").amount]) {
    expect(money).toEqual(expect.objectContaining({ type: "string", format: "decimal", description: expect.stringMatching(/number/i) }));
  }
});

test("dates: calendar dates carry format date, timestamps date-time, in answers, bodies and queries", () => {
  const dates = everySchema().filter(({ schema }) => schema.pattern === DATE_PATTERN);
  expect(dates.length).toBeGreaterThan(5);
  expect(dates.filter(({ schema }) => schema.format !== "date").map((d) => d.at)).toEqual([]);
  const schedule = doc.paths["/api/v1/loan/loan-schedule/{id}"]!.get!;
  expect(schedule.parameters.find((p) => p.name === "as_of")!.schema).toEqual(expect.objectContaining({ type: "string", format: "date" }));
  const repay = doc.paths["/api/v1/loan/repayment/{id}"]!.post!.requestBody!.content["application/json"]!.schema.properties!;
  expect(repay.paid_on).toEqual(expect.objectContaining({ format: "date" }));
  expect(doc.components.schemas.Loan!.properties!.created_at).toEqual(expect.objectContaining({ format: "date-time" }));
});

test("every path parameter carries an `example` of its own (Dredd reads only that), valid for its schema", () => {
  const params = ops.flatMap(({ name, op }) => op.parameters.filter((p) => p.in === "path").map((p) => ({ at: `${name} ${p.name}`, p })));
  expect(params.length).toBeGreaterThan(10);
  expect(params.filter(({ p }) => p.example === undefined).map((x) => x.at)).toEqual([]);
  for (const { at, p } of params) {
    if (hasType(p.schema, "integer")) expect({ at, ok: Number.isInteger(p.example) && (p.example as number) > 0 }).toEqual({ at, ok: true });
    else expect({ at, type: typeof p.example }).toEqual({ at, type: "string" });
  }
});

test("401 answers document WWW-Authenticate: Bearer", () => {
  const answers = responsesOf("401");
  expect(answers.length).toBeGreaterThan(10);
  for (const { name, response } of answers) {
    expect({ name, header: response.headers?.["WWW-Authenticate"]?.schema }).toEqual({ name, header: expect.objectContaining({ type: "string", pattern: expect.stringMatching(/^\^Bearer/) }) });
  }
});

test("rate-limited operations document X-Rate-Limit-Limit/Remaining/Reset (reset in seconds); 429 and 503 carry Retry-After", () => {
  for (const path of ["/api/v1/user/login", "/api/v1/user/signup"]) {
    const op = doc.paths[path]!.post!;
    for (const [status, response] of Object.entries(op.responses)) {
      const headers = response.headers ?? {};
      expect({ path, status, names: Object.keys(headers) }).toEqual({ path, status, names: expect.arrayContaining(["X-Rate-Limit-Limit", "X-Rate-Limit-Remaining", "X-Rate-Limit-Reset"]) });
      expect(headers["X-Rate-Limit-Reset"]!.description).toMatch(/seconds/i);
    }
  }
  expect(doc.paths["/api/v1/user/profile"]!.get!.responses["200"]!.headers?.["X-Rate-Limit-Limit"]).toBeUndefined();
  for (const status of ["429", "503"]) {
    for (const { name, response } of responsesOf(status)) {
      if (name.endsWith("/health")) continue;
      expect({ name, retryAfter: response.headers?.["Retry-After"]?.required }).toEqual({ name, retryAfter: true });
    }
  }
});

test("every 201 documents its Location; every operation with a JSON body documents 415", () => {
  for (const { name, response } of responsesOf("201")) expect({ name, location: response.headers?.Location?.required }).toEqual({ name, location: true });
  const withBody = ops.filter(({ op }) => op.requestBody);
  expect(withBody.length).toBeGreaterThan(5);
  for (const { name, op } of withBody) expect({ name, has415: "415" in op.responses }).toEqual({ name, has415: true });
});
