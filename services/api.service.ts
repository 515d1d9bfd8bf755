/**
 * api: the moleculer-web gateway. Maps the REST paths to actions, verifies the token on
 * every request (a token that verified is remembered until its exp: shared/token-memo.ts)
 * and resolves its user — and whether its session is live — through the cached
 * `users.resolve`, applies each action's declared `access` in one hook, and answers every
 * error in one shape. A cached answer's JSON text is made once (api/cached-json.ts).
 *
 * HTTP itself is handled here too, in moleculer-web's own methods, for every route at once:
 * what a method means (OPTIONS, HEAD, 405: api/http-methods.ts), that a JSON endpoint's body
 * is JSON (api/json-body.ts), that a write reads no query string, which client request ids
 * are kept (api/request-id.ts), compression (api/compression.ts), and the headers every
 * answer carries (nosniff; no-store for a request with credentials; WWW-Authenticate on 401).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Context, Service, ServiceSchema } from "moleculer";
import ApiGateway from "moleculer-web";
import type { AuthUser, ContextMeta, HealthResponse } from "../sdk/contracts.js";
import { checkAccess, type Access } from "./shared/access.js";
import { defineService } from "./shared/schema.js";
import type { AppConfig } from "./shared/config.js";
import { configOf, documentedOf } from "./shared/deps.js";
import { ForbiddenError, UnauthorizedError } from "./shared/errors.js";
import { resolveJwtSecrets } from "./shared/secret.js";
import { TokenService } from "./shared/tokens.js";
import { toErrorBody } from "./api/http-errors.js";
import { authRateLimit } from "./api/auth-rate-limit.js";
import { ResponseCompressor, negotiate } from "./api/compression.js";
import { answerOptions, methodNotAllowed, routedMethod, type GatewayInternals } from "./api/http-methods.js";
import { readsIgnoreBodies, unsupportedBody, type RouteLike } from "./api/json-body.js";
import { acceptRequestId } from "./api/request-id.js";
import { takeClientInfo } from "./api/client-info.js";
import { takeIdempotencyKey } from "./api/idempotency-key.js";
import { CachedJson, type AnsweringEndpoint } from "./api/cached-json.js";
import { versioned } from "./api/versions.js";
import { DOCS_CSP, DOCS_HTML, DOCS_PATH, DOCS_SCRIPT, docsAssets } from "./api/openapi/docs-page.js";
import { buildOpenApiDocument, declaredActions, type GatewayRoute } from "./api/openapi/document.js";
import { packageVersion } from "./api/openapi/package-version.js";
import type { OpenApiDocument } from "./api/openapi/types.js";
// ---- back-office console (/admin): its routes, cookie session and CSRF check live in services/api/console-*.ts ----
import { consoleRoutes } from "./api/console-routes.js";
import { ConsoleSessionMixin, type ConsoleVars } from "./api/console-session.js";
import { SESSION_COOKIE } from "./api/cookie-session.js";
import { ROOT_LINKS, type RootLinks } from "./api/root-links.js";

const { ERR_NO_TOKEN, ERR_INVALID_TOKEN } = ApiGateway.Errors;

interface GatewayRequest extends IncomingMessage {
  $action?: { name: string; access?: Access };
  $endpoint?: AnsweringEndpoint;
  /** The login routes' store (api/auth-rate-limit.ts) counts the seconds to its window's end. */
  $route?: { rateLimit?: { store?: { secondsToReset?: () => number } } };
  /** moleculer-web's parsed query, merged into the action's params. */
  query?: Record<string, unknown>;
}

interface ApiVars {
  config: AppConfig;
  tokens: TokenService;
  cachedJson: CachedJson;
  compressor: ResponseCompressor;
  /** Built on first request from the routes and the actions' declarations. */
  openapiDocument?: OpenApiDocument;
}
type ApiThis = Service & ApiVars & ConsoleVars & GatewayInternals;

