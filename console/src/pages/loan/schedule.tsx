/**
 * Schedule: the installments with what was paid of each (penalty, fee, interest, principal) and
 * their status as of today, with fee and penalty columns when the loan has any; before
 * disbursement, the projection the API gives (as if disbursed today).
 */
import Decimal from "decimal.js";
import type { Money } from "../../../../sdk/index.js";
import { useState } from "preact/hooks";
import { ErrorSummary, Loading } from "../../components/messages.js";
import { money } from "../../lib/format.js";
import { useResource } from "../../lib/resource.js";
import { useSession } from "../../lib/session-context.js";
import { TableBox } from "../../components/table-box.js";
import type { LoanSectionProps } from "./sections.js";

function sum(...parts: Money[]): Money {
  return parts.reduce((total, part) => total.plus(part), new Decimal(0)).toFixed(2);
}

const charged = (amount: Money) => !new Decimal(amount).isZero();

/** How many installments show before and from the next one due, until Show all installments. */
const BEFORE = 2;
const FROM_NEXT = 3;

/** The installments around `asOf`: 2 before the first due on or after it, that one and 2 more. */
export function aroundToday<T extends { due_date: string }>(rows: readonly T[], asOf: string): { first: number; last: number } {
  const next = rows.findIndex((row) => row.due_date >= asOf);
  const at = next === -1 ? rows.length : next;
  const first = Math.max(0, Math.min(at - BEFORE, rows.length - BEFORE - FROM_NEXT));
  return { first, last: Math.min(rows.length, first + BEFORE + FROM_NEXT) };
}

export function Schedule(props: LoanSectionProps) {
  const { client } = useSession();
  const { loan } = props;
  const [schedule] = useResource(() => client.loanSchedule(loan.id), [loan.id, props.revision]);
  const [all, setAll] = useState(false);
  if (loan.status === "REJECTED") return <p class="muted">A rejected loan has no schedule.</p>;
  if (!schedule.data) return schedule.status === "error" ? <ErrorSummary error={schedule.error} /> : <Loading what="the schedule" />;
  const { rows: every, totals, disbursed_on, as_of } = schedule.data;
  const { first, last } = aroundToday(every, as_of);
  const rows = all ? every : every.slice(first, last);
  const hidden = every.length - rows.length;
  // Fee and penalty columns only for a loan that has any (most loans have neither).
  const fees = charged(totals.fee);
  const penalties = charged(totals.penalty);
  return (
    <>
      {!disbursed_on && <p class="muted">Not disbursed yet: a projection, as if disbursed today ({schedule.data.as_of}).</p>}
      <TableBox label={`Schedule of loan ${loan.id}`}>
        {" "}
        <table aria-busy={schedule.status === "loading"}>
          <caption class="visually-hidden">{disbursed_on ? `Repayment schedule of loan ${loan.id}` : `Projected repayment schedule of loan ${loan.id}`}</caption>
          <thead>
            <tr>
              <th scope="col" class="number">
                No.
              </th>
              <th scope="col">Due date</th>
              <th scope="col" class="number">
                Installment
              </th>
              <th scope="col" class="number">
                Principal
              </th>
              <th scope="col" class="number">
                Interest
              </th>
              {fees && (
                <th scope="col" class="number">
                  Fee
                </th>
              )}
              {penalties && (
                <th scope="col" class="number">
                  Penalty
                </th>
              )}
              <th scope="col" class="number">
                Paid
              </th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.number}>
                <th scope="row" class="number">
                  {row.number}
                </th>
                <td class="nowrap">{row.due_date}</td>
                <td class="number">{money(row.installment)}</td>
                <td class="number">{money(row.principal)}</td>
                <td class="number">{money(row.interest)}</td>
                {fees && <td class="number">{money(row.fee)}</td>}
                {penalties && <td class="number">{money(row.penalty)}</td>}
                <td class="number">{money(sum(row.paid_principal, row.paid_interest, row.paid_fee, row.paid_penalty))}</td>
                <td>
                  <span class={`status installment-${row.status.toLowerCase()}`}>{row.status}</span>
                </td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row" colSpan={2}>
                Total
              </th>
              <td class="number">{money(totals.installment)}</td>
              <td class="number">{money(totals.principal)}</td>
              <td class="number">{money(totals.interest)}</td>
              {fees && <td class="number">{money(totals.fee)}</td>}
              {penalties && <td class="number">{money(totals.penalty)}</td>}
              <td colSpan={2}></td>
            </tr>
          </tfoot>
        </table>
      </TableBox>
      {(hidden > 0 || all) && every.length > BEFORE + FROM_NEXT && (
        <p class="show-all">
          {!all && (
            <span class="muted">
              Installments {first + 1}–{last} of {every.length}, around today.{" "}
            </span>
          )}
          <button type="button" class="button button-secondary" aria-expanded={all} onClick={() => setAll(!all)}>
            {all ? "Show installments around today" : "Show all installments"}
          </button>
        </p>
      )}
    </>
  );
}
