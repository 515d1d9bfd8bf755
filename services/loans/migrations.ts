/** The loans database schema, one versioned step at a time (applied by umzug at start). */
import { ledgerHistoryMigration } from "./ledger-history-migration.js";
import type { Migration } from "../shared/db.js";
import { agentLimitsMigration } from "./agent-limits.js";
import { agentUsedMigration } from "./agent-used-migration.js";
import { transactionsMigration } from "./transactions-migration.js";
import { cobMigration } from "./cob-migration.js";

export const loanMigrations: Migration[] = [
  {
    name: "0001-create-loans",
    async up({ context: q }) {
      await q.sequelize.query(`
        CREATE TABLE loans (
          id            SERIAL PRIMARY KEY,
          customer_id   INTEGER       NOT NULL,
          agent_id      INTEGER       NOT NULL,
          principal     NUMERIC(14,2) NOT NULL CHECK (principal > 0),
          interest_rate NUMERIC(5,2)  NOT NULL CHECK (interest_rate >= 0),
          tenure_months INTEGER       NOT NULL CHECK (tenure_months BETWEEN 1 AND 360),
          emi           NUMERIC(14,2) NOT NULL,
          status        VARCHAR(16)   NOT NULL CHECK (status IN ('NEW', 'APPROVED', 'REJECTED')),
          version       INTEGER       NOT NULL DEFAULT 1,
          decided_by    INTEGER,
          decided_at    TIMESTAMPTZ,
          created_at    TIMESTAMPTZ   NOT NULL DEFAULT now(),
          updated_at    TIMESTAMPTZ   NOT NULL DEFAULT now()
        );
        -- one index per list filter, each ending in id for the newest-first order
        CREATE INDEX loans_status_id_idx ON loans (status, id);
        CREATE INDEX loans_customer_id_idx ON loans (customer_id, id);
        CREATE INDEX loans_customer_status_id_idx ON loans (customer_id, status, id);
        CREATE INDEX loans_agent_id_idx ON loans (agent_id, id);

        CREATE TABLE loan_versions (
          id            SERIAL PRIMARY KEY,
          loan_id       INTEGER       NOT NULL REFERENCES loans (id) ON DELETE CASCADE,
          version       INTEGER       NOT NULL,
          principal     NUMERIC(14,2) NOT NULL,
          interest_rate NUMERIC(5,2)  NOT NULL,
          tenure_months INTEGER       NOT NULL,
          emi           NUMERIC(14,2) NOT NULL,
          status        VARCHAR(16)   NOT NULL,
          edited_by     INTEGER       NOT NULL,
          edited_at     TIMESTAMPTZ   NOT NULL,
          UNIQUE (loan_id, version)
        );
      `);
    },
  },
  {
    // COUNT(*) over a million loans on every page is too slow for a list's `total`: keep
    // per-status counts, spread over 16 slots so concurrent writers rarely wait on one row.
    name: "0002-loan-counts",
    async up({ context: q }) {
      await q.sequelize.query(`
        CREATE TABLE loan_counts (
          status VARCHAR(16) NOT NULL,
          slot   SMALLINT    NOT NULL,
          n      BIGINT      NOT NULL,
          PRIMARY KEY (status, slot)
        );
        INSERT INTO loan_counts (status, slot, n) SELECT status, id % 16, count(*) FROM loans GROUP BY 1, 2;

        CREATE FUNCTION loan_counts_track() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP IN ('UPDATE', 'DELETE') THEN
            UPDATE loan_counts SET n = n - 1 WHERE status = OLD.status AND slot = OLD.id % 16;
          END IF;
          IF TG_OP IN ('INSERT', 'UPDATE') THEN
            INSERT INTO loan_counts (status, slot, n) VALUES (NEW.status, NEW.id % 16, 1)
              ON CONFLICT (status, slot) DO UPDATE SET n = loan_counts.n + 1;
          END IF;
          RETURN NULL;
        END $$;
        CREATE TRIGGER loans_counted AFTER INSERT OR DELETE ON loans
          FOR EACH ROW EXECUTE FUNCTION loan_counts_track();
        CREATE TRIGGER loans_recounted AFTER UPDATE OF status ON loans
          FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION loan_counts_track();
      `);
    },
  },
  {
    // Each write remembers the key of the request that made it, so a retried call (a node
    // died after committing, or a client repeated an Idempotency-Key) finds its own work.
    name: "0003-write-keys",
    async up({ context: q }) {
      await q.sequelize.query(`
        ALTER TABLE loans ADD COLUMN request_key VARCHAR(200), ADD COLUMN decision_key VARCHAR(200);
        CREATE UNIQUE INDEX loans_request_key_idx ON loans (request_key) WHERE request_key IS NOT NULL;
        ALTER TABLE loan_versions ADD COLUMN request_key VARCHAR(200);
        CREATE UNIQUE INDEX loan_versions_request_key_idx ON loan_versions (request_key) WHERE request_key IS NOT NULL;
      `);
    },
  },
  {
    // Servicing. The schedule is not stored: it is a pure function of the terms and the
    // disbursement date (schedule.ts), recomputed for the one loan being read. What lists,
    // the overdue filter and the portfolio need for a million loans is kept on the loan
    // row by the transaction that disburses or records a payment: the outstanding figures
    // and the oldest unpaid due date (next_due_date), with a partial index over ACTIVE loans.
    name: "0004-servicing",
    async up({ context: q }) {
      await q.sequelize.query(`
        ALTER TABLE loans DROP CONSTRAINT loans_status_check;
        ALTER TABLE loans ADD CONSTRAINT loans_status_check CHECK (status IN ('NEW', 'APPROVED', 'REJECTED', 'ACTIVE', 'CLOSED'));
        ALTER TABLE loans
          ADD COLUMN disbursed_on          DATE,
          ADD COLUMN disbursed_by          INTEGER,
          ADD COLUMN disbursement_key      VARCHAR(200),
          ADD COLUMN closed_at             TIMESTAMPTZ,
          ADD COLUMN total_interest        NUMERIC(14,2),
          ADD COLUMN outstanding_principal NUMERIC(14,2),
          ADD COLUMN outstanding_interest  NUMERIC(14,2),
          ADD COLUMN next_due_date         DATE,
          ADD CONSTRAINT loans_serviced_check CHECK (
            status NOT IN ('ACTIVE', 'CLOSED')
            OR (disbursed_on IS NOT NULL AND total_interest IS NOT NULL AND outstanding_principal >= 0 AND outstanding_interest >= 0)
          );
        -- The overdue filter (next_due_date < as_of), most overdue first, and the
        -- portfolio's sums, from the index alone.
        CREATE INDEX loans_active_due_idx ON loans (next_due_date, id) INCLUDE (outstanding_principal) WHERE status = 'ACTIVE';

        CREATE TABLE repayments (
          id             BIGSERIAL PRIMARY KEY,
          loan_id        INTEGER       NOT NULL REFERENCES loans (id) ON DELETE CASCADE,
          amount         NUMERIC(14,2) NOT NULL CHECK (amount > 0),
          principal_part NUMERIC(14,2) NOT NULL CHECK (principal_part >= 0),
          interest_part  NUMERIC(14,2) NOT NULL CHECK (interest_part >= 0),
          -- what it paid of each installment: [{ number, principal, interest }]
          allocation     JSONB         NOT NULL,
          paid_on        DATE          NOT NULL,
          recorded_by    INTEGER       NOT NULL,
          request_key    VARCHAR(200),
          created_at     TIMESTAMPTZ   NOT NULL DEFAULT now(),
          CHECK (principal_part + interest_part = amount)
        );
        CREATE INDEX repayments_loan_id_idx ON repayments (loan_id, id);
        CREATE UNIQUE INDEX repayments_request_key_idx ON repayments (request_key) WHERE request_key IS NOT NULL;

        -- How many installments of a loan disbursed on d over n months fall due before x:
        -- due date k is d + k months (PostgreSQL clamps to the month's end as the schedule
        -- does). Every installment but the last is the EMI, so what was due before x is
        -- k·EMI, or the whole schedule once k = n. Mirrors schedule.ts; the portfolio test
        -- holds the two together.
        CREATE FUNCTION loan_installments_due_before(d DATE, n INTEGER, x DATE) RETURNS INTEGER
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
          WITH m AS (SELECT ((EXTRACT(YEAR FROM x) - EXTRACT(YEAR FROM d)) * 12 + EXTRACT(MONTH FROM x) - EXTRACT(MONTH FROM d))::int AS months)
          SELECT LEAST(n, GREATEST(0, months - CASE WHEN (d + make_interval(months => months))::date >= x THEN 1 ELSE 0 END)) FROM m
        $$;
      `);
    },
  },
  {
    // A client's Idempotency-Key names one request: the hash of the request it was first sent
    // with is kept beside it, claimed in the transaction of the work (write-key.ts), so the
    // same key with another request is refused and concurrent retries wait on the key.
    name: "0005-idempotency-keys",
    async up({ context: q }) {
      await q.sequelize.query(`
        CREATE TABLE idempotency_keys (
          key         VARCHAR(200) PRIMARY KEY,
          fingerprint CHAR(64)     NOT NULL,
          created_at  TIMESTAMPTZ  NOT NULL DEFAULT now()
        );
      `);
    },
  },
  {
    // Loan products (SPEC "Products and agent lending limits"). STANDARD is not inserted here:
    // its bands come from LOAN_RATE_TABLE, which only the running service knows
    // (products-start.ts inserts it at every start, ON CONFLICT DO NOTHING). A loan keeps a
    // copy of its product's terms (NULL for the loans made before products: STANDARD then
    // was LOAN_RATE_TABLE, and their rate and EMI are stored).
    name: "0006-products",
    async up({ context: q }) {
      await q.sequelize.query(`
        CREATE TABLE products (
          id                SERIAL PRIMARY KEY,
          code              VARCHAR(32)   NOT NULL UNIQUE,
          name              VARCHAR(100)  NOT NULL,
          active            BOOLEAN       NOT NULL DEFAULT true,
          min_principal     NUMERIC(14,2) NOT NULL CHECK (min_principal > 0),
          max_principal     NUMERIC(14,2) NOT NULL,
          min_tenure_months INTEGER       NOT NULL CHECK (min_tenure_months >= 1),
          max_tenure_months INTEGER       NOT NULL CHECK (max_tenure_months <= 360),
          rate_bands        JSONB         NOT NULL,
          disbursement_fee  JSONB,
          penalty           JSONB,
          created_at        TIMESTAMPTZ   NOT NULL DEFAULT now(),
          updated_at        TIMESTAMPTZ   NOT NULL DEFAULT now(),
          CHECK (min_principal <= max_principal),
          CHECK (min_tenure_months <= max_tenure_months)
        );
        ALTER TABLE loans
          ADD COLUMN product_code     VARCHAR(32)   NOT NULL DEFAULT 'STANDARD',
          ADD COLUMN product_terms    JSONB,
          ADD COLUMN disbursement_fee NUMERIC(14,2) NOT NULL DEFAULT 0 CHECK (disbursement_fee >= 0);
      `);
    },
  },
  agentLimitsMigration,
  agentUsedMigration,
  transactionsMigration,
  cobMigration,
  ledgerHistoryMigration,
];
