/**
 * The document as the gateway serves it, built without a broker: from the gateway's
 * routes for a default configuration and the services' schemas. For `npm run openapi`
 * and the contract tests.
 */
import ApiService, { gatewaySettings } from "../../api.service.js";
import { loadConfig } from "../../shared/config.js";
import { buildOpenApiDocument, declaredActions, type GatewayRoute } from "./document.js";
import { packageVersion } from "./package-version.js";
import { DOCUMENTED_SERVICES } from "./sources.js";
import type { OpenApiDocument } from "./types.js";

export function gatewayRoutes(): GatewayRoute[] {
  return gatewaySettings(loadConfig({})).routes as GatewayRoute[];
}

export function documentFromCode(): OpenApiDocument {
  return buildOpenApiDocument({ routes: gatewayRoutes(), actions: declaredActions([...DOCUMENTED_SERVICES, ApiService]), version: packageVersion() });
}
