/**
 * Schema-driven fuzzing of every operation of the document, through the real gateway:
 * requests generated from its parameter and body schemas (fast-check, fixed seed).
 * - valid ones, from a caller its roles allow: a documented 2xx or 4xx, never a 5xx;
 * - invalid ones (a wrong type, a missing or extra field, a bound crossed, odd unicode, a
 *   huge number, a malformed body, a bad token): never a 5xx.
 * Every answer is also held to the document by http() (status listed, body in its schema).
 * FUZZ_RUNS sets the requests of each kind per operation (default 100), FUZZ_SEED the seed.
 *
 * The operations that end the caller's session (logout, ending one's own session) are sent
 * with a session made for that one request, of a spare user of the caller's role: ended,
 * it leaves the actors' tokens, which every other operation relies on, alive.
 *
 * Servicing needs loans in a state: disbursements are aimed at APPROVED loans and
 * repayments, schedules and repayment lists at ACTIVE ones (made here, and joined by each
 * loan a fuzzed disbursement makes ACTIVE), with past dates and small amounts among the
 * values, so valid requests also succeed (a small one-month loan may be paid off: CLOSED).
 *
 * The protocol around each operation is fuzzed too (FUZZ_RUNS / 4 requests per operation):
 * any method (OPTIONS, HEAD, PATCH, TRACE...), any content type, valid and corrupt
 * gzip/deflate/br bodies and unknown codings, long and odd request-id, idempotency-key,
 * user-agent and accept-encoding headers: never a 5xx, errors in the shared shape, HEAD and
 * OPTIONS without a body, a 405 with `Allow`.
 */
import crypto from "node:crypto";
import zlib from "node:zlib";
import fc from "fast-check";
import jwt from "jsonwebtoken";
import ApiService from "../../services/api.service.js";
import { OPERATIONS, type DocumentedAction } from "../../sdk/operations.js";
import type { JsonSchema } from "../../sdk/schemas.js";
import type { Access } from "../../services/shared/access.js";
import { declaredActions } from "../../services/api/openapi/document.js";
import { documentFromCode } from "../../app/openapi.js";
import { routedSchemas } from "../../app/registry.js";
import type { OpenApiOperation, OpenApiParameter } from "../../services/api/openapi/types.js";
import { approvedAgent, mintToken, signedUp, type Actor } from "../support/actors.js";
import { useStack } from "../support/fixture.js";
import { Api, email, http, type HttpOptions } from "../support/http.js";
import { rawRequest } from "../support/raw-http.js";
import { invalidBody, invalidParamText, paramText, validValue, type Hints } from "./arbitraries.js";

const RUNS = Number(process.env.FUZZ_RUNS ?? 100);
const SEED = Number(process.env.FUZZ_SEED ?? 20261201);

const { stack, people } = useStack({ people: true });
/** Ids that exist, so that valid requests reach more than 404s; loans NEW, APPROVED and ACTIVE. */
const pool = { user: [] as number[], loan: [] as number[], approved: [] as number[], active: [] as number[] };
/** The loans an operation needs in a state of their own, beside the NEW ones. */
const LOAN_POOL_OF: Partial<Record<string, "approved" | "active">> = { disburseLoan: "approved", recordRepayment: "active", loanSchedule: "active", listRepayments: "active" };
/** Servicing dates of the fuzz: 2024-01-31 and the 700 days after it, all in the past. */
const FIRST_DATE = Date.UTC(2024, 0, 31);
const pastDate = () => fc.integer({ min: 0, max: 700 }).map((days) => new Date(FIRST_DATE + days * 86_400_000).toISOString().slice(0, 10));
/** The test's own actors: never deleted by a fuzzed request. */
let protectedIds = new Set<number>();
/** Users whose sessions are made for one request each (see disposableSession); their passwords never change. */
let spare: Record<Role, Actor>;
const PASSWORD = "password-123";

