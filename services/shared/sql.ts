/**
 * Hot paths in plain SQL on connections borrowed from a service's own Sequelize pool (see
 * db.ts), for the reads and writes where Sequelize's per-query work was most of the cost.
 */
import { BaseError, DatabaseError, type Sequelize } from "sequelize";
import type { Client as PgClient } from "pg";

/**
 * Statements on one connection borrowed from the service's own Sequelize pool. Rows come
 * back as pg parsed them with Sequelize's type parsers (NUMERIC and DATE columns as strings,
 * timestamps as Dates, JSONB as values: exactly what `db.query` answers). It skips what
 * Sequelize does per query (options cloning, a Query object with its uuid and stack
 * capture, model instances), which the hot paths paid several times a request. A pg error
 * is wrapped as Sequelize's DatabaseError, so the "database down" 503 and every caller see
 * the same errors as before.
 */
export interface SqlClient {
  rows<R extends object>(text: string, values: readonly unknown[]): Promise<R[]>;
}

function asSequelizeError(err: unknown, text: string): unknown {
  return err instanceof Error && !(err instanceof BaseError) ? new DatabaseError(Object.assign(err, { sql: text, parameters: {} })) : err;
}

/** Runs `work` on a borrowed connection in autocommit: each statement is its own transaction. */
export async function withConnection<T>(db: Sequelize, work: (sql: SqlClient) => Promise<T>): Promise<T> {
  const client = (await db.connectionManager.getConnection({ type: "write" })) as PgClient;
  const sql: SqlClient = {
    async rows<R extends object>(text: string, values: readonly unknown[]): Promise<R[]> {
      try {
        return (await client.query<R>(text, values as unknown[])).rows;
      } catch (err) {
        throw asSequelizeError(err, text);
      }
    },
  };
  try {
    return await work(sql);
  } finally {
    // A connection that broke is marked invalid by Sequelize and dropped by the pool.
    db.connectionManager.releaseConnection(client);
  }
}

/**
 * Runs `work` in a transaction (READ COMMITTED, as Sequelize's) on a borrowed connection:
 * COMMIT when it resolves, ROLLBACK when it throws (its error, not the rollback's, is what
 * the caller sees: a rollback on a lost connection fails too).
 */
export function inTransaction<T>(db: Sequelize, work: (sql: SqlClient) => Promise<T>): Promise<T> {
  return withConnection(db, async (sql) => {
    await sql.rows("BEGIN", []);
    let result: T;
    try {
      result = await work(sql);
    } catch (err) {
      await sql.rows("ROLLBACK", []).catch(() => undefined);
      throw err;
    }
    await sql.rows("COMMIT", []);
    return result;
  });
}

/** One parameterized SELECT on a borrowed connection (a hot read). */
export function selectRows<R extends object>(db: Sequelize, text: string, values: readonly unknown[]): Promise<R[]> {
  return withConnection(db, (sql) => sql.rows<R>(text, values));
}
