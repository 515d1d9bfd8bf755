/** Fresh databases per test file, on the servers global-setup chose, so files run in parallel. */
import crypto from "node:crypto";
import { Client } from "pg";

export const DATABASE_SERVICES = ["users", "loans", "audit", "ledger"] as const;
type DbService = (typeof DATABASE_SERVICES)[number];

export type TestDatabases = Record<DbService, string> & { drop(): Promise<void> };

function serverUrl(service: DbService): string {
  // The audit and ledger databases live on the users database's server unless told otherwise.
  const url = process.env[`TEST_${service.toUpperCase()}_SERVER_URL`] ?? process.env.TEST_USERS_SERVER_URL;
  if (!url) throw new Error("no test database server: run the tests through jest (global-setup provides one)");
  return url;
}

async function onServer<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function withDatabase(serverUrlValue: string, name: string): string {
  const url = new URL(serverUrlValue);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function createTestDatabases(): Promise<TestDatabases> {
  const tag = crypto.randomBytes(4).toString("hex");
  const names = Object.fromEntries(DATABASE_SERVICES.map((s) => [s, `loanstack_test_${tag}_${s}`])) as Record<DbService, string>;
  for (const service of DATABASE_SERVICES) {
    await onServer(serverUrl(service), (c) => c.query(`CREATE DATABASE "${names[service]}"`));
  }
  return {
    users: withDatabase(serverUrl("users"), names.users),
    loans: withDatabase(serverUrl("loans"), names.loans),
    audit: withDatabase(serverUrl("audit"), names.audit),
    ledger: withDatabase(serverUrl("ledger"), names.ledger),
    async drop() {
      for (const service of DATABASE_SERVICES) {
        await onServer(serverUrl(service), (c) => c.query(`DROP DATABASE IF EXISTS "${names[service]}" WITH (FORCE)`));
      }
    },
  };
}