beforeAll(async () => {
  const api = new Api(stack.url);
  const adminAddress = email("spare-admin");
  const created = await api.call("POST", "/api/v1/user/create-admin", { token: people.admin.token, body: { email: adminAddress, password: PASSWORD, first_name: "Spare", last_name: "Admin" } });
  spare = { admin: { id: created.body.id, email: adminAddress, token: "" }, agent: await approvedAgent(api, people.admin.token), customer: await signedUp(api, "customer") };
  protectedIds = new Set([people.admin.id, people.agent.id, people.customer.id, people.otherCustomer.id, ...Object.values(spare).map((a) => a.id)]);
  for (let i = 0; i < 4; i += 1) pool.user.push((await signedUp(api, "agent")).id);
  for (const principal of ["250000.00", "5000.00", "3000000.00"]) {
    const res = await api.call("POST", "/api/v1/loan/customer-loan", { token: people.agent.token, body: { customer_id: people.customer.id, principal, tenure_months: 24 } });
    pool.loan.push(res.body.id);
  }
  const approve = async (principal: string, tenure_months: number): Promise<number> => {
    const res = await api.call("POST", "/api/v1/loan/customer-loan", { token: people.agent.token, body: { customer_id: people.customer.id, principal, tenure_months } });
    expect((await api.call("PUT", `/api/v1/loan/approve-reject-loan/${res.body.id}`, { token: people.admin.token, body: { status: "APPROVED" } })).status).toBe(200);
    return res.body.id;
  };
  for (const principal of ["250000.00", "5000.00", "3000000.00", "1000.00"]) pool.approved.push(await approve(principal, 12));
  // ACTIVE from the start: the spec's loan (overdue by now) and a small one a few payments close.
  for (const [principal, months, on] of [
    ["250000.00", 24, "2024-01-31"],
    ["1000.00", 1, "2024-06-15"],
  ] as const) {
    const id = await approve(principal, months);
    expect((await api.call("PUT", `/api/v1/loan/disburse-loan/${id}`, { token: people.admin.token, body: { disbursed_on: on } })).status).toBe(200);
    pool.active.push(id);
  }
}, 60_000);

/** Operations that end what the pools hold (a decided loan, a deleted agent) run last. */
const ENDS_THINGS = new Set(["decideLoan", "deleteAgent"]);

interface Target {
  name: string;
  method: string;
  template: string;
  op: OpenApiOperation;
  access: Access | undefined;
}

const targets: Target[] = (() => {
  const actions = declaredActions([...routedSchemas(), ApiService]);
  const accessOf = new Map(Object.entries(OPERATIONS).map(([action, doc]) => [doc!.operationId, actions.get(action as DocumentedAction)?.access]));
  return Object.entries(documentFromCode().paths)
    .flatMap(([template, ops]) =>
      Object.entries(ops).map(([method, op]) => ({
        name: `${op.operationId} (${method.toUpperCase()} ${template})`,
        method: method.toUpperCase(),
        template,
        op,
        access: accessOf.get(op.operationId),
      })),
    )
    .sort((a, b) => Number(ENDS_THINGS.has(a.op.operationId)) - Number(ENDS_THINGS.has(b.op.operationId)));
})();

/** A request as generated: who sends it is resolved to a token when it is sent (see prepare). */
interface Request {
  who: Who;
  path: string;
  options: HttpOptions;
}

type Role = "admin" | "agent" | "customer";
type Who = "anonymous" | Role | "pendingAgent" | "garbage";
const tokenOf = (who: Who): string | undefined => (who === "anonymous" ? undefined : who === "garbage" ? "not.a.token" : people[who].token);

// ---- sessions: what may end a session the other operations rely on ----

/** Operations that may end the caller's own session: sent with a disposable one. */
const ENDS_OWN_SESSION = new Set(["logout", "endSession"]);

