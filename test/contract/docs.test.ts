/**
 * GET /docs: Swagger UI from node_modules, through the gateway, rendering the document.
 * Everything the page loads comes from this gateway (offline, no CDN), and its
 * Content-Security-Policy forbids the browser to fetch from anywhere else.
 */
import { useStack } from "../support/fixture.js";
import { http } from "../support/http.js";

const { stack } = useStack();

/** Every URL an HTML or script text names: src/href attributes and any absolute URL. */
function referencedUrls(text: string): string[] {
  const attributes = [...text.matchAll(/\b(?:src|href)\s*=\s*["']([^"']+)["']/gi)].map((m) => m[1]!);
  const absolute = [...text.matchAll(/\b(?:https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}[^\s"'<>)]*/gi)].map((m) => m[0]);
  return [...attributes, ...absolute];
}

test("GET /docs answers the page, with a policy that lets it load nothing from elsewhere", async () => {
  const res = await http<string>(stack.url, "GET", "/docs");
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/html/);
  const csp = res.headers.get("content-security-policy") ?? "";
  for (const directive of ["default-src 'none'", "script-src 'self'", "connect-src 'self'", "img-src 'self' data:", "frame-ancestors 'none'"]) expect(csp).toContain(directive);
  expect(csp).not.toMatch(/https?:|\*|'unsafe-eval'/);
  expect(res.body).toContain('id="api-reference"');
  expect(res.body).not.toMatch(/<script>(?!<\/script>)|<script[^>]*>[^<]+<\/script>/); // no inline script
});

test("every file the page names is served by this gateway from swagger-ui-dist, none from another host", async () => {
  const page = await http<string>(stack.url, "GET", "/docs");
  const urls = referencedUrls(page.body);
  expect(urls.length).toBeGreaterThanOrEqual(3);
  for (const url of urls) {
    expect(url).toMatch(/^\/docs\//); // same origin, not protocol-relative
    const asset = await fetch(stack.url + url);
    expect({ url, status: asset.status }).toEqual({ url, status: 200 });
    expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(100);
  }
  const bundle = await fetch(`${stack.url}/docs/swagger-ui-bundle.js`);
  expect(bundle.headers.get("content-type")).toMatch(/javascript/);
  expect(await bundle.text()).toContain("SwaggerUIBundle");
});

test("the page's script loads /api/v1/openapi.json and never asks the online validator", async () => {
  const res = await http<string>(stack.url, "GET", "/docs/init.js");
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/javascript/);
  expect(res.body).toContain('fetch("/api/v1/openapi.json")');
  // "Try it out" calls the gateway that served the page, not the document's default server
  expect(res.body).toContain("server.variables.baseUrl.default = window.location.origin");
  expect(res.body).toContain("validatorUrl: null");
  expect(referencedUrls(res.body)).toEqual([]);
});

test("swagger-ui-dist's own demo page and initializer (which load the petstore from the internet) are not served", async () => {
  for (const path of ["/docs/index.html", "/docs/swagger-initializer.js", "/docs/package.json", "/docs/../package.json"]) {
    const res = await http(stack.url, "GET", path);
    expect({ path, status: res.status }).toEqual({ path, status: 404 });
  }
});
