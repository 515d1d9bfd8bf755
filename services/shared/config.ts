/**
 * Every setting of loanstack, read from the environment in one place. Each has a default
 * that works on a laptop; `.env.example` and docs/configuration.md list them.
 */
import path from "node:path";
import ms from "ms";
import { AGENT_DEFAULT_LIMIT, PASSWORD_MAX, PASSWORD_MIN, type Money } from "../../sdk/contracts.js";
import type { Subscription } from "./subscriptions.js";
import { parseRateTable, type RateBand } from "../../domain/rate-table.js";

export interface AppConfig {
  env: string;
  port: number;
  host: string;
  dataDir: string;
  dbPoolMax: number;
  /** Seconds a service retries its database at start before it gives up. */
  dbConnectTimeout: number;
  jwtSecret?: string;
  jwtExpiresIn: string;
  bcryptRounds: number;
  rateLimitAuthPerMinute: number;
  admin?: { email: string; password: string };
  rateTable: RateBand[];
  bodyLimit: string;
  /** How often an outbox relay looks for undelivered events (it is also woken by each write). */
  outboxPollMs: number;
  /** EVENT_CONSUMERS: consumers of the outboxes beyond subscriptions.ts's (other services in the namespace). */
  eventConsumers: Subscription[];
  /** With METRICS_PORT set: how often the loans service refreshes its portfolio gauges. */
  portfolioMetricsMs: number;
  // -- sessions --
  /** Seconds a refresh token lives (REFRESH_EXPIRES_IN, default 30d); each refresh issues a new one. */
  refreshExpiresIn: number;
  /** Seconds a session lives after its login, whatever its refreshes (SESSION_MAX_AGE, default 90d). */
  sessionMaxAge: number;
  /** Browser origins allowed to call the API (CORS_ORIGINS); none by default. */
  corsOrigins: string[];
  /** HEAP_GROWING_PERCENT: V8's heap growth between full collections (heap-growth.ts); 0 = V8's own. */
  heapGrowingPercent: number;
  /** AGENT_DEFAULT_LIMIT: an approved agent's lending limit until an admin sets one (default 5000000.00). */
  agentDefaultLimit: Money;
  /** COB_AT: when (UTC) one loans instance runs close of business for the day that ended; null: "off". */
  cobAt: { hour: number; minute: number } | null;
  /** COB_BATCH_SIZE: how many loans close of business decides per transaction. */
  cobBatchSize: number;
  /** COB_STALE_MS: a RUNNING run whose batches stopped committing this long ago died with its process (FAILED). */
  cobStaleMs: number;
}

type Env = Record<string, string | undefined>;

export function intFromEnv(env: Env, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`${name} must be an integer >= ${min}, got "${raw}"`);
  }
  return value;
}

/** A duration as jsonwebtoken reads JWT_EXPIRES_IN ("30d", "12h", "90m", or seconds), in seconds. */
export function secondsFromEnv(env: Env, name: string, fallback: string): number {
  const raw = env[name] || fallback;
  const millis = /^\d+$/.test(raw.trim()) ? Number(raw) * 1000 : ms(raw as ms.StringValue);
  if (typeof millis !== "number" || !Number.isFinite(millis) || millis < 1000) {
    throw new Error(`${name} must be a duration such as "30d", "12h" or a number of seconds, got "${raw}"`);
  }
  return Math.floor(millis / 1000);
}

/** CORS_ORIGINS: "https://a.example,https://b.example"; each an origin (scheme, host, port). */
export function parseOrigins(raw: string | undefined): string[] {
  if (!raw?.trim()) return [];
  return raw.split(",").map((value) => {
    const origin = value.trim();
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.origin !== origin) {
      throw new Error(`CORS_ORIGINS: "${origin}" is not an origin such as https://console.example.com (no path, no trailing slash)`);
    }
    return origin;
  });
}

/** A money setting: a decimal with at most two places, answered with two. */
export function moneyFromEnv(env: Env, name: string, fallback: Money): Money {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === "") return fallback;
  const match = /^(\d{1,12})(?:\.(\d{1,2}))?$/.exec(raw);
  if (!match) throw new Error(`${name} must be an amount such as 5000000.00 (at most two places), got "${raw}"`);
  return `${BigInt(match[1]!).toString()}.${(match[2] ?? "").padEnd(2, "0")}`;
}

const CONSUMER_NAME = /^[a-z][a-z0-9_-]{0,63}$/;
const ACTION_NAME = /^[\w-]+(\.[\w-]+)+$/;
const EVENT_NAME = /^[\w-]+(\.[\w-]+)*$/;