/** Placeholders a generated request carries, filled in just before it is sent. */
const MARK = {
  /** endSession: another live session of the caller (204). */
  ownOther: "~own-other",
  /** endSession: the caller's own session (204: ending it is allowed). */
  ownCurrent: "~own-current",
  /** endSession: a live session of another user (404, never 403). */
  someoneElse: "~someone-else",
  /** refresh: a live refresh token (200). */
  freshRefresh: "~fresh-refresh-token",
  /** refresh: a refresh token already used once (401, and its session ends). */
  spentRefresh: "~spent-refresh-token",
} as const;

interface Session {
  token: string;
  refreshToken?: string;
  sid: string;
  userId: number;
}

const sidOf = (token: string): string => (jwt.decode(token) as { sid: string }).sid;

/** A new session made for one request: a real login of a spare user of the role, or a minted one for the unapproved agent (who cannot log in). */
async function disposableSession(who: Role | "pendingAgent"): Promise<Session> {
  if (who === "pendingAgent") {
    const token = await mintToken(stack, people.pendingAgent.id, "agent");
    return { token, sid: sidOf(token), userId: people.pendingAgent.id };
  }
  const res = await http(stack.url, "POST", "/api/v1/user/login", { body: { email: spare[who].email, password: PASSWORD } });
  if (res.status !== 200) throw new Error(`login of the spare ${who}: ${res.status} ${JSON.stringify(res.body)}`);
  return { token: res.body.token, refreshToken: res.body.refresh_token, sid: sidOf(res.body.token), userId: spare[who].id };
}

/** The generated request, made ready to send: its caller's token, its placeholders filled in. */
async function prepare(target: Target, request: Request): Promise<{ path: string; options: HttpOptions }> {
  const { who } = request;
  const signedIn = who !== "anonymous" && who !== "garbage";
  const caller = signedIn && ENDS_OWN_SESSION.has(target.op.operationId) ? await disposableSession(who) : undefined;
  let path = request.path;
  if (path.includes(MARK.ownCurrent)) path = path.replace(MARK.ownCurrent, caller?.sid ?? crypto.randomUUID());
  if (path.includes(MARK.ownOther)) path = path.replace(MARK.ownOther, (await disposableSession(caller && signedIn ? who : "customer")).sid);
  if (path.includes(MARK.someoneElse)) path = path.replace(MARK.someoneElse, (await disposableSession(caller?.userId === spare.customer.id ? "agent" : "customer")).sid);
  return { path, options: { ...request.options, token: caller?.token ?? tokenOf(who), body: await refreshBody(request.options.body) } };
}

async function refreshBody(body: unknown): Promise<unknown> {
  const mark = (body as { refresh_token?: unknown } | null)?.refresh_token;
  if (mark !== MARK.freshRefresh && mark !== MARK.spentRefresh) return body;
  const refreshToken = (await disposableSession("customer")).refreshToken!;
  if (mark === MARK.spentRefresh) {
    const first = await http(stack.url, "POST", "/api/v1/user/token/refresh", { body: { refresh_token: refreshToken } });
    if (first.status !== 200) throw new Error(`first refresh: ${first.status} ${JSON.stringify(first.body)}`);
  }
  return { ...(body as object), refresh_token: refreshToken };
}

/** Values of a path parameter that reach more than 404s (and never an actor's id). */
function pathValue(target: Target, p: OpenApiParameter): fc.Arbitrary<string> {
  if (target.op.operationId === "endSession") {
    const live = fc.constantFrom(MARK.ownOther, MARK.ownCurrent, MARK.someoneElse);
    return fc.oneof({ arbitrary: live, weight: 2 }, { arbitrary: fc.uuid(), weight: 1 }, { arbitrary: validValue(p.schema).map(paramText), weight: 1 });
  }
  if (target.op.operationId === "endSessionsOf") {
    // The spare users have sessions to end; ending them is harmless, each is used once.
    return fc.oneof(fc.constantFrom(...Object.values(spare).map((a) => a.id)), idValue(target, p.schema)).map(paramText);
  }
  return idValue(target, p.schema).map(paramText);
}

