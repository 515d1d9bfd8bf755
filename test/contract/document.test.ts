/**
 * The published contract itself: GET /api/v1/openapi.json answers a valid OpenAPI 3.1
 * document, the one built from the code; every gateway route is in it and every operation
 * in it is routed (under /api/v1 and /api); its operationIds are the SDK's methods; its
 * examples match its own schemas.
 */
import { validate } from "@readme/openapi-parser";
import { LoanClient } from "../../sdk/client.js";
import { OPERATIONS, type DocumentedAction } from "../../sdk/operations.js";
import { LEGACY_PREFIX, VERSIONED_PREFIX, undocumentedAliases } from "../../services/api/openapi/document.js";
import { documentFromCode, gatewayRoutes } from "../../app/openapi.js";
import type { OpenApiDocument, OpenApiOperation } from "../../services/api/openapi/types.js";
import { canonicalPath, findOperation, schemaValidator } from "../support/contract.js";
import { useStack } from "../support/fixture.js";
import { http } from "../support/http.js";

const { stack } = useStack();
let served: OpenApiDocument;

beforeAll(async () => {
  const res = await http<OpenApiDocument>(stack.url, "GET", "/api/v1/openapi.json");
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  served = res.body;
});

function operations(doc: OpenApiDocument): Array<{ method: string; path: string; op: OpenApiOperation }> {
  return Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ method: method.toUpperCase(), path, op })));
}

test("the gateway serves the document the code builds", () => {
  expect(served).toEqual(JSON.parse(JSON.stringify(documentFromCode())));
  expect(served.openapi).toBe("3.1.0");
});

test("a standard validator (@readme/openapi-parser) finds no error and no warning in it", async () => {
  const result = await validate(structuredClone(served) as Parameters<typeof validate>[0]);
  expect(result).toEqual(expect.objectContaining({ valid: true, warnings: [] }));
});

test("every alias of the gateway has an entry in sdk/operations.ts", () => {
  const missing = undocumentedAliases(gatewayRoutes());
  if (missing.length) {
    throw new Error(
      `These gateway aliases have no entry in OPERATIONS (sdk/operations.ts), so the OpenAPI document leaves them out:\n  ${missing.join("\n  ")}\n` +
        "Add one entry per action: { operationId: <the LoanClient method>, tag, summary, success: { status, schema, description, example }, errors, requestExample }.",
    );
  }
});

describe("every route is documented and every documented operation is routed", () => {
  let aliases: Array<{ method: string; path: string; action: string }>;

  beforeAll(async () => {
    const listed: Array<{ methods: string; fullPath: string; actionName: string }> = await stack.broker.call("api.listAliases");
    aliases = listed.map((a) => ({ method: a.methods, path: a.fullPath.replace(/:(\w+)/g, "{$1}"), action: a.actionName }));
  });

  test("each alias the gateway serves (under /api/v1 and /api) is an operation of the document, of the same action", () => {
    const undocumented = aliases
      // the document itself, its renderer, the console's own session routes and the bare address's redirect are not operations
      .filter((a) => !/^\/api\/v1\/openapi\.json$|^\/docs(\/|$)|^\/admin(\/|$)|^\/$/.test(a.path))
      .filter((a) => {
        const found = findOperation(a.method, a.path);
        return !found || OPERATIONS[a.action as DocumentedAction]?.operationId !== found.operation.operationId;
      })
      .map((a) => `${a.method} ${a.path} → ${a.action}`);
    expect(undocumented).toEqual([]);
  });

  test("each operation of the document is served under /api/v1 and, for the clients of the original design, under /api", () => {
    const served = new Set(aliases.map((a) => `${a.method} ${a.path}`));
    const unrouted = operations(documentFromCode()).flatMap(({ method, path }) => {
      const wanted = [path];
      if (path.startsWith(VERSIONED_PREFIX)) wanted.push(LEGACY_PREFIX + path.slice(VERSIONED_PREFIX.length));
      return wanted.filter((p) => !served.has(`${method} ${p}`)).map((p) => `${method} ${p}`);
    });
    expect(unrouted).toEqual([]);
  });

  test("only /health lies outside /api/v1", () => {
    expect(Object.keys(served.paths).filter((p) => !p.startsWith(VERSIONED_PREFIX))).toEqual(["/health"]);
    expect(canonicalPath("/api/user/login?x=1")).toBe("/api/v1/user/login");
  });
});

test("operationIds are unique and are the SDK's methods, and every SDK method is an operation", () => {
  const ids = operations(served).map((o) => o.op.operationId);
  expect(new Set(ids).size).toBe(ids.length);
  // The client's private helpers (TypeScript `private`) are on the prototype too.
  const helpers = ["constructor", "request", "send", "attempt", "keep", "renew", "renewAfter401"];
  const methods = Object.getOwnPropertyNames(LoanClient.prototype).filter((m) => !helpers.includes(m));
  expect([...ids].sort()).toEqual([...methods].sort());
});

