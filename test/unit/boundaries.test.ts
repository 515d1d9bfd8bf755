/**
 * The layers' boundaries, read from the import graph: every import, export-from, `import()`,
 * `require()` and `import("…")` type of a file, parsed by TypeScript and resolved as tsc does.
 * - services/shared is what the services share: it imports no service (anything else in services/),
 *   nor the composition root (app/), which imports the services.
 * - The console runs in the browser: it imports nothing of services/.
 * - The gateway (services/api.service.ts, services/api/) reaches no domain service's module, not even
 *   through other files: the composition root hands it the routed services' schemas (app/registry.ts).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import ts from "typescript";

const ROOT = path.resolve(__dirname, "../..");
const DOMAIN_SERVICES = ["users", "loans", "audit", "ledger"];

const SERVER_OPTIONS: ts.CompilerOptions = { module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16 };
const BROWSER_OPTIONS: ts.CompilerOptions = { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, jsx: ts.JsxEmit.ReactJSX };

function sourceFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" ? [] : sourceFiles(full);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith(".d.ts") ? [full] : [];
  });
}

/** The module specifiers a file names, in any of the ways TypeScript reads one. */
function specifiersOf(file: string): string[] {
  const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest, false, file.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) found.push(node.moduleSpecifier.text);
    if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression))
      found.push(node.moduleReference.expression.text);
    if (ts.isCallExpression(node) && (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === "require"))) {
      const [first] = node.arguments;
      if (first && ts.isStringLiteralLike(first)) found.push(first.text);
    }
    if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) found.push(node.argument.literal.text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The files of this repository a file imports (packages and node: modules left out). */
function importsOf(file: string, root: string): string[] {
  const options = path.relative(root, file).startsWith(`console${path.sep}`) ? BROWSER_OPTIONS : SERVER_OPTIONS;
  return specifiersOf(file).flatMap((specifier) => {
    const resolved = ts.resolveModuleName(specifier, file, options, ts.sys).resolvedModule;
    if (resolved) return resolved.isExternalLibraryImport ? [] : [path.resolve(resolved.resolvedFileName)];
    // Unresolved: a relative one still names a place (a file that is gone, a .js beside no .ts).
    return specifier.startsWith(".") ? [path.resolve(path.dirname(file), specifier).replace(/\.js$/, ".ts")] : [];
  });
}

const rel = (root: string, file: string) => path.relative(root, file).split(path.sep).join("/");
const isService = (p: string) => p.startsWith("services/") && !p.startsWith("services/shared/");
const isDomainService = (p: string) => DOMAIN_SERVICES.some((s) => p === `services/${s}.service.ts` || p.startsWith(`services/${s}/`));

/** "from → to" for each direct import of a file under `dir` that `forbidden` refuses. */
function directViolations(root: string, dir: string, forbidden: (p: string) => boolean): string[] {
  return sourceFiles(path.join(root, dir)).flatMap((file) =>
    importsOf(file, root)
      .map((target) => rel(root, target))
      .filter(forbidden)
      .map((target) => `${rel(root, file)} → ${target}`),
  );
}

/** Each forbidden file reachable from `entries` through the repository's imports, with the chain that reaches it. */
function transitiveViolations(root: string, entries: string[], forbidden: (p: string) => boolean): string[] {
  const cameFrom = new Map<string, string | null>(entries.map((e) => [e, null]));
  const queue = [...entries];
  const found: string[] = [];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    if (forbidden(rel(root, file))) {
      const chain: string[] = [];
      for (let at: string | null | undefined = file; at; at = cameFrom.get(at)) chain.unshift(rel(root, at));
      found.push(chain.join(" → "));
      continue;
    }
    if (!fs.existsSync(file)) continue;
    for (const next of importsOf(file, root)) {
      if (cameFrom.has(next)) continue;
      cameFrom.set(next, file);
      queue.push(next);
    }
  }
  return found;
}

const sharedViolations = (root: string) => directViolations(root, "services/shared", (p) => isService(p) || p.startsWith("app/"));
const consoleViolations = (root: string) => directViolations(root, "console/src", (p) => p.startsWith("services/"));
const gatewayViolations = (root: string) => transitiveViolations(root, [path.join(root, "services/api.service.ts"), ...sourceFiles(path.join(root, "services/api"))], isDomainService);

describe("the import boundaries", () => {
  test("services/shared imports no service module, nor the composition root", () => {
    expect(sharedViolations(ROOT)).toEqual([]);
  });

  test("the gateway reaches no domain service module, directly or through other files", () => {
    expect(gatewayViolations(ROOT)).toEqual([]);
  });

  // The console shares the loan arithmetic through domain/, never through a service module.
  test("the console imports nothing of services/", () => {
    expect(consoleViolations(ROOT)).toEqual([]);
  });
});

describe("the boundary checks", () => {
  let fixture: string;
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(fixture, file)), { recursive: true });
    fs.writeFileSync(path.join(fixture, file), text);
  };

  beforeAll(() => {
    fixture = fs.mkdtempSync(path.join(os.tmpdir(), "loanstack-boundaries-"));
    write("services/loans.service.ts", "export default {};\n");
    write("services/users/user-view.ts", "export const view = 1;\n");
    write("services/shared/ok.ts", 'import { view } from "../shared/other.js";\nexport const ok = view;\n');
    write("services/shared/other.ts", "export const view = 1;\n");
    write("services/shared/bad.ts", 'export { default } from "../loans.service.js";\n');
    write("services/shared/lazy.ts", 'export const load = () => import("../users/user-view.js");\n');
    write("app/registry.ts", 'export { default } from "../services/loans.service.js";\n');
    write("services/shared/uses-root.ts", 'import registry from "../../app/registry.js";\nexport const r = registry;\n');
    write("services/shared/reaches-users.ts", 'import type { view } from "../users/user-view.js";\nexport type V = typeof view;\n');
    write("services/api.service.ts", 'import { step } from "./shared/step.js";\nexport default step;\n');
    write("services/shared/step.ts", 'import type { V } from "./reaches-users.js";\nexport const step: V | 0 = 0;\n');
    write("services/api/route.ts", 'import { ok } from "../shared/ok.js";\nexport const route = ok;\n');
    write("console/src/lib/terms.ts", 'import { ok } from "../../../services/shared/ok.js";\nexport const t: number = ok;\n');
  });
  afterAll(() => fs.rmSync(fixture, { recursive: true, force: true }));

  test("see services/shared importing a service or the root, by import, export-from, import() or import type", () => {
    expect(sharedViolations(fixture).sort()).toEqual([
      "services/shared/bad.ts → services/loans.service.ts",
      "services/shared/lazy.ts → services/users/user-view.ts",
      "services/shared/reaches-users.ts → services/users/user-view.ts",
      "services/shared/uses-root.ts → app/registry.ts",
    ]);
  });

  test("see the console importing services/, services/shared included", () => {
    expect(consoleViolations(fixture)).toEqual(["console/src/lib/terms.ts → services/shared/ok.ts"]);
  });

  test("follow the gateway's imports through other files to a domain service module", () => {
    expect(gatewayViolations(fixture)).toEqual(["services/api.service.ts → services/shared/step.ts → services/shared/reaches-users.ts → services/users/user-view.ts"]);
  });
});
