/**
 * The servicing examples of the OpenAPI document: the spec's loan (250,000.00 at 12.00 over
 * 24 months, EMI 11768.37) disbursed on 2026-01-31 — so its due dates show the month-end
 * rule (2026-02-28, 2026-03-31, 2026-04-30 …) — with its first installment paid on
 * 2026-02-27, seen on 2026-04-10, when the second is 10 days overdue. test/contract checks
 * these figures against the pure modules that compute them (services/loans/).
 */
import type { CloseOfBusinessRun, LoanSchedule, LoanTransaction, Portfolio, Repayment, ScheduleRow } from "./contracts.js";
import { EXAMPLE_LOAN } from "./schemas.js";

export const EXAMPLE_DISBURSED_ON = "2026-01-31";
export const EXAMPLE_AS_OF = "2026-04-10";

/** The loan as disbursement answers it: ACTIVE, everything outstanding, the first due date next. */
export const EXAMPLE_ACTIVE_LOAN = {
  ...EXAMPLE_LOAN,
  status: "ACTIVE",
  decided_by: 1,
  decided_at: "2026-01-16T08:00:00.000Z",
  updated_at: "2026-01-31T09:00:00.000Z",
  disbursed_on: EXAMPLE_DISBURSED_ON,
  outstanding_principal: "250000.00",
  outstanding_interest: "32440.84",
  outstanding_fee: "0.00",
  outstanding_penalty: "0.00",
  next_due_date: "2026-02-28",
  days_past_due: 0,
} as const;

/** The first installment, paid exactly, on time. */
export const EXAMPLE_REPAYMENT: Repayment = {
  id: 1,
  loan_id: 42,
  amount: "11768.37",
  principal_part: "9268.37",
  interest_part: "2500.00",
  fee_part: "0.00",
  penalty_part: "0.00",
  paid_on: "2026-02-27",
  recorded_by: 3,
  created_at: "2026-02-27T10:15:00.000Z",
  allocation: [{ number: 1, principal: "9268.37", interest: "2500.00", fee: "0.00", penalty: "0.00" }],
  reversed: false,
};

/** due_date, principal, interest, balance of each installment; every installment but the last is the EMI. */
const ROWS: ReadonlyArray<readonly [string, string, string, string]> = [
  ["2026-02-28", "9268.37", "2500.00", "240731.63"],
  ["2026-03-31", "9361.05", "2407.32", "231370.58"],
  ["2026-04-30", "9454.66", "2313.71", "221915.92"],
  ["2026-05-31", "9549.21", "2219.16", "212366.71"],
  ["2026-06-30", "9644.70", "2123.67", "202722.01"],
  ["2026-07-31", "9741.15", "2027.22", "192980.86"],
  ["2026-08-31", "9838.56", "1929.81", "183142.30"],
  ["2026-09-30", "9936.95", "1831.42", "173205.35"],
  ["2026-10-31", "10036.32", "1732.05", "163169.03"],
  ["2026-11-30", "10136.68", "1631.69", "153032.35"],
  ["2026-12-31", "10238.05", "1530.32", "142794.30"],
  ["2027-01-31", "10340.43", "1427.94", "132453.87"],
  ["2027-02-28", "10443.83", "1324.54", "122010.04"],
  ["2027-03-31", "10548.27", "1220.10", "111461.77"],
  ["2027-04-30", "10653.75", "1114.62", "100808.02"],
  ["2027-05-31", "10760.29", "1008.08", "90047.73"],
  ["2027-06-30", "10867.89", "900.48", "79179.84"],
  ["2027-07-31", "10976.57", "791.80", "68203.27"],
  ["2027-08-31", "11086.34", "682.03", "57116.93"],
  ["2027-09-30", "11197.20", "571.17", "45919.73"],
  ["2027-10-31", "11309.17", "459.20", "34610.56"],
  ["2027-11-30", "11422.26", "346.11", "23188.30"],
  ["2027-12-31", "11536.49", "231.88", "11651.81"],
  ["2028-01-31", "11651.81", "116.52", "0.00"],
];

