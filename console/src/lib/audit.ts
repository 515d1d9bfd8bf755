/** How an audit event reads: what changed, field by field, from its before and after. */
import type { AuditEvent } from "../../../sdk/index.js";

/** Fields that change on every write and say nothing of their own. */
const NOISE = new Set(["updated_at", "created_at"]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A product's rate bands, fee and penalty read as words (they are objects in the event). */
function productField(key: string, value: unknown): string | undefined {
  if (key === "rate_bands" && Array.isArray(value)) {
    return (value as unknown[]).map((band) => (isRecord(band) ? `${typeof band.up_to === "string" ? `up to ${band.up_to}` : "above"}: ${shown(band.rate)} %` : shown(band))).join("; ");
  }
  if ((key === "disbursement_fee" || key === "penalty") && isRecord(value)) {
    const amount = value.kind === "PERCENT" ? `${shown(value.amount)} %` : shown(value.amount);
    return typeof value.grace_days === "number" ? `${amount} after ${value.grace_days} days' grace` : amount;
  }
  return undefined;
}

function shown(value: unknown, key = ""): string {
  if (value === null || value === undefined) return "—";
  return productField(key, value) ?? (typeof value === "string" ? value : JSON.stringify(value));
}

export function changeOf(event: AuditEvent): string {
  const { before, after } = event;
  if (isRecord(before) && isRecord(after)) {
    const changes = Object.keys(after)
      .filter((key) => !NOISE.has(key) && JSON.stringify(before[key]) !== JSON.stringify(after[key]))
      .map((key) => `${key}: ${shown(before[key], key)} → ${shown(after[key], key)}`);
    return changes.join("; ") || "no field changed";
  }
  if (isRecord(after)) return "created";
  if (isRecord(before)) return "removed";
  return "—";
}

export function actorOf(event: AuditEvent): string {
  return event.actor_id === null ? "the system" : `user ${event.actor_id}`;
}
