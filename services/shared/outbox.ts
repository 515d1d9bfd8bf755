/**
 * The transactional outbox: a service writes each domain event into its own database in
 * the transaction that makes the change, so a change and its event exist together or not
 * at all. After the commit the event is also emitted live (for caches and other
 * best-effort listeners); a relay delivers the stored events to the audit log until it
 * acknowledges them, so none is lost while the audit service is down. Delivery is
 * at-least-once: the audit log dedupes on (source, id).
 */
import type { Context, Logger, ServiceBroker } from "moleculer";
import { QueryTypes, type Sequelize, type Transaction } from "sequelize";
import type { ContextMeta, EventName, EventPayload, OutboxEvent } from "../../sdk/contracts.js";
import type { Migration } from "./db.js";
import { inTransaction, withConnection, type SqlClient } from "./sql.js";

export const outboxMigration: Migration = {
  name: "0100-create-outbox",
  async up({ context: q }) {
    await q.sequelize.query(`
      CREATE TABLE outbox (
        id           BIGSERIAL PRIMARY KEY,
        event        VARCHAR(64) NOT NULL,
        payload      JSONB       NOT NULL,
        occurred_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
        delivered_at TIMESTAMPTZ
      );
      CREATE INDEX outbox_undelivered_idx ON outbox (id) WHERE delivered_at IS NULL;
    `);
  },
};

export type Publish = <E extends EventName>(name: E, payload: EventPayload<E>) => void;

/**
 * An event on its way to the outbox. `idAt`: where in its payload the id goes of the row
 * that the statement storing it inserts (see `storeEventsSql`), for a write whose change and
 * events are one statement; the payload holds a placeholder there until then.
 */
export interface PendingEvent {
  name: EventName;
  payload: unknown;
  idAt?: readonly string[];
}

export function pendingEvent<E extends EventName>(name: E, payload: EventPayload<E>, idAt?: readonly string[]): PendingEvent {
  return { name, payload, idAt };
}

/**
 * SQL that stores `events` as outbox rows, as a statement or as a member of a WITH; its
 * parameters are appended to `values`. With `idFrom`, the name of a WITH member answering
 * the inserted row's `id` (or no row): one row per event for each of its rows, the id
 * written into each payload at the event's `idAt` — nothing is stored when the change
 * inserted nothing (a retried request hit its own earlier row), as nothing happened.
 */
export function storeEventsSql(events: readonly PendingEvent[], values: unknown[], idFrom?: string): string {
  values.push(
    events.map((e) => e.name),
    events.map((e) => JSON.stringify(e.payload)),
  );
  const n = values.length;
  if (idFrom === undefined) return `INSERT INTO outbox (event, payload) SELECT e.event, e.payload FROM unnest($${n - 1}::text[], $${n}::jsonb[]) AS e(event, payload)`;
  values.push(events.map((e) => (e.idAt ? `{${e.idAt.join(",")}}` : null)));
  return (
    `INSERT INTO outbox (event, payload) SELECT e.event, CASE WHEN e.id_at IS NULL THEN e.payload ELSE jsonb_set(e.payload, e.id_at::text[], to_jsonb(${idFrom}.id)) END` +
    ` FROM ${idFrom}, unnest($${n - 1}::text[], $${n}::jsonb[], $${n + 1}::text[]) AS e(event, payload, id_at)`
  );
}

/** What a plain-SQL write answers: its value, and the events it stored (`storeEventsSql`). */
export interface WriteOutcome<T> {
  value: T;
  events: readonly PendingEvent[];
}

interface StoredEvent {
  id: string;
  event: EventName;
  payload: unknown;
  occurred_at: Date;
}

export interface OutboxOptions {
  source: string;
  /** The action that durably records events and acknowledges them by answering. */
  sink: string;
  pollMs: number;
  batchSize: number;
  /**
   * How long a write's nudge waits for the writes after it, so one relay pass (a
   * transaction and an audit call) carries a burst's events rather than a handful.
   */
  coalesceMs: number;
}

export class Outbox {
  private timer?: NodeJS.Timeout;
  private due?: NodeJS.Timeout;
  private relaying?: Promise<void>;
  private again = false;
  private stopped = false;

  constructor(
    private readonly db: Sequelize,
    private readonly broker: ServiceBroker,
    private readonly logger: Logger,
    private readonly options: OutboxOptions,
  ) {}