function scheduleRow([due_date, principal, interest, balance]: readonly [string, string, string, string], i: number): ScheduleRow {
  const number = i + 1;
  const paid = number === 1;
  return {
    number,
    due_date,
    installment: number === ROWS.length ? "11768.33" : "11768.37",
    principal,
    interest,
    balance,
    fee: "0.00",
    penalty: "0.00",
    paid_principal: paid ? principal : "0.00",
    paid_interest: paid ? interest : "0.00",
    paid_fee: "0.00",
    paid_penalty: "0.00",
    status: paid ? "PAID" : due_date < EXAMPLE_AS_OF ? "OVERDUE" : "DUE",
  };
}

export const EXAMPLE_SCHEDULE: LoanSchedule = {
  loan_id: 42,
  disbursed_on: EXAMPLE_DISBURSED_ON,
  as_of: EXAMPLE_AS_OF,
  rows: ROWS.map(scheduleRow),
  totals: { principal: "250000.00", interest: "32440.84", installment: "282440.84", fee: "0.00", penalty: "0.00" },
  outstanding_principal: "240731.63",
  outstanding_interest: "29940.84",
  outstanding_fee: "0.00",
  outstanding_penalty: "0.00",
  next_due_date: "2026-03-31",
  overdue_amount: "11768.37",
  days_past_due: 10,
};

/**
 * Loan 42 above (10 days past due: not at risk) and a 5,000.00 loan at 14.00 over 12 months
 * (EMI 448.94) disbursed 2025-12-31 and never paid: 69 days past due, 1346.82 overdue.
 * PAR30 = 5000.00 / 245731.63 = 2.03 %.
 */
export const EXAMPLE_PORTFOLIO: Portfolio = {
  as_of: EXAMPLE_AS_OF,
  by_status: { NEW: 1, APPROVED: 1, REJECTED: 1, ACTIVE: 2, CLOSED: 1, WRITTEN_OFF: 0 },
  active_outstanding_principal: "245731.63",
  overdue_amount: "13115.19",
  par30: "2.03",
  written_off_principal: "0.00",
};

/** The spec's loan's DISBURSEMENT and its first repayment, as transactions. */
export const EXAMPLE_DISBURSEMENT: LoanTransaction = {
  id: 1,
  loan_id: 42,
  type: "DISBURSEMENT",
  amount: "250000.00",
  principal_part: "250000.00",
  interest_part: "0.00",
  fee_part: "0.00",
  penalty_part: "0.00",
  value_date: EXAMPLE_DISBURSED_ON,
  installment_number: null,
  charge_id: null,
  created_at: "2026-01-31T09:00:00.000Z",
  recorded_by: 1,
  reason: null,
  reversed: false,
  reversed_at: null,
  reversed_by: null,
  reversal_reason: null,
};

export const EXAMPLE_TRANSACTION: LoanTransaction = {
  ...EXAMPLE_DISBURSEMENT,
  id: 2,
  type: "REPAYMENT",
  amount: EXAMPLE_REPAYMENT.amount,
  principal_part: EXAMPLE_REPAYMENT.principal_part,
  interest_part: EXAMPLE_REPAYMENT.interest_part,
  value_date: EXAMPLE_REPAYMENT.paid_on,
  created_at: EXAMPLE_REPAYMENT.created_at,
  recorded_by: EXAMPLE_REPAYMENT.recorded_by,
};

/** A 25.00 penalty on installment 2 waived in full. */
export const EXAMPLE_WAIVER: LoanTransaction = {
  ...EXAMPLE_DISBURSEMENT,
  id: 8,
  type: "WAIVER",
  amount: "25.00",
  principal_part: "0.00",
  penalty_part: "25.00",
  value_date: EXAMPLE_AS_OF,
  installment_number: 2,
  charge_id: 7,
  created_at: "2026-04-10T11:00:00.000Z",
  reason: "goodwill: first late payment",
};

/** Close of business for the day before the examples' `as_of`, just started. */
export const EXAMPLE_COB_RUN: CloseOfBusinessRun = {
  id: 12,
  business_date: "2026-04-09",
  status: "RUNNING",
  loans_total: 1250,
  loans_done: 500,
  penalties_charged: 37,
  started_at: "2026-04-10T00:05:00.000Z",
  finished_at: null,
};
