/** Access tokens: signed with the first secret, checked with the one its `kid` names; always of a session. */
import crypto from "node:crypto";
import jwt from "jsonwebtoken";
import { keyId, TokenService } from "../../services/shared/tokens.js";
import { newRefreshToken } from "../../services/users/session-store.js";

const OLD = "old-secret-".padEnd(40, "o");
const NEW = "new-secret-".padEnd(40, "n");
const sid = crypto.randomUUID();
const user = { id: 7, role: "agent" as const };

describe("TokenService", () => {
  test("signs with the first secret, its kid in the header, the session in `sid`", () => {
    const { token, expiresIn } = new TokenService([NEW, OLD], "2h").issue(user, sid);
    expect(expiresIn).toBe(7200);
    const decoded = jwt.decode(token, { complete: true })!;
    expect(decoded.header).toEqual({ alg: "HS256", typ: "JWT", kid: keyId(NEW) });
    expect(decoded.payload).toMatchObject({ sub: "7", role: "agent", sid, iss: "loanstack" });
    expect(() => jwt.verify(token, NEW)).not.toThrow();
    expect(() => jwt.verify(token, OLD)).toThrow();
  });

  test("accepts a token of any listed secret: rotation signs nobody out", () => {
    const before = new TokenService(OLD, "2h").issue(user, sid).token;
    expect(new TokenService([NEW, OLD], "2h").verify(before)).toEqual({ userId: 7, sessionId: sid });
    // Once the old secret is dropped, its tokens stop.
    expect(new TokenService(NEW, "2h").verify(before)).toBeNull();
  });

  test("the kid picks the key: a kid naming no listed secret, or the wrong one, is refused", () => {
    const service = new TokenService([NEW, OLD], "2h");
    const sign = (secret: string, kid?: string) => jwt.sign({ role: "agent", sid }, secret, { algorithm: "HS256", subject: "7", issuer: "loanstack", expiresIn: "1h", ...(kid ? { keyid: kid } : {}) });
    expect(service.verify(sign(OLD, keyId(OLD)))).not.toBeNull();
    expect(service.verify(sign(OLD, keyId(NEW)))).toBeNull();
    expect(service.verify(sign(OLD, "0123456789abcdef"))).toBeNull();
    // No kid (a token older than rotation): only the signing secret may check it.
    expect(service.verify(sign(NEW))).not.toBeNull();
    expect(service.verify(sign(OLD))).toBeNull();
  });

  test("the kid tells nothing of the secret", () => {
    expect(keyId(NEW)).toMatch(/^[0-9a-f]{16}$/);
    expect(keyId(NEW)).not.toBe(keyId(OLD));
    expect(NEW).not.toContain(keyId(NEW));
  });

  test("a token without a session, or with a malformed one, is refused", () => {
    const service = new TokenService(NEW, "2h");
    const sign = (payload: object) => jwt.sign(payload, NEW, { algorithm: "HS256", keyid: keyId(NEW), subject: "7", issuer: "loanstack", expiresIn: "1h" });
    expect(service.verify(sign({ role: "agent" }))).toBeNull();
    expect(service.verify(sign({ role: "agent", sid: "not-a-uuid" }))).toBeNull();
    expect(service.verify(sign({ role: "agent", sid: 42 }))).toBeNull();
    expect(service.verify(sign({ role: "agent", sid }))).toEqual({ userId: 7, sessionId: sid });
  });

  test("a refresh token never passes for an access token", () => {
    const service = new TokenService(NEW, "2h");
    for (let i = 0; i < 20; i++) expect(service.verify(newRefreshToken().token)).toBeNull();
  });
});
