/**
 * What the composition root (app/node.ts) hands a service when it creates it: the config,
 * built once per process, its own database's URL, and for the gateway the schemas it documents.
 * They live on the service instance, set before its schema is parsed (so `merged` and `created`
 * see them), never in `settings`: Moleculer sends a service's settings to every node of the
 * cluster, and the config holds the JWT secrets and the admin's password.
 */
import { Service, type ServiceBroker, type ServiceSchema } from "moleculer";
import type { Clock } from "../../domain/clock.js";
import type { AppConfig } from "./config.js";

export interface ServiceDeps {
  config: AppConfig;
  /** Where the service's "today" comes from: the machine's time, or a pinned date in tests (domain/clock.ts). */
  clock: Clock;
  /** The service's own PostgreSQL database, for the services that own one (db.ts). */
  databaseUrl?: string;
  /** The gateway's: the schemas of the services behind it, whose routed actions the OpenAPI document describes. */
  documented?: readonly ServiceSchema[];
}

const DEPS = Symbol("loanstack.deps");
type WithDeps = { [DEPS]?: ServiceDeps };

export type ServiceClass = new (broker: ServiceBroker) => Service;

/** A Service class that is `schema` with `deps`: `broker.createService` takes it like a schema. */
export function withDeps(schema: ServiceSchema, deps: ServiceDeps): ServiceClass {
  return class extends Service {
    constructor(broker: ServiceBroker) {
      super(broker);
      (this as WithDeps)[DEPS] = deps;
      this.parseServiceSchema(schema);
    }
  };
}

function depsOf(service: object): ServiceDeps {
  const deps = (service as WithDeps)[DEPS];
  if (!deps) throw new Error(`the service "${(service as { name?: string }).name ?? "?"}" was created without its dependencies: create it through the composition root (app/node.ts)`);
  return deps;
}

export function configOf(service: object): AppConfig {
  return depsOf(service).config;
}

export function clockOf(service: object): Clock {
  return depsOf(service).clock;
}

/** Its database's URL; undefined when the root has none for it (db.ts says which variable is missing). */
export function databaseUrlOf(service: object): string | undefined {
  return depsOf(service).databaseUrl;
}

export function documentedOf(service: object): readonly ServiceSchema[] {
  return depsOf(service).documented ?? [];
}
