/**
 * The token kept by `loanctl login`: $XDG_CONFIG_HOME/loanctl/credentials.json
 * (else ~/.config/loanctl/credentials.json), the directory 0700 and the file 0600,
 * written to a temporary file and renamed so it is never half written.
 */
import fs from "node:fs";
import path from "node:path";
import { ROLES, type Role } from "../sdk/index.js";

export interface StoredCredentials {
  apiUrl: string;
  token: string;
  user: { id: number; email: string; role: Role };
  /** ISO time the token stops working. */
  expiresAt: string;
}

type Env = Record<string, string | undefined>;

/** node:os costs a few milliseconds to load: only when HOME is not set. */
function homedir(): string {
  return (require("node:os") as typeof import("node:os")).homedir();
}

export function configDir(env: Env = process.env): string {
  const xdg = env.XDG_CONFIG_HOME;
  // the XDG spec says a relative XDG_CONFIG_HOME is invalid and must be ignored
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(env.HOME || homedir(), ".config");
  return path.join(base, "loanctl");
}

export function credentialsPath(env: Env = process.env): string {
  return path.join(configDir(env), "credentials.json");
}

function isCredentials(value: unknown): value is StoredCredentials {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  const user = v.user as Record<string, unknown> | undefined;
  return (
    typeof v.apiUrl === "string" &&
    typeof v.token === "string" &&
    typeof v.expiresAt === "string" &&
    typeof user === "object" &&
    user !== null &&
    typeof user.id === "number" &&
    typeof user.email === "string" &&
    (ROLES as readonly unknown[]).includes(user.role)
  );
}

export class CredentialStore {
  readonly file: string;

  constructor(env: Env = process.env) {
    this.file = credentialsPath(env);
  }

  /** The stored credentials, or undefined when there are none (or the file is unreadable). */
  load(): StoredCredentials | undefined {
    let text: string;
    try {
      text = fs.readFileSync(this.file, "utf8");
    } catch {
      return undefined;
    }
    try {
      const parsed: unknown = JSON.parse(text);
      return isCredentials(parsed) ? parsed : undefined;
    } catch {
      return undefined;
    }
  }

  save(credentials: StoredCredentials): void {
    const dir = path.dirname(this.file);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.tmp`;
    const fd = fs.openSync(tmp, "w", 0o600);
    try {
      fs.writeFileSync(fd, JSON.stringify(credentials, null, 2) + "\n");
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    // the mode given to open is masked by the umask; make sure of 0600
    fs.chmodSync(tmp, 0o600);
    fs.renameSync(tmp, this.file);
  }

  /** Removes the file; answers whether there was one. */
  remove(): boolean {
    try {
      fs.unlinkSync(this.file);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
      throw error;
    }
  }
}

export function isExpired(credentials: StoredCredentials, now = Date.now()): boolean {
  const expires = Date.parse(credentials.expiresAt);
  return Number.isNaN(expires) || expires <= now;
}
