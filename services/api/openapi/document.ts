/**
 * The OpenAPI 3.1 document of the REST API, built from what the code declares:
 * - the gateway's routes and aliases (api.service.ts): paths, methods, which routes take a
 *   token, a JSON body, an Idempotency-Key, or are rate limited;
 * - each routed action's `params` (fastest-validator, see fv-schema.ts) and `access`;
 * - sdk/schemas.ts for the answers' bodies and sdk/operations.ts for what code cannot say
 *   (operationId, tag, summary, own error statuses, examples).
 * Only the `/api/v1` aliases are described; their unversioned `/api` twins behave the same.
 */
import type { ServiceSchema } from "moleculer";
import type { ValidationSchema } from "fastest-validator";
import { OPERATIONS, TAGS, type DocumentedAction, type ErrorStatus, type OperationDoc } from "../../../sdk/operations.js";
import { SCHEMAS, ref, type JsonSchema } from "../../../sdk/schemas.js";
import type { Access } from "../../shared/access.js";
import { takeIdempotencyKey } from "../idempotency-key.js";
import { paramsSchema } from "./fv-schema.js";
import type { OpenApiDocument, OpenApiHeader, OpenApiOperation, OpenApiParameter, OpenApiResponse } from "./types.js";

/** A moleculer-web route as api.service.ts declares it (the parts the document reads). */
export interface GatewayRoute {
  name?: string;
  path: string;
  aliases?: Record<string, string>;
  authentication?: boolean;
  bodyParsers?: false | { json?: unknown };
  rateLimit?: unknown;
  onBeforeCall?: unknown;
  /** false for the routes that serve this document and its renderer. */
  documented?: boolean;
}

export interface ActionDeclaration {
  params?: ValidationSchema;
  access?: Access;
}

/** One alias of the gateway: "PUT /api/v1/loan/edit-loan/:id" → "loans.edit". */
export interface RoutedAlias {
  method: string;
  path: string;
  action: string;
  route: GatewayRoute;
}

export const VERSIONED_PREFIX = "/api/v1/";
/** The gateway of `npm start` (PORT 8000): the default of the document's `{baseUrl}`. */
export const DEFAULT_BASE_URL = "http://localhost:8000";
export const LEGACY_PREFIX = "/api/";

const BODY_METHODS = new Set(["POST", "PUT", "PATCH"]);

/** Every alias of the given routes, with its full path. */
export function routedAliases(routes: readonly GatewayRoute[]): RoutedAlias[] {
  return routes.flatMap((route) =>
    Object.entries(route.aliases ?? {}).map(([key, action]) => {
      const [method, path] = key.split(/\s+/) as [string, string];
      return { method: method.toUpperCase(), path: joinPath(route.path, path), action, route };
    }),
  );
}

/** The aliases the document describes: the versioned ones and those outside /api (health). */
export function publishedAliases(routes: readonly GatewayRoute[]): RoutedAlias[] {
  return routedAliases(routes).filter((a) => a.route.documented !== false && (a.path.startsWith(VERSIONED_PREFIX) || !a.path.startsWith(LEGACY_PREFIX)));
}

/** The routed actions that have no entry in sdk/operations.ts, as "METHOD path → action". */
export function undocumentedAliases(routes: readonly GatewayRoute[]): string[] {
  return publishedAliases(routes)
    .filter((a) => !OPERATIONS[a.action as DocumentedAction])
    .map((a) => `${a.method} ${a.path} → ${a.action}`);
}

/** Each action of the schemas (their mixins' included) by its full name. */
export function declaredActions(schemas: readonly ServiceSchema[]): Map<string, ActionDeclaration> {
  const found = new Map<string, ActionDeclaration>();
  for (const schema of schemas) {
    for (const [name, def] of Object.entries(actionsWithMixins(schema))) {
      if (def && typeof def === "object") found.set(`${schema.name}.${name}`, { params: def.params as ValidationSchema | undefined, access: def.access });
    }
  }
  return found;
}

type ActionDefs = Record<string, { params?: unknown; access?: Access } | false | ((...args: never[]) => unknown)>;

/** A mixin's action is replaced by the service's own of the same name, as Moleculer does. */
function actionsWithMixins(schema: ServiceSchema): ActionDefs {
  const mixins = (schema.mixins ?? []) as ServiceSchema[];
  return Object.assign({}, ...mixins.map(actionsWithMixins), schema.actions as ActionDefs | undefined) as ActionDefs;
}

