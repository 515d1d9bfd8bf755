/**
 * GET /docs: Swagger UI (swagger-ui-dist, from node_modules) rendering /api/v1/openapi.json.
 * Everything it loads comes from this gateway, so it works offline; its Content-Security-
 * Policy lets the browser fetch nothing from anywhere else and run no inline script.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import serveStatic from "serve-static";

export const DOCS_PATH = "/docs";
export const DOCUMENT_PATH = "/api/v1/openapi.json";

/** The files of swagger-ui-dist the page uses; the rest (its petstore demo page) is not served. */
const ASSETS = new Set(["/swagger-ui.css", "/swagger-ui-bundle.js", "/favicon-32x32.png", "/favicon-16x16.png"]);

export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  // Swagger UI sets style attributes from script.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

export const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>loanstack API reference</title>
  <link rel="icon" type="image/png" href="${DOCS_PATH}/favicon-32x32.png">
  <link rel="stylesheet" href="${DOCS_PATH}/swagger-ui.css">
</head>
<body>
  <main id="api-reference"></main>
  <script src="${DOCS_PATH}/swagger-ui-bundle.js"></script>
  <script src="${DOCS_PATH}/init.js"></script>
</body>
</html>
`;

// The document's server is `{baseUrl}` (default http://localhost:8000): the page sets it to the
// gateway that served it, so "Try it out" calls this one. validatorUrl null: Swagger UI would
// otherwise send the document to an online validator.
export const DOCS_SCRIPT = `fetch(${JSON.stringify(DOCUMENT_PATH)})
  .then(function (res) { return res.json(); })
  .then(function (spec) {
    (spec.servers || []).forEach(function (server) {
      if (server.variables && server.variables.baseUrl) server.variables.baseUrl.default = window.location.origin;
    });
    window.ui = SwaggerUIBundle({
      spec: spec,
      dom_id: "#api-reference",
      deepLinking: true,
      validatorUrl: null,
      presets: [SwaggerUIBundle.presets.apis],
      layout: "BaseLayout",
      defaultModelsExpandDepth: 0,
      displayOperationId: true
    });
  });
`;

type Middleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

/** serve-static over swagger-ui-dist, limited to the files the page uses. */
export function docsAssets(): Middleware {
  const folder = path.dirname(require.resolve("swagger-ui-dist/package.json"));
  const serve = serveStatic(folder, { index: false, redirect: false, fallthrough: true, maxAge: "1d" });
  return (req, res, next) => {
    const file = (req.url ?? "").split("?")[0]!;
    if (ASSETS.has(file)) serve(req, res, next);
    else next();
  };
}
