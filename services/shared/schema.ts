/**
 * Moleculer 0.15's `ServiceSchema` types `this` in handlers from its generics, but a
 * schema typed with its own service's properties is not assignable to the plain
 * `ServiceSchema` that `createService` takes. This shim keeps the handlers typed and
 * does that one conversion here, not at every use.
 */
import type { ServiceSchema, ServiceSettingSchema } from "moleculer";

export function defineService<Vars>(schema: ServiceSchema<ServiceSettingSchema, Record<string, never>, Vars>): ServiceSchema {
  return schema as unknown as ServiceSchema;
}

/**
 * For actions that change data: a call whose node vanished mid-way may have committed, so
 * repeating it elsewhere could request a loan twice. The caller gets the error instead.
 */
export const NO_RETRY = { enabled: false } as const;

/** The same conversion for a mixin that adds actions and methods to a service (a part of it kept in a file of its own). */
export function defineMixin<Vars>(schema: Partial<ServiceSchema<ServiceSettingSchema, Record<string, never>, Vars>>): Partial<ServiceSchema> {
  return schema as unknown as Partial<ServiceSchema>;
}
