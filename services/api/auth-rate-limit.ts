/**
 * moleculer-web's rate limit for the routes that check a password (login, signup, the
 * console's sign-in): RATE_LIMIT_AUTH_PER_MINUTE per client address, each route its own count.
 */
import type { IncomingMessage } from "node:http";
import type { AppConfig } from "../shared/config.js";

export function authRateLimit(config: AppConfig) {
  return {
    window: 60_000,
    limit: config.rateLimitAuthPerMinute,
    headers: true,
    // The socket's address: X-Forwarded-For is the client's to forge.
    key: (req: IncomingMessage) => req.socket.remoteAddress ?? "unknown",
  };
}