export interface DocumentSources {
  routes: readonly GatewayRoute[];
  actions: ReadonlyMap<string, ActionDeclaration>;
  version: string;
}

export function buildOpenApiDocument({ routes, actions, version }: DocumentSources): OpenApiDocument {
  const paths: OpenApiDocument["paths"] = {};
  for (const alias of publishedAliases(routes)) {
    const doc = OPERATIONS[alias.action as DocumentedAction];
    if (!doc) continue; // undocumentedAliases() names it; the contract test fails on it
    const declared = actions.get(alias.action);
    if (!declared) throw new Error(`OpenAPI: ${alias.method} ${alias.path} is routed to ${alias.action}, which no service declares`);
    const template = alias.path.replace(/:(\w+)/g, "{$1}");
    (paths[template] ??= {})[alias.method.toLowerCase()] = operation(alias, declared, doc);
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "loanstack API",
      version,
      description: INTRO,
      license: { name: "MIT", identifier: "MIT" },
    },
    // Absolute, as generators and API tools need it (hey-api, Postman, Portman cannot use "/").
    servers: [
      {
        url: "{baseUrl}",
        description: "A loanstack gateway",
        variables: { baseUrl: { default: DEFAULT_BASE_URL, description: "Its scheme, host and port, without a trailing slash (`npm start` listens on http://localhost:8000)" } },
      },
    ],
    tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
    paths,
    components: {
      schemas: SCHEMAS,
      securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT", description: "The `token` of POST /api/v1/user/login" } },
    },
  };
}

const INTRO = [
  "The REST API of loanstack, a loan management back office. JSON in, JSON out.",
  "",
  "Every path here is under `/api/v1`; the same operations answer under the unversioned `/api/...` paths of the original design, with the same behaviour.",
  "Errors have one shape, `ApiError` (`{ name, message, code, type, data }`, the HTTP status in `code`, `type` one of a fixed list, the enum of `ApiError.type`); a 422 lists the failed fields in `data`.",
  "Money is sent and answered as decimal strings (`format: decimal`); a request also takes a JSON number, but only a string is exact.",
  'Money and rates are decimal strings with two places (`"250000.00"`), never floats. Lists take `page` (from 1) and `pageSize` (default 20, at most 100).',
  "Sign in with `POST /api/v1/user/login` and send its token as `Authorization: Bearer <token>`. Login and signup are rate limited per client address (`RATE_LIMIT_AUTH_PER_MINUTE`, default 60 a minute).",
  "The login also answers a refresh token: trade it at `POST /api/v1/user/token/refresh` for a new pair (each refresh token works once); `POST /api/v1/user/logout` ends the session.",
].join("\n");