/** moleculer-web's own methods, which the gateway's methods of the same name extend. */
const gateway = ApiGateway.methods as unknown as {
  httpHandler(this: ApiThis, req: IncomingMessage, res: ServerResponse, next?: unknown): Promise<void>;
  resolveAlias(this: ApiThis, url: string, method?: string): unknown;
  send404(this: ApiThis, req: IncomingMessage, res: ServerResponse): void;
  sendResponse(this: ApiThis, req: IncomingMessage, res: ServerResponse, data: unknown, action: unknown): void;
  callAction(this: ApiThis, route: RouteLike, actionName: string, req: IncomingMessage, res: ServerResponse, params: unknown, isStream: boolean): Promise<unknown>;
};

/** The services whose answer makes the system healthy. */
const REQUIRED_SERVICES = ["users", "loans"] as const;

/**
 * Login and signup each get a route of their own, so each has its own rate limit, shared
 * by its /api/v1 and /api paths (one route, one counter).
 */
function authRoute(config: AppConfig, name: string, action: string) {
  return {
    name,
    path: "/api",
    mappingPolicy: "restrict",
    aliases: versioned({ [`POST user/${name}`]: action }),
    bodyParsers: { json: { strict: true, limit: config.bodyLimit } },
    rateLimit: authRateLimit(config),
    onBeforeCall: takeClientInfo,
  };
}

// ---- sessions ----

/**
 * The refresh has a route of its own: no rate limit (it is not a guess at a password), and
 * no authentication, so a stale access token sent along does not turn it into a 401.
 */
function refreshRoute(config: AppConfig) {
  return {
    name: "token-refresh",
    path: "/api",
    mappingPolicy: "restrict",
    aliases: versioned({ "POST user/token/refresh": "users.refresh" }),
    bodyParsers: { json: { strict: true, limit: config.bodyLimit } },
    onBeforeCall: takeClientInfo,
  };
}

/** CORS_ORIGINS as moleculer-web's `cors` setting; absent (no CORS headers at all) when none are listed. */
function corsSettings(config: AppConfig) {
  if (config.corsOrigins.length === 0) return {};
  return {
    cors: {
      origin: config.corsOrigins,
      methods: ["GET", "POST", "PUT", "DELETE"],
      allowedHeaders: ["Authorization", "Content-Type", "Idempotency-Key"],
      exposedHeaders: ["Location", "Retry-After", "X-Rate-Limit-Limit", "X-Rate-Limit-Remaining", "X-Rate-Limit-Reset", "Idempotent-Replayed"],
      credentials: false,
      maxAge: 600,
    },
  };
}

/** The seconds a 429 names: a service's own (the per-account login limit), else the route limiter's window. */
function retryAfterOf(err: unknown, req: GatewayRequest): number {
  const data = (err as { data?: { retry_after?: unknown } } | null)?.data;
  if (typeof data?.retry_after === "number" && data.retry_after > 0) return Math.ceil(data.retry_after);
  return Math.max(1, req.$route?.rateLimit?.store?.secondsToReset?.() ?? 60);
}

/** The published contract and its renderer: not part of the API they describe. */
function documentRoutes() {
  return [
    { name: "openapi", path: "/api/v1", documented: false, mappingPolicy: "restrict", aliases: { "GET openapi.json": "api.openapi" }, bodyParsers: false },
    { name: "docs", path: DOCS_PATH, documented: false, mappingPolicy: "restrict", use: [docsAssets()], aliases: { "GET /": "api.docsPage", "GET init.js": "api.docsScript" }, bodyParsers: false },
    // A browser pointed at the server's bare address lands on the console, not on a 404.
    { name: "root", path: "/", documented: false, mappingPolicy: "restrict", aliases: { "GET /": "api.root" }, bodyParsers: false },
  ];
}

