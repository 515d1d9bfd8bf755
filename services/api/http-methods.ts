/**
 * What the HTTP method of a request means at the gateway, decided in one place from the
 * routes' aliases (api.service.ts calls these from moleculer-web's own methods):
 * - OPTIONS never reaches an action. moleculer-web would route it by its
 *   Access-Control-Request-Method header, or as a GET without one, and run the action behind
 *   the path (a PUT's decision, the console's write without its CSRF check, a GET's data).
 *   It is a CORS preflight (204 with the CORS headers; 403 from an origin not listed) or,
 *   without CORS, 204 with `Allow`.
 * - HEAD is routed as GET (moleculer-web and Node send no body for it).
 * - A known path with a method it does not take → 405 with `Allow`, not 404.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { Errors } from "moleculer";
import ApiGateway from "moleculer-web";

/** The part of a moleculer-web alias read here. */
export interface AliasLike {
  method: string;
  match(url: string): unknown;
}

/** The moleculer-web internals these functions use (on the gateway service). */
export interface GatewayInternals {
  aliases: AliasLike[];
  settings: { cors?: object };
  writeCorsHeaders(route: { cors?: object }, req: IncomingMessage, res: ServerResponse, isPreFlight: boolean): void;
  sendError(req: IncomingMessage, res: ServerResponse, err: unknown): void;
}

/** A request as moleculer-web leaves it: `parsedUrl` is its path once routing began. */
export interface RoutedRequest extends IncomingMessage {
  parsedUrl?: string;
}

/** Methods an alias written with "*" takes. */
const ANY_METHOD = ["GET", "POST", "PUT", "PATCH", "DELETE"];

/** The path as moleculer-web matches it: no query string, no trailing slash. */
export function pathOf(req: RoutedRequest): string {
  if (req.parsedUrl !== undefined) return req.parsedUrl;
  const url = req.url ?? "/";
  const question = url.indexOf("?", 1);
  const path = question === -1 ? url : url.slice(0, question);
  return path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
}

/** The methods a path takes (GET brings HEAD, and any path takes OPTIONS), sorted; empty for a path no alias has. */
export function methodsOf(aliases: readonly AliasLike[], path: string): string[] {
  const methods = new Set<string>();
  for (const alias of aliases) {
    if (!matches(alias, path)) continue;
    for (const method of alias.method === "*" ? ANY_METHOD : [alias.method]) methods.add(method);
  }
  if (methods.size === 0) return [];
  if (methods.has("GET")) methods.add("HEAD");
  methods.add("OPTIONS");
  return [...methods].sort();
}

function matches(alias: AliasLike, path: string): boolean {
  try {
    return Boolean(alias.match(path));
  } catch {
    return false; // a parameter that does not decode (a stray %): not this alias
  }
}

/** HEAD is answered as GET: the alias to look up for a method. */
export function routedMethod(method: string | undefined): string | undefined {
  return method === "HEAD" ? "GET" : method;
}

/** The whole answer to an OPTIONS request; no action runs. */
export function answerOptions(gateway: GatewayInternals, req: RoutedRequest, res: ServerResponse): void {
  const allow = methodsOf(gateway.aliases, pathOf(req));
  if (allow.length === 0) {
    gateway.sendError(req, res, new ApiGateway.Errors.NotFoundError("NOT_FOUND", undefined));
    return;
  }
  if (gateway.settings.cors && req.headers.origin) {
    try {
      // moleculer-web's own CORS headers; it throws 403 for an origin CORS_ORIGINS does not list.
      gateway.writeCorsHeaders(gateway.settings, req, res, req.headers["access-control-request-method"] !== undefined);
    } catch (err) {
      gateway.sendError(req, res, err);
      return;
    }
  }
  res.setHeader("Allow", allow.join(", "));
  res.writeHead(204);
  res.end();
}

/**
 * moleculer-web found no alias for the method and path: a 405 with `Allow` when the path
 * takes other methods; undefined when it is unknown (the caller answers 404).
 */
export function methodNotAllowed(gateway: GatewayInternals, req: RoutedRequest, res: ServerResponse): Error | undefined {
  const allow = methodsOf(gateway.aliases, pathOf(req));
  if (allow.length === 0) return undefined;
  res.setHeader("Allow", allow.join(", "));
  return new Errors.MoleculerClientError(`${req.method ?? "This method"} is not a method of this path; it takes ${allow.join(", ")}`, 405, "METHOD_NOT_ALLOWED");
}
