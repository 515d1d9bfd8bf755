/**
 * How an audit event reads: in words, never as JSON. Creations and removals say what was
 * created or removed, a repayment says how much and when, session ends say how many and why;
 * other changes list each field that changed, from before to after.
 */
import type { AuditEvent } from "../../../sdk/index.js";
import { money } from "./format.js";

/** Amounts of money, grouped as everywhere else ("250,000.00"). */
const MONEY = new Set([
  "principal",
  "emi",
  "amount",
  "limit",
  "used",
  "available",
  "outstanding_principal",
  "outstanding_interest",
  "principal_part",
  "interest_part",
  "min_principal",
  "max_principal",
  "lending_limit",
  "disbursement_fee_amount",
]);

/** Fields that change on every write and say nothing of their own. */
const NOISE = new Set(["updated_at", "created_at", "version"]);
/** Said by the row itself: When (the time of the decision) and By (who decided). */
const SAID = new Set(["decided_at", "decided_by"]);

/** Field names as people say them. */
const LABELS: Record<string, string> = {
  is_approved: "approved",
  interest_rate: "interest rate",
  tenure_months: "tenure (months)",
  emi: "EMI",
  decided_by: "decided by user",
  decided_at: "decided at",
  disbursed_on: "disbursed on",
  outstanding_principal: "outstanding principal",
  outstanding_interest: "outstanding interest",
  next_due_date: "next due date",
  days_past_due: "days past due",
  closed_at: "closed at",
  first_name: "first name",
  last_name: "last name",
  product_code: "product",
  disbursement_fee: "disbursement fee",
  rate_bands: "rate bands",
  min_principal: "minimum principal",
  max_principal: "maximum principal",
  min_tenure_months: "minimum tenure",
  max_tenure_months: "maximum tenure",
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function label(key: string): string {
  return LABELS[key] ?? key.replace(/_/g, " ");
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

/** Any value as text: objects as "name value" pairs, lists joined; never JSON. */
export function shown(value: unknown, key = ""): string {
  if (value === null || value === undefined || value === "") return "—";
  const special = productField(key, value);
  if (special !== undefined) return special;
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (typeof value === "string" && MONEY.has(key) && /^-?\d+\.\d{2}$/.test(value)) return money(value);
  if (typeof value === "string" || typeof value === "number") return String(value);
  if (Array.isArray(value)) return value.map((v) => shown(v)).join(", ") || "none";
  if (isRecord(value)) {
    return Object.entries(value)
      .filter(([k]) => !NOISE.has(k))
      .map(([k, v]) => `${label(k)} ${shown(v, k)}`)
      .join(", ");
  }
  return typeof value === "bigint" ? value.toString() : "—";
}

function differences(before: Record<string, unknown>, after: Record<string, unknown>, skip: Set<string> = new Set()): string[] {
  return Object.keys(after)
    .filter((key) => !NOISE.has(key) && !SAID.has(key) && !skip.has(key) && JSON.stringify(before[key]) !== JSON.stringify(after[key]))
    .map((key) => `${label(key)}: ${shown(before[key], key)} → ${shown(after[key], key)}`);
}

function who(value: Record<string, unknown>): string {
  const name = `${shown(value.first_name)} ${shown(value.last_name)}`.replace(/—/g, "").trim();
  const email = typeof value.email === "string" ? value.email : "";
  return [name, email && `(${email})`].filter(Boolean).join(" ");
}

function repaymentOf(value: unknown): string | undefined {
  if (!isRecord(value)) return undefined;
  return `repayment of ${shown(value.amount, "amount")} paid on ${shown(value.paid_on)} (principal ${shown(value.principal_part, "principal_part")}, interest ${shown(value.interest_part, "interest_part")})`;
}

export function changeOf(event: AuditEvent): string {
  const { before, after } = event;
  switch (event.event) {
    case "user.created":
      return isRecord(after) ? `signed up as ${shown(after.role)}: ${who(after)}` : "signed up";
    case "agent.approved":
      return isRecord(after) ? `agent approved: ${who(after)}` : "agent approved";
    case "user.deleted":
      return isRecord(before) ? `removed ${shown(before.role)} ${who(before)}` : "removed";
    case "user.passwordChanged":
      return "password changed";
    case "session.revoked": {
      const ids = isRecord(after) && Array.isArray(after.session_ids) ? after.session_ids.length : 0;
      const reason = isRecord(after) && typeof after.reason === "string" ? after.reason.replace(/_/g, " ") : "";
      return `${ids === 1 ? "1 session" : `${ids} sessions`} ended${reason ? ` (${reason})` : ""}`;
    }
    case "loan.created":
      return isRecord(after)
        ? `requested ${shown(after.principal, "principal")} for ${shown(after.tenure_months)} months at ${shown(after.interest_rate)} %, EMI ${shown(after.emi, "emi")}`
        : "requested";
    case "loan.repaid": {
      const repayment = isRecord(after) ? repaymentOf(after.repayment) : undefined;
      const rest = isRecord(before) && isRecord(after) ? differences(before, after, new Set(["repayment"])) : [];
      return [repayment ?? "repayment", ...rest].join("; ");
    }
    default:
      break;
  }
  if (isRecord(before) && isRecord(after)) return differences(before, after).join("; ") || `no field changed (${shown(after)})`;
  if (isRecord(after)) return `created: ${shown(after)}`;
  if (isRecord(before)) return `removed: ${shown(before)}`;
  return "—";
}
