/**
 * Answers over 1 KB are sent compressed (br, else gzip) when the client's Accept-Encoding
 * takes it: the OpenAPI document is 118 KB as JSON, ~12 KB gzipped; a page of 20 loans ~8 KB.
 *
 * The gateway's sendResponse (api.service.ts) hands the response here before moleculer-web
 * writes it; its one `res.end(body)` then sends the body compressed. Compression runs in
 * zlib's thread pool (never the synchronous calls on the event loop), at levels made for
 * answers made on the fly. A cached answer (the same object on every hit: cached-json.ts)
 * is compressed once per coding and kept with the object, like its JSON text.
 */
import type { ServerResponse } from "node:http";
import zlib from "node:zlib";

export type Coding = "br" | "gzip";

/** Smaller answers go as they are: the saving is smaller than the cost. */
export const MIN_COMPRESSED_BYTES = 1024;

const BROTLI = { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } };

/** br when accepted, else gzip, else nothing; `q=0` refuses a coding, `*` stands for those not named. */
export function negotiate(acceptEncoding: string | undefined): Coding | null {
  if (!acceptEncoding) return null;
  const accepted = new Map<string, boolean>();
  for (const part of acceptEncoding.split(",")) {
    const [name = "", ...params] = part.split(";").map((s) => s.trim().toLowerCase());
    const q = params.find((p) => p.startsWith("q="));
    accepted.set(name === "x-gzip" ? "gzip" : name, q === undefined || Number(q.slice(2)) > 0);
  }
  const any = accepted.get("*");
  if (accepted.get("br") ?? any) return "br";
  if (accepted.get("gzip") ?? any) return "gzip";
  return null;
}

function compress(coding: Coding, input: Buffer, done: (err: Error | null, out: Buffer) => void): void {
  if (coding === "br") zlib.brotliCompress(input, BROTLI, done);
  else zlib.gzip(input, done);
}

/** Adds a name to the response's Vary (moleculer-web may have set `Vary: Origin`). */
function vary(res: ServerResponse, name: string): void {
  const current = res.getHeader("Vary");
  const values = current === undefined ? [] : String(current).split(/\s*,\s*/);
  if (!values.some((v) => v.toLowerCase() === name.toLowerCase() || v === "*")) res.setHeader("Vary", [...values, name].join(", "));
}

type End = (chunk?: unknown, encoding?: unknown, callback?: unknown) => ServerResponse;

export class ResponseCompressor {
  /** A cached answer's compressed bodies, gone with the object when its cache drops it. */
  private readonly memo = new WeakMap<object, Partial<Record<Coding, Buffer>>>();

  /**
   * The response's next `end(body)` sends the body compressed with `coding` when it is a
   * string or Buffer of at least MIN_COMPRESSED_BYTES; anything else goes as it is.
   * `memoKey`: the cached object the body is the JSON text of, if it is one.
   */
  compressNextEnd(res: ServerResponse, coding: Coding, memoKey: object | undefined): void {
    const end = res.end.bind(res) as End;
    const compressingEnd: End = (chunk, encoding, callback) => {
      res.end = end as ServerResponse["end"];
      const input = typeof chunk === "string" ? Buffer.from(chunk) : Buffer.isBuffer(chunk) ? chunk : undefined;
      if (!input || input.length < MIN_COMPRESSED_BYTES || res.headersSent || res.getHeader("Content-Encoding") !== undefined || res.statusCode === 204 || res.statusCode === 304) {
        return end(chunk, encoding, callback);
      }
      vary(res, "Accept-Encoding");
      const send = (body: Buffer): void => {
        res.setHeader("Content-Encoding", coding);
        res.setHeader("Content-Length", body.length);
        end(body);
      };
      const kept = memoKey ? this.memo.get(memoKey)?.[coding] : undefined;
      if (kept) {
        send(kept);
        return res;
      }
      compress(coding, input, (err, out) => {
        if (err) {
          end(input); // not worth failing the answer for: it goes uncompressed
          return;
        }
        if (memoKey) this.memo.set(memoKey, { ...this.memo.get(memoKey), [coding]: out });
        send(out);
      });
      return res;
    };
    res.end = compressingEnd as ServerResponse["end"];
  }
}
