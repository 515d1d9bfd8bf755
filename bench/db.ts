/** The bench's PostgreSQL: checking the server answers, and fresh databases on it. */
import { Client } from "pg";

/** BENCH_DB_PREFIX (bench): two benches on one PostgreSQL server, e.g. two checkouts, must not drop each other's databases. */
const PREFIX = /^[a-z][a-z0-9_]*$/.test(process.env.BENCH_DB_PREFIX ?? "") ? process.env.BENCH_DB_PREFIX! : "bench";
export const DATABASES = { users: `${PREFIX}_users`, loans: `${PREFIX}_loans`, audit: `${PREFIX}_audit`, ledger: `${PREFIX}_ledger` } as const;
export type DatabaseUrls = Record<keyof typeof DATABASES, string>;
/** The close-of-business scenario's loans database (a book of its own: `<prefix>_cob`). */
export const COB_DATABASE = `${PREFIX}_cob`;

/** The server's URL with another database in its path. */
export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** The server's version string, or an error that says which server did not answer and why. */
export async function checkServer(serverUrl: string): Promise<string> {
  const shown = new URL(serverUrl);
  shown.password = shown.password ? "***" : "";
  try {
    return await withClient(serverUrl, async (c) => (await c.query<{ v: string }>("SELECT version() AS v")).rows[0]!.v);
  } catch (err) {
    throw new Error(
      `PostgreSQL at ${shown.toString()} does not answer (${err instanceof Error ? err.message : String(err)}). ` +
        "Start it, or point BENCH_DATABASE_URL at a server where this user may create databases.",
    );
  }
}

/** Drops and creates the bench's four databases (bench_users, bench_loans, bench_audit, bench_ledger); answers their URLs. */
export async function freshDatabases(serverUrl: string): Promise<DatabaseUrls> {
  await withClient(serverUrl, async (c) => {
    for (const name of Object.values(DATABASES)) {
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.query(`CREATE DATABASE ${name}`);
    }
  });
  return {
    users: databaseUrl(serverUrl, DATABASES.users),
    loans: databaseUrl(serverUrl, DATABASES.loans),
    audit: databaseUrl(serverUrl, DATABASES.audit),
    ledger: databaseUrl(serverUrl, DATABASES.ledger),
  };
}

/** Drops and creates one database; answers its URL. */
export async function freshDatabase(serverUrl: string, name: string): Promise<string> {
  await withClient(serverUrl, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${name}`);
  });
  return databaseUrl(serverUrl, name);
}
