/**
 * The request body of a JSON endpoint is JSON, or the request is refused (415): body-parser
 * quietly skips a body of another type (text/plain, a form), and the action would then run
 * on the path and query alone, as if the client had sent `{}`.
 *
 * A body with no Content-Type at all is refused too: HTTP lets the server take it for
 * application/octet-stream (RFC 9110 §8.3), not for JSON; a request without a body (no
 * Content-Length, or 0, and no Transfer-Encoding) needs none.
 *
 * Checked when the action is about to be called (the gateway's callAction), so after the
 * method (405), the token and the CSRF check (401, 403): a forged form post is refused for
 * its missing credentials first, as any other request.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { Errors } from "moleculer";

export interface RouteLike {
  opts?: { bodyParsers?: false | { json?: unknown } };
}

interface GatewayRequest extends IncomingMessage {
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

/** The 415 for a request whose body a JSON route cannot read as JSON; undefined when it can. */
export function unsupportedBody(route: RouteLike, req: IncomingMessage): Error | undefined {
  if (req.method === "GET" || req.method === "HEAD" || !parsesJson(route) || !hasBody(req) || isJson(req)) return undefined;
  return new Errors.MoleculerClientError("The request body must be JSON: send it with Content-Type: application/json", 415, "UNSUPPORTED_MEDIA_TYPE");
}

/**
 * A read takes its parameters from the path and the query: a body sent along with a GET is
 * not merged into them. A global moleculer-web middleware (settings.use), after the route's
 * body parsers.
 */
export function readsIgnoreBodies(req: GatewayRequest, _res: ServerResponse, next: Next): void {
  if (req.method === "GET" || req.method === "HEAD") req.body = undefined;
  next();
}
