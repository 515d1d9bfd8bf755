/**
 * The database side every data service shares: a moleculer-db mixin whose Sequelize
 * adapter connects to the service's own PostgreSQL database (its `*_DATABASE_URL`, handed
 * over by the composition root: deps.ts), runs the service's versioned migrations under an advisory lock before
 * the service accepts calls, and never calls `sync()`. A database that does not answer is
 * retried for DB_CONNECT_TIMEOUT seconds, then the service fails to start.
 */
import DbService from "moleculer-db";
import SequelizeDbAdapter from "moleculer-db-adapter-sequelize";
import { Errors, type Context, type Service, type ServiceBroker, type ServiceSchema } from "moleculer";
import { ConnectionError, DatabaseError, Sequelize, type Model, type ModelStatic, type QueryInterface } from "sequelize";
import { SequelizeStorage, Umzug, type MigrationParams } from "umzug";
import { configOf, databaseUrlOf } from "./deps.js";
import { Outbox, outboxMigrations } from "./outbox.js";
import { allConsumers } from "./subscriptions.js";

export interface Migration {
  name: string;
  up(params: MigrationParams<QueryInterface>): Promise<void>;
}

export interface OwnDatabaseOptions<M extends Model> {
  /** The environment variable holding this service's database URL. */
  urlVariable: string;
  /** Defines the service's models on its own Sequelize instance; returns the main one. */
  defineModels(sequelize: Sequelize): ModelStatic<M>;
  migrations: Migration[];
  /** Services that publish domain events keep them in an outbox, relayed to every consumer (subscriptions.ts). */
  outbox?: { source: string };
}

/** The properties the mixin gives a service, for typing `this` in its handlers. */
export interface DbServiceThis<M extends Model> {
  adapter: { db: Sequelize; model: ModelStatic<M> };
  model: ModelStatic<M>;
  /** Present when the service was given the `outbox` option. */
  outbox: Outbox;
}

export function createSequelize(url: string, poolMax: number): Sequelize {
  return new Sequelize(url, {
    dialect: "postgres",
    logging: false,
    pool: { max: poolMax, min: 0, idle: 10_000, acquire: 30_000 },
    define: { underscored: true, timestamps: true, createdAt: "created_at", updatedAt: "updated_at" },
  });
}

/** The service's database did not answer: worth another try, until DB_CONNECT_TIMEOUT. */
class DatabaseConnectError extends Error {}

