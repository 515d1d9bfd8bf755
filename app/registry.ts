/**
 * The one list of the services this package runs, by the name `SERVICES` uses: each one's
 * schema, the variable naming its own database (for those that own one), and which ones
 * the gateway routes to. The gateway's OpenAPI document reads the routed services' schemas
 * from here, handed over when the root creates it (node.ts): from the code, not from
 * Moleculer's registry, so the document is the same whichever nodes are up, and the gateway
 * imports no other service. A routed action of a service missing here stops the document
 * from building.
 */
import type { ServiceSchema } from "moleculer";
import ApiService from "../services/api.service.js";
import AuditService from "../services/audit.service.js";
import LedgerService from "../services/ledger.service.js";
import LoansService from "../services/loans.service.js";
import UsersService from "../services/users.service.js";

export interface ServiceEntry {
  schema: ServiceSchema;
  /** The environment variable naming the service's own PostgreSQL database, if it has one. */
  databaseVariable?: string;
  /** The gateway routes to its actions: their params and access go into the OpenAPI document. */
  routed?: true;
  /** The gateway itself: it is handed the routed services' schemas. */
  gateway?: true;
}

export const REGISTRY = {
  users: { schema: UsersService, databaseVariable: "USERS_DATABASE_URL", routed: true },
  loans: { schema: LoansService, databaseVariable: "LOANS_DATABASE_URL", routed: true },
  audit: { schema: AuditService, databaseVariable: "AUDIT_DATABASE_URL", routed: true },
  ledger: { schema: LedgerService, databaseVariable: "LEDGER_DATABASE_URL", routed: true },
  api: { schema: ApiService, gateway: true },
} as const satisfies Record<string, ServiceEntry>;

export type ServiceName = keyof typeof REGISTRY;

export const SERVICE_NAMES = Object.keys(REGISTRY) as ServiceName[];

export function isServiceName(name: string): name is ServiceName {
  return Object.hasOwn(REGISTRY, name);
}

export function entryOf(name: ServiceName): ServiceEntry {
  return REGISTRY[name];
}

/** The schemas of the services behind the gateway, in the order the document lists them. */
export function routedSchemas(): ServiceSchema[] {
  return SERVICE_NAMES.map(entryOf)
    .filter((e) => e.routed)
    .map((e) => e.schema);
}

/** The services that own a database, with the variable naming its URL. */
export const DATABASE_VARIABLES: Partial<Record<ServiceName, string>> = Object.fromEntries(
  SERVICE_NAMES.flatMap((name) => (entryOf(name).databaseVariable ? [[name, entryOf(name).databaseVariable]] : [])),
);

/** SERVICES: a comma-separated list of names; none means every service. */
export function selectServices(value: string | undefined): ServiceName[] {
  const names = (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.length === 0) return [...SERVICE_NAMES];
  const unknown = names.filter((n) => !isServiceName(n));
  if (unknown.length) throw new Error(`SERVICES: unknown service ${unknown.join(", ")}; known: ${SERVICE_NAMES.join(", ")}`);
  return [...new Set(names as ServiceName[])];
}
