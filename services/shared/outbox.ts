/**
 * The transactional outbox, delivering each event to every consumer that subscribes to it.
 *
 * Write: a service stores each domain event in its own `outbox` table in the transaction
 * that makes the change, the service's unit of work (unit-of-work.ts: `storeEventsSql`, as
 * a statement of its own or as a member of the change's WITH), with its schema version; a
 * change and its events exist together or not at all. After the commit the events are also
 * emitted live (caches and other best-effort listeners).
 *
 * Fan-out: a statement-level AFTER INSERT trigger on `outbox` adds a row to
 * `outbox_pending (consumer, outbox_id)` for each new event and each consumer in
 * `outbox_consumers` that takes it, in the writer's transaction (no round trip). The
 * consumers are subscriptions.ts's registry (plus EVENT_CONSUMERS), written to
 * `outbox_consumers` when the service starts. Pending rows, not a "delivered up to id N"
 * cursor: BIGSERIAL ids commit out of order, and a cursor would step over an event that
 * commits after a higher id was delivered.
 *
 * Delivery: one relay lane per consumer, each with its own pass: it takes a batch of the
 * consumer's pending rows (FOR UPDATE SKIP LOCKED: several instances share the work), calls
 * the consumer's action with them (`EventDelivery`) and deletes them when it answers; a
 * failed call rolls back and the batch comes again on a later pass. A consumer down, slow or
 * failing holds up only its own lane. At least once: a consumer applies each event once,
 * keyed by (source, id), and acknowledges the events it does not know (event-delivery.ts).
 * An event no consumer takes gets no pending row. Outbox rows are kept (the record of what
 * was published); a consumer declared no more keeps its pending rows, delivered again if it
 * comes back.
 */
import type { Context, Logger, ServiceBroker } from "moleculer";
import type { Sequelize } from "sequelize";
import type { ContextMeta, DeliveredEvent, EventDelivery, EventName, EventPayload } from "../../sdk/contracts.js";
import { EVENT_VERSIONS } from "../../sdk/schemas.js";
import type { Migration } from "./db.js";
import { selectRows, sqlOf } from "./sql.js";
import type { CommittedEvents } from "./unit-of-work.js";
import { takes, type Subscription } from "./subscriptions.js";

/** The consumer that had the outbox to itself before there were several (its undelivered rows became its pending rows). */
const FIRST_CONSUMER = "audit";

export const outboxMigrations: Migration[] = [
  {
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
  },
  {
    name: "0101-outbox-consumers",
    async up({ context: q }) {
      await q.sequelize.query(`
        ALTER TABLE outbox ADD COLUMN version SMALLINT NOT NULL DEFAULT 1;
        -- events NULL: every event
        CREATE TABLE outbox_consumers (
          consumer VARCHAR(64) PRIMARY KEY,
          events   TEXT[]
        );
        -- No foreign key: its check would be one more trigger per row on the write path.
        CREATE TABLE outbox_pending (
          consumer  VARCHAR(64) NOT NULL,
          outbox_id BIGINT      NOT NULL,
          PRIMARY KEY (consumer, outbox_id)
        );
        CREATE FUNCTION outbox_fan_out() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          INSERT INTO outbox_pending (consumer, outbox_id)
          SELECT c.consumer, n.id FROM new_events n JOIN outbox_consumers c ON c.events IS NULL OR n.event = ANY (c.events);
          RETURN NULL;
        END $$;
        CREATE TRIGGER outbox_fan_out AFTER INSERT ON outbox REFERENCING NEW TABLE AS new_events
          FOR EACH STATEMENT EXECUTE FUNCTION outbox_fan_out();
        INSERT INTO outbox_pending (consumer, outbox_id) SELECT '${FIRST_CONSUMER}', id FROM outbox WHERE delivered_at IS NULL;
        DROP INDEX outbox_undelivered_idx;
        ALTER TABLE outbox DROP COLUMN delivered_at;
      `);
    },
  },
];

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
    events.map((e) => EVENT_VERSIONS[e.name]),
  );
  const n = values.length;
  const arrays = `$${n - 2}::text[], $${n - 1}::jsonb[], $${n}::smallint[]`;
  if (idFrom === undefined) return `INSERT INTO outbox (event, version, payload) SELECT e.event, e.version, e.payload FROM unnest(${arrays}) AS e(event, payload, version)`;
  values.push(events.map((e) => (e.idAt ? `{${e.idAt.join(",")}}` : null)));
  return (
    `INSERT INTO outbox (event, version, payload) SELECT e.event, e.version, CASE WHEN e.id_at IS NULL THEN e.payload ELSE jsonb_set(e.payload, e.id_at::text[], to_jsonb(${idFrom}.id)) END` +
    ` FROM ${idFrom}, unnest(${arrays}, $${n + 1}::text[]) AS e(event, payload, version, id_at)`
  );
}

