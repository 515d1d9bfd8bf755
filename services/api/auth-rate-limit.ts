/**
 * moleculer-web's rate limit for the routes that check a password (login, signup, the
 * console's sign-in): RATE_LIMIT_AUTH_PER_MINUTE per client address, each route its own count.
 */
import type { IncomingMessage } from "node:http";
import ApiGateway from "moleculer-web";
import type { AppConfig } from "../shared/config.js";

/** moleculer-web's MemoryStore as this file uses it (its typings declare `resetTime` a plain field). */
type WindowStore = new (clearPeriod: number) => { inc(key: string): number; reset(): void };

/**
 * moleculer-web's memory store, whose `resetTime` reads as the seconds left in the window.
 * moleculer-web writes `store.resetTime` as it is into `X-Rate-Limit-Reset`, and its own
 * store keeps an epoch in milliseconds there; the header is documented in delta seconds
 * (as `Retry-After`). The store itself assigns `resetTime` at each window's start: the
 * setter keeps that instant.
 */
export class SecondsWindowStore extends (ApiGateway.RateLimitStores.MemoryStore as unknown as WindowStore) {
  /** When the current window ends (epoch ms). Set through `resetTime` by the base class. */
  declare private resetAt: number;

  get resetTime(): number {
    return this.secondsToReset();
  }

  set resetTime(epochMs: number) {
    this.resetAt = epochMs;
  }

  /** Whole seconds until the counters reset (0 at the very end of a window). */
  secondsToReset(now = Date.now()): number {
    return Math.max(0, Math.ceil((this.resetAt - now) / 1000));
  }
}

export function authRateLimit(config: AppConfig) {
  return {
    window: 60_000,
    limit: config.rateLimitAuthPerMinute,
    headers: true,
    StoreFactory: SecondsWindowStore,
    // The socket's address: X-Forwarded-For is the client's to forge.
    key: (req: IncomingMessage) => req.socket.remoteAddress ?? "unknown",
  };
}
