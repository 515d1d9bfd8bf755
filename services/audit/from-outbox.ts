/** How a domain event reads in the audit log: which entity, who, before and after. Pure. */
import type { AuditEntity, DomainEvent } from "../../sdk/contracts.js";
import type { NewAuditRow } from "./audit-event.model.js";

interface Subject {
  entity: AuditEntity;
  entity_id: number;
  before: unknown;
  after: unknown;
}

function subjectOf(e: DomainEvent): Subject {
  switch (e.event) {
    case "user.created":
      return { entity: "user", entity_id: e.payload.user.id, before: null, after: e.payload.user };
    case "agent.approved":
      return { entity: "user", entity_id: e.payload.user.id, before: { ...e.payload.user, is_approved: false }, after: e.payload.user };
    case "user.deleted":
      return { entity: "user", entity_id: e.payload.user.id, before: e.payload.user, after: null };
    case "user.passwordChanged":
      // Which user, and when: never anything of the password.
      return { entity: "user", entity_id: e.payload.user_id, before: null, after: null };
    case "session.revoked":
      // Which sessions of the user ended and why; after: what changed (before, they were live).
      return { entity: "user", entity_id: e.payload.user_id, before: null, after: { session_ids: e.payload.session_ids, reason: e.payload.reason } };
    case "loan.created":
      return { entity: "loan", entity_id: e.payload.loan.id, before: null, after: e.payload.loan };
    case "loan.updated":
    case "loan.decided":
    case "loan.disbursed":
    case "loan.closed":
      return { entity: "loan", entity_id: e.payload.loan.id, before: e.payload.before, after: e.payload.loan };
    case "loan.repaid":
      // The loan after, with the repayment that changed it: who recorded what, paid when.
      return { entity: "loan", entity_id: e.payload.loan.id, before: e.payload.before, after: { ...e.payload.loan, repayment: e.payload.repayment } };
    case "loan.repayment_reversed":
      return { entity: "loan", entity_id: e.payload.loan.id, before: e.payload.before, after: { ...e.payload.loan, repayment: e.payload.repayment } };
    case "loan.charge_waived":
      return { entity: "loan", entity_id: e.payload.loan.id, before: e.payload.before, after: { ...e.payload.loan, waiver: e.payload.waiver } };
    case "loan.written_off":
      return { entity: "loan", entity_id: e.payload.loan.id, before: e.payload.before, after: { ...e.payload.loan, transaction: e.payload.transaction } };
    case "loan.charged":
      return { entity: "loan", entity_id: e.payload.loan.id, before: e.payload.before, after: { ...e.payload.loan, charges: e.payload.charges } };
    case "loan.history": // the ledger's alone (subscriptions.ts): kept as it came, should it ever arrive
      return { entity: "loan", entity_id: e.payload.loan_id, before: null, after: { transactions: e.payload.transactions } };
    case "product.changed":
      return { entity: "product", entity_id: e.payload.product_id, before: e.payload.before, after: e.payload.product };
    case "agent_limit.changed":
      return { entity: "agent_limit", entity_id: e.payload.limit.agent_id, before: e.payload.before, after: e.payload.limit };
  }
}

export function toAuditRow(source: string, e: DomainEvent): NewAuditRow {
  return { source, source_event_id: e.id, event: e.event, actor_id: e.payload.actor_id, occurred_at: new Date(e.occurred_at), ...subjectOf(e) };
}
