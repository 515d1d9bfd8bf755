/** The memo of verified tokens: never past a token's exp, bounded, keyed by the whole token. */
import crypto from "node:crypto";
import jwt from "jsonwebtoken";
import { VerifiedTokenMemo } from "../../services/shared/token-memo.js";
import { keyId, TokenService } from "../../services/shared/tokens.js";

const SECRET = "memo-secret-".padEnd(40, "m");
const OTHER = "other-secret-".padEnd(40, "x");
const sid = crypto.randomUUID();
const T0 = Date.UTC(2030, 0, 1); // ms; far enough ahead that the real clock never disagrees below

/** A token as the users service signs it, with `iat`/`exp` at the given seconds. */
function sign(secret: string, iatSeconds: number, ttlSeconds: number, payload: object = { role: "customer", sid }): string {
  return jwt.sign({ ...payload, iat: iatSeconds, exp: iatSeconds + ttlSeconds }, secret, { algorithm: "HS256", keyid: keyId(secret), subject: "7", issuer: "loanstack" });
}

/** The same token with one character of its signature changed (still base64url). */
function tampered(token: string): string {
  const last = token.at(-2) === "A" ? "B" : "A";
  return token.slice(0, -2) + last + token.slice(-1);
}

describe("VerifiedTokenMemo", () => {
  test("answers a token until floor(now / 1000) reaches its exp, then misses and forgets it", () => {
    let now = T0;
    const memo = new VerifiedTokenMemo<string>(10, () => now);
    const exp = T0 / 1000 + 60;
    memo.set("token", "claims", exp);
    expect(memo.get("token")).toBe("claims");
    now = exp * 1000 - 1; // 59.999 s later: still before exp
    expect(memo.get("token")).toBe("claims");
    now = exp * 1000; // the second of exp: jsonwebtoken calls it expired
    expect(memo.get("token")).toBeUndefined();
    now = T0; // even with the clock set back, the entry is gone
    expect(memo.get("token")).toBeUndefined();
    expect(memo.size).toBe(0);
  });

  test("holds at most its capacity, dropping the least recently used", () => {
    const memo = new VerifiedTokenMemo<number>(3, () => T0);
    const exp = T0 / 1000 + 60;
    for (const n of [1, 2, 3]) memo.set(`t${n}`, n, exp);
    expect(memo.get("t1")).toBe(1); // t1 now the most recently used: t2 goes first
    memo.set("t4", 4, exp);
    expect(memo.size).toBe(3);
    expect(memo.get("t2")).toBeUndefined();
    expect([memo.get("t1"), memo.get("t3"), memo.get("t4")]).toEqual([1, 3, 4]);
    for (let n = 5; n < 1000; n++) memo.set(`t${n}`, n, exp);
    expect(memo.size).toBe(3);
  });

  test("a capacity of 0 remembers nothing", () => {
    const memo = new VerifiedTokenMemo<number>(0, () => T0);
    memo.set("t", 1, T0 / 1000 + 60);
    expect(memo.get("t")).toBeUndefined();
    expect(memo.size).toBe(0);
  });
});

describe("TokenService with its memo", () => {
  test("a token is refused from the second of its exp on, though it verified (and was memoised) before", () => {
    let now = T0;
    const service = new TokenService(SECRET, "2h", { nowMs: () => now });
    const token = sign(SECRET, T0 / 1000, 30);
    expect(service.verify(token)).toEqual({ userId: 7, sessionId: sid });
    now += 29_999;
    expect(service.verify(token)).toEqual({ userId: 7, sessionId: sid });
    now += 1;
    expect(service.verify(token)).toBeNull();
    expect(service.verify(token)).toBeNull();
  });

  test("a different token never matches a memoised one: a changed signature, claim or key is checked in full", () => {
    const service = new TokenService(SECRET, "2h", { nowMs: () => T0 });
    const token = sign(SECRET, T0 / 1000, 3600);
    expect(service.verify(token)).not.toBeNull();
    expect(service.verify(tampered(token))).toBeNull();
    const [header, , signature] = token.split(".");
    const otherPayload = Buffer.from(JSON.stringify({ role: "admin", sid, iat: T0 / 1000, exp: T0 / 1000 + 3600, sub: "1", iss: "loanstack" })).toString("base64url");
    expect(service.verify(`${header}.${otherPayload}.${signature}`)).toBeNull();
    expect(service.verify(sign(OTHER, T0 / 1000, 3600))).toBeNull();
    expect(service.verify(`${token} `)).toBeNull();
    // The memoised one still verifies, and to its own claims.
    expect(service.verify(token)).toEqual({ userId: 7, sessionId: sid });
  });

  test("a refused token is not remembered: it is refused again, and a valid one after it still verifies", () => {
    const service = new TokenService(SECRET, "2h", { nowMs: () => T0 });
    const bad = sign(OTHER, T0 / 1000, 3600);
    for (let i = 0; i < 3; i++) expect(service.verify(bad)).toBeNull();
    expect(service.verify(sign(SECRET, T0 / 1000, 3600))).not.toBeNull();
  });

  test("beyond its capacity every token still verifies to its own claims", () => {
    const service = new TokenService(SECRET, "2h", { nowMs: () => T0, memoCapacity: 2 });
    const sessions = Array.from({ length: 5 }, () => crypto.randomUUID());
    const tokens = sessions.map((s) => sign(SECRET, T0 / 1000, 3600, { role: "customer", sid: s }));
    for (let round = 0; round < 3; round++) {
      tokens.forEach((token, i) => expect(service.verify(token)).toEqual({ userId: 7, sessionId: sessions[i] }));
    }
  });

  test("what verify returns cannot be changed by a caller (it is shared by every hit)", () => {
    const service = new TokenService(SECRET, "2h", { nowMs: () => T0 });
    const token = sign(SECRET, T0 / 1000, 3600);
    const first = service.verify(token)!;
    expect(Object.isFrozen(first)).toBe(true);
    expect(service.verify(token)).toBe(first);
  });

  test("a token with a not-before is checked in full every time: refused before it, accepted after", () => {
    let now = T0;
    const service = new TokenService(SECRET, "2h", { nowMs: () => now });
    const token = jwt.sign({ role: "customer", sid, iat: T0 / 1000, nbf: T0 / 1000 + 10, exp: T0 / 1000 + 3600 }, SECRET, {
      algorithm: "HS256",
      keyid: keyId(SECRET),
      subject: "7",
      issuer: "loanstack",
    });
    expect(service.verify(token)).toBeNull();
    now += 10_000;
    expect(service.verify(token)).not.toBeNull();
    now = T0;
    expect(service.verify(token)).toBeNull();
  });
});
