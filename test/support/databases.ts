/** Fresh databases per test file, on the servers global-setup chose, so files run in parallel. */
import crypto from "node:crypto";
import { Client } from "pg";

export interface TestDatabases {
  users: string;
  loans: string;
  drop(): Promise<void>;
}

function serverUrl(service: "users" | "loans"): string {
  const url = process.env[`TEST_${service.toUpperCase()}_SERVER_URL`];
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
  const names = { users: `loanstack_test_${tag}_users`, loans: `loanstack_test_${tag}_loans` };
  for (const service of ["users", "loans"] as const) {
    await onServer(serverUrl(service), (c) => c.query(`CREATE DATABASE "${names[service]}"`));
  }
  return {
    users: withDatabase(serverUrl("users"), names.users),
    loans: withDatabase(serverUrl("loans"), names.loans),
    async drop() {
      for (const service of ["users", "loans"] as const) {
        await onServer(serverUrl(service), (c) => c.query(`DROP DATABASE IF EXISTS "${names[service]}" WITH (FORCE)`));
      }
    },
  };
}
