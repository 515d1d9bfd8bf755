/**
 * Issuing and checking access tokens (HS256 JWTs). Each secret becomes a KeyObject once:
 * jsonwebtoken re-derives a key from a string secret on every call, which alone caps an
 * endpoint at a few thousand requests a second.
 *
 * Several secrets may be accepted (JWT_SECRET="new,old"): tokens are signed with the first,
 * and the `kid` header — a fingerprint of the secret, never the secret — says which key
 * checks a token. Every token names its session (`sid`): a token without one is refused,
 * so that ending a session ends all of its tokens. A token without `exp` is refused too:
 * every token this service issues ends, and one that never did would be a forgery or a leak.
 *
 * A token that verified is remembered until its `exp` (token-memo.ts says why that is as
 * strict as checking it again), so a client's every request does not redo the HMAC.
 */
import crypto, { type KeyObject } from "node:crypto";
import jwt from "jsonwebtoken";
import type { AuthUser, Role } from "../../sdk/contracts.js";
import { VerifiedTokenMemo } from "./token-memo.js";

export interface TokenClaims {
  sub: string;
  role: Role;
  sid: string;
}

export interface IssuedToken {
  token: string;
  expiresIn: number;
}

/** What a valid access token says: whose it is and of which session. */
export interface VerifiedToken {
  userId: number;
  sessionId: string;
}

const ISSUER = "loanstack";
/** Tokens remembered as verified: a few thousand signed-in clients, ~1 MB at most. */
export const VERIFIED_TOKENS_MEMOISED = 4096;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The `kid` of a secret: 16 hex digits of a SHA-256 of it, which tells nothing of the secret. */
export function keyId(secret: string): string {
  return crypto.createHash("sha256").update(`loanstack-jwt-kid:${secret}`).digest("hex").slice(0, 16);
}

interface SigningKey {
  kid: string;
  key: KeyObject;
}

export class TokenService {
  private readonly signing: SigningKey;
  private readonly keys = new Map<string, KeyObject>();
  private readonly verified: VerifiedTokenMemo<VerifiedToken>;
  /** The clock of `exp`, for the full check and the memo alike (a test moves it). */
  private readonly nowMs: () => number;

  constructor(
    secrets: string | readonly string[],
    private readonly expiresIn: string,
    options: { memoCapacity?: number; nowMs?: () => number } = {},
  ) {
    this.nowMs = options.nowMs ?? Date.now;
    this.verified = new VerifiedTokenMemo(options.memoCapacity ?? VERIFIED_TOKENS_MEMOISED, this.nowMs);
    const list = typeof secrets === "string" ? [secrets] : secrets;
    if (list.length === 0) throw new Error("TokenService needs at least one secret");
    for (const secret of list) this.keys.set(keyId(secret), crypto.createSecretKey(Buffer.from(secret, "utf8")));
    const kid = keyId(list[0]!);
    this.signing = { kid, key: this.keys.get(kid)! };
  }

  /** A token for the user's session; with `maxSeconds`, it never outlives the session's end. */
  issue(user: Pick<AuthUser, "id" | "role">, sessionId: string, maxSeconds?: number): IssuedToken {
    const issued = this.sign(user, sessionId, this.expiresIn as jwt.SignOptions["expiresIn"]);
    // Rare (a session's last hours): signed again, rather than parsing JWT_EXPIRES_IN as jsonwebtoken does.
    if (maxSeconds !== undefined && issued.expiresIn > maxSeconds) return this.sign(user, sessionId, Math.max(1, Math.floor(maxSeconds)));
    return issued;
  }

  private sign(user: Pick<AuthUser, "id" | "role">, sessionId: string, expiresIn: jwt.SignOptions["expiresIn"]): IssuedToken {
    const token = jwt.sign({ role: user.role, sid: sessionId }, this.signing.key, {
      algorithm: "HS256",
      keyid: this.signing.kid,
      subject: String(user.id),
      issuer: ISSUER,
      expiresIn,
    });
    const { exp, iat } = jwt.decode(token) as jwt.JwtPayload;
    return { token, expiresIn: (exp ?? 0) - (iat ?? 0) };
  }

  /** The user and session the token was issued to, or null when it is invalid or expired. */
  verify(token: string): VerifiedToken | null {
    return this.verified.get(token) ?? this.verifyInFull(token);
  }

  private verifyInFull(token: string): VerifiedToken | null {
    try {
      const decoded = jwt.decode(token, { complete: true });
      if (!decoded) return null;
      // A token without a kid predates rotation: only the signing key may check it.
      const key = decoded.header.kid === undefined ? this.signing.key : this.keys.get(decoded.header.kid);
      if (!key) return null;
      const claims = jwt.verify(token, key, { algorithms: ["HS256"], issuer: ISSUER, clockTimestamp: Math.floor(this.nowMs() / 1000) }) as jwt.JwtPayload;
      if (typeof claims.exp !== "number") return null;
      const userId = Number(claims.sub);
      const sessionId: unknown = claims.sid;
      if (!Number.isInteger(userId) || userId < 1 || typeof sessionId !== "string" || !UUID.test(sessionId)) return null;
      const verified: VerifiedToken = Object.freeze({ userId, sessionId });
      // Remembered until its exp; one with a `nbf` never (a clock set back could reopen its wait).
      if (claims.nbf === undefined) this.verified.set(token, verified, claims.exp);
      return verified;
    } catch {
      return null;
    }
  }
}