/** moleculer-web's settings; the OpenAPI document reads its routes too. */
export function gatewaySettings(config: AppConfig) {
  return {
    port: config.port,
    ip: config.host,
    // Request and response bodies hold passwords and tokens: never logged.
    logRequestParams: null,
    logResponseData: null,
    logRequest: "debug",
    logResponse: "debug",
    ...corsSettings(config),
    // Every route, after its body parsers: a GET's body is not merged into its params.
    use: [readsIgnoreBodies],
    rootCallOptions: acceptRequestId,
    routes: [
      ...consoleRoutes(config), // the console (/admin) first: "/" below would catch its deep links
      authRoute(config, "signup", "users.signup"),
      authRoute(config, "login", "users.login"),
      refreshRoute(config),
      { name: "health", path: "/", mappingPolicy: "restrict", aliases: { "GET health": "api.health" }, bodyParsers: false },
      {
        name: "api",
        path: "/api",
        mappingPolicy: "restrict",
        authentication: true,
        authorization: true,
        onBeforeCall: takeIdempotencyKey,
        bodyParsers: { json: { strict: true, limit: config.bodyLimit } },
        // Each alias is served under /api/v1 and /api; each needs an entry in sdk/operations.ts.
        aliases: versioned({
          "GET user/profile": "users.profile",
          "PUT user/change-password": "users.changePassword",
          "POST user/create-admin": "users.createAdmin",
          "GET user/list-agents": "users.listCustomers",
          "GET user/list-users": "users.listUsers",
          "GET user/list-approvals": "users.listApprovals",
          "PUT user/approve-delete/:id": "users.approveAgent",
          "DELETE user/approve-delete/:id": "users.deleteAgent",
          "GET user/users/:id": "users.getUser",
          "GET user/search": "users.search",
          "DELETE user/login-failures/:user_id": "users.clearLoginFailures",
          "POST loan/customer-loan": "loans.request",
          "PUT loan/approve-reject-loan/:id": "loans.decide",
          "PUT loan/edit-loan/:id": "loans.edit",
          "GET loan/loan-details/:id": "loans.details",
          "GET loan/loan-history/:id": "loans.history",
          "GET loan/list-loans-admin-agent": "loans.listAll",
          "GET loan/list-loans-customer": "loans.listMine",
          // servicing
          "PUT loan/disburse-loan/:id": "loans.disburse",
          "GET loan/loan-schedule/:id": "loans.schedule",
          "POST loan/repayment/:id": "loans.repay",
          "GET loan/repayments/:id": "loans.repayments",
          "GET loan/repayment/:id": "loans.repayment",
          "GET loan/portfolio": "loans.portfolio",
          "GET loan/transactions/:id": "loans.transactions",
          "POST loan/repayments/:id/reverse": "loans.reverseRepayment",
          "POST loan/charges/:id/waive": "loans.waiveCharge",
          "POST loan/write-off/:id": "loans.writeOff",
          "POST loan/close-of-business": "loans.runCloseOfBusiness",
          "GET loan/close-of-business": "loans.listCloseOfBusiness",
          "GET loan/close-of-business/:id": "loans.closeOfBusiness",
          // products
          "GET loan/products": "loans.listProducts",
          "POST loan/products": "loans.createProduct",
          "GET loan/products/:code": "loans.getProduct",
          "PUT loan/products/:code": "loans.updateProduct",
          "DELETE loan/products/:code": "loans.deactivateProduct",
          // agent lending limits
          "GET loan/agent-limits": "loans.listAgentLimits",
          "GET loan/agent-limits/:agent_id": "loans.getAgentLimit",
          "PUT loan/agent-limits/:agent_id": "loans.setAgentLimit",
          "GET audit/events": "audit.listEvents",
          // the ledger
          "GET ledger/accounts": "ledger.accounts",
          "GET ledger/trial-balance": "ledger.trialBalance",
          "GET ledger/entries": "ledger.entries",
          "GET ledger/reconciliation": "ledger.reconciliation",
          // sessions
          "POST user/logout": "users.logout",
          "GET user/sessions": "users.listSessions",
          "DELETE user/sessions/:id": "users.endSession",
          "DELETE user/sessions-of/:user_id": "users.endSessionsOf",
        }),
      },
      ...documentRoutes(),
    ],
    onError(this: ApiThis, req: GatewayRequest, res: ServerResponse, err: unknown) {
      const body = toErrorBody(err, { bodyEncoded: (req.headers["content-encoding"] ?? "identity").trim().toLowerCase() !== "identity" });
      if (body.code >= 500 && body.type === "INTERNAL_ERROR") this.logger.error("request failed:", req.method, req.url, err);
      if (body.code === 429) res.setHeader("Retry-After", String(retryAfterOf(err, req)));
      if (body.code === 503) res.setHeader("Retry-After", "5");
      // RFC 6750: how to authenticate, and whether the token sent was the problem.
      if (body.code === 401) res.setHeader("WWW-Authenticate", /^Bearer\s/i.test(req.headers.authorization ?? "") ? 'Bearer error="invalid_token"' : "Bearer");
      res.setHeader("Content-Type", "application/json; charset=utf-8");
      res.writeHead(body.code);
      res.end(JSON.stringify(body));
    },
  };
}

