/**
 * HTTP without a client's help: any method (TRACE, a custom one), any header, the body as
 * bytes, and the answer's body as the bytes sent (not decompressed). fetch can do none of
 * these; the protocol tests (methods, encodings, headers) need all of them.
 */
import http, { type IncomingHttpHeaders } from "node:http";
import type { Json } from "./http.js";

export interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body as it came over the wire (still compressed if it was). */
  raw: Buffer;
  /** The raw body read as JSON, or null when it is empty or not JSON. */
  json: Json;
}

export interface RawOptions {
  headers?: Record<string, string>;
  body?: Buffer | string;
}

export function rawRequest(baseUrl: string, method: string, path: string, options: RawOptions = {}): Promise<RawAnswer> {
  const url = new URL(baseUrl);
  const body = options.body === undefined ? undefined : Buffer.from(options.body);
  const headers: Record<string, string> = { ...options.headers };
  if (body !== undefined) headers["content-length"] ??= String(body.length);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const raw = Buffer.concat(chunks);
        let json: unknown = null;
        try {
          json = raw.length ? JSON.parse(raw.toString("utf8")) : null;
        } catch {
          json = null;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, raw, json });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}
