/**
 * The ledger database schema, one versioned step at a time (applied by umzug at start).
 *
 * The invariants are the database's own, not the code's:
 * - balanced: a statement-level trigger refuses any statement whose lines leave one of its
 *   entries with debits ≠ credits, so the books balance after every statement (and so at
 *   every commit), whoever writes;
 * - append-only: entries, their lines and the posted events refuse UPDATE, DELETE and TRUNCATE;
 * - posted once: an event's key (source, event_id) is a primary key, its entries' (source, event_id, seq) unique;
 * - balances kept by the same trigger, per account and value date and per loan for 1100, so
 *   a trial balance reads a few thousand rows, never every line.
 */
import { LEDGER_ACCOUNTS, LEDGER_ENTRY_KINDS } from "../../sdk/contracts.js";
import type { Migration } from "../shared/db.js";

const list = (values: readonly string[]) => values.map((v) => `'${v}'`).join(", ");
const CODES = list(LEDGER_ACCOUNTS.map((a) => a.code));

export const ledgerMigrations: Migration[] = [
  {
    name: "0001-create-ledger",
    async up({ context: q }) {
      await q.sequelize.query(`
        CREATE TABLE ledger_accounts (
          code CHAR(4)     PRIMARY KEY,
          name VARCHAR(64) NOT NULL,
          type VARCHAR(8)  NOT NULL CHECK (type IN ('ASSET', 'INCOME', 'EXPENSE'))
        );
        INSERT INTO ledger_accounts (code, name, type) VALUES ${LEDGER_ACCOUNTS.map((a) => `('${a.code}', '${a.name}', '${a.type}')`).join(", ")};

        -- Each event posted, once: delivery is at least once.
        CREATE TABLE ledger_events (
          source      VARCHAR(32) NOT NULL,
          event_id    BIGINT      NOT NULL,
          event       VARCHAR(64) NOT NULL,
          occurred_at TIMESTAMPTZ NOT NULL,
          posted_at   TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
          PRIMARY KEY (source, event_id)
        );

        CREATE TABLE ledger_entries (
          id             BIGSERIAL   PRIMARY KEY,
          source         VARCHAR(32) NOT NULL,
          event_id       BIGINT      NOT NULL,
          seq            SMALLINT    NOT NULL,
          kind           VARCHAR(16) NOT NULL CHECK (kind IN (${list(LEDGER_ENTRY_KINDS)})),
          loan_id        INTEGER     NOT NULL,
          transaction_id BIGINT,
          value_date     DATE        NOT NULL,
          created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
          UNIQUE (source, event_id, seq),
          FOREIGN KEY (source, event_id) REFERENCES ledger_events (source, event_id)
        );
        CREATE INDEX ledger_entries_loan_idx ON ledger_entries (loan_id, value_date, id);
        CREATE INDEX ledger_entries_date_idx ON ledger_entries (value_date, id);

        -- loan_id and value_date copied from the entry: the balances trigger reads the new lines alone.
        CREATE TABLE ledger_lines (
          entry_id   BIGINT        NOT NULL REFERENCES ledger_entries (id),
          line       SMALLINT      NOT NULL,
          account    CHAR(4)       NOT NULL CHECK (account IN (${CODES})),
          loan_id    INTEGER       NOT NULL,
          value_date DATE          NOT NULL,
          debit      NUMERIC(16,2) NOT NULL DEFAULT 0 CHECK (debit >= 0),
          credit     NUMERIC(16,2) NOT NULL DEFAULT 0 CHECK (credit >= 0),
          PRIMARY KEY (entry_id, line),
          CHECK ((debit = 0) <> (credit = 0))
        );

        CREATE TABLE ledger_daily_balances (
          account    CHAR(4)       NOT NULL,
          value_date DATE          NOT NULL,
          debit      NUMERIC(18,2) NOT NULL,
          credit     NUMERIC(18,2) NOT NULL,
          PRIMARY KEY (account, value_date)
        );
        -- 1100 per loan: debits − credits.
        CREATE TABLE ledger_loan_balances (
          loan_id    INTEGER       PRIMARY KEY,
          receivable NUMERIC(16,2) NOT NULL
        );

        CREATE FUNCTION ledger_lines_posted() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
          unbalanced BIGINT;
        BEGIN
          SELECT entry_id INTO unbalanced FROM new_lines GROUP BY entry_id HAVING sum(debit) <> sum(credit) LIMIT 1;
          IF unbalanced IS NOT NULL THEN
            RAISE EXCEPTION 'journal entry % is not balanced: its debits and credits differ', unbalanced
              USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_entry_balanced';
          END IF;
          -- In key order: two posters meet on a row in the same order, never in a deadlock.
          INSERT INTO ledger_daily_balances AS b (account, value_date, debit, credit)
          SELECT account, value_date, sum(debit), sum(credit) FROM new_lines GROUP BY account, value_date ORDER BY account, value_date
          ON CONFLICT (account, value_date) DO UPDATE SET debit = b.debit + EXCLUDED.debit, credit = b.credit + EXCLUDED.credit;
          INSERT INTO ledger_loan_balances AS b (loan_id, receivable)
          SELECT loan_id, sum(debit - credit) FROM new_lines WHERE account = '1100' GROUP BY loan_id ORDER BY loan_id
          ON CONFLICT (loan_id) DO UPDATE SET receivable = b.receivable + EXCLUDED.receivable;
          RETURN NULL;
        END $$;
        CREATE TRIGGER ledger_lines_posted AFTER INSERT ON ledger_lines REFERENCING NEW TABLE AS new_lines
          FOR EACH STATEMENT EXECUTE FUNCTION ledger_lines_posted();

        CREATE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          RAISE EXCEPTION '% is append-only: its rows are never changed or removed (post a contra entry)', TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
        END $$;
        CREATE TRIGGER ledger_lines_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON ledger_lines FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();
        CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON ledger_entries FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();
        CREATE TRIGGER ledger_events_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON ledger_events FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();
      `);
    },
  },
];
