/**
 * The user search's trigram indexes (users migration 0005): made where pg_trgm may be
 * installed, and where it may not (here: a database user without CREATE on the database,
 * as on a managed server) the migration warns and goes on, and the search still answers.
 */
import crypto from "node:crypto";
import { Client } from "pg";
import type { Sequelize } from "sequelize";
import { createSequelize, runMigrations } from "../../services/shared/db.js";
import { pageWindow } from "../../services/shared/pagination.js";
import { SEARCH_INDEXES, userMigrations } from "../../services/users/migrations.js";
import { searchStatements } from "../../services/users/user-repository.js";
import { createTestDatabases, type TestDatabases } from "../support/databases.js";

let databases: TestDatabases;
let db: Sequelize;
let client: Client;
const role = `no_create_${crypto.randomBytes(4).toString("hex")}`;

const trigramIndexes = async () =>
  (await client.query<{ indexname: string }>("SELECT indexname FROM pg_indexes WHERE tablename = 'users' AND indexdef LIKE '%gin_trgm_ops%' ORDER BY 1")).rows.map((r) => r.indexname);

beforeAll(async () => {
  databases = await createTestDatabases();
  db = createSequelize(databases.users, 2);
  client = new Client({ connectionString: databases.users });
  await client.connect();
});
afterAll(async () => {
  await client?.query(`REASSIGN OWNED BY ${role} TO CURRENT_USER; DROP OWNED BY ${role}; DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
  await client?.end();
  await db?.close();
  await databases?.drop();
});

test("without the right to install pg_trgm: a warning, no index, and the search still answers", async () => {
  await runMigrations(db, userMigrations.slice(0, 4), () => undefined);
  await client.query(`INSERT INTO users (email, password_hash, first_name, last_name, role, is_approved) VALUES ('ada@example.test', 'x', 'Ada', 'Lovelace', 'customer', true)`);
  // The table's owner, as a service's database user is, but without CREATE on the database.
  await client.query(`CREATE ROLE ${role} NOLOGIN; GRANT USAGE ON SCHEMA public TO ${role}; ALTER TABLE users OWNER TO ${role}`);
  const notices: string[] = [];
  client.on("notice", (n) => notices.push(n.message ?? ""));
  await client.query(`SET ROLE ${role}`);
  try {
    await client.query(SEARCH_INDEXES);
    const { rows } = searchStatements("da lov", undefined, pageWindow({}));
    expect((await client.query(rows.text, rows.values)).rows.map((r: { email: string }) => r.email)).toEqual(["ada@example.test"]);
  } finally {
    await client.query("RESET ROLE");
  }
  expect(notices.join("\n")).toMatch(/pg_trgm is not available \(permission denied/);
  expect(await trigramIndexes()).toEqual([]);
});

test("with it (the migration as the servers' own user runs it): both indexes", async () => {
  await runMigrations(db, userMigrations, () => undefined);
  expect(await trigramIndexes()).toEqual(["users_email_trgm_idx", "users_full_name_trgm_idx"]);
});
