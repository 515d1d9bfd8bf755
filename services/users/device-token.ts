/**
 * Device tokens (OWASP's "device cookie"): a login answers one, the client keeps it and sends
 * it on its next login of the same account; with a valid one, only that device's own failures
 * count against it (login-limit.ts), so someone who knows only an email cannot lock the owner
 * out.
 *
 * A token is `d1.<user id>.<device id>.<mac>`: a random device id bound to the account by an
 * HMAC under a key derived from JWT_SECRET (never the secret itself). It needs no storage and
 * no database read to check; signed with the first secret, accepted with any, like the JWTs.
 * Clients treat it as opaque. Nothing in it is secret but the MAC: it tells only the user id.
 */
import crypto from "node:crypto";

/** A device token's fields once its MAC checked. */
export interface Device {
  userId: number;
  /** Random, 128 bits, base64url: the key of this device's failure count. */
  deviceId: string;
}

const VERSION = "d1";
const FORM = /^d1\.([1-9]\d{0,9})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;

function deriveKey(secret: string): Buffer {
  return crypto.createHmac("sha256", secret).update("loanstack device token v1").digest();
}

export class DeviceTokens {
  private readonly keys: Buffer[];

  constructor(secrets: readonly string[]) {
    if (secrets.length === 0) throw new Error("DeviceTokens needs at least one secret");
    this.keys = secrets.map(deriveKey);
  }

  /** A new device of the user's. */
  issue(userId: number): string {
    const deviceId = crypto.randomBytes(16).toString("base64url");
    return `${VERSION}.${userId}.${deviceId}.${this.mac(this.keys[0]!, userId, deviceId)}`;
  }

  /** The device a token names, or null when it is malformed or not signed by us. */
  verify(token: string | undefined): Device | null {
    const match = token === undefined ? null : FORM.exec(token);
    if (!match) return null;
    const userId = Number(match[1]);
    const deviceId = match[2]!;
    const given = Buffer.from(match[3]!);
    const fits = this.keys.some((key) => {
      const expected = Buffer.from(this.mac(key, userId, deviceId));
      return expected.length === given.length && crypto.timingSafeEqual(expected, given);
    });
    return fits && Number.isSafeInteger(userId) ? { userId, deviceId } : null;
  }

  private mac(key: Buffer, userId: number, deviceId: string): string {
    return crypto.createHmac("sha256", key).update(`${VERSION}.${userId}.${deviceId}`).digest("base64url");
  }
}
