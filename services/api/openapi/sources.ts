/**
 * Where the document reads the routed actions' `params` and `access`: the schemas of the
 * services behind the gateway (the gateway's own, e.g. health, are added by api.service.ts).
 * Read from the code, not from the registry, so the document is the same whichever nodes
 * are up. A routed action of a service missing here stops the document from building.
 */
import type { ServiceSchema } from "moleculer";
import AuditService from "../../audit.service.js";
import LoansService from "../../loans.service.js";
import UsersService from "../../users.service.js";

export const DOCUMENTED_SERVICES: readonly ServiceSchema[] = [UsersService, LoansService, AuditService];
