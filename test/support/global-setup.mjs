// Runs once before the suite, natively (not through Jest's loader, which cannot import the
// ESM-only embedded-postgres). Without database URLs it starts an embedded PostgreSQL in a
// temporary directory; either way it hands the tests an admin URL per service through
// process.env, on which each test file creates databases of its own.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

function serverUrl(databaseUrl) {
  const url = new URL(databaseUrl);
  url.pathname = "/postgres";
  return url.toString();
}

export default async function globalSetup() {
  const { USERS_DATABASE_URL: users, LOANS_DATABASE_URL: loans } = process.env;
  if (users && loans) {
    process.env.TEST_USERS_SERVER_URL = serverUrl(users);
    process.env.TEST_LOANS_SERVER_URL = serverUrl(loans);
    process.env.TEST_AUDIT_SERVER_URL = serverUrl(process.env.AUDIT_DATABASE_URL || users);
    console.log(`\ntests use the PostgreSQL servers of USERS_DATABASE_URL and LOANS_DATABASE_URL`);
    return;
  }
  const dist = path.resolve(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), "../../dist/services/shared/embedded-postgres.js");
  if (!fs.existsSync(dist)) throw new Error(`${dist} is missing: run "npm run build" first (npm test does)`);
  const { startEmbeddedPostgres } = require(dist);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "loanstack-test-"));
  fs.chmodSync(dir, 0o755); // as root the server runs as "postgres", which must enter it
  const embedded = await startEmbeddedPostgres(dir, []);
  const url = `postgres://postgres:${encodeURIComponent(fs.readFileSync(path.join(dir, "postgres-password"), "utf8").trim())}@127.0.0.1:${embedded.port}/postgres`;
  process.env.TEST_USERS_SERVER_URL = url;
  process.env.TEST_LOANS_SERVER_URL = url;
  globalThis.__loanstackEmbedded = { embedded, dir };
  console.log(`\ntests use an embedded PostgreSQL on 127.0.0.1:${embedded.port}`);
}
