/**
 * The back-office console's files (built by `npm run build:console` into dist/console),
 * served under /admin with a strict Content-Security-Policy. Any other page path under
 * /admin answers the app's index.html, so a deep link or a reload of /admin/loans/42 works.
 */
import fs from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import serveStatic from "serve-static";

export const CONSOLE_PATH = "/admin";

/**
 * Scripts, styles, images and API calls from this origin only; nothing inline, no plugins,
 * no framing, no form posting elsewhere. The app is built to need nothing more.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "font-src 'none'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join("; ");

type Next = (err?: unknown) => void;
/** moleculer-web keeps the full URL in originalUrl and makes `url` relative to the route. */
export interface RoutedRequest extends IncomingMessage {
  originalUrl?: string;
}
export type Middleware = (req: RoutedRequest, res: ServerResponse, next: Next) => void;

/** The package's root: the nearest folder above this file holding package.json (source or dist). */
function packageRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "package.json")) && path.basename(dir) !== "esm") return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

/** Where the built console lives: <package>/dist/console. */
export function consoleDir(): string {
  return path.join(packageRoot(__dirname), "dist", "console");
}

function securityHeaders(res: ServerResponse): void {
  res.setHeader("Content-Security-Policy", CONSOLE_CSP);
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("Referrer-Policy", "same-origin");
  res.setHeader("X-Frame-Options", "DENY");
  res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
}

/** The built files; hashed assets are cached for good, anything else is revalidated. */
function assets(dir: string): Middleware {
  return serveStatic(dir, {
    index: false,
    fallthrough: true,
    redirect: false,
    setHeaders(res, file) {
      securityHeaders(res);
      const hashed = path.relative(dir, file).startsWith(`assets${path.sep}`);
      res.setHeader("Cache-Control", hashed ? "public, max-age=31536000, immutable" : "no-cache");
    },
  }) as Middleware;
}

/** A page of the app (no file extension): the index, whose script then routes in the browser. */
function indexFallback(dir: string): Middleware {
  const index = path.join(dir, "index.html");
  return (req, res, next) => {
    const pathname = new URL(req.url ?? "/", "http://x").pathname;
    // The route matches by prefix: /administrator is not a console page.
    const original = new URL(req.originalUrl ?? req.url ?? "/", "http://x").pathname;
    const ours = original === CONSOLE_PATH || original.startsWith(`${CONSOLE_PATH}/`);
    if (!ours || (req.method !== "GET" && req.method !== "HEAD") || /\.[A-Za-z0-9]+$/.test(pathname) || pathname.startsWith("/assets/")) {
      next();
      return;
    }
    fs.readFile(index, (err, html) => {
      if (err) {
        res.writeHead(503, { "Content-Type": "text/plain; charset=utf-8", "Retry-After": "60" });
        res.end("The console is not built: run `npm run build` (npm install does it).\n");
        return;
      }
      securityHeaders(res);
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-cache", "Content-Length": html.length });
      res.end(req.method === "HEAD" ? undefined : html);
    });
  };
}

/** The gateway route serving the console (no action behind it: only its middlewares answer). */
export function consoleStaticRoute(dir = consoleDir()) {
  return {
    name: "console",
    path: CONSOLE_PATH,
    mappingPolicy: "restrict",
    bodyParsers: false,
    use: [assets(dir), indexFallback(dir)],
    aliases: {},
  };
}
