/**
 * The request body of a JSON endpoint is JSON, or the request is refused (415): body-parser
 * quietly skips a body of another type (text/plain, a form), and the action would then run
 * on the path and query alone, as if the client had sent `{}`.
 *
 * A body with no Content-Type at all is refused too: HTTP lets the server take it for
 * application/octet-stream (RFC 9110 §8.3), not for JSON; a request without a body (no
 * Content-Length, or 0, and no Transfer-Encoding) needs none.
 *
 * A global moleculer-web middleware (settings.use): it runs in every route after the
 * route's body parsers, and only looks at routes that parse JSON.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { Errors } from "moleculer";

interface RouteLike {
  opts?: { bodyParsers?: false | { json?: unknown } };
}

interface GatewayRequest extends IncomingMessage {
  $route?: RouteLike;
  $service?: { resolveAlias(url: string, method?: string): unknown };
  parsedUrl?: string;
  body?: unknown;
}

type Next = (err?: unknown) => void;

/** As type-is's hasBody: a length other than 0, or a chunked body. */
function hasBody(req: IncomingMessage): boolean {
  const length = req.headers["content-length"];
  return req.headers["transfer-encoding"] !== undefined || (length !== undefined && length !== "0");
}

/** application/json, with any parameters (charset: body-parser checks it). */
function isJson(req: IncomingMessage): boolean {
  const type = req.headers["content-type"];
  if (type === undefined) return false;
  const semicolon = type.indexOf(";");
  return (semicolon === -1 ? type : type.slice(0, semicolon)).trim().toLowerCase() === "application/json";
}

function parsesJson(route: RouteLike | undefined): boolean {
  const parsers = route?.opts?.bodyParsers;
  return Boolean(parsers && parsers.json);
}

export function jsonBodyOnly(req: GatewayRequest, _res: ServerResponse, next: Next): void {
  // A read takes its parameters from the path and the query; a body sent along is not merged in.
  if (req.method === "GET" || req.method === "HEAD") {
    req.body = undefined;
    next();
    return;
  }
  if (!parsesJson(req.$route) || !hasBody(req) || isJson(req)) {
    next();
    return;
  }
  // A method the path does not take is answered 405 (or 404) after this, as without a body.
  if (!req.parsedUrl || !req.$service?.resolveAlias(req.parsedUrl, req.method)) {
    next();
    return;
  }
  next(new Errors.MoleculerClientError("The request body must be JSON: send it with Content-Type: application/json", 415, "UNSUPPORTED_MEDIA_TYPE"));
}
