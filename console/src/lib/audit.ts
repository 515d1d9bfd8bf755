/** How an audit event reads: what changed, field by field, from its before and after. */
import type { AuditEvent } from "../../../sdk/index.js";

/** Fields that change on every write and say nothing of their own. */
const NOISE = new Set(["updated_at", "created_at"]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function shown(value: unknown): string {
  if (value === null || value === undefined) return "—";
  return typeof value === "string" ? value : JSON.stringify(value);
}

export function changeOf(event: AuditEvent): string {
  const { before, after } = event;
  if (isRecord(before) && isRecord(after)) {
    const changes = Object.keys(after)
      .filter((key) => !NOISE.has(key) && JSON.stringify(before[key]) !== JSON.stringify(after[key]))
      .map((key) => `${key}: ${shown(before[key])} → ${shown(after[key])}`);
    return changes.join("; ") || "no field changed";
  }
  if (isRecord(after)) return "created";
  if (isRecord(before)) return "removed";
  return "—";
}

export function actorOf(event: AuditEvent): string {
  return event.actor_id === null ? "the system" : `user ${event.actor_id}`;
}
