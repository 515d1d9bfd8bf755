/** The loans database schema, one versioned step at a time (applied by umzug at start). */
import type { Migration } from "../shared/db.js";

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
];
