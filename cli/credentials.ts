/**
 * The tokens kept by `loanctl login`: $XDG_CONFIG_HOME/loanctl/credentials.json
 * (else ~/.config/loanctl/credentials.json), the directory 0700 and the file 0600,
 * written to a temporary file and renamed so it is never half written.
 *
 * Beside it, devices.json keeps the device token of each account this machine logged in to
 * (per API URL and email, same modes): sent on the next login of that account, it keeps the
 * owner in while others guess at the email. It names the device, not a session, so `logout`
 * leaves it.
 */
import fs from "node:fs";
import path from "node:path";
import { ROLES, type Role, type TokenPair } from "../sdk/contracts.js";

export interface StoredCredentials {
  apiUrl: string;
  token: string;
  user: { id: number; email: string; role: Role };
  /** ISO time the token stops working. */
  expiresAt: string;
  /** The session's refresh token (absent in files written before sessions): renews the token silently. */
  refreshToken?: string;
  /** ISO time the refresh token stops working: the end of the session unless it is used. */
  refreshExpiresAt?: string;
}

type Env = Record<string, string | undefined>;

/** node:os costs a few milliseconds to load: only when HOME is not set. */
function homedir(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- see above
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
    (ROLES as readonly unknown[]).includes(user.role) &&
    (v.refreshToken === undefined || typeof v.refreshToken === "string") &&
    (v.refreshExpiresAt === undefined || typeof v.refreshExpiresAt === "string")
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
    writePrivate(this.file, credentials);
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

/** Writes JSON to a 0600 file in a 0700 directory, through a temporary file renamed over it. */
function writePrivate(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(tmp, "w", 0o600);
  try {
    fs.writeFileSync(fd, JSON.stringify(value, null, 2) + "\n");
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  // the mode given to open is masked by the umask; make sure of 0600
  fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, file);
}

/** API URL → lower-case email → that account's device token on this machine. */
type DeviceTokens = Record<string, Record<string, string>>;

export class DeviceStore {
  readonly file: string;

  constructor(env: Env = process.env) {
    this.file = path.join(configDir(env), "devices.json");
  }

  /** The device token of this account on this API, if this machine has one. */
  get(apiUrl: string, email: string): string | undefined {
    return this.load()[apiUrl]?.[email.trim().toLowerCase()];
  }

  set(apiUrl: string, email: string, deviceToken: string): void {
    const all = this.load();
    all[apiUrl] = { ...all[apiUrl], [email.trim().toLowerCase()]: deviceToken };
    writePrivate(this.file, all);
  }

  private load(): DeviceTokens {
    try {
      const parsed: unknown = JSON.parse(fs.readFileSync(this.file, "utf8"));
      return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? (parsed as DeviceTokens) : {};
    } catch {
      return {}; // none yet, or unreadable: the login goes without one
    }
  }
}

export function isExpired(credentials: StoredCredentials, now = Date.now()): boolean {
  const expires = Date.parse(credentials.expiresAt);
  return Number.isNaN(expires) || expires <= now;
}

/** Whether process `pid` still runs. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** A lock left by a loanctl that died, or held far longer than a refresh takes. */
function isStale(lock: string, staleMs: number): boolean {
  try {
    const pid = Number(fs.readFileSync(lock, "utf8"));
    return (Number.isInteger(pid) && pid > 0 && !alive(pid)) || Date.now() - fs.statSync(lock).mtimeMs > staleMs;
  } catch {
    return false; // gone already, or being written: try again
  }
}

/**
 * Runs `work` holding an exclusive lock file beside the credentials, so that loanctl processes
 * started together (a script's `xargs -P`) refresh one at a time: a second one re-reads the
 * file and takes the pair the first one saved instead of spending the same refresh token.
 */
export async function withFileLock<T>(lock: string, work: () => Promise<T>, timeoutMs = 15_000, staleMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  fs.mkdirSync(path.dirname(lock), { recursive: true, mode: 0o700 });
  for (;;) {
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: "wx", mode: 0o600 });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      if (isStale(lock, staleMs)) fs.rmSync(lock, { force: true });
      else if (Date.now() > deadline) throw new Error(`another loanctl has held ${lock} for ${timeoutMs / 1000} s; remove it if no loanctl runs`);
      else await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
  try {
    return await work();
  } finally {
    fs.rmSync(lock, { force: true });
  }
}

/** Whether the stored refresh token may still renew the access token. */
export function canRefresh(credentials: StoredCredentials, now = Date.now()): boolean {
  if (!credentials.refreshToken || !credentials.refreshExpiresAt) return false;
  const expires = Date.parse(credentials.refreshExpiresAt);
  return !Number.isNaN(expires) && expires > now;
}

/** What a login or a refresh answered, as it is kept. */
export function credentialsOf(apiUrl: string, tokens: TokenPair, now = Date.now()): StoredCredentials {
  return {
    apiUrl,
    token: tokens.token,
    user: { id: tokens.user.id, email: tokens.user.email, role: tokens.user.role },
    expiresAt: new Date(now + tokens.expires_in * 1000).toISOString(),
    refreshToken: tokens.refresh_token,
    refreshExpiresAt: new Date(now + tokens.refresh_expires_in * 1000).toISOString(),
  };
}
