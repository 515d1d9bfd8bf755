/** Every service this package can run, by the name `SERVICES` uses. */
import type { ServiceSchema } from "moleculer";
import ApiService from "./api.service.js";
import AuditService from "./audit.service.js";
import LoansService from "./loans.service.js";
import UsersService from "./users.service.js";

export const SERVICE_SCHEMAS: Record<string, ServiceSchema> = {
  users: UsersService,
  loans: LoansService,
  audit: AuditService,
  api: ApiService,
};

/** The services that own a database, with the variable naming its URL. */
export const DATABASE_SERVICES: Record<string, string> = {
  users: "USERS_DATABASE_URL",
  loans: "LOANS_DATABASE_URL",
  audit: "AUDIT_DATABASE_URL",
};

export function selectServices(value: string | undefined): string[] {
  const names = (value ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) return Object.keys(SERVICE_SCHEMAS);
  const unknown = names.filter((n) => !(n in SERVICE_SCHEMAS));
  if (unknown.length) throw new Error(`SERVICES: unknown service ${unknown.join(", ")}; known: ${Object.keys(SERVICE_SCHEMAS).join(", ")}`);
  return [...new Set(names)];
}