/** Where a database URL points, without its credentials: "host:port/database". */
function whereOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || 5432}${u.pathname}`;
  } catch {
    return "an unreadable URL";
  }
}

/**
 * The adapter builds its Sequelize instance when it connects, not when the schema is
 * loaded: a connection that failed is closed and the next attempt starts afresh.
 */
class OwnDatabaseAdapter<M extends Model> extends SequelizeDbAdapter {
  declare db: Sequelize;
  declare model: ModelStatic<M>;
  declare service: Service & { model?: ModelStatic<M> };

  constructor(private readonly options: OwnDatabaseOptions<M>) {
    super({});
  }

  /** The base class demands a schema-level `model`; ours is defined at connect time. */
  override init(_broker: ServiceBroker, service: Service): void {
    this.service = service;
  }

  override async connect(): Promise<void> {
    const url = databaseUrlOf(this.service);
    if (!url) throw new Error(`${this.options.urlVariable} is not set: the service has no database`);
    this.db = createSequelize(url, configOf(this.service).dbPoolMax);
    try {
      await this.db.authenticate();
    } catch (err) {
      await this.db.close();
      throw new DatabaseConnectError(`${this.options.urlVariable}: no connection to ${whereOf(url)} (${err instanceof Error ? err.message : String(err)})`);
    }
    this.model = this.options.defineModels(this.db);
    this.service.model = this.model;
  }
}

/**
 * Replaces moleculer-db's `started`, which retries a failed connection every second,
 * forever (a wrong URL then hangs the start with no end). This one retries for
 * DB_CONNECT_TIMEOUT seconds, then fails the start with one line naming the variable.
 * Only the connection is retried: a failing migration fails the start at once.
 */
async function connectWithinTimeout(this: Service & { connect(): Promise<void> }): Promise<void> {
  const timeoutS = configOf(this).dbConnectTimeout;
  const deadline = Date.now() + timeoutS * 1000;
  for (let attempt = 1; ; attempt += 1) {
    try {
      await this.connect(); // moleculer-db's: the adapter's connect, then afterConnected
      return;
    } catch (err) {
      if (!(err instanceof DatabaseConnectError)) throw err;
      if (Date.now() >= deadline) {
        const failure = new Error(`${err.message}; gave up after ${timeoutS} s (DB_CONNECT_TIMEOUT)`);
        failure.stack = failure.message; // the line says it all: no stack in the logs
        throw failure;
      }
      if (attempt === 1 || attempt % 10 === 0) this.logger.warn(`${err.message}; retrying for up to ${timeoutS} s (DB_CONNECT_TIMEOUT)`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

export async function runMigrations(sequelize: Sequelize, migrations: Migration[], log: (msg: string) => void): Promise<void> {
  const umzug = new Umzug({
    migrations,
    context: sequelize.getQueryInterface(),
    storage: new SequelizeStorage({ sequelize, tableName: "schema_migrations" }),
    logger: undefined,
  });
  // Several instances of a service may start at once: one migrates, the others wait on the lock.
  await sequelize.transaction(async (transaction) => {
    await sequelize.query("SELECT pg_advisory_xact_lock(hashtext('loanstack.migrations'))", { transaction });
    const applied = await umzug.up();
    for (const m of applied) log(`migration applied: ${m.name}`);
  });
}

// ---- the database down: 503, not 500 ----

/** PostgreSQL's codes for a connection that was refused, lost or shut down (class 08, 57P01–57P03). */
const CONNECTION_LOST = /^(08|57P0[123])/;

/** Whether an error means "the database cannot be reached", as opposed to a bad query (a bug). */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (err instanceof ConnectionError) return true;
  if (err instanceof DatabaseError) {
    const code = (err.parent as { code?: unknown } | undefined)?.code;
    return (typeof code === "string" && CONNECTION_LOST.test(code)) || /Connection terminated/i.test(err.message);
  }
  return err instanceof Error && /^Connection terminated/i.test(err.message);
}

/**
 * The database unreachable is a 503 the client may retry (the transaction rolled back, so
 * nothing was done), never a 500. Not retryable by Moleculer: another instance shares the database.
 */
function databaseDown(this: Service, _ctx: Context, err: unknown): never {
  if (!isDatabaseUnavailable(err)) throw err;
  this.logger.warn("database unavailable:", err instanceof Error ? err.message : err);
  throw new Errors.MoleculerError("The service's database is not available; retry shortly", 503, "DATABASE_UNAVAILABLE");
}

export function ownDatabase<M extends Model>(options: OwnDatabaseOptions<M>): Partial<ServiceSchema> {
  return {
    mixins: [DbService as Partial<ServiceSchema>],
    hooks: { error: { "*": databaseDown } },
    actions: {
      // moleculer-db's write actions would bypass the services' rules, history and events,
      // and its `list` collides with the services' own names: only plain reads stay, for
      // operators at the REPL, uncached (the services' writes do not go through its hooks).
      create: false,
      insert: false,
      update: false,
      remove: false,
      list: false,
      find: { cache: false },
      count: { cache: false },
      get: { cache: false },
      /** Answers when the service and its database do: the gateway's /health asks it. */
      health: {
        async handler(this: Service & DbServiceThis<M>): Promise<{ ok: true }> {
          await this.adapter.db.query("SELECT 1");
          return { ok: true };
        },
      },
    },
    // One adapter per service instance: a schema-level adapter would be shared by every
    // broker that loads the schema (several brokers run in one process in tests).
    merged(schema: ServiceSchema & { adapter?: unknown }) {
      schema.adapter = new OwnDatabaseAdapter(options);
      const started = [schema.started ?? []].flat();
      const retryForever = (DbService as { started?: unknown }).started;
      if (!started.some((handler) => handler === retryForever)) throw new Error("moleculer-db's started handler is not where it was: the bounded connect cannot replace it");
      schema.started = started.map((handler) => (handler === retryForever ? connectWithinTimeout : handler)) as ServiceSchema["started"];
    },
    async afterConnected(this: Service & DbServiceThis<M>) {
      const migrations = options.outbox ? [...options.migrations, ...outboxMigrations] : options.migrations;
      await runMigrations(this.adapter.db, migrations, (msg) => this.logger.info(msg));
      if (options.outbox) {
        const config = configOf(this);
        const subscriptions = allConsumers(config.eventConsumers);
        this.outbox = new Outbox(this.adapter.db, this.broker, this.logger, { source: options.outbox.source, subscriptions, pollMs: config.outboxPollMs, batchSize: 100, coalesceMs: 25 });
        await this.outbox.start();
      }
    },
    async stopped(this: Service & DbServiceThis<M>) {
      // Before moleculer-db's own `stopped` closes the database.
      await this.outbox?.stop();
    },
  } as unknown as Partial<ServiceSchema>;
}
