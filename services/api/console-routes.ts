/**
 * Everything the back-office console adds to the gateway, in one place: the routes under
 * /admin. The gateway (api.service.ts) puts them first, ahead of its catch-all "/" route.
 */
import type { AppConfig } from "../shared/config.js";
import { consoleStaticRoute } from "./console-static.js";

export function consoleRoutes(_config: AppConfig) {
  return [consoleStaticRoute()];
}
