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
}

export class Outbox {
  private timer?: NodeJS.Timeout;
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
   * Runs `work` in a transaction; the events it publishes are stored in that transaction
   * and emitted once it committed.
   */
  async transaction<T>(ctx: Context<unknown, ContextMeta>, work: (t: Transaction, publish: Publish) => Promise<T>): Promise<T> {
    const events: Array<{ name: EventName; payload: unknown }> = [];
    const publish: Publish = (name, payload) => void events.push({ name, payload });
    const result = await this.db.transaction(async (t) => {
      const value = await work(t, publish);
      for (const e of events) {
        await this.db.query("INSERT INTO outbox (event, payload) VALUES ($1, $2)", { bind: [e.name, JSON.stringify(e.payload)], transaction: t, type: QueryTypes.INSERT });
      }
      return value;
    });
    for (const e of events) ctx.emit(e.name, e.payload).catch((err: unknown) => this.logger.warn(`live event ${e.name} not emitted:`, err));
    if (events.length) this.nudge();
    return result;
  }

  start(): void {
    this.timer = setInterval(() => this.nudge(), this.options.pollMs);
    this.timer.unref();
    this.nudge();
  }

  /**
   * Resolves once no relay pass runs, and none will: a pass asked for meanwhile (a write's
   * nudge, or the running pass's "once more") would otherwise start after the service
   * stopped, against a database being closed.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    while (this.relaying) await this.relaying;
  }

  /** A relay pass is running. */
  get relayRunning(): boolean {
    return this.relaying !== undefined;
  }

  /** Starts a relay pass, or asks the running one to go once more. */
  nudge(): void {
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
          this.nudge();
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
    return this.db.transaction(async (t) => {
      const rows = await this.db.query<StoredEvent>(
        "SELECT id, event, payload, occurred_at FROM outbox WHERE delivered_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED",
        { bind: [this.options.batchSize], transaction: t, type: QueryTypes.SELECT },
      );
      if (rows.length === 0) return 0;
      const events = rows.map((r) => ({ id: Number(r.id), event: r.event, payload: r.payload, occurred_at: new Date(r.occurred_at).toISOString() }) as OutboxEvent);
      await this.broker.call(this.options.sink, { source: this.options.source, events }, { retries: 0 });
      await this.db.query("UPDATE outbox SET delivered_at = now() WHERE id = ANY($1::bigint[])", { bind: [rows.map((r) => r.id)], transaction: t });
      return rows.length;
    });
  }
}
