/**
 * The database side every data service shares: a moleculer-db mixin whose Sequelize
 * adapter connects to the service's own PostgreSQL database (its `*_DATABASE_URL`, handed
 * over by the composition root: deps.ts), runs the service's versioned migrations under an advisory lock before
 * the service accepts calls, and never calls `sync()`. A database that does not answer is
 * retried for DB_CONNECT_TIMEOUT seconds, then the service fails to start. Once connected,
 * the service writes through `this.unitOfWork` (unit-of-work.ts), with its outbox if it has one.
 */
import DbService from "moleculer-db";
import SequelizeDbAdapter from "moleculer-db-adapter-sequelize";
import type { MoleculerDbMethods } from "moleculer-db";
import { Errors, type ActionSchema, type Context, type Service, type ServiceBroker, type ServiceSchema } from "moleculer";
import { ConnectionError, DatabaseError, Sequelize, type Model, type ModelStatic, type QueryInterface } from "sequelize";
import { SequelizeStorage, Umzug, type MigrationParams } from "umzug";
import { configOf, databaseUrlOf } from "./deps.js";
import { Outbox, outboxMigrations } from "./outbox.js";
import { allConsumers } from "./subscriptions.js";
import { defineMixin } from "./schema.js";
import { UnitOfWork } from "./unit-of-work.js";

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

/**
 * The properties the mixin gives a service, for typing `this` in its handlers; of moleculer-db's
 * methods, `connect`, `disconnect` and `clearCache` (its read actions use the others).
 */
export interface DbServiceThis<M extends Model> extends Pick<MoleculerDbMethods, "connect" | "disconnect" | "clearCache"> {
  adapter: { db: Sequelize; model: ModelStatic<M> };
  model: ModelStatic<M>;
  /** Present when the service was given the `outbox` option. */
  outbox: Outbox;
  /** Every write of the service runs in it (unit-of-work.ts); it publishes events when the service has an outbox. */
  unitOfWork: UnitOfWork;
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
 * Starts the service in place of moleculer-db's `started` (left out of its mixin, see
 * `moleculerDb`), which retries a failed connection every second, forever (a wrong URL then
 * hangs the start with no end). This one retries for DB_CONNECT_TIMEOUT seconds, then fails
 * the start with one line naming the variable. Only the connection is retried: a failing
 * migration fails the start at once.
 */
async function connectWithinTimeout(this: Service & Pick<MoleculerDbMethods, "connect">): Promise<void> {
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

/** The moleculer-db actions a data service keeps: plain reads for operators at the REPL. */
type DbReadAction = "find" | "count" | "get";

/**
 * moleculer-db's mixin, explicitly taken apart (its types declare a class; it is a schema).
 * What a data service takes from it: `created` (puts the schema's adapter on `this.adapter`),
 * `stopped` (disconnects), its methods (`connect`, and those its read actions use), and the
 * read actions `find`, `count` and `get`. What it leaves: `started` (see
 * `connectWithinTimeout`) and the other actions (`list`, `create`, `insert`, `update`,
 * `remove`): their writes would bypass the repositories, the unit of work and its events,
 * and `list` collides with the services' own names.
 */
function moleculerDb(): { mixin: Partial<ServiceSchema>; readActions: Record<DbReadAction, ActionSchema> } {
  const { started: _retriesForever, actions, ...mixin } = DbService as unknown as ServiceSchema & { actions: Record<DbReadAction, ActionSchema> };
  return { mixin, readActions: { find: actions.find, count: actions.count, get: actions.get } };
}

export function ownDatabase<M extends Model>(options: OwnDatabaseOptions<M>): Partial<ServiceSchema> {
  const moleculerDbParts = moleculerDb();
  // Uncached: the services' writes do not go through moleculer-db's cache clearing.
  const readAction = (name: DbReadAction): ActionSchema => ({ ...moleculerDbParts.readActions[name], cache: false });
  return defineMixin<DbServiceThis<M>>({
    mixins: [moleculerDbParts.mixin],
    hooks: { error: { "*": databaseDown } },
    actions: {
      find: readAction("find"),
      count: readAction("count"),
      get: readAction("get"),
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
    },
    started: connectWithinTimeout,
    async afterConnected(this: Service & DbServiceThis<M>) {
      const migrations = options.outbox ? [...options.migrations, ...outboxMigrations] : options.migrations;
      await runMigrations(this.adapter.db, migrations, (msg) => this.logger.info(msg));
      if (options.outbox) {
        const config = configOf(this);
        const subscriptions = allConsumers(config.eventConsumers);
        this.outbox = new Outbox(this.adapter.db, this.broker, this.logger, { source: options.outbox.source, subscriptions, pollMs: config.outboxPollMs, batchSize: 100, coalesceMs: 25 });
        await this.outbox.start();
      }
      this.unitOfWork = new UnitOfWork(this.adapter.db, this.outbox);
    },
    async stopped(this: Service & DbServiceThis<M>) {
      // Before moleculer-db's own `stopped` closes the database.
      await this.outbox?.stop();
    },
  });
}