function allowed(access: Access | undefined): Who[] {
  if (access === "public") return ["anonymous"];
  if (access === "signed-in") return ["admin", "agent", "customer"];
  return (access ?? []).map((role) => role);
}

const parametersIn = (op: OpenApiOperation, where: OpenApiParameter["in"]) => op.parameters.filter((p) => p.in === where);
const bodySchemaOf = (op: OpenApiOperation): JsonSchema | undefined => op.requestBody?.content["application/json"]?.schema;

function idValue(target: Target, schema: JsonSchema): fc.Arbitrary<unknown> {
  const known = target.template.includes("/user/") ? pool.user : pool.loan;
  const inState = LOAN_POOL_OF[target.op.operationId];
  return fc.oneof(
    // Most servicing requests aim at a loan in the state they need (NEW loans grow in number as requestLoan runs).
    ...(inState && pool[inState].length ? [{ arbitrary: fc.constantFrom(...pool[inState]), weight: 3 }] : []),
    { arbitrary: fc.constantFrom(...known), weight: 1 },
    { arbitrary: validValue(schema).filter((id) => !protectedIds.has(id as number)), weight: 1 },
  );
}

/** Body fields that name people who exist, so valid requests also succeed. */
const hints: Hints = {
  customer_id: () => fc.constantFrom(people.customer.id, people.otherCustomer.id),
  current_password: () => fc.constant("password-123"),
  disbursed_on: pastDate,
  paid_on: pastDate,
  // One cent to 1,000.00: most leave the loans ACTIVE for the repayments after them.
  amount: () => fc.integer({ min: 1, max: 100_000 }).map((cents) => (cents / 100).toFixed(2)),
  refresh_token: () => fc.constantFrom(MARK.freshRefresh, MARK.spentRefresh),
};
const knownLogins = () => fc.constantFrom({ email: people.customer.email, password: "password-123" }, { email: stack.admin.email, password: stack.admin.password });

/** What a 201 created (or a disbursement made ACTIVE) joins the pools, for the operations after it. */
function remember(target: Target, res: { status: number; body: unknown }): void {
  const created = res.body as { id?: number; role?: string; status?: string } | null;
  if (target.op.operationId === "disburseLoan" && res.status === 200 && typeof created?.id === "number") pool.active.push(created.id);
  if (res.status !== 201 || typeof created?.id !== "number") return;
  if (created.role === "agent") pool.user.push(created.id);
  if (created.status === "NEW") pool.loan.push(created.id);
}

/** The path with one parameter's segment replaced by `text` (which need not be a URL's to carry). */
function withPathParam(path: string, template: string, name: string, text: string): string {
  const [bare, query] = path.split("?") as [string, string | undefined];
  const segments = bare.split("/");
  segments[template.split("/").indexOf(`{${name}}`)] = encodeURIComponent(wellFormed(text)) || "%20";
  return query === undefined ? segments.join("/") : `${segments.join("/")}?${query}`;
}

/** A lone surrogate cannot be put in a URL: it becomes U+FFFD, as a browser would send it. */
function wellFormed(text: string): string {
  return text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd");
}

function buildPath(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(values[name]!));
}

function withQuery(path: string, query: Record<string, unknown>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, paramText(v));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/** Parts of a request as its schemas allow them. */
function validParts(target: Target) {
  const { op } = target;
  const path = fc.record(Object.fromEntries(parametersIn(op, "path").map((p) => [p.name, pathValue(target, p)])));
  const query = fc.record(Object.fromEntries(parametersIn(op, "query").map((p) => [p.name, validValue(p.schema)])), {
    requiredKeys: parametersIn(op, "query")
      .filter((p) => p.required)
      .map((p) => p.name),
  });
  const body = bodySchemaOf(op);
  if (op.operationId === "login") return { path, query, body: fc.oneof(knownLogins(), validValue(body!)) };
  return { path, query, body: body ? validValue(body, hints) : fc.constant(undefined) };
}

