/**
 * The trial balance as of a day: each account's balance on its normal side (Debit for assets
 * and expenses, Credit for income; a negative one shows on the other side) with the signed
 * balance beside it, the totals, and whether they are equal. The figures are the service's
 * decimal strings, shown as they come: nothing is added up here.
 */
import type { LedgerAccountBalance, TrialBalance } from "../../../../sdk/contracts.js";
import { TableBox } from "../../components/table-box.js";
import { money } from "../../lib/format.js";

export function TrialBalanceTable(props: { trial: TrialBalance; accounts: LedgerAccountBalance[]; loading: boolean }) {
  const { trial } = props;
  const balanceOf = (code: string) => props.accounts.find((a) => a.code === code)?.balance;
  return (
    <>
      <p class="ledger-check">
        <span class={`tag ${trial.balanced ? "tag-ok" : "tag-warn"}`}>{trial.balanced ? "Balanced" : "Not balanced"}</span>{" "}
        {trial.balanced ? "Total debits equal total credits" : "Total debits differ from total credits"} as of {trial.as_of}.
      </p>
      <TableBox label={`Trial balance as of ${trial.as_of}`}>
        <table aria-busy={props.loading}>
          <caption class="visually-hidden">Trial balance as of {trial.as_of}</caption>
          <thead>
            <tr>
              <th scope="col">Account</th>
              <th scope="col">Name</th>
              <th scope="col">Type</th>
              <th scope="col" class="number">
                Debit
              </th>
              <th scope="col" class="number">
                Credit
              </th>
              <th scope="col" class="number">
                Balance
              </th>
            </tr>
          </thead>
          <tbody>
            {trial.rows.map((row) => (
              <tr key={row.code}>
                <th scope="row">{row.code}</th>
                <td>{row.name}</td>
                <td>{row.type}</td>
                <td class="number">{money(row.debit)}</td>
                <td class="number">{money(row.credit)}</td>
                <td class="number">{money(balanceOf(row.code))}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr class="totals">
              <th scope="row" colSpan={3}>
                Total
              </th>
              <td class="number">{money(trial.total_debit)}</td>
              <td class="number">{money(trial.total_credit)}</td>
              <td />
            </tr>
          </tfoot>
        </table>
      </TableBox>
    </>
  );
}

/** Every account's postings up to the day: all its debits, all its credits. */
export function AccountsTable(props: { asOf: string; accounts: LedgerAccountBalance[]; loading: boolean }) {
  return (
    <TableBox label={`Accounts as of ${props.asOf}`}>
      <table aria-busy={props.loading}>
        <caption class="visually-hidden">Accounts as of {props.asOf}: everything posted to each</caption>
        <thead>
          <tr>
            <th scope="col">Account</th>
            <th scope="col">Name</th>
            <th scope="col" class="number">
              Debits
            </th>
            <th scope="col" class="number">
              Credits
            </th>
          </tr>
        </thead>
        <tbody>
          {props.accounts.map((a) => (
            <tr key={a.code}>
              <th scope="row">{a.code}</th>
              <td>{a.name}</td>
              <td class="number">{money(a.debit)}</td>
              <td class="number">{money(a.credit)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableBox>
  );
}
