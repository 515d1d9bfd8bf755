/** How a domain event reads in the audit log: which entity, who, before and after. Pure. */
import type { AuditEntity, EventPayload, OutboxEvent } from "../../sdk/contracts.js";
import type { NewAuditRow } from "./audit-event.model.js";

interface Subject {
  entity: AuditEntity;
  entity_id: number;
  before: unknown;
  after: unknown;
}

function subjectOf(e: OutboxEvent): Subject {
  switch (e.event) {
    case "user.created":
    case "agent.approved": {
      const p = e.payload as EventPayload<"user.created">;
      return { entity: "user", entity_id: p.user.id, before: e.event === "agent.approved" ? { ...p.user, is_approved: false } : null, after: p.user };
    }
    case "user.deleted": {
      const p = e.payload as EventPayload<"user.deleted">;
      return { entity: "user", entity_id: p.user.id, before: p.user, after: null };
    }
    case "user.passwordChanged": {
      // Which user, and when: never anything of the password.
      const p = e.payload as EventPayload<"user.passwordChanged">;
      return { entity: "user", entity_id: p.user_id, before: null, after: null };
    }
    case "session.revoked": {
      // Which sessions of the user ended and why; after: what changed (before, they were live).
      const p = e.payload as EventPayload<"session.revoked">;
      return { entity: "user", entity_id: p.user_id, before: null, after: { session_ids: p.session_ids, reason: p.reason } };
    }
    case "loan.created": {
      const p = e.payload as EventPayload<"loan.created">;
      return { entity: "loan", entity_id: p.loan.id, before: null, after: p.loan };
    }
    case "loan.updated":
    case "loan.decided":
    case "loan.disbursed":
    case "loan.closed": {
      const p = e.payload as EventPayload<"loan.updated">;
      return { entity: "loan", entity_id: p.loan.id, before: p.before, after: p.loan };
    }
    case "loan.repaid": {
      // The loan after, with the repayment that changed it: who recorded what, paid when.
      const p = e.payload as EventPayload<"loan.repaid">;
      return { entity: "loan", entity_id: p.loan.id, before: p.before, after: { ...p.loan, repayment: p.repayment } };
    }
  }
}

export function toAuditRow(source: string, e: OutboxEvent): NewAuditRow {
  return { source, source_event_id: e.id, event: e.event, actor_id: e.payload.actor_id, occurred_at: new Date(e.occurred_at), ...subjectOf(e) };
}
