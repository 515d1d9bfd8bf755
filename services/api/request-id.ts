/**
 * The request id a client may choose (X-Request-ID, or X-Correlation-ID, which moleculer-web
 * prefers) becomes `ctx.requestID`, which goes into logs, traces, the answer's X-Request-ID
 * and whatever a service keys by it. Only a plain one is kept: 1–128 letters, digits and
 * `-_.:` (a UUID, a ULID, a W3C trace id). Any other (too long, spaces, quotes, bytes beyond
 * ASCII) is dropped and Moleculer gives the request an id of its own, as when none is sent:
 * nothing a client puts in that header can make a request fail.
 *
 * moleculer-web's `rootCallOptions` hook: it gets the options of the request's root call,
 * `requestID` already taken from the headers.
 */
const ACCEPTABLE_REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

export function acceptRequestId(options: { requestID?: unknown }): void {
  if (typeof options.requestID !== "string" || !ACCEPTABLE_REQUEST_ID.test(options.requestID)) delete options.requestID;
}