  /**
   * Runs `work` in a Sequelize transaction; the events it publishes are stored in that
   * transaction and emitted once it committed.
   */
  async transaction<T>(ctx: Context<unknown, ContextMeta>, work: (t: Transaction, publish: Publish) => Promise<T>): Promise<T> {
    const events: PendingEvent[] = [];
    const publish: Publish = (name, payload) => void events.push({ name, payload });
    const result = await this.db.transaction(async (t) => {
      const value = await work(t, publish);
      if (events.length) {
        const values: unknown[] = [];
        await this.db.query(storeEventsSql(events, values), { bind: values, transaction: t, type: QueryTypes.INSERT });
      }
      return value;
    });
    this.committed(ctx, events);
    return result;
  }

  /**
   * A write in plain SQL on a connection borrowed from the pool: in a transaction, or, for
   * a write that is a single statement (atomic by itself), in autocommit. `work` stores
   * its events in its own statements (`storeEventsSql`, on the same connection) and
   * answers them with its value; once committed they are emitted live and relayed.
   */
  async write<T>(ctx: Context<unknown, ContextMeta>, mode: "transaction" | "statement", work: (sql: SqlClient) => Promise<WriteOutcome<T>>): Promise<T> {
    const { value, events } = await (mode === "transaction" ? inTransaction : withConnection)(this.db, work);
    this.committed(ctx, events);
    return value;
  }

  /** After the commit of a write that stored `events`: emitted live, and the relay nudged. */
  private committed(ctx: Context<unknown, ContextMeta>, events: readonly PendingEvent[]): void {
    for (const e of events) ctx.emit(e.name, e.payload).catch((err: unknown) => this.logger.warn(`live event ${e.name} not emitted:`, err));
    if (events.length) this.nudge();
  }

  start(): void {
    this.timer = setInterval(() => this.relayNow(), this.options.pollMs);
    this.timer.unref();
    this.relayNow();
  }

  /**
   * Resolves once no relay pass runs, and none will: a pass asked for meanwhile (a write's
   * nudge waiting out its window, or the running pass's "once more") would otherwise start
   * after the service stopped, against a database being closed.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.due);
    this.due = undefined;
    while (this.relaying) await this.relaying;
  }

  /** A relay pass is running. */
  get relayRunning(): boolean {
    return this.relaying !== undefined;
  }

  /** A write's nudge is waiting out its window before it starts a pass. */
  get relayDue(): boolean {
    return this.due !== undefined;
  }

  /**
   * A write's nudge: a relay pass within `coalesceMs`, which carries every event the
   * writes stored meanwhile. The events are in the database already: a crash before the
   * pass loses nothing (the next start, or another instance, delivers them).
   */
  nudge(): void {
    if (this.stopped || this.due) return;
    this.due = setTimeout(() => {
      this.due = undefined;
      this.relayNow();
    }, this.options.coalesceMs);
    this.due.unref();
  }

  /** Starts a relay pass now, or asks the running one to go once more. */
  relayNow(): void {
    if (this.stopped) return;
    if (this.relaying) {
      this.again = true;
      return;
    }
    this.relaying = this.relayAll()
      .catch((err: unknown) => this.logger.debug("outbox relay paused:", err instanceof Error ? err.message : err))
      .finally(() => {
        this.relaying = undefined;
        if (this.again) {
          this.again = false;
          this.relayNow();
        }
      });
  }

  private async relayAll(): Promise<void> {
    // While the audit service is away the rows simply wait: no call, no warning per poll.
    if (!this.broker.registry.actions.isAvailable(this.options.sink)) return;
    while ((await this.relayBatch()) === this.options.batchSize);
  }

  /**
   * Delivers one batch: the rows stay locked (SKIP LOCKED lets other instances take other
   * rows) until the sink answered, then are marked delivered. A failed call rolls back and
   * the rows are delivered on a later pass.
   */
  private relayBatch(): Promise<number> {
    return inTransaction(this.db, async (sql) => {
      const rows = await sql.rows<StoredEvent>("SELECT id, event, payload, occurred_at FROM outbox WHERE delivered_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED", [this.options.batchSize]);
      if (rows.length === 0) return 0;
      const events = rows.map((r) => ({ id: Number(r.id), event: r.event, payload: r.payload, occurred_at: new Date(r.occurred_at).toISOString() }) as OutboxEvent);
      await this.broker.call(this.options.sink, { source: this.options.source, events }, { retries: 0 });
      await sql.rows("UPDATE outbox SET delivered_at = now() WHERE id = ANY($1::bigint[])", [rows.map((r) => r.id)]);
      return rows.length;
    });
  }
}
