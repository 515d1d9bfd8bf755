/**
 * The error `type`s the API sends are the ones ERROR_TYPES lists (sdk/errors.ts), the list
 * the OpenAPI document's enum is made of: what the services throw (read from their source),
 * what moleculer-web and Moleculer raise, and what the gateway's error mapping
 * (services/api/http-errors.ts) makes of all of them. Every e2e answer is held to the enum
 * too (test/support/contract.ts validates error bodies against ApiError).
 */
import fs from "node:fs";
import path from "node:path";
import { Errors } from "moleculer";
import ApiGateway from "moleculer-web";
import { ERROR_TYPES } from "../../sdk/errors.js";
import { TRANSACTION_TYPES } from "../../sdk/contracts.js";
import { toErrorBody } from "../../services/api/http-errors.js";

const listed = new Set<string>(ERROR_TYPES);
const SERVICES = path.resolve(__dirname, "../../services");
// moleculer-web's typings leave out some of its errors and constants: read them loosely.
const WEB = ApiGateway.Errors as unknown as Record<string, unknown>;
const webConstant = (name: string): string => WEB[name] as string;
const webError = (name: string, ...args: unknown[]): Error => new (WEB[name] as new (...a: unknown[]) => Error)(...args);

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return e.name.endsWith(".ts") ? [full] : [];
  });
}

/** The text of the call whose "(" is at `open`, up to its matching ")". */
function callArguments(text: string, open: number): string {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === "(") depth++;
    else if (text[i] === ")" && --depth === 0) return text.slice(open + 1, i);
  }
  return text.slice(open + 1);
}

// Not one compared with === (a status in a message's wording, say).
const UPPER = /(?<![=!]==\s*)"([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*)"/g;
const WEB_CONSTANT = /\b(ERR_[A-Z_]+)\b/g;

/**
 * The types the services' code gives its errors: the string literals and moleculer-web
 * ERR_* constants among the arguments of every `new …Error(…)`, a `type = "…"` default of
 * an error class, a `type: "…"` property (a table of error types), and the error bodies
 * the gateway writes itself (`body(…)` in http-errors.ts, its DEFAULT_TYPES).
 */
function typesInSource(): Map<string, string> {
  const found = new Map<string, string>();
  const add = (type: string, file: string) => found.has(type) || found.set(type, path.relative(SERVICES, file));
  for (const file of sourceFiles(SERVICES)) {
    if (path.relative(SERVICES, file).startsWith(`api${path.sep}openapi${path.sep}`)) continue; // the document's own examples are checked by for-generators.test.ts
    const text = fs.readFileSync(file, "utf8");
    for (const call of text.matchAll(/\bnew\s+[\w.]*Error\s*\(|\bbody\s*\(/g)) {
      const args = callArguments(text, call.index + call[0].length - 1);
      for (const m of args.matchAll(UPPER)) add(m[1]!, file);
      for (const m of args.matchAll(WEB_CONSTANT)) add((WEB[m[1]!] as string | undefined) ?? m[1]!, file);
    }
    for (const m of text.matchAll(/\btype\s*[:=]\s*"([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*)"/g)) add(m[1]!, file);
    const defaults = /DEFAULT_TYPES[^=]*=\s*\{([^}]*)\}/.exec(text);
    for (const m of defaults?.[1]?.matchAll(UPPER) ?? []) add(m[1]!, file);
  }
  return found;
}

test("every error type in the services' code is listed in ERROR_TYPES", () => {
  const found = typesInSource();
  // The scan finds what it is meant to: types of the domain, of the gateway and of moleculer-web.
  const known = ["LOAN_ALREADY_DECIDED", "EMAIL_TAKEN", "INVALID_JSON", "RATE_LIMIT_EXCEEDED", "NO_TOKEN", "INVALID_TOKEN", "FORBIDDEN", "CSRF_TOKEN_INVALID"];
  expect(known.filter((type) => !found.has(type))).toEqual([]);
  // Raised by a service, but answered as SERVICE_UNAVAILABLE by the gateway (any 503).
  const neverSent = new Set(["DATABASE_UNAVAILABLE"]);
  // A loan transaction's `type: "REPAYMENT"` is the scan's `type: "…"` too, and no error's.
  const transactionTypes = new Set<string>(TRANSACTION_TYPES);
  const unlisted = [...found].filter(([type]) => !listed.has(type) && !neverSent.has(type) && !transactionTypes.has(type)).map(([type, file]) => `${type} (${file})`);
  expect(unlisted).toEqual([]);
  expect(toErrorBody(new Errors.MoleculerError("down", 503, "DATABASE_UNAVAILABLE")).type).toBe("SERVICE_UNAVAILABLE");
});

test("the errors moleculer-web and Moleculer raise answer with listed types", () => {
  const raised: unknown[] = [
    webError("UnAuthorizedError", webConstant("ERR_NO_TOKEN"), null),
    webError("UnAuthorizedError", webConstant("ERR_INVALID_TOKEN"), null),
    webError("ForbiddenError", webConstant("ERR_ORIGIN_NOT_ALLOWED"), null),
    webError("BadRequestError", webConstant("ERR_UNABLE_DECODE_PARAM"), { param: "%E0" }),
    webError("NotFoundError"),
    webError("PayloadTooLarge", null),
    webError("RateLimitExceeded"),
    webError("ServiceUnavailableError"),
    webError("InvalidRequestBodyError", "x", "y"),
    new Errors.MoleculerClientError("File missing in the request"),
    new Errors.ValidationError("Parameters validation error!", "VALIDATION_ERROR", [{ field: "x", message: "m", type: "required" }]),
    new Errors.ServiceNotFoundError({ action: "loans.details" }),
    new Errors.ServiceNotAvailableError({ action: "loans.details" }),
    new Errors.RequestTimeoutError({ action: "loans.details", nodeID: "n" }),
    new Errors.QueueIsFullError({ action: "loans.details", nodeID: "n", size: 1, limit: 1 }),
    new Errors.MaxCallLevelError({ nodeID: "n", level: 100 }),
    // body-parser's own errors (status and a dotted type)
    Object.assign(new Error("bad json"), { status: 400, type: "entity.parse.failed" }),
    Object.assign(new Error("too large"), { status: 413, type: "entity.too.large" }),
    Object.assign(new Error("unsupported encoding"), { status: 415, type: "encoding.unsupported" }),
    Object.assign(new Error("aborted"), { status: 400, type: "request.aborted" }),
    new TypeError("a bug"),
  ];
  const answered = raised.map((e) => toErrorBody(e).type);
  expect(answered.filter((t) => !listed.has(t ?? ""))).toEqual([]);
  expect(answered.slice(0, 2)).toEqual(["NO_TOKEN", "INVALID_TOKEN"]);
});

test("ERROR_TYPES lists each type once, in the UPPER_SNAKE form the server sends", () => {
  expect(new Set(ERROR_TYPES).size).toBe(ERROR_TYPES.length);
  for (const type of ERROR_TYPES) expect(type).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
  expect(ERROR_TYPES).not.toContain("ERR_NO_TOKEN");
});
