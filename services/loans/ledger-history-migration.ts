/**
 * 0011: the ledger's opening of the books. A loan book older than the ledger would start
 * it with no history: here, in one transaction, the ledger becomes a consumer of the
 * outbox and each disbursed loan's history is published as one `loan.history` event (its
 * DISBURSEMENT, its live REPAYMENTs with their current allocation, its WRITE_OFF). The
 * tables are locked against writers meanwhile, so every change is either in the history or
 * an event the ledger receives, never both and never neither — which a pull by the ledger
 * at its own first start could not promise, as the events of the moments between would
 * already wait for it. A new database has no outbox yet, and no loans: nothing to do.
 */
import { EVENT_VERSIONS } from "../../sdk/schemas.js";
import { LEDGER_EVENTS } from "../../domain/ledger-postings.js";
import type { Migration } from "../shared/db.js";

const quoted = (values: readonly string[]) => `ARRAY[${values.map((v) => `'${v}'`).join(", ")}]::text[]`;

export const ledgerHistoryMigration: Migration = {
  name: "0011-ledger-history",
  async up({ context: q }) {
    const [[outbox]] = (await q.sequelize.query("SELECT to_regclass('outbox') IS NOT NULL AS present")) as [{ present: boolean }[], unknown];
    if (!outbox?.present) return;
    // One query of several statements: PostgreSQL runs it as one transaction, the lock held to its end.
    await q.sequelize.query(`
      LOCK TABLE loans, loan_transactions IN SHARE MODE;
      INSERT INTO outbox_consumers (consumer, events) VALUES ('ledger', ${quoted(LEDGER_EVENTS)})
        ON CONFLICT (consumer) DO UPDATE SET events = EXCLUDED.events;
      INSERT INTO outbox (event, version, payload)
      SELECT 'loan.history', ${EVENT_VERSIONS["loan.history"]}, jsonb_build_object('actor_id', NULL, 'loan_id', l.id, 'transactions', h.transactions)
        FROM loans l
        CROSS JOIN LATERAL (
          SELECT jsonb_agg(jsonb_build_object(
                   'id', t.id, 'type', t.type, 'value_date', to_char(t.value_date, 'YYYY-MM-DD'),
                   'principal_part', t.principal_part::text, 'interest_part', t.interest_part::text,
                   'fee_part', t.fee_part::text, 'penalty_part', t.penalty_part::text)
                 ORDER BY t.value_date, t.id) AS transactions
            FROM loan_transactions t
           WHERE t.loan_id = l.id AND t.type IN ('DISBURSEMENT', 'REPAYMENT', 'WRITE_OFF') AND NOT t.reversed
        ) h
       WHERE l.disbursed_on IS NOT NULL AND h.transactions IS NOT NULL
       ORDER BY l.id;
    `);
  },
};
