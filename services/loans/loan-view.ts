/** What loan rows look like outside the loans service. */
import type { Loan, LoanVersion } from "../../sdk/contracts.js";
import type { LoanRow, LoanVersionRow } from "./loan.model.js";

const iso = (d: Date | string) => new Date(d).toISOString();

export function toLoan(row: LoanRow): Loan {
  return {
    id: row.id,
    customer_id: row.customer_id,
    agent_id: row.agent_id,
    principal: row.principal,
    interest_rate: row.interest_rate,
    tenure_months: row.tenure_months,
    emi: row.emi,
    status: row.status,
    version: row.version,
    decided_by: row.decided_by,
    decided_at: row.decided_at ? iso(row.decided_at) : null,
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}

export function toLoanVersion(row: LoanVersionRow): LoanVersion {
  return {
    version: row.version,
    principal: row.principal,
    interest_rate: row.interest_rate,
    tenure_months: row.tenure_months,
    emi: row.emi,
    status: row.status,
    edited_by: row.edited_by,
    edited_at: iso(row.edited_at),
  };
}