interface StoredEvent {
  id: string;
  event: string;
  version: number;
  payload: object;
  occurred_at: Date;
}

export interface OutboxOptions {
  source: string;
  /** The consumers (subscriptions.ts): each gets the events it takes, through its own lane. */
  subscriptions: readonly Subscription[];
  pollMs: number;
  batchSize: number;
  /**
   * How long a write's nudge waits for the writes after it, so one relay pass (a
   * transaction and a consumer call) carries a burst's events rather than a handful.
   */
  coalesceMs: number;
}

/**
 * Makes `outbox_consumers` say what `subscriptions` say, before the service writes: the
 * fan-out trigger reads it. A consumer no longer declared gets no new rows; its pending
 * ones stay (a warning says how many), for the day it is declared again.
 */
async function declareConsumers(db: Sequelize, logger: Logger, subscriptions: readonly Subscription[]): Promise<void> {
  const declared = subscriptions.map((s) => ({ consumer: s.consumer, events: s.events === "all" ? null : s.events }));
  const names = declared.map((d) => d.consumer);
  await db.transaction(async (t) => {
    const sql = sqlOf(t);
    await sql.rows("DELETE FROM outbox_consumers WHERE consumer <> ALL($1::text[])", [names]);
    await sql.rows(
      `INSERT INTO outbox_consumers (consumer, events)
       SELECT c.consumer, CASE WHEN c.events IS NULL THEN NULL ELSE ARRAY(SELECT jsonb_array_elements_text(c.events)) END
         FROM jsonb_to_recordset($1::jsonb) AS c(consumer text, events jsonb)
       ON CONFLICT (consumer) DO UPDATE SET events = EXCLUDED.events`,
      [JSON.stringify(declared)],
    );
    const orphans = await sql.rows<{ consumer: string; n: string }>("SELECT consumer, count(*) AS n FROM outbox_pending WHERE consumer <> ALL($1::text[]) GROUP BY consumer", [names]);
    for (const o of orphans) logger.warn(`outbox: ${o.n} events wait for consumer "${o.consumer}", which is not declared (subscriptions.ts, EVENT_CONSUMERS)`);
  });
}

/** Pass-running state shared by the outbox and its lanes. */
class RelayPass {
  private running?: Promise<void>;
  private again = false;

  constructor(
    private readonly pass: () => Promise<void>,
    private readonly stopped: () => boolean,
  ) {}

  get active(): boolean {
    return this.running !== undefined;
  }

  /** Starts a pass now, or asks the running one to go once more. */
  now(): void {
    if (this.stopped()) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.pass().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.now();
      }
    });
  }

  async settled(): Promise<void> {
    while (this.running) await this.running;
  }
}

/** One consumer's lane of an outbox: its passes run whatever the other consumers do. */
class ConsumerLane {
  readonly pass: RelayPass;
  /** A failure streak is logged once, at its start. */
  private failing = false;

  constructor(
    readonly subscription: Subscription,
    private readonly db: Sequelize,
    private readonly broker: ServiceBroker,
    private readonly logger: Logger,
    private readonly options: OutboxOptions,
    stopped: () => boolean,
  ) {
    this.pass = new RelayPass(() => this.relayAll(), stopped);
  }

  private async relayAll(): Promise<void> {
    try {
      // While the consumer is away its rows simply wait: no call, no warning per poll.
      if (!this.broker.registry.actions.isAvailable(this.subscription.action)) return;
      while ((await this.relayBatch()) === this.options.batchSize);
      this.failing = false;
    } catch (err) {
      const message = `outbox ${this.options.source} → ${this.subscription.consumer} paused: ${err instanceof Error ? err.message : String(err)}`;
      if (this.failing) this.logger.debug(message);
      else this.logger.warn(message);
      this.failing = true;
    }
  }

