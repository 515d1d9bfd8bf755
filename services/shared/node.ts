/**
 * Starting one loanstack node: the services named in SERVICES, each with its database
 * (an embedded PostgreSQL for those whose URL is not set), on one broker whose shutdown
 * drains requests first and stops the embedded database last.
 */
import { ServiceBroker, type BrokerOptions, type ServiceSchema, type ServiceSettingSchema } from "moleculer";
import { systemClock, type Clock } from "../../domain/clock.js";
import { brokerOptions } from "../../moleculer.config.js";
import { DATABASE_SERVICES, SERVICE_SCHEMAS, selectServices } from "../index.js";
import { loadConfig } from "./config.js";
import type { EmbeddedDatabases } from "./embedded-postgres.js";

export interface RunningNode {
  broker: ServiceBroker;
  services: string[];
  embedded?: EmbeddedDatabases;
  /** The gateway's port, when this node runs the api service. */
  httpPort?: number;
}

export interface StartOptions {
  services?: string[];
  broker?: Partial<BrokerOptions>;
  log?: (msg: string) => void;
  /** Where the services' "today" comes from (default: the machine's time); tests pin it (fixedClock). */
  clock?: Clock;
}

export async function startNode(options: StartOptions = {}): Promise<RunningNode> {
  const services = options.services ?? selectServices(process.env.SERVICES);
  const log = options.log ?? ((msg: string) => console.log(msg));
  const embedded = await provideDatabases(services, log);
  const broker = new ServiceBroker({
    ...brokerOptions(),
    ...options.broker,
    async stopped() {
      await options.broker?.stopped?.(broker);
      await embedded?.stop();
    },
  });
  for (const name of services) broker.createService(withClock(SERVICE_SCHEMAS[name]!, options.clock ?? systemClock));
  try {
    await broker.start();
  } catch (err) {
    await broker.stop().catch(() => undefined);
    throw err;
  }
  return { broker, services, embedded, httpPort: gatewayPort(broker) };
}

/** Sets `*_DATABASE_URL` for each selected service that has none, from an embedded server. */
async function provideDatabases(services: string[], log: (msg: string) => void): Promise<EmbeddedDatabases | undefined> {
  const missing = services.filter((s) => DATABASE_SERVICES[s] && !process.env[DATABASE_SERVICES[s]!]);
  if (missing.length === 0) return undefined;
  const { startEmbeddedPostgres } = await import("./embedded-postgres.js");
  const embedded = await startEmbeddedPostgres(loadConfig().dataDir, missing, log);
  for (const s of missing) process.env[DATABASE_SERVICES[s]!] = embedded.urls[s];
  return embedded;
}

/**
 * The schema with the node's clock in its settings (`this.settings.clock`), secure: not in what
 * the node tells other nodes. Moleculer copies settings, so a clock keeps its state in a closure.
 */
function withClock(schema: ServiceSchema, clock: Clock): ServiceSchema {
  const settings: ServiceSettingSchema & { clock: Clock } = { ...schema.settings, clock, $secureSettings: [...(schema.settings?.$secureSettings ?? []), "clock"] };
  return { ...schema, settings };
}

function gatewayPort(broker: ServiceBroker): number | undefined {
  const api = broker.getLocalService("api") as unknown as { server?: { address(): { port: number } | string | null } } | undefined;
  const address = api?.server?.address();
  return address && typeof address === "object" ? address.port : undefined;
}
