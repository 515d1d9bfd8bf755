/**
 * The one way a service writes: a unit of work. Its rows and the domain events they make
 * are written in one transaction, Sequelize's managed transaction; the events reach the
 * service's outbox before it commits, and once it committed they are emitted live and
 * their consumers' relays are nudged (outbox.ts). The handler's work gets:
 * - `transaction`: for Sequelize's models (`{ transaction }`);
 * - `sql`: plain SQL on that same transaction (the connection Sequelize holds for it), for
 *   the hot paths' statements;
 * - `publish(name, payload)`: an event of the change.
 * Repositories take the work; no handler opens a connection or a BEGIN of its own.
 *
 * Two options for the hot paths, whose work is plain SQL only (it gets no `transaction`):
 * - `autocommit`: a write that is one statement (atomic by itself) runs without a
 *   transaction, two round trips fewer; its events must be stored by that statement
 *   (`storeEventsIn`);
 * - `plainSql`: the transaction is begun and committed by plain BEGIN and COMMIT on a
 *   pooled connection, the same round trips as Sequelize's, without what Sequelize does per
 *   query: measured, Sequelize's START TRANSACTION and COMMIT cost ~0.1 ms of CPU more per
 *   transaction, a seventh of a repayment's whole CPU.
 */
import type { Context } from "moleculer";
import type { Sequelize, Transaction } from "sequelize";
import type { ContextMeta, EventName, EventPayload } from "../../sdk/contracts.js";
import { storeEventsSql, type PendingEvent } from "./outbox.js";
import { sqlOf, withConnection, type SqlClient } from "./sql.js";

/** The context a write runs for: its events are emitted live in it. */
export type WorkContext = Context<unknown, ContextMeta>;

/** Where a unit of work's committed events go (the service's outbox). */
export interface CommittedEvents {
  committed(ctx: WorkContext, events: readonly PendingEvent[]): void;
}

/** What a work in autocommit gets; a work in a transaction gets `Work`. */
export interface StatementWork {
  readonly sql: SqlClient;
  /** False in autocommit: each statement is its own transaction (a lock would end with it). */
  readonly inTransaction: boolean;
  /**
   * An event of this work, stored in the outbox with its rows. `idAt`: where in the payload
   * the id goes of the row the statement storing it inserts (`storeEventsIn`).
   */
  publish<E extends EventName>(name: E, payload: EventPayload<E>, idAt?: readonly string[]): void;
  /**
   * Runs `statement` with the events published and not stored yet, for it to store them
   * itself as a member of its WITH (`storeEventsSql`): a change and its events in one round
   * trip. It answers null when it inserted nothing, and so stored no event (a retried request
   * met its own earlier row): those events are dropped, as nothing happened.
   */
  storeEventsIn<R>(statement: (events: readonly PendingEvent[]) => Promise<R | null>): Promise<R | null>;
}

/** A work in a transaction, in plain SQL only (`plainSql`); a `Work` is one too. */
export interface SqlTransactionWork extends StatementWork {
  readonly inTransaction: true;
}

export interface Work extends SqlTransactionWork {
  readonly transaction: Transaction;
}

export interface UnitOfWorkOptions {
  /** One statement, no transaction: see the file's comment. */
  autocommit?: boolean;
  /** Plain SQL only, in a transaction of plain BEGIN and COMMIT: see the file's comment. */
  plainSql?: boolean;
}

/** The events of one run: published, then stored (by a statement, or before the commit). */
class RunEvents {
  private pending: PendingEvent[] = [];
  readonly stored: PendingEvent[] = [];

  constructor(private readonly publishes: boolean) {}

  publish<E extends EventName>(name: E, payload: EventPayload<E>, idAt?: readonly string[]): void {
    if (!this.publishes) throw new Error(`event ${name} published by a service that has no outbox`);
    this.pending.push({ name, payload, idAt });
  }

  async storeIn<R>(statement: (events: readonly PendingEvent[]) => Promise<R | null>): Promise<R | null> {
    const events = this.pending;
    this.pending = [];
    const result = await statement(events);
    if (result !== null) this.stored.push(...events);
    return result;
  }

  /** Stores what no statement did, in one statement of its own. */
  async storeRest(sql: SqlClient): Promise<void> {
    if (this.pending.length === 0) return;
    await this.storeIn(async (events) => {
      const values: unknown[] = [];
      await sql.rows(storeEventsSql(events, values), values);
      return true;
    });
  }

  get unstored(): readonly PendingEvent[] {
    return this.pending;
  }
}

export class UnitOfWork {
  /** `events`: the service's outbox; without one, publishing is an error. */
  constructor(
    private readonly db: Sequelize,
    private readonly events?: CommittedEvents,
  ) {}

  /** Runs `work` in a transaction: COMMIT when it resolves, ROLLBACK when it throws (its error is what the caller sees). */
  run<T>(ctx: WorkContext, work: (w: Work) => Promise<T>): Promise<T>;
  run<T>(ctx: WorkContext, options: { plainSql: true }, work: (w: SqlTransactionWork) => Promise<T>): Promise<T>;
  run<T>(ctx: WorkContext, options: UnitOfWorkOptions, work: (w: StatementWork) => Promise<T>): Promise<T>;
  async run<T>(ctx: WorkContext, optionsOrWork: UnitOfWorkOptions | ((w: Work) => Promise<T>), maybeWork?: ((w: SqlTransactionWork) => Promise<T>) | ((w: StatementWork) => Promise<T>)): Promise<T> {
    const options = typeof optionsOrWork === "function" ? {} : optionsOrWork;
    // Only the forms with options set them, and their work takes what they give; a Work is each of those too.
    const work = (typeof optionsOrWork === "function" ? optionsOrWork : maybeWork) as (w: StatementWork | Work) => Promise<T>;
    const events = new RunEvents(this.events !== undefined);
    const statementWork = <I extends boolean>(sql: SqlClient, inTransaction: I): StatementWork & { inTransaction: I } => ({
      sql,
      inTransaction,
      publish: (name, payload, idAt) => events.publish(name, payload, idAt),
      storeEventsIn: (statement) => events.storeIn(statement),
    });
    let value: T;
    if (options.autocommit) {
      value = await withConnection(this.db, async (sql) => {
        const result = await work(statementWork(sql, false));
        if (events.unstored.length) throw new Error(`an autocommit write must store its events in its statement: ${events.unstored.map((e) => e.name).join(", ")} were not`);
        return result;
      });
    } else if (options.plainSql) {
      value = await withConnection(this.db, (sql) =>
        inPlainTransaction(sql, async () => {
          const result = await work(statementWork(sql, true));
          await events.storeRest(sql);
          return result;
        }),
      );
    } else {
      value = await this.db.transaction(async (transaction) => {
        const sql = sqlOf(transaction);
        const result = await work({ ...statementWork(sql, true), transaction });
        await events.storeRest(sql);
        return result;
      });
    }
    if (events.stored.length) this.events?.committed(ctx, events.stored);
    return value;
  }
}

/**
 * `work` between BEGIN and COMMIT (READ COMMITTED, as Sequelize's): ROLLBACK when it throws,
 * and its error, not the rollback's, is what the caller sees (a rollback on a lost
 * connection fails too).
 */
async function inPlainTransaction<T>(sql: SqlClient, work: () => Promise<T>): Promise<T> {
  await sql.rows("BEGIN", []);
  let result: T;
  try {
    result = await work();
  } catch (err) {
    await sql.rows("ROLLBACK", []).catch(() => undefined);
    throw err;
  }
  await sql.rows("COMMIT", []);
  return result;
}
