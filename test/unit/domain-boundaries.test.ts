/**
 * The boundaries of domain/ and of the console, read from the sources with TypeScript's parser:
 * domain/ (loan arithmetic, rate bands, schedule, calendar, cents, allocation, arrears, the
 * clock) imports nothing of Node, of the services, the CLI or the console, so both the
 * services and the browser can import it; the console imports nothing under services/.
 */
import fs from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";
import ts from "typescript";

const ROOT = path.resolve(__dirname, "../..");
const DOMAIN = path.join(ROOT, "domain");
const CONTRACTS = path.join(ROOT, "sdk", "contracts.ts");

/** Every module specifier a file names: imports, re-exports, `import x = require()`, `require()`, `import()` and `import("x").T`. */
function moduleSpecifiers(fileName: string, text: string): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, fileName.endsWith("x") ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push(node.moduleSpecifier.text);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
      found.push(node.moduleReference.expression.text);
    } else if (ts.isCallExpression(node) && (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === "require"))) {
      const [first] = node.arguments;
      if (first && ts.isStringLiteralLike(first)) found.push(first.text);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      found.push(node.argument.literal.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const NODE_BUILTINS = new Set(builtinModules);
const isNodeBuiltin = (specifier: string) => specifier.startsWith("node:") || NODE_BUILTINS.has(specifier) || NODE_BUILTINS.has(specifier.split("/")[0]!);

/** The source file a relative specifier names ("./x.js" is x.ts, as tsc resolves it). */
function resolved(fromFile: string, specifier: string): string {
  return path.resolve(path.dirname(fromFile), specifier).replace(/\.js$/, ".ts");
}

const inside = (file: string, folder: string) => !path.relative(folder, file).startsWith("..");

/** Why a domain/ file may not import `specifier`, or undefined when it may. */
function domainViolation(fromFile: string, specifier: string): string | undefined {
  if (isNodeBuiltin(specifier)) return "a Node builtin";
  if (!specifier.startsWith(".")) return undefined; // a package (decimal.js); Node's own are caught above
  const target = resolved(fromFile, specifier);
  if (inside(target, DOMAIN) || target === CONTRACTS) return undefined;
  return `${path.relative(ROOT, target)}, outside domain/ (of the rest, only sdk/contracts.ts is shared)`;
}

/** Why a console file may not import `specifier`, or undefined when it may. */
function consoleViolation(fromFile: string, specifier: string): string | undefined {
  if (!specifier.startsWith(".")) return undefined;
  const target = resolved(fromFile, specifier);
  return inside(target, path.join(ROOT, "services")) ? `${path.relative(ROOT, target)}, under services/` : undefined;
}

function sourceFiles(folder: string): string[] {
  return fs
    .readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ts|tsx|mts)$/.test(e.name) && !e.name.endsWith(".d.ts"))
    .map((e) => path.join(e.parentPath, e.name));
}

function violations(files: string[], rule: (file: string, specifier: string) => string | undefined): string[] {
  return files.flatMap((file) =>
    moduleSpecifiers(file, fs.readFileSync(file, "utf8")).flatMap((specifier) => {
      const why = rule(file, specifier);
      return why ? [`${path.relative(ROOT, file)} imports "${specifier}": ${why}`] : [];
    }),
  );
}

describe("domain/", () => {
  test("imports nothing of Node, services/, cli/ or console/", () => {
    const files = sourceFiles(DOMAIN);
    expect(files.map((f) => path.basename(f))).toEqual(
      expect.arrayContaining(["loan-math.ts", "rate-table.ts", "schedule.ts", "calendar.ts", "cents.ts", "replay.ts", "loan-book.ts", "arrears.ts", "clock.ts"]),
    );
    expect(violations(files, domainViolation)).toEqual([]);
  });

  test("the check sees each way of importing and each forbidden place", () => {
    const file = path.join(DOMAIN, "example.ts");
    const text = [
      'import fs from "node:fs";',
      'import * as path from "path";',
      'import { promises } from "fs/promises";',
      'export { x } from "../services/loans/loan-rules.js";',
      'import type { Y } from "../cli/args.js";',
      'const z = require("../console/src/lib/terms.js");',
      'const w = await import("../services/shared/config.js");',
      'type V = import("../moleculer.config.js").T;',
      'import Decimal from "decimal.js";',
      'import type { Money } from "../sdk/contracts.js";',
      'import { addDays } from "./calendar.js";',
    ].join("\n");
    const found = moduleSpecifiers(file, text);
    expect(found).toHaveLength(11);
    expect(found.filter((s) => domainViolation(file, s))).toEqual(found.slice(0, 8));
  });
});

describe("console/src", () => {
  test("imports nothing under services/", () => {
    const files = sourceFiles(path.join(ROOT, "console", "src"));
    expect(files.length).toBeGreaterThan(10);
    expect(violations(files, consoleViolation)).toEqual([]);
  });

  test("the check sees an import of services/", () => {
    const file = path.join(ROOT, "console", "src", "lib", "example.ts");
    const found = moduleSpecifiers(file, 'import { loanTerms } from "../../../services/loans/loan-math.js";\nimport { rateFor } from "../../../domain/loan-math.js";');
    expect(found.map((s) => consoleViolation(file, s) !== undefined)).toEqual([true, false]);
  });
});
