/**
 * Everything the back-office console adds to the gateway's routes: its session
 * (console-session.ts, with the cookie and CSRF check of cookie-session.ts) and its files
 * (console-static.ts). The gateway (api.service.ts) puts them first, ahead of its catch-all
 * "/" route, and mixes ConsoleSessionMixin in.
 */
import type { AppConfig } from "../shared/config.js";
import { consoleSessionRoutes } from "./console-session.js";
import { consoleStaticRoute } from "./console-static.js";

export function consoleRoutes(config: AppConfig) {
  return [...consoleSessionRoutes(config), consoleStaticRoute()];
}
