/**
 * Who consumes the domain events: one line per consumer. Every publisher's outbox reads
 * this list (outbox.ts): it keeps a pending row per event for each consumer that takes the
 * event, and delivers them to the consumer's action, each consumer at its own pace. A new
 * consumer is a line here (and an action that takes an `EventDelivery`, see
 * event-delivery.ts); EVENT_CONSUMERS adds consumers outside this package (config.ts).
 */
import type { EventName } from "../../sdk/contracts.js";
import { EVENT_NAMES } from "../../sdk/schemas.js";
import { LEDGER_EVENTS } from "../../domain/ledger-postings.js";

export interface Subscription {
  /** The name its progress is kept under in each publisher's outbox (`outbox_pending.consumer`). */
  consumer: string;
  /** The action each batch is delivered to; its answer acknowledges the batch. */
  action: string;
  /**
   * The events it takes; "all": every event, those its code may not know too (it must
   * acknowledge them, see `isDomainEvent`).
   */
  events: readonly (EventName | (string & {}))[] | "all";
}

export const SUBSCRIPTIONS: readonly Subscription[] = [
  // loan.history is the ledger's opening of the books (loans migration 0011), no one's action.
  { consumer: "audit", action: "audit.record", events: EVENT_NAMES.filter((e) => e !== "loan.history") },
  // The books: the money events, posted once each (ledger.service.ts).
  { consumer: "ledger", action: "ledger.post", events: LEDGER_EVENTS },
  // The loans service's copy of the agents' lending limits (loans/agent-limit-actions.ts).
  { consumer: "loans", action: "loans.receiveEvents", events: ["agent.approved"] },
];

export function takes(subscription: Subscription, event: string): boolean {
  return subscription.events === "all" || subscription.events.includes(event);
}

/** The registry and `extra` consumers (EVENT_CONSUMERS); a name declared twice is refused. */
export function allConsumers(extra: readonly Subscription[]): Subscription[] {
  const all = [...SUBSCRIPTIONS, ...extra];
  const twice = all.find((s, i) => all.findIndex((t) => t.consumer === s.consumer) !== i);
  if (twice) throw new Error(`the event consumer "${twice.consumer}" is declared twice (subscriptions.ts, EVENT_CONSUMERS)`);
  return all;
}