function validRequest(target: Target): fc.Arbitrary<Request> {
  const parts = validParts(target);
  const idempotent = parametersIn(target.op, "header").length > 0;
  return fc
    .record({
      who: fc.constantFrom(...allowed(target.access)),
      path: parts.path,
      query: parts.query,
      body: parts.body,
      key: idempotent ? fc.option(fc.uuid(), { nil: undefined }) : fc.constant(undefined),
    })
    .map(({ who, path, query, body, key }) => ({
      who,
      path: withQuery(buildPath(target.template, path as Record<string, string>), query),
      options: { body, headers: key ? { "idempotency-key": key } : undefined },
    }));
}

/** A valid request with one part broken. */
function invalidRequest(target: Target): fc.Arbitrary<Request> {
  const { op } = target;
  const base = validRequest(target);
  const ways: Array<fc.Arbitrary<Request>> = [
    // Anyone at all: no token, a garbage one, one of a role not allowed, an unapproved agent.
    fc.tuple(base, fc.constantFrom<Who>("anonymous", "garbage", "admin", "agent", "customer", "pendingAgent")).map(([req, who]) => ({ ...req, who })),
    // An extra query parameter.
    fc
      .tuple(base, fc.string({ unit: "binary", minLength: 1, maxLength: 10 }), fc.string({ unit: "binary", maxLength: 20 }))
      .map(([req, k, v]) => ({ ...req, path: `${req.path}${req.path.includes("?") ? "&" : "?"}${encodeURIComponent(k)}=${encodeURIComponent(v)}` })),
  ];
  for (const p of parametersIn(op, "path")) {
    ways.push(fc.tuple(base, invalidParamText(p.schema)).map(([req, text]) => ({ ...req, path: withPathParam(req.path, target.template, p.name, text) })));
  }
  for (const p of parametersIn(op, "query")) {
    ways.push(
      fc
        .tuple(base, invalidParamText(p.schema))
        .map(([req, text]) => ({ ...req, path: withQuery(req.path.split("?")[0]!, { ...Object.fromEntries(new URLSearchParams(req.path.split("?")[1] ?? "")), [p.name]: text }) })),
    );
  }
  const body = bodySchemaOf(op);
  if (body) {
    ways.push(fc.tuple(base, invalidBody(body)).map(([req, broken]) => ({ ...req, options: { ...req.options, body: broken } })));
    ways.push(
      fc
        .tuple(base, fc.constantFrom("{", '{"a":', "[", "nul", '"text"', "5", "null", "{}{}", "\u0000", '{"principal": 1e400}'))
        .map(([req, raw]) => ({ ...req, options: { ...req.options, body: undefined, rawBody: raw } })),
    );
  }
  if (parametersIn(op, "header").length) {
    ways.push(base.map((req) => ({ ...req, options: { ...req.options, headers: { "idempotency-key": "k".repeat(101) } } })));
  }
  return fc.oneof(...ways);
}

const seen = new Map<string, Map<number, number>>();
afterAll(() => {
  if (process.env.FUZZ_REPORT) for (const [name, statuses] of seen) console.log(name, JSON.stringify(Object.fromEntries(statuses)));
});

async function send(target: Target, generated: Request, kind = "valid"): Promise<void> {
  const request = await prepare(target, generated);
  // http() throws when the answer breaks the document (an unlisted status, a body off its schema).
  const res = await http(stack.url, target.method, request.path, request.options);
  remember(target, res);
  const statuses = seen.get(`${kind} ${target.name}`) ?? new Map<number, number>();
  seen.set(`${kind} ${target.name}`, statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1));
  if (res.status >= 500) throw new Error(`${target.method} ${request.path} answered ${res.status}: ${JSON.stringify(res.body)}`);
}

