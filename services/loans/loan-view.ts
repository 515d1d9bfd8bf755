/** What loan rows look like outside the loans service. */
import type { CalendarDate, Loan, LoanVersion } from "../../sdk/contracts.js";
import { daysPastDue } from "../../domain/arrears.js";
import type { LoanRow, LoanVersionRow } from "./loan.model.js";

const iso = (d: Date | string) => new Date(d).toISOString();

/** A loan's JSON; its days past due as of `asOf` (today by the service's clock, or the as_of asked for). */
export function toLoan(row: LoanRow, asOf: CalendarDate): Loan {
  const serviced = row.status === "ACTIVE" || row.status === "CLOSED" || row.status === "WRITTEN_OFF";
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
    // A row just created has none of these columns set (undefined): null in the JSON.
    disbursed_on: row.disbursed_on ?? null,
    closed_at: row.closed_at ? iso(row.closed_at) : null,
    outstanding_principal: serviced ? row.outstanding_principal : null,
    outstanding_interest: serviced ? row.outstanding_interest : null,
    outstanding_fee: serviced ? row.outstanding_fee : null,
    outstanding_penalty: serviced ? row.outstanding_penalty : null,
    next_due_date: serviced ? row.next_due_date : null,
    days_past_due: serviced ? daysPastDue(row.next_due_date, asOf) : null,
    product_code: row.product_code,
    disbursement_fee: row.disbursement_fee,
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