function operation(alias: RoutedAlias, declared: ActionDeclaration, doc: OperationDoc): OpenApiOperation {
  const where = `${alias.action} (${alias.method} ${alias.path})`;
  const { properties, required, closed } = paramsSchema(declared.params ?? {}, where);
  const pathNames = [...alias.path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
  const hasBody = BODY_METHODS.has(alias.method) && alias.route.bodyParsers !== false;
  const parameters: OpenApiParameter[] = [];
  const bodyFields: Record<string, JsonSchema> = {};
  for (const [name, schema] of Object.entries(properties)) {
    const described = withWords(schema, doc.fields?.[name]);
    if (pathNames.includes(name)) parameters.push({ name, in: "path", required: true, schema: described, example: exampleOf(described) });
    else if (hasBody) bodyFields[name] = described;
    else parameters.push({ name, in: "query", required: required.includes(name), schema: described });
  }
  if (alias.method !== "GET" && alias.route.onBeforeCall === takeIdempotencyKey) {
    parameters.push({
      name: "Idempotency-Key",
      in: "header",
      required: false,
      description: "Makes the write safe to repeat: a retried call with the same key is done once (the SDK sends one per call)",
      schema: { type: "string", maxLength: 100 },
    });
  }
  const op: OpenApiOperation = {
    operationId: doc.operationId,
    tags: [doc.tag],
    summary: doc.summary,
    description: [whoMayCall(declared.access), doc.description].filter(Boolean).join("\n\n"),
    parameters,
    responses: responses(alias, declared, doc, hasBody),
    security: needsToken(alias, declared) ? [{ bearer: [] }] : [],
  };
  if (hasBody && Object.keys(bodyFields).length > 0) {
    const bodyRequired = required.filter((n) => n in bodyFields);
    const schema: JsonSchema = { type: "object", properties: bodyFields, ...(bodyRequired.length && { required: bodyRequired }), ...(closed && { additionalProperties: false }) };
    op.requestBody = { required: bodyRequired.length > 0, content: { "application/json": { schema, ...(doc.requestExample !== undefined && { example: doc.requestExample }) } } };
  }
  return op;
}

/** The words of sdk/operations.ts over the rule's schema; a description of both keeps both. */
function withWords(schema: JsonSchema, words: { description?: string; examples?: readonly unknown[] } | undefined): JsonSchema {
  if (!words) return schema;
  const description = [words.description, schema.description].filter(Boolean).join(". ");
  return { ...schema, ...words, ...(description && { description }) };
}

/** A path parameter's example: its own (sdk/operations.ts `fields`), else one its schema allows. */
function exampleOf(schema: JsonSchema): unknown {
  if (schema.examples?.length) return schema.examples[0];
  if (schema.format === "uuid") return "0b8f3f2e-6c1d-4b7a-9a52-3f1e2d4c5b6a";
  if (schema.type === "integer" || schema.type === "number") return Math.max(1, schema.minimum ?? 1);
  return "example";
}

function needsToken(alias: RoutedAlias, declared: ActionDeclaration): boolean {
  return alias.route.authentication === true && declared.access !== "public";
}

function whoMayCall(access: Access | undefined): string {
  if (access === "public") return "**Who:** anyone, no token needed.";
  if (access === "signed-in") return "**Who:** any signed-in user.";
  if (!access) return "**Who:** nobody through the gateway.";
  const roles = access.map((r) => (r === "agent" ? "approved agent" : r));
  return `**Who:** ${roles.join(", ")}.`;
}

/** The statuses every operation of a route gives, by what the route and the action declare. */
function implied(alias: RoutedAlias, declared: ActionDeclaration, hasBody: boolean): Partial<Record<ErrorStatus, string>> {
  const out: Partial<Record<ErrorStatus, string>> = {};
  if (hasBody) out[400] = "The body is not valid JSON (INVALID_JSON), does not decode as its Content-Encoding says (INVALID_CONTENT_ENCODING), or could not be read (INVALID_REQUEST_BODY)";
  if (needsToken(alias, declared)) out[401] = "No token, or an invalid or expired one, or one of a session that has ended (logout, revocation, password change)";
  // moleculer-web's cors check refuses, on every route, a browser Origin that CORS_ORIGINS does not list.
  const origin = "the request's `Origin` is not one of CORS_ORIGINS (ORIGIN_NOT_ALLOWED; only when CORS_ORIGINS is set)";
  out[403] = Array.isArray(declared.access) ? `The caller's role may not do this (agents only once approved), or ${origin}` : `Forbidden: ${origin}`;
  if (hasBody) out[413] = "The body is larger than the limit (BODY_LIMIT, default 1MB)";
  if (hasBody) out[415] = "The body is not sent as JSON (Content-Type: application/json), or its Content-Encoding or charset is not one the gateway reads (UNSUPPORTED_MEDIA_TYPE)";
  if (Object.keys(declared.params ?? {}).length > 0 || (alias.method !== "GET" && alias.route.onBeforeCall === takeIdempotencyKey)) out[422] = "A parameter failed validation; `data` lists each field";
  if (alias.route.rateLimit) out[429] = "Too many requests from this address; retry after `Retry-After` seconds";
  out[503] = "A service this request needs is not available; retry after `Retry-After` seconds";
  return out;
}

function responses(alias: RoutedAlias, declared: ActionDeclaration, doc: OperationDoc, hasBody: boolean): Record<string, OpenApiResponse> {
  const { success } = doc;
  const ok: OpenApiResponse = { description: success.description };
  if (success.schema) ok.content = { "application/json": { schema: ref(success.schema), ...(success.example !== undefined && { example: success.example }) } };
  if (success.location) ok.headers = { Location: { description: success.location, required: true, schema: { type: "string", pattern: "^/api/v1/" } } };
  if (alias.method !== "GET" && alias.route.onBeforeCall === takeIdempotencyKey) {
    ok.headers = {
      ...ok.headers,
      "Idempotent-Replayed": {
        description: "`true` when this is the answer of an earlier request with the same Idempotency-Key, replayed (nothing was done again)",
        schema: { type: "string", enum: ["true"] },
      },
    };
  }
  const out: Record<string, OpenApiResponse> = { [success.status]: ok };
  const errors = { ...implied(alias, declared, hasBody), ...doc.errors };
  for (const status of Object.keys(errors).map(Number).sort() as ErrorStatus[]) {
    const own = doc.bodies?.[status];
    out[status] = own
      ? { description: own.description, content: { "application/json": { schema: ref(own.schema), ...(own.example !== undefined && { example: own.example }) } } }
      : errorResponse(status, errors[status]!);
  }
  // moleculer-web's limiter counts every request of the route, and says so on every answer.
  if (alias.route.rateLimit) for (const response of Object.values(out)) response.headers = { ...response.headers, ...RATE_LIMIT_HEADERS };
  return out;
}

const seconds = (description: string): OpenApiHeader => ({ description, required: true, schema: { type: "string", pattern: "^\\d+$" } });

const RATE_LIMIT_HEADERS: Record<string, OpenApiHeader> = {
  "X-Rate-Limit-Limit": { description: "The requests this client address may make in a window (RATE_LIMIT_AUTH_PER_MINUTE a minute)", schema: { type: "string", pattern: "^\\d+$" } },
  "X-Rate-Limit-Remaining": { description: "The requests left in the current window", schema: { type: "string", pattern: "^\\d+$" } },
  "X-Rate-Limit-Reset": { description: "Seconds until the current window ends and the count starts again", schema: { type: "string", pattern: "^\\d+$" } },
};

function errorResponse(status: ErrorStatus, description: string): OpenApiResponse {
  const schema = ref(status === 422 ? "ValidationError" : "ApiError");
  const response: OpenApiResponse = { description, content: { "application/json": { schema, example: ERROR_EXAMPLES[status] } } };
  if (status === 429 || status === 503) response.headers = { "Retry-After": seconds("Seconds to wait before trying again") };
  // RFC 9110: a 401 names the scheme the client should sign in with.
  if (status === 401)
    response.headers = {
      "WWW-Authenticate": {
        required: true,
        description: "`Bearer` (send the token of POST /api/v1/user/login as `Authorization: Bearer <token>`), with an `error` parameter when a token was sent but refused",
        schema: { type: "string", pattern: "^Bearer\\b" },
      },
    };
  return response;
}

/** Error bodies as the gateway really answers them. */
const ERROR_EXAMPLES: Record<ErrorStatus, unknown> = {
  400: { name: "BadRequestError", message: "The request body is not valid JSON", code: 400, type: "INVALID_JSON" },
  401: { name: "UnauthorizedError", message: "Sign in first: send Authorization: Bearer <token>", code: 401, type: "NO_TOKEN" },
  403: { name: "ForbiddenError", message: "Your role may not do this", code: 403, type: "FORBIDDEN" },
  404: { name: "NotFoundError", message: "loan 42 not found", code: 404, type: "NOT_FOUND", data: { entity: "loan", id: 42 } },
  409: { name: "ConflictError", message: "loan 42 is APPROVED: only a NEW loan can be decided", code: 409, type: "LOAN_ALREADY_DECIDED", data: { status: "APPROVED" } },
  413: { name: "PayloadTooLarge", message: "The request body is larger than the limit", code: 413, type: "PAYLOAD_TOO_LARGE" },
  415: { name: "UnsupportedMediaTypeError", message: "Send the body as JSON: Content-Type: application/json", code: 415, type: "UNSUPPORTED_MEDIA_TYPE" },
  422: {
    name: "ValidationError",
    message: "Parameters validation error!",
    code: 422,
    type: "VALIDATION_ERROR",
    data: [{ field: "tenure_months", message: "The 'tenure_months' field must be less than or equal to 360.", type: "numberMax" }],
  },
  429: { name: "RateLimitExceeded", message: "Rate limit exceeded", code: 429, type: "RATE_LIMIT_EXCEEDED" },
  503: { name: "ServiceUnavailableError", message: "A service needed for this request is not available; retry shortly", code: 503, type: "SERVICE_UNAVAILABLE" },
};

function joinPath(base: string, path: string): string {
  const joined = `/${base}/${path}`.replace(/\/+/g, "/");
  return joined.length > 1 ? joined.replace(/\/$/, "") : joined;
}
