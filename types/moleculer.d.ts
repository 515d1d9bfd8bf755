/**
 * What loanstack adds to Moleculer's schema types: who may call an action through the
 * gateway (`access`, read by the gateway's one authorization hook), and the schema hooks
 * and settings that moleculer-db and Moleculer itself use but 0.15's types do not declare.
 */
import "moleculer";
import type { Access } from "../services/shared/access.js";

declare module "moleculer" {
  interface ActionSchema {
    /** Who may call this action through the gateway. Absent: internal only, never routed. */
    access?: Access;
  }
  interface ServiceSchema {
    /** Called with the schema once mixins are merged, before `created`. */
    merged?: (schema: ServiceSchema) => void;
    /** moleculer-db: called once the adapter connected. */
    afterConnected?: () => Promise<void> | void;
  }
  interface ServiceSettingSchema {
    /** moleculer-db: the fields its own actions return. */
    fields?: string[];
  }
}
