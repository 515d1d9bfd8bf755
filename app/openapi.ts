/**
 * The document as the gateway serves it, built without a broker: from the gateway's
 * routes for a default configuration and the routed services' schemas (registry.ts), as
 * the root hands them to the gateway. For `npm run openapi` and the contract tests.
 */
import ApiService, { gatewaySettings } from "../services/api.service.js";
import { buildOpenApiDocument, declaredActions, type GatewayRoute } from "../services/api/openapi/document.js";
import { packageVersion } from "../services/api/openapi/package-version.js";
import type { OpenApiDocument } from "../services/api/openapi/types.js";
import { loadConfig } from "../services/shared/config.js";
import { routedSchemas } from "./registry.js";

export function gatewayRoutes(): GatewayRoute[] {
  return gatewaySettings(loadConfig({})).routes as GatewayRoute[];
}

export function documentFromCode(): OpenApiDocument {
  return buildOpenApiDocument({ routes: gatewayRoutes(), actions: declaredActions([...routedSchemas(), ApiService]), version: packageVersion() });
}
