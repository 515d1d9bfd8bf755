/**
 * The published contract as the tests hold the server to it: every answer that passes
 * through http() (and so Api.call) is checked against the OpenAPI document — the operation
 * of its method and path, the schema of its status, its required headers. An answer on a
 * path the document does not describe (a deliberately bogus one) must be an error in the
 * shared error shape; the document's own routes (/docs, openapi.json) are checked by
 * test/contract instead.
 */
import Ajv2020, { type ValidateFunction } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { documentFromCode } from "../../app/openapi.js";
import { LEGACY_PREFIX, VERSIONED_PREFIX } from "../../services/api/openapi/document.js";
import type { OpenApiDocument, OpenApiOperation, OpenApiResponse } from "../../services/api/openapi/types.js";

const DOCUMENT_ID = "https://loanstack.invalid/openapi.json";
// The document, its renderer and the console (/admin: its pages and its own session door)
// answer outside the public API the document describes.
const DOCUMENT_ROUTES = [/^\/api\/v1\/openapi\.json$/, /^\/docs(\/.*)?$/, /^\/admin(\/.*)?$/];

export interface MatchedOperation {
  template: string;
  method: string;
  operation: OpenApiOperation;
}

interface Contract {
  document: OpenApiDocument;
  ajv: Ajv2020;
  routes: Array<{ pattern: RegExp; template: string }>;
}

let contract: Contract | undefined;

export function loadContract(): Contract {
  if (contract) return contract;
  const document = documentFromCode();
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats(ajv);
  // The document's money and rates: decimal strings (a format of its own, not JSON Schema's).
  ajv.addFormat("decimal", /^-?\d+(\.\d+)?$/);
  ajv.addKeyword("components");
  ajv.addSchema({ $id: DOCUMENT_ID, components: document.components });
  const routes = Object.keys(document.paths).map((template) => ({
    template,
    pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{\w+\}/g, "[^/]+")}$`),
  }));
  contract = { document, ajv, routes };
  return contract;
}

/** The documented operation answering this request, whichever of /api/v1 or /api it used. */
export function findOperation(method: string, url: string): MatchedOperation | undefined {
  const { document, routes } = loadContract();
  const path = canonicalPath(url);
  const route = routes.find((r) => r.pattern.test(path));
  const operation = route ? document.paths[route.template]![method.toLowerCase()] : undefined;
  return route && operation ? { template: route.template, method: method.toUpperCase(), operation } : undefined;
}

/** "/api/user/login?x=1" → "/api/v1/user/login": the unversioned paths are the same operations. */
export function canonicalPath(url: string): string {
  const path = url.split("?")[0]!;
  return path.startsWith(LEGACY_PREFIX) && !path.startsWith(VERSIONED_PREFIX) ? VERSIONED_PREFIX + path.slice(LEGACY_PREFIX.length) : path;
}

export function schemaValidator(pointer: string): ValidateFunction {
  const { ajv } = loadContract();
  const id = `${DOCUMENT_ID}${pointer.startsWith("#") ? pointer : `#${pointer}`}`;
  const found = ajv.getSchema(id);
  if (!found) throw new Error(`no schema at ${pointer} in the document`);
  return found;
}

function validatorOf(schema: { $ref?: string } | undefined): ValidateFunction {
  if (!schema?.$ref) throw new Error("the document's response schemas are all references to components");
  return schemaValidator(schema.$ref);
}

export interface Answer {
  status: number;
  body: unknown;
  headers: Headers;
}

/** Throws, naming the request and what broke, when the answer breaks the contract. */
export function checkAnswer(method: string, url: string, answer: Answer): void {
  const matched = findOperation(method, url);
  const request = `${method.toUpperCase()} ${url}`;
  if (!matched) {
    if (answer.status < 400 && DOCUMENT_ROUTES.some((r) => r.test(url.split("?")[0]!))) return;
    // A CORS preflight is the browser's protocol (moleculer-web's cors setting), not an operation.
    if (answer.status < 400 && method.toUpperCase() === "OPTIONS") return;
    if (answer.status < 400) throw new Error(`${request} answered ${answer.status}, but the OpenAPI document has no such operation`);
    return checkBody(request, "the error shape", answer, { $ref: "#/components/schemas/ApiError" });
  }
  const response: OpenApiResponse | undefined = matched.operation.responses[String(answer.status)];
  const operation = `${matched.operation.operationId} (${matched.method} ${matched.template})`;
  if (!response) {
    const listed = Object.keys(matched.operation.responses).join(", ");
    throw new Error(`${request} answered ${answer.status}, which the document does not list for ${operation} (it lists ${listed}); body: ${JSON.stringify(answer.body)}`);
  }
  for (const [name, header] of Object.entries(response.headers ?? {})) {
    const value = answer.headers.get(name);
    if (header.required && value === null) throw new Error(`${request} answered ${answer.status} without the ${name} header that ${operation} documents`);
    if (value !== null && header.schema.pattern && !new RegExp(header.schema.pattern).test(value)) {
      throw new Error(`${request}: header ${name} "${value}" does not match ${header.schema.pattern}, as ${operation} documents`);
    }
  }
  const media = response.content?.["application/json"];
  if (!media) {
    if (answer.body !== null && answer.body !== "") throw new Error(`${request} answered ${answer.status} with a body, which ${operation} documents as empty: ${JSON.stringify(answer.body)}`);
    return;
  }
  checkBody(request, `${operation} ${answer.status}`, answer, media.schema);
}

function checkBody(request: string, what: string, answer: Answer, schema: { $ref?: string }): void {
  const contentType = answer.headers.get("content-type") ?? "";
  if (!contentType.startsWith("application/json")) throw new Error(`${request} answered ${answer.status} as "${contentType}", not JSON, against ${what}`);
  const validate = validatorOf(schema);
  if (!validate(answer.body)) {
    const errors = (validate.errors ?? []).map((e) => `${e.instancePath || "(body)"} ${e.message}${e.params && "additionalProperty" in e.params ? ` "${String(e.params.additionalProperty)}"` : ""}`);
    throw new Error(`${request} answered ${answer.status} with a body that breaks ${what}: ${errors.join("; ")}\nbody: ${JSON.stringify(answer.body)}`);
  }
  if (/ApiError|ValidationError/.test(schema.$ref ?? "")) {
    const code = (answer.body as { code?: unknown }).code;
    if (code !== answer.status) throw new Error(`${request} answered ${answer.status} with an error body whose code is ${String(code)}`);
  }
}