describe.each(targets.map((t) => [t.name, t] as const))("%s", (_name, target) => {
  test(`${RUNS} valid requests: a documented 2xx or 4xx, never a 5xx`, async () => {
    await fc.assert(
      fc.asyncProperty(validRequest(target), (req) => send(target, req)),
      { numRuns: RUNS, seed: SEED },
    );
  }, 120_000);

  test(`${RUNS} invalid requests: never a 5xx, always in the documented shape`, async () => {
    await fc.assert(
      fc.asyncProperty(invalidRequest(target), (req) => send(target, req, "invalid")),
      { numRuns: RUNS, seed: SEED + 1 },
    );
  }, 120_000);
});

// ---- the protocol: methods, content types, content encodings, header lengths ----

const METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "TRACE"];
const CONTENT_TYPES = [
  undefined,
  "application/json",
  "application/json; charset=utf-8",
  "application/json; charset=latin1",
  "application/json; charset=utf-16",
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/xml",
  "application/merge-patch+json",
  "*/*",
  "",
  ";;",
];
type Encoding = "identity" | "gzip" | "deflate" | "br" | "corrupt-gzip" | "corrupt-deflate" | "corrupt-br" | "truncated-gzip" | "compress" | "gzip, gzip" | "GZIP";
const ENCODINGS: Encoding[] = ["identity", "gzip", "deflate", "br", "corrupt-gzip", "corrupt-deflate", "corrupt-br", "truncated-gzip", "compress", "gzip, gzip", "GZIP"];

/** The body bytes and the Content-Encoding header that say how they were made (or lie about it). */
function encodeBody(text: string, encoding: Encoding): { bytes: Buffer; header?: string } {
  const plain = Buffer.from(text, "utf8");
  switch (encoding) {
    case "identity":
      return { bytes: plain };
    case "gzip":
      return { bytes: zlib.gzipSync(plain), header: "gzip" };
    case "GZIP":
      return { bytes: zlib.gzipSync(plain), header: "GZIP" };
    case "deflate":
      return { bytes: zlib.deflateSync(plain), header: "deflate" };
    case "br":
      return { bytes: zlib.brotliCompressSync(plain), header: "br" };
    case "truncated-gzip":
      return { bytes: zlib.gzipSync(plain).subarray(0, 10), header: "gzip" };
    case "gzip, gzip":
      return { bytes: zlib.gzipSync(zlib.gzipSync(plain)), header: "gzip, gzip" };
    default:
      // "corrupt-x": the plain bytes labelled as x; "compress": a coding nobody decodes.
      return { bytes: plain, header: encoding.replace(/^corrupt-/, "") };
  }
}

/** Header values of many lengths, with the characters a header can carry (latin-1, no controls). */
const headerValue = fc.oneof(
  fc.constantFrom("", "x", "3f1c2b6e-6a7d-4f7e-9d2a-0b5c8e1f2a3b", "r".repeat(201), "y".repeat(4000), "a b;c,d", '"quoted"', "\u00e9t\u00e9", "%00%ff", "<script>"),
  fc.string({
    unit: fc
      .integer({ min: 0x20, max: 0xff })
      .filter((c) => c !== 0x7f)
      .map((c) => String.fromCharCode(c)),
    maxLength: 300,
  }),
);
const ACCEPT_ENCODINGS = ["gzip", "br", "gzip, deflate, br", "br;q=0, gzip;q=0.5", "*", "*;q=0", "identity", "zstd", "x-gzip", ";q=", "gzip;q=abc"];

interface ProtocolRequest {
  base: Request;
  method: string;
  contentType: string | undefined;
  encoding: Encoding;
  headers: Record<string, string>;
}

