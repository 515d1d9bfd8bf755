/**
 * What the ledger's books must say, worked out independently of the ledger: from the loans
 * API's own answers (each loan's transactions and outstanding principal), in integer cents.
 * And what the books do say, read straight from the ledger database per loan. The ledger
 * tests (cluster catch-up, property) hold one against the other.
 */
import type { Client } from "pg";
import type { Loan, LoanTransactionsResponse, TrialBalance } from "../../sdk/contracts.js";
import { fromCents, toCents, type Cents } from "../../domain/cents.js";
import type { Api } from "./http.js";

/** Per account code, the balance as the ledger reports it (debit − credit for assets and expenses, credit − debit for income). */
export type Balances = Record<"1000" | "1100" | "4000" | "4100" | "4200" | "5000", Money>;
type Money = string;

const ZERO: Balances = { "1000": "0.00", "1100": "0.00", "4000": "0.00", "4100": "0.00", "4200": "0.00", "5000": "0.00" };

export interface LoanFacts {
  loanId: number;
  /** What the books of this loan must hold once every event is posted. */
  expected: Balances;
  /** The live (not reversed) repayments' ids, and the reversed ones'. */
  liveRepayments: number[];
  reversedRepayments: number[];
  writtenOff: boolean;
}

async function ok<T>(api: Api, path: string, token: string): Promise<T> {
  const res = await api.call<T>("GET", path, { token });
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/**
 * A loan's expected books from its transactions: cash out at disbursement, in with each live
 * repayment; income the live repayments' interest, fee and penalty parts; losses the
 * write-off's principal part; 1100 the outstanding principal the loans API reports (and, as
 * a check on this helper itself, the same figure rebuilt from the transactions).
 */
export async function loanFacts(api: Api, token: string, loanId: number): Promise<LoanFacts> {
  const [{ rows }, loan] = await Promise.all([ok<LoanTransactionsResponse>(api, `/api/v1/loan/transactions/${loanId}`, token), ok<Loan>(api, `/api/v1/loan/loan-details/${loanId}`, token)]);
  let cash: Cents = 0n;
  let principal: Cents = 0n;
  let interest: Cents = 0n;
  let fee: Cents = 0n;
  let penalty: Cents = 0n;
  let losses: Cents = 0n;
  const liveRepayments: number[] = [];
  const reversedRepayments: number[] = [];
  let writtenOff = false;
  for (const t of rows) {
    if (t.type === "DISBURSEMENT") {
      cash -= toCents(t.amount);
      principal += toCents(t.principal_part);
    } else if (t.type === "REPAYMENT") {
      if (t.reversed) {
        reversedRepayments.push(t.id);
        continue;
      }
      liveRepayments.push(t.id);
      cash += toCents(t.amount);
      principal -= toCents(t.principal_part);
      interest += toCents(t.interest_part);
      fee += toCents(t.fee_part);
      penalty += toCents(t.penalty_part);
    } else if (t.type === "WRITE_OFF") {
      writtenOff = true;
      losses += toCents(t.principal_part);
      principal -= toCents(t.principal_part);
    }
    // FEE, PENALTY and WAIVER move no cash: on a cash basis they post nothing.
  }
  const outstanding = toCents(loan.outstanding_principal ?? "0.00");
  if (principal !== outstanding) {
    throw new Error(`loan ${loanId}: its transactions leave ${fromCents(principal)} of principal, the loan says ${fromCents(outstanding)}`);
  }
  return {
    loanId,
    expected: { "1000": fromCents(cash), "1100": fromCents(outstanding), "4000": fromCents(interest), "4100": fromCents(fee), "4200": fromCents(penalty), "5000": fromCents(losses) },
    liveRepayments,
    reversedRepayments,
    writtenOff,
  };
}

/** Sums per account over several loans' balances, in cents. */
export function sumBalances(all: Balances[]): Balances {
  const total = new Map<string, Cents>();
  for (const b of all) for (const [code, amount] of Object.entries(b)) total.set(code, (total.get(code) ?? 0n) + toCents(amount));
  const out: Balances = { ...ZERO };
  for (const code of Object.keys(out) as (keyof Balances)[]) out[code] = fromCents(total.get(code) ?? 0n);
  return out;
}

/** The trial balance read back as balances per account (income credit − debit, the others debit − credit), exactly. */
export function trialBalances(tb: TrialBalance): Balances {
  const out: Balances = { ...ZERO };
  for (const r of tb.rows) {
    const drMinusCr = toCents(r.debit) - toCents(r.credit);
    out[r.code] = fromCents(r.type === "INCOME" ? -drMinusCr : drMinusCr);
  }
  return out;
}

/** The ledger's own balances of each loan, from its lines (never from the kept balances, which the trigger writes). */
export async function ledgerBalancesByLoan(ledgerDb: Client, loanIds: number[]): Promise<Map<number, Balances>> {
  const { rows } = await ledgerDb.query<{ loan_id: number; account: string; dr_minus_cr: string }>(
    "SELECT loan_id, account, sum(debit - credit)::text AS dr_minus_cr FROM ledger_lines WHERE loan_id = ANY($1::int[]) GROUP BY 1, 2",
    [loanIds],
  );
  const out = new Map<number, Balances>(loanIds.map((id) => [id, { ...ZERO }]));
  for (const r of rows) {
    const drMinusCr = toCents(String(r.dr_minus_cr));
    const income = r.account.startsWith("4");
    out.get(r.loan_id)![r.account.trim() as keyof Balances] = fromCents(income ? -drMinusCr : drMinusCr);
  }
  return out;
}

/**
 * Nothing posted twice, per loan: each repayment has exactly one REPAYMENT entry, and its
 * REVERSAL entries are its REALLOCATIONs plus one if it was reversed; one DISBURSEMENT
 * per loan, one WRITE_OFF if written off. (An event's key twice in ledger_events cannot
 * happen: it is the primary key.) Returns the problems found (empty: none).
 */
export async function postedOnce(ledgerDb: Client, facts: LoanFacts[]): Promise<string[]> {
  const problems: string[] = [];
  const { rows } = await ledgerDb.query<{ loan_id: number; transaction_id: string | null; kind: string; n: number }>(
    "SELECT loan_id, transaction_id::text, kind, count(*)::int AS n FROM ledger_entries WHERE loan_id = ANY($1::int[]) GROUP BY 1, 2, 3",
    [facts.map((f) => f.loanId)],
  );
  const count = (loanId: number, kind: string, tx: number | null = null) =>
    rows.filter((r) => r.loan_id === loanId && r.kind === kind && (tx === null || r.transaction_id === String(tx))).reduce((n, r) => n + r.n, 0);
  for (const f of facts) {
    const disbursements = count(f.loanId, "DISBURSEMENT");
    if (disbursements !== 1) problems.push(`loan ${f.loanId}: ${disbursements} DISBURSEMENT entries`);
    const writeOffs = count(f.loanId, "WRITE_OFF");
    if (writeOffs !== (f.writtenOff ? 1 : 0)) problems.push(`loan ${f.loanId}: ${writeOffs} WRITE_OFF entries (written off: ${f.writtenOff})`);
    for (const tx of [...f.liveRepayments, ...f.reversedRepayments]) {
      const repayment = count(f.loanId, "REPAYMENT", tx);
      const reversals = count(f.loanId, "REVERSAL", tx);
      const reallocations = count(f.loanId, "REALLOCATION", tx);
      const reversed = f.reversedRepayments.includes(tx) ? 1 : 0;
      if (repayment !== 1 || reversals !== reallocations + reversed) {
        problems.push(`loan ${f.loanId} repayment ${tx}: ${repayment} REPAYMENT, ${reversals} REVERSAL, ${reallocations} REALLOCATION entries (reversed: ${reversed === 1})`);
      }
    }
  }
  return problems;
}
