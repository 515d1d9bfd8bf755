/**
 * Plain SQL on a service's own Sequelize pool (see db.ts), for the statements where
 * Sequelize's per-query work was most of the cost. Only repositories and the unit of work
 * (unit-of-work.ts) use it: a write's statements run on its unit of work's transaction
 * (`sqlOf`), a hot read on a pooled connection in autocommit (`selectRows`).
 */
import { BaseError, DatabaseError, type Sequelize, type Transaction } from "sequelize";
import type { Client as PgClient } from "pg";

/**
 * Statements on one connection of the service's own Sequelize pool. Rows come back as pg
 * parsed them with Sequelize's type parsers (NUMERIC and DATE columns as strings,
 * timestamps as Dates, JSONB as values: exactly what `db.query` answers). It skips what
 * Sequelize does per query (options cloning, a Query object with its uuid and stack
 * capture, model instances), which the hot paths paid several times a request. A pg error
 * is wrapped as Sequelize's DatabaseError, so the "database down" 503 and every caller see
 * the same errors as with Sequelize.
 */
export interface SqlClient {
  rows<R extends object>(text: string, values: readonly unknown[]): Promise<R[]>;
}

function asSequelizeError(err: unknown, text: string): unknown {
  return err instanceof Error && !(err instanceof BaseError) ? new DatabaseError(Object.assign(err, { sql: text, parameters: {} })) : err;
}

function sqlOnClient(client: PgClient): SqlClient {
  return {
    async rows<R extends object>(text: string, values: readonly unknown[]): Promise<R[]> {
      try {
        return (await client.query<R>(text, values as unknown[])).rows;
      } catch (err) {
        throw asSequelizeError(err, text);
      }
    },
  };
}

/** The connection Sequelize holds for a transaction (set when it began; Sequelize's types leave it out). */
type HeldTransaction = Transaction & { connection?: PgClient };

/** Statements on the connection of `transaction`, so inside it, as its model calls are. */
export function sqlOf(transaction: Transaction): SqlClient {
  const client = (transaction as HeldTransaction).connection;
  if (!client) throw new Error("the transaction holds no connection: it has not begun");
  return sqlOnClient(client);
}

/**
 * Runs `work` on a connection of the pool in autocommit: each statement is its own
 * transaction. For single-statement writes (through the unit of work's `autocommit`) and
 * hot reads; never a BEGIN here.
 */
export async function withConnection<T>(db: Sequelize, work: (sql: SqlClient) => Promise<T>): Promise<T> {
  const client = (await db.connectionManager.getConnection({ type: "write" })) as PgClient;
  try {
    return await work(sqlOnClient(client));
  } finally {
    // A connection that broke is marked invalid by Sequelize and dropped by the pool.
    db.connectionManager.releaseConnection(client);
  }
}

/** One parameterized SELECT on a pooled connection (a hot read). */
export function selectRows<R extends object>(db: Sequelize, text: string, values: readonly unknown[]): Promise<R[]> {
  return withConnection(db, (sql) => sql.rows<R>(text, values));
}