  /**
   * Delivers one batch of the consumer's pending events: their rows stay locked (SKIP
   * LOCKED lets other instances take other rows) until the consumer answered, then are
   * deleted. A failed call rolls back: the rows are delivered on a later pass.
   */
  private relayBatch(): Promise<number> {
    const { consumer, action } = this.subscription;
    return this.db.transaction(async (t) => {
      const sql = sqlOf(t);
      const rows = await sql.rows<StoredEvent>(
        `SELECT o.id, o.event, o.version, o.payload, o.occurred_at
           FROM outbox_pending p JOIN outbox o ON o.id = p.outbox_id
          WHERE p.consumer = $1
          ORDER BY p.outbox_id LIMIT $2
            FOR UPDATE OF p SKIP LOCKED`,
        [consumer, this.options.batchSize],
      );
      if (rows.length === 0) return 0;
      const events: DeliveredEvent[] = rows.map((r) => ({ id: Number(r.id), event: r.event, version: r.version, payload: r.payload, occurred_at: new Date(r.occurred_at).toISOString() }));
      const delivery: EventDelivery = { source: this.options.source, events };
      await this.broker.call(action, delivery, { retries: 0 });
      await sql.rows("DELETE FROM outbox_pending WHERE consumer = $1 AND outbox_id = ANY($2::bigint[])", [consumer, rows.map((r) => r.id)]);
      return rows.length;
    });
  }
}

export class Outbox implements CommittedEvents {
  private timer?: NodeJS.Timeout;
  private due?: NodeJS.Timeout;
  private stopped = false;
  private readonly lanes: ConsumerLane[];
  /** The lanes the writes since the last due pass concern. */
  private readonly woken = new Set<ConsumerLane>();

  constructor(
    private readonly db: Sequelize,
    broker: ServiceBroker,
    private readonly logger: Logger,
    private readonly options: OutboxOptions,
  ) {
    this.lanes = options.subscriptions.map((s) => new ConsumerLane(s, db, broker, logger, options, () => this.stopped));
  }

  /** After the commit of a write that stored `events`: emitted live, and their consumers' lanes nudged. */
  committed(ctx: Context<unknown, ContextMeta>, events: readonly PendingEvent[]): void {
    for (const e of events) ctx.emit(e.name, e.payload).catch((err: unknown) => this.logger.warn(`live event ${e.name} not emitted:`, err));
    if (events.length) this.nudge(events.map((e) => e.name));
  }

  /** Declares the consumers (before any write of this service), then relays. */
  async start(): Promise<void> {
    await declareConsumers(this.db, this.logger, this.options.subscriptions);
    this.timer = setInterval(() => this.relayNow(), this.options.pollMs);
    this.timer.unref();
    this.relayNow();
  }

  /**
   * Resolves once no relay pass runs, and none will: a pass asked for meanwhile (a write's
   * nudge waiting out its window, or a running pass's "once more") would otherwise start
   * after the service stopped, against a database being closed.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.due);
    this.due = undefined;
    this.woken.clear();
    await Promise.all(this.lanes.map((lane) => lane.pass.settled()));
  }

  /** How many events wait for `consumer` (undelivered or being delivered). */
  async pendingFor(consumer: string): Promise<number> {
    const [row] = await selectRows<{ n: string }>(this.db, "SELECT count(*) AS n FROM outbox_pending WHERE consumer = $1", [consumer]);
    return Number(row?.n ?? 0);
  }

  /** A relay pass is running (in some lane). */
  get relayRunning(): boolean {
    return this.lanes.some((lane) => lane.pass.active);
  }

  /** A write's nudge is waiting out its window before it starts a pass. */
  get relayDue(): boolean {
    return this.due !== undefined;
  }

  /**
   * A write's nudge: within `coalesceMs`, a pass in each lane whose consumer takes one of
   * `events` (all lanes without), which carries every event the writes stored meanwhile.
   * The events are in the database already: a crash before the pass loses nothing (the
   * next start, or another instance, delivers them).
   */
  nudge(events?: readonly string[]): void {
    if (this.stopped) return;
    for (const lane of this.lanes) if (!events || events.some((e) => takes(lane.subscription, e))) this.woken.add(lane);
    if (this.due || this.woken.size === 0) return;
    this.due = setTimeout(() => {
      this.due = undefined;
      const lanes = [...this.woken];
      this.woken.clear();
      for (const lane of lanes) lane.pass.now();
    }, this.options.coalesceMs);
    this.due.unref();
  }

  /** Starts a relay pass now in every lane, or asks the running ones to go once more. */
  relayNow(): void {
    for (const lane of this.lanes) lane.pass.now();
  }
}