describe("each operation", () => {
  const all = operations(documentFromCode());

  test.each(all.map((o) => [`${o.method} ${o.path}`, o] as const))("%s: tag, roles, a 503, errors in the shared shape", (_name, { op }) => {
    expect(op.tags).toHaveLength(1);
    expect(served.tags.map((t) => t.name)).toContain(op.tags[0]);
    expect(op.description).toMatch(/^\*\*Who:\*\* /);
    expect(op.responses).toHaveProperty("503");
    const signedIn = op.security.length > 0;
    // Besides the signed-in operations, a 401 answers bad credentials: a password or a refresh token.
    expect(Object.keys(op.responses).includes("401")).toBe(signedIn || ["login", "refresh"].includes(op.operationId));
    for (const [status, response] of Object.entries(op.responses)) {
      const schema = response.content?.["application/json"]?.schema;
      if (Number(status) >= 400 && op.operationId !== "health") expect(schema).toEqual({ $ref: status === "422" ? "#/components/schemas/ValidationError" : "#/components/schemas/ApiError" });
    }
  });

  test.each(all.map((o) => [`${o.method} ${o.path}`, o] as const))("%s: every example matches its schema", (_name, { op }) => {
    for (const [status, response] of Object.entries(op.responses)) {
      const media = response.content?.["application/json"];
      if (!media) continue;
      expect(media.example).toBeDefined();
      const check = schemaValidator(media.schema.$ref!);
      if (!check(media.example)) throw new Error(`${op.operationId} ${status} example: ${JSON.stringify(check.errors)}`);
    }
    const body = op.requestBody?.content["application/json"];
    if (body) {
      expect(body.example).toBeDefined();
      for (const field of body.schema.required ?? []) expect(body.example).toHaveProperty(field as string);
      for (const field of Object.keys(body.example as object)) expect(body.schema.properties).toHaveProperty(field);
    }
  });
});

test("parameters carry the bounds the actions declare", () => {
  const list = served.paths["/api/v1/loan/list-loans-admin-agent"]!.get!;
  expect(list.parameters.find((p) => p.name === "pageSize")).toEqual(
    expect.objectContaining({ in: "query", required: false, schema: expect.objectContaining({ type: "integer", exclusiveMinimum: 0, maximum: 100, default: 20 }) }),
  );
  expect(list.parameters.find((p) => p.name === "status")!.schema).toEqual(expect.objectContaining({ type: "string", enum: ["NEW", "APPROVED", "REJECTED", "ACTIVE", "CLOSED", "WRITTEN_OFF"] }));
  const request = served.paths["/api/v1/loan/customer-loan"]!.post!;
  const body = request.requestBody!.content["application/json"]!;
  expect(body.schema.required).toEqual(["customer_id", "principal", "tenure_months"]);
  expect(body.schema.properties!.tenure_months).toEqual(expect.objectContaining({ type: "integer", minimum: 1, maximum: 360 }));
  expect(body.schema.properties!.principal).toEqual(expect.objectContaining({ type: "string", format: "decimal" }));
  expect(body.schema.properties!.principal!.oneOf).toBeUndefined();
  expect(request.parameters.find((p) => p.name === "Idempotency-Key")).toEqual(expect.objectContaining({ in: "header", schema: { type: "string", maxLength: 100 } }));
  const details = served.paths["/api/v1/loan/loan-details/{id}"]!.get!;
  expect(details.parameters[0]).toEqual(expect.objectContaining({ name: "id", in: "path", required: true, schema: expect.objectContaining({ type: "integer", exclusiveMinimum: 0 }) }));
});

test("the spec's loan is among the examples: 250000.00 over 24 months at 12.00, EMI 11768.37", () => {
  const request = served.paths["/api/v1/loan/customer-loan"]!.post!;
  expect(request.requestBody!.content["application/json"]!.example).toEqual({ customer_id: 7, principal: "250000.00", tenure_months: 24 });
  expect(request.responses["201"]!.content!["application/json"]!.example).toEqual(expect.objectContaining({ principal: "250000.00", tenure_months: 24, interest_rate: "12.00", emi: "11768.37" }));
});

test("the roles of `access` are in the descriptions, and bearer security where a token is needed", () => {
  expect(served.components.securitySchemes.bearer).toEqual(expect.objectContaining({ type: "http", scheme: "bearer" }));
  expect(served.paths["/api/v1/loan/approve-reject-loan/{id}"]!.put!.description).toMatch(/^\*\*Who:\*\* admin\./);
  expect(served.paths["/api/v1/loan/customer-loan"]!.post!.description).toMatch(/^\*\*Who:\*\* approved agent\./);
  expect(served.paths["/api/v1/user/profile"]!.get!.description).toMatch(/^\*\*Who:\*\* any signed-in user\./);
  expect(served.paths["/api/v1/user/signup"]!.post!).toEqual(expect.objectContaining({ security: [], description: expect.stringMatching(/^\*\*Who:\*\* anyone/) }));
  expect(served.paths["/api/v1/user/list-users"]!.get!.security).toEqual([{ bearer: [] }]);
});
