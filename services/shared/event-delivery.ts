/**
 * The consumer's side of the outbox: the parameters of an action that takes an
 * `EventDelivery`, and which delivered events its code knows. A consumer answers a batch
 * to acknowledge all of it, the events it does not know as well (skipped), so one new
 * event stalls no consumer; it applies each event once, keyed by (source, id), as the
 * delivery is at-least-once.
 */
import type { DeliveredEvent, DomainEvent } from "../../sdk/contracts.js";
import { EVENT_NAMES } from "../../sdk/schemas.js";
import { idParam } from "./params.js";

/** fastest-validator rules for an action's `EventDelivery` parameters. */
export const eventDeliveryParams = {
  source: { type: "string", min: 1, max: 32 },
  events: {
    type: "array",
    max: 1000,
    items: {
      type: "object",
      props: {
        id: idParam,
        event: { type: "string", min: 1, max: 64 },
        version: { type: "number", integer: true, positive: true, optional: true },
        payload: "object",
        occurred_at: "string",
      },
    },
  },
} as const;

const KNOWN: ReadonlySet<string> = new Set(EVENT_NAMES);

/** Whether this code knows the event's name; if so its payload has that name's type. */
export function isDomainEvent(e: DeliveredEvent): e is DomainEvent {
  return KNOWN.has(e.event);
}