function protocolRequest(target: Target): fc.Arbitrary<ProtocolRequest> {
  const optionalHeader = (name: string) =>
    fc.option(
      headerValue.map((v) => ({ [name]: v })),
      { nil: undefined },
    );
  return fc.record({
    base: validRequest(target),
    // Mostly the operation's own method and JSON, so the encodings and headers reach the action too.
    method: fc.oneof({ arbitrary: fc.constant(target.method), weight: 3 }, { arbitrary: fc.constantFrom(...METHODS), weight: 2 }),
    contentType: fc.oneof({ arbitrary: fc.constant("application/json"), weight: 2 }, { arbitrary: fc.constantFrom(...CONTENT_TYPES), weight: 2 }),
    encoding: fc.constantFrom(...ENCODINGS),
    headers: fc
      .tuple(
        optionalHeader("x-request-id"),
        optionalHeader("x-correlation-id"),
        optionalHeader("idempotency-key"),
        optionalHeader("user-agent"),
        fc.option(
          fc.constantFrom(...ACCEPT_ENCODINGS).map((v) => ({ "accept-encoding": v })),
          { nil: undefined },
        ),
      )
      .map((parts) => Object.assign({}, ...parts.filter(Boolean)) as Record<string, string>),
  });
}

function decoded(raw: Buffer, encoding: string | string[] | undefined): Buffer {
  if (encoding === "gzip") return zlib.gunzipSync(raw);
  if (encoding === "br") return zlib.brotliDecompressSync(raw);
  return raw;
}

async function sendProtocol(target: Target, generated: ProtocolRequest): Promise<void> {
  const request = await prepare(target, generated.base);
  const headers: Record<string, string> = { ...generated.headers };
  if (request.options.token) headers.authorization = `Bearer ${request.options.token}`;
  let body: Buffer | undefined;
  if (request.options.body !== undefined && generated.method !== "TRACE") {
    const encoded = encodeBody(JSON.stringify(request.options.body), generated.encoding);
    body = encoded.bytes;
    if (encoded.header) headers["content-encoding"] = encoded.header;
    if (generated.contentType !== undefined) headers["content-type"] = generated.contentType;
  }
  const res = await rawRequest(stack.url, generated.method, request.path, { headers, body });
  const what = `${generated.method} ${request.path} (${JSON.stringify({ contentType: generated.contentType, encoding: generated.encoding, headers: Object.fromEntries(Object.entries(generated.headers).map(([k, v]) => [k, v.length > 40 ? `${v.slice(0, 40)}…(${v.length})` : v])) })})`;
  const statuses = seen.get(`protocol ${target.name}`) ?? new Map<number, number>();
  seen.set(`protocol ${target.name}`, statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1));
  if (res.status >= 500) throw new Error(`${what} answered ${res.status}: ${res.raw.toString("utf8").slice(0, 300)}`);
  if (generated.method === "HEAD" || generated.method === "OPTIONS") {
    if (res.raw.length !== 0 && generated.method === "HEAD") throw new Error(`${what} answered a HEAD with a body`);
    if (generated.method === "OPTIONS" && res.status < 300 && (res.status !== 204 || res.raw.length !== 0))
      throw new Error(`${what} answered OPTIONS ${res.status} with ${res.raw.length} bytes: an action ran`);
    return;
  }
  if (res.status === 405 && !res.headers.allow) throw new Error(`${what} answered 405 without Allow`);
  if (res.status >= 400) {
    const error = JSON.parse(decoded(res.raw, res.headers["content-encoding"]).toString("utf8")) as { code?: unknown; type?: unknown; message?: unknown };
    if (error.code !== res.status || typeof error.type !== "string" || typeof error.message !== "string")
      throw new Error(`${what} answered ${res.status} outside the error shape: ${JSON.stringify(error)}`);
  }
}

describe.each(targets.map((t) => [t.name, t] as const))("protocol around %s", (_name, target) => {
  test(`${Math.max(1, Math.round(RUNS / 4))} requests of any method, content type, encoding and header length: never a 5xx`, async () => {
    await fc.assert(
      fc.asyncProperty(protocolRequest(target), (req) => sendProtocol(target, req)),
      { numRuns: Math.max(1, Math.round(RUNS / 4)), seed: SEED + 2 },
    );
  }, 120_000);
});
