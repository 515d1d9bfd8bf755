/**
 * Where the JWT signing secrets come from. Production demands a strong JWT_SECRET;
 * elsewhere a random secret is made once per data directory and kept there (mode 0600),
 * so tokens survive a restart but no constant default exists anywhere.
 * JWT_SECRET may list several secrets, "new,old": tokens are signed with the first and
 * accepted with any, so a secret is rotated without signing anyone out.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { AppConfig } from "./config.js";

export const MIN_SECRET_LENGTH = 32;

type SecretConfig = Pick<AppConfig, "env" | "jwtSecret" | "dataDir">;

/** Every accepted secret, the signing one first. */
export function resolveJwtSecrets(config: SecretConfig): string[] {
  if (config.jwtSecret) {
    const secrets = config.jwtSecret.split(",").map((s) => s.trim());
    if (secrets.some((s) => s === "")) throw new Error("JWT_SECRET has an empty entry: list secrets as new,old without blanks");
    if (config.env === "production" && secrets.some((s) => s.length < MIN_SECRET_LENGTH)) {
      throw new Error(`JWT_SECRET must be at least ${MIN_SECRET_LENGTH} characters in production (each of its secrets)`);
    }
    return secrets;
  }
  if (config.env === "production") {
    throw new Error("JWT_SECRET is required in production (32+ random characters)");
  }
  return [readOrCreateSecretFile(path.join(config.dataDir, "jwt-secret"))];
}

/** The secret new tokens are signed with. */
export function resolveJwtSecret(config: SecretConfig): string {
  return resolveJwtSecrets(config)[0]!;
}

function readOrCreateSecretFile(file: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  try {
    // "wx": of two processes starting at once on one data dir, exactly one writes it.
    fs.writeFileSync(file, crypto.randomBytes(48).toString("base64url"), { flag: "wx", mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  }
  const secret = fs.readFileSync(file, "utf8").trim();
  if (secret.length < MIN_SECRET_LENGTH) throw new Error(`${file} holds no usable secret; delete it to make a new one`);
  return secret;
}
