/**
 * Issuing and checking access tokens (HS256 JWTs). The secret becomes a KeyObject once:
 * jsonwebtoken re-derives a key from a string secret on every call, which alone caps an
 * endpoint at a few thousand requests a second.
 */
import crypto, { type KeyObject } from "node:crypto";
import jwt from "jsonwebtoken";
import type { AuthUser, Role } from "../../sdk/contracts.js";

export interface TokenClaims {
  sub: string;
  role: Role;
}

export interface IssuedToken {
  token: string;
  expiresIn: number;
}

const ISSUER = "loanstack";

export class TokenService {
  private readonly key: KeyObject;

  constructor(secret: string, private readonly expiresIn: string) {
    this.key = crypto.createSecretKey(Buffer.from(secret, "utf8"));
  }

  issue(user: Pick<AuthUser, "id" | "role">): IssuedToken {
    const token = jwt.sign({ role: user.role }, this.key, {
      algorithm: "HS256",
      subject: String(user.id),
      issuer: ISSUER,
      expiresIn: this.expiresIn as jwt.SignOptions["expiresIn"],
    });
    const { exp, iat } = jwt.decode(token) as jwt.JwtPayload;
    return { token, expiresIn: (exp ?? 0) - (iat ?? 0) };
  }

  /** The user id the token was issued to, or null when it is invalid or expired. */
  verify(token: string): number | null {
    try {
      const claims = jwt.verify(token, this.key, { algorithms: ["HS256"], issuer: ISSUER }) as jwt.JwtPayload;
      const id = Number(claims.sub);
      return Number.isInteger(id) && id > 0 ? id : null;
    } catch {
      return null;
    }
  }
}
