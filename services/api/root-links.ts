/** Where a person starts: what `GET /` redirects to and lists, and what `npm start` prints. */
import { CONSOLE_PATH } from "./console-static.js";
import { DOCS_PATH } from "./openapi/docs-page.js";

export const ROOT_LINKS = { console: CONSOLE_PATH, docs: DOCS_PATH, openapi: "/api/v1/openapi.json", health: "/health" } as const;
export type RootLinks = typeof ROOT_LINKS;