const ApiService = defineService<ApiVars & ConsoleVars & GatewayInternals>({
  name: "api",
  mixins: [ApiGateway, ConsoleSessionMixin],
  // Settings are built when the service is created, from the config the composition root hands it.
  merged(this: Service, schema: ServiceSchema) {
    schema.settings = { ...schema.settings, ...gatewaySettings(configOf(this)) };
  },

  actions: {
    // moleculer-web's own action, the entry of every HTTP request. A retry would re-run it
    // without the request it serves (answering 404); calls from it to the services are
    // retried where that is safe. No bulkhead here: one would let 50 slow logins (bcrypt)
    // hold every slot and queue all other requests; the services' actions keep theirs.
    rest: { retryPolicy: { enabled: false }, bulkhead: { enabled: false } },

    health: {
      access: "public",
      async handler(this: ApiThis, ctx: Context<unknown, ContextMeta>): Promise<HealthResponse> {
        const answers = await Promise.all(
          REQUIRED_SERVICES.map((name) =>
            ctx.call(`${name}.health`, {}, { timeout: 2000, retries: 0 }).then(
              () => name,
              () => null,
            ),
          ),
        );
        const services = answers.filter((s): s is (typeof REQUIRED_SERVICES)[number] => s !== null);
        const ok = services.length === REQUIRED_SERVICES.length;
        if (!ok) ctx.meta.$statusCode = 503;
        return { status: ok ? "ok" : "degraded", services };
      },
    },

    // ---- the published contract ----

    openapi: {
      access: "public",
      handler(this: ApiThis): OpenApiDocument {
        this.openapiDocument ??= buildOpenApiDocument({
          routes: (this.settings as { routes: GatewayRoute[] }).routes,
          actions: declaredActions([...documentedOf(this), this.schema as ServiceSchema]),
          version: packageVersion(),
        });
        return this.openapiDocument;
      },
    },

    root: {
      access: "public",
      handler(ctx: Context<unknown, ContextMeta>): RootLinks {
        ctx.meta.$statusCode = 302;
        ctx.meta.$location = ROOT_LINKS.console;
        return ROOT_LINKS;
      },
    },

    docsPage: {
      access: "public",
      handler(ctx: Context<unknown, ContextMeta & { $responseType?: string }>): string {
        ctx.meta.$responseType = "text/html; charset=utf-8";
        ctx.meta.$responseHeaders = { "Content-Security-Policy": DOCS_CSP, "X-Content-Type-Options": "nosniff" };
        return DOCS_HTML;
      },
    },

    docsScript: {
      access: "public",
      handler(ctx: Context<unknown, ContextMeta & { $responseType?: string }>): string {
        ctx.meta.$responseType = "text/javascript; charset=utf-8";
        ctx.meta.$responseHeaders = { "Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff" };
        return DOCS_SCRIPT;
      },
    },
  },

  methods: {
    // ---- moleculer-web's own methods: HTTP handled once for every route ----

    /** Every request, before moleculer-web routes it. */
    httpHandler(this: ApiThis, req: GatewayRequest, res: ServerResponse, next?: unknown): Promise<void> | void {
      // OPTIONS would be routed to the action behind the path: it is answered here, no action runs.
      if (req.method === "OPTIONS") return answerOptions(this, req, res);
      // A write's fields come from its JSON body only: moleculer-web merges the query into
      // the params unless the request already has one.
      if (req.method !== "GET" && req.method !== "HEAD") req.query = {};
      return gateway.httpHandler.call(this, req, res, next);
    },

    /** A HEAD request is routed as the path's GET (moleculer-web and Node then send no body). */
    resolveAlias(this: ApiThis, url: string, method?: string): unknown {
      return gateway.resolveAlias.call(this, url, routedMethod(method));
    },

    /** Not routed: 405 with Allow when the path takes other methods, else 404. */
    send404(this: ApiThis, req: GatewayRequest, res: ServerResponse): void {
      const refused = methodNotAllowed(this, req, res);
      if (refused) this.sendError(req, res, refused);
      else gateway.send404.call(this, req, res);
    },

    /** Once the method, the token and the access are checked: a JSON endpoint's body must be JSON (415). */
    callAction(this: ApiThis, route: RouteLike, actionName: string, req: GatewayRequest, res: ServerResponse, params: unknown, isStream: boolean): Promise<unknown> {
      const refused = unsupportedBody(route, req);
      if (refused) return Promise.reject(refused);
      return gateway.callAction.call(this, route, actionName, req, res, params, isStream);
    },

    /** An answer over 1 KB goes compressed when the client takes br or gzip. */
    sendResponse(this: ApiThis, req: GatewayRequest, res: ServerResponse, data: unknown, action: unknown): void {
      const coding = req.method === "HEAD" ? null : negotiate(req.headers["accept-encoding"]);
      if (coding) this.compressor.compressNextEnd(res, coding, this.cachedJson.memoKey(data, req.$endpoint));
      gateway.sendResponse.call(this, req, res, data, action);
    },

    // moleculer-web's own method, the JSON text of every answered object: a cached answer's once.
    encodeResponse(this: ApiThis, req: GatewayRequest, _res: ServerResponse, data: unknown): string | undefined {
      return this.cachedJson.encode(data, req.$endpoint);
    },

    async authenticate(this: ApiThis, ctx: Context<unknown, ContextMeta>, _route: unknown, req: IncomingMessage): Promise<AuthUser | null> {
      // No Authorization header: the console's session cookie, if any (CSRF-checked on writes).
      const header = req.headers.authorization ?? this.cookieSession.authorizationOf(req);
      if (!header) return null;
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      const claims = match ? this.tokens.verify(match[1]!) : null;
      if (claims === null) throw new UnauthorizedError("The token is invalid or expired: log in again", ERR_INVALID_TOKEN);
      const user: AuthUser | null = await ctx.call("users.resolve", { id: claims.userId, sid: claims.sessionId });
      // A deleted user's token, or one of an ended session, is well-signed but must stop working at once.
      if (!user) throw new UnauthorizedError("The session has ended or its user no longer exists: log in again", ERR_INVALID_TOKEN);
      ctx.meta.sessionId = claims.sessionId;
      return user;
    },

    authorize(this: ApiThis, ctx: Context<unknown, ContextMeta>, _route: unknown, req: GatewayRequest): void {
      const verdict = checkAccess(req.$action?.access, ctx.meta.user);
      if (verdict === "unauthenticated") throw new UnauthorizedError("Sign in first: send Authorization: Bearer <token>", ERR_NO_TOKEN);
      if (verdict === "forbidden") throw new ForbiddenError("Your role may not do this");
    },
  },

  created(this: ApiThis) {
    this.config = configOf(this);
    this.tokens = new TokenService(resolveJwtSecrets(this.config), this.config.jwtExpiresIn);
    this.cachedJson = new CachedJson(this.broker.cacher);
    this.compressor = new ResponseCompressor();
    // Before moleculer-web's own listener: every answer, routed or not, error or not, carries them.
    const server = (this as unknown as { server?: import("node:http").Server }).server;
    server?.prependListener("request", (req: IncomingMessage, res: ServerResponse) => {
      res.setHeader("X-Content-Type-Options", "nosniff");
      // An answer to a request with credentials (a token, the console's cookie) is that user's:
      // no cache keeps it. The console's static files set their own Cache-Control over this.
      if (req.headers.authorization !== undefined || req.headers.cookie?.includes(`${SESSION_COOKIE}=`)) res.setHeader("Cache-Control", "no-store");
    });
  },
});

export default ApiService;
