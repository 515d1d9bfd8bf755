/**
 * The composition root: starting one loanstack node. It reads the environment once: the
 * config, which services run (SERVICES), each one's database (an embedded PostgreSQL for
 * those whose URL is not set), the broker's options. Each service is handed what it needs
 * (services/shared/deps.ts), and reads nothing of the environment itself. The broker's
 * shutdown drains requests first and stops the embedded database last.
 */
import { ServiceBroker, type BrokerOptions, type Service } from "moleculer";
import { systemClock, type Clock } from "../domain/clock.js";
import { brokerOptions } from "../moleculer.config.js";
import { loadConfig, type AppConfig } from "../services/shared/config.js";
import { withDeps, type ServiceDeps } from "../services/shared/deps.js";
import type { EmbeddedDatabases } from "../services/shared/embedded-postgres.js";
import { DATABASE_VARIABLES, entryOf, isServiceName, routedSchemas, selectServices, type ServiceName } from "./registry.js";

type Env = Record<string, string | undefined>;

export interface RunningNode {
  broker: ServiceBroker;
  services: ServiceName[];
  embedded?: EmbeddedDatabases;
  /** The gateway's port, when this node runs the api service. */
  httpPort?: number;
  /** Creates one of the registry's services again on this broker, with this node's config and database (tests take one down and bring it back). */
  createService: (name: ServiceName) => Service;
}

export interface StartOptions {
  /** Where the settings are read from, once (default: process.env). */
  env?: Env;
  /** The config, when the caller built it already (server.ts applies one setting before the start). */
  config?: AppConfig;
  /** The services of this node (default: SERVICES, or every one). */
  services?: string[];
  broker?: Partial<BrokerOptions>;
  log?: (msg: string) => void;
  /** Where the services' "today" comes from (default: the machine's time); tests pin it (fixedClock). */
  clock?: Clock;
}

export async function startNode(options: StartOptions = {}): Promise<RunningNode> {
  const env = options.env ?? process.env;
  const config = options.config ?? loadConfig(env);
  const services = options.services ? namedServices(options.services) : selectServices(env.SERVICES);
  const log = options.log ?? ((msg: string) => console.log(msg));
  const { urls, embedded } = await provideDatabases(services, env, config.dataDir, log);
  const broker = new ServiceBroker({
    ...brokerOptions(env),
    ...options.broker,
    async stopped() {
      await options.broker?.stopped?.(broker);
      await embedded?.stop();
    },
  });
  const createService = (name: ServiceName) => broker.createService(withDeps(entryOf(name).schema, depsOf(name, config, options.clock ?? systemClock, urls)));
  for (const name of services) createService(name);
  try {
    await broker.start();
  } catch (err) {
    await broker.stop().catch(() => undefined);
    throw err;
  }
  return { broker, services, embedded, httpPort: gatewayPort(broker), createService };
}

function namedServices(names: string[]): ServiceName[] {
  const unknown = names.filter((n) => !isServiceName(n));
  if (unknown.length) throw new Error(`unknown service ${unknown.join(", ")}`);
  return names as ServiceName[];
}

/** What the root hands one service: the config and the clock to all, its database to a data service, the routed schemas to the gateway. */
function depsOf(name: ServiceName, config: AppConfig, clock: Clock, urls: Partial<Record<ServiceName, string>>): ServiceDeps {
  const entry = entryOf(name);
  return { config, clock, ...(entry.databaseVariable && { databaseUrl: urls[name] }), ...(entry.gateway && { documented: routedSchemas() }) };
}

/** Each selected service's database URL: its variable's, or an embedded server's for those without one. */
async function provideDatabases(services: ServiceName[], env: Env, dataDir: string, log: (msg: string) => void): Promise<{ urls: Partial<Record<ServiceName, string>>; embedded?: EmbeddedDatabases }> {
  const urls: Partial<Record<ServiceName, string>> = {};
  for (const s of services) {
    const variable = DATABASE_VARIABLES[s];
    if (variable && env[variable]) urls[s] = env[variable];
  }
  const missing = services.filter((s) => DATABASE_VARIABLES[s] && !urls[s]);
  if (missing.length === 0) return { urls };
  const { startEmbeddedPostgres } = await import("../services/shared/embedded-postgres.js");
  const embedded = await startEmbeddedPostgres(dataDir, missing, log);
  for (const s of missing) urls[s] = embedded.urls[s];
  return { urls, embedded };
}

function gatewayPort(broker: ServiceBroker): number | undefined {
  const api = broker.getLocalService("api") as unknown as { server?: { address(): { port: number } | string | null } } | undefined;
  const address = api?.server?.address();
  return address && typeof address === "object" ? address.port : undefined;
}
