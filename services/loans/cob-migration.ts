/**
 * 0010: close of business (SPEC "A loan's transactions"). A run's row keeps its progress and
 * its cursor (the last loan id it finished), each batch's commit moves them with the batch's
 * work, so what a dead run did is plain to see and the next run finishes it. A loan keeps the
 * date its next penalty falls to be decided (`next_penalty_date`, the replay's: loan-book.ts),
 * so a run looks only at the ACTIVE loans with a decision due by its date, from an index,
 * however big the book. The loans made before get the disbursement date: the first run looks
 * at each of them once and sets it right. `scheduled_for`: the day a daily run closed, unique,
 * so of every loans instance whose timer fires exactly one starts it.
 */
import type { Migration } from "../shared/db.js";

export const cobMigration: Migration = {
  name: "0010-close-of-business",
  async up({ context: q }) {
    await q.sequelize.query(`
      CREATE TABLE cob_runs (
        id                SERIAL      PRIMARY KEY,
        business_date     DATE        NOT NULL,
        status            VARCHAR(16) NOT NULL CHECK (status IN ('RUNNING', 'DONE', 'FAILED')),
        loans_total       INTEGER     NOT NULL DEFAULT 0,
        loans_done        INTEGER     NOT NULL DEFAULT 0,
        penalties_charged INTEGER     NOT NULL DEFAULT 0,
        last_loan_id      INTEGER     NOT NULL DEFAULT 0,
        requested_by      INTEGER,
        scheduled_for     DATE        UNIQUE,
        heartbeat_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
        started_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
        finished_at       TIMESTAMPTZ
      );
      ALTER TABLE loans ADD COLUMN next_penalty_date DATE;
      UPDATE loans SET next_penalty_date = disbursed_on WHERE status = 'ACTIVE' AND jsonb_typeof(product_terms -> 'penalty') = 'object';
      CREATE INDEX loans_next_penalty_idx ON loans (next_penalty_date, id) WHERE status = 'ACTIVE' AND next_penalty_date IS NOT NULL;
    `);
  },
};
