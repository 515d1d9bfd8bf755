/**
 * The console's build: a Preact single-page app, served by the gateway under /admin from
 * dist/console. JSX goes through Vite's own transformer (oxc), so no plugin is needed.
 * Everything is bundled: no CDN, no web font, no inline script (the gateway's CSP forbids it).
 */
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const here = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  root: here,
  base: "/admin/",
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    outDir: fileURLToPath(new URL("../dist/console", import.meta.url)),
    emptyOutDir: true,
    // The CSP allows scripts from 'self' only: no inlined module-preload polyfill, no data: URLs.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    // No source maps: the gateway serves this folder to anyone, and a map publishes the
    // whole source (487 KB) of the console.
    sourcemap: false,
    target: "es2022",
  },
});
