/**
 * One data path per service, read from the sources: a transaction is begun only by the unit
 * of work (and the outbox's relay and the migrations beneath it), a connection is taken from
 * the pool only by sql.ts and the unit of work, and the loans and audit handlers reach their
 * tables only through their repositories.
 */
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(__dirname, "../..");

function sourcesUnder(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return sourcesUnder(rel);
    return entry.name.endsWith(".ts") ? [rel] : [];
  });
}

/** Comments say what the code must not do; only the code counts. */
function codeOf(file: string): string {
  return fs
    .readFileSync(path.join(root, file), "utf8")
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/^\s*\/\/.*$/gm, "");
}

interface Rule {
  what: string;
  pattern: RegExp;
  /** The files where it belongs. */
  allowed: readonly string[];
}

const RULES: readonly Rule[] = [
  // Sequelize's transaction(): the unit of work's, the relay's and the migrations' (under their advisory lock).
  { what: "opens a transaction", pattern: /\.transaction\(/, allowed: ["services/shared/unit-of-work.ts", "services/shared/outbox.ts", "services/shared/db.ts"] },
  { what: "takes a connection from the pool", pattern: /getConnection\(|withConnection\(/, allowed: ["services/shared/sql.ts", "services/shared/unit-of-work.ts"] },
  { what: "runs statements on a transaction's connection", pattern: /\bsqlOf\(/, allowed: ["services/shared/sql.ts", "services/shared/unit-of-work.ts", "services/shared/outbox.ts"] },
  // The unit of work's plain-SQL transactions (its `plainSql` option).
  { what: "sends BEGIN, COMMIT or ROLLBACK", pattern: /["'`]\s*(BEGIN|START TRANSACTION|COMMIT|ROLLBACK)\b/i, allowed: ["services/shared/unit-of-work.ts"] },
];

test.each(RULES.map((r) => [r.what, r] as const))("only the unit of work's files: %s", (_what, rule) => {
  const offenders = sourcesUnder("services").filter((file) => !rule.allowed.includes(file) && rule.pattern.test(codeOf(file)));
  expect(offenders).toEqual([]);
});

/** The handlers of the services whose tables have a repository, and what they must not touch. */
const HANDLER_FILES = ["services/loans.service.ts", "services/loans/servicing.ts", "services/audit.service.ts"];
const TABLE_ACCESS = /\.query\(|selectRows\(|\bthis\.model\b|\.models\.|\.findByPk\(|\.findAll\(|\.findAndCountAll\(|\.create\(|\.update\(/;

/** The repositories' own calls (`this.loans.update(…)`) are the way. */
const REPOSITORY_CALL = /this\.(loans|audit)\.\w+\(/g;

test("the loans and audit handlers reach their tables only through their repositories", () => {
  expect(HANDLER_FILES.filter((file) => TABLE_ACCESS.test(codeOf(file).replace(REPOSITORY_CALL, "")))).toEqual([]);
});

test("the rules see what they look for (a rule that never matches checks nothing)", () => {
  expect(RULES[0]!.pattern.test("await this.adapter.db.transaction(async (t) => {")).toBe(true);
  expect(RULES[1]!.pattern.test('db.connectionManager.getConnection({ type: "write" })')).toBe(true);
  expect(RULES[3]!.pattern.test('await sql.rows("BEGIN", [])')).toBe(true);
  expect(TABLE_ACCESS.test("await this.model.findByPk(id)")).toBe(true);
  expect(TABLE_ACCESS.test("await this.loans.update(work, id, change)".replace(REPOSITORY_CALL, ""))).toBe(false);
});