/**
 * EVENT_CONSUMERS: `name=service.action` (every event) or `name=service.action:event,event`,
 * several separated by `;`. Each is a consumer like those of subscriptions.ts (`allConsumers`).
 */
export function parseEventConsumers(value: string | undefined): Subscription[] {
  const entries = (value ?? "")
    .split(";")
    .map((s) => s.trim())
    .filter(Boolean);
  const seen = new Set<string>();
  return entries.map((entry) => {
    const match = /^([^=]+)=([^:]+)(?::(.*))?$/.exec(entry);
    const consumer = match?.[1]?.trim() ?? "";
    const action = match?.[2]?.trim() ?? "";
    const events =
      match?.[3] === undefined
        ? "all"
        : match[3]
            .split(",")
            .map((e) => e.trim())
            .filter(Boolean);
    if (!CONSUMER_NAME.test(consumer) || !ACTION_NAME.test(action) || (events !== "all" && (events.length === 0 || !events.every((e) => EVENT_NAME.test(e))))) {
      throw new Error(`EVENT_CONSUMERS: "${entry}" is not name=service.action or name=service.action:event,event`);
    }
    if (seen.has(consumer)) throw new Error(`EVENT_CONSUMERS: the consumer "${consumer}" is declared twice`);
    seen.add(consumer);
    return { consumer, action, events };
  });
}

/** The time of day of COB_AT ("HH:MM" UTC), or null for "off". */
export function parseCobAt(raw: string): { hour: number; minute: number } | null {
  if (raw === "off") return null;
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(raw);
  if (!m) throw new Error(`COB_AT must be HH:MM (UTC) or off, got "${raw}"`);
  return { hour: Number(m[1]), minute: Number(m[2]) };
}

export function loadConfig(env: Env = process.env): AppConfig {
  const adminEmail = env.ADMIN_EMAIL;
  const adminPassword = env.ADMIN_PASSWORD;
  if (adminEmail && adminPassword && (adminPassword.length < PASSWORD_MIN || Buffer.byteLength(adminPassword, "utf8") > PASSWORD_MAX)) {
    throw new Error(`ADMIN_PASSWORD must be ${PASSWORD_MIN} to ${PASSWORD_MAX} characters, like every password`);
  }
  return {
    env: env.NODE_ENV ?? "development",
    port: intFromEnv(env, "PORT", 8000),
    host: env.HOST ?? "0.0.0.0",
    dataDir: path.resolve(env.LOANSTACK_DATA_DIR ?? "data"),
    dbPoolMax: intFromEnv(env, "DB_POOL_MAX", 10, 1),
    dbConnectTimeout: intFromEnv(env, "DB_CONNECT_TIMEOUT", 60, 1),
    jwtSecret: env.JWT_SECRET || undefined,
    jwtExpiresIn: env.JWT_EXPIRES_IN ?? "2h",
    bcryptRounds: intFromEnv(env, "BCRYPT_ROUNDS", 10, 4),
    rateLimitAuthPerMinute: intFromEnv(env, "RATE_LIMIT_AUTH_PER_MINUTE", 60, 1),
    admin: adminEmail && adminPassword ? { email: adminEmail, password: adminPassword } : undefined,
    rateTable: parseRateTable(env.LOAN_RATE_TABLE),
    bodyLimit: env.BODY_LIMIT ?? "1MB",
    outboxPollMs: intFromEnv(env, "OUTBOX_POLL_MS", 1000, 10),
    eventConsumers: parseEventConsumers(env.EVENT_CONSUMERS),
    portfolioMetricsMs: intFromEnv(env, "PORTFOLIO_METRICS_INTERVAL_MS", 15_000, 100),
    refreshExpiresIn: secondsFromEnv(env, "REFRESH_EXPIRES_IN", "30d"),
    sessionMaxAge: secondsFromEnv(env, "SESSION_MAX_AGE", "90d"),
    corsOrigins: parseOrigins(env.CORS_ORIGINS),
    heapGrowingPercent: intFromEnv(env, "HEAP_GROWING_PERCENT", 100),
    agentDefaultLimit: moneyFromEnv(env, "AGENT_DEFAULT_LIMIT", AGENT_DEFAULT_LIMIT),
    cobAt: parseCobAt(env.COB_AT || "00:05"),
    cobBatchSize: intFromEnv(env, "COB_BATCH_SIZE", 500, 1),
    cobStaleMs: intFromEnv(env, "COB_STALE_MS", 60_000, 100),
  };
}
