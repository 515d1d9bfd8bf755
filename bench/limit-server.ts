/**
 * The machine's limit for the cached read: node:http verifying the same JWT as the
 * baseline (HS256, issuer "loanstack", KeyObject made once) and answering a fixed body of
 * the real answer's size — no database, no framework. What this machine can serve at all
 * for that request; loanstack's cached read is measured against it.
 *
 * Env: LIMIT_PORT (0 = any), JWT_SECRET, LIMIT_BODY_FILE (the body to answer).
 * Prints "limit listening on http://127.0.0.1:PORT" when ready.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import jwt from "jsonwebtoken";

const secret = process.env.JWT_SECRET;
if (!secret) throw new Error("JWT_SECRET is required");
const key = crypto.createSecretKey(Buffer.from(secret, "utf8"));
const body = fs.readFileSync(process.env.LIMIT_BODY_FILE ?? "", "utf8");
const length = Buffer.byteLength(body);

function authorized(header: string | undefined): boolean {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? "");
  if (!match) return false;
  try {
    jwt.verify(match[1]!, key, { algorithms: ["HS256"], issuer: "loanstack" });
    return true;
  } catch {
    return false;
  }
}

const server = http.createServer((req, res) => {
  if (!authorized(req.headers.authorization)) {
    res.writeHead(401, { "Content-Type": "application/json; charset=utf-8" });
    res.end('{"code":401}');
    return;
  }
  res.writeHead(200, { "Content-Type": "application/json; charset=utf-8", "Content-Length": length });
  res.end(body);
});

server.listen(Number(process.env.LIMIT_PORT ?? 0), "127.0.0.1", () => {
  const address = server.address();
  console.log(`limit listening on http://127.0.0.1:${address && typeof address === "object" ? address.port : 0}`);
});

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    server.close();
    server.closeAllConnections();
    process.exit(0);
  });
}
