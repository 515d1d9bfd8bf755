/**
 * 0009: a loan's transactions (SPEC "A loan's transactions"). The repayments table becomes
 * the journal of every money movement on a loan, so a repayment's id stays its transaction
 * id (every URL and event that named one still does). A repayment's parts and allocation
 * are now its share in the latest replay of the loan (domain/replay.ts), rewritten by the
 * transaction that changes them; a reversed row keeps the share it had when reversed.
 *
 * The loans made before get their DISBURSEMENT row; their disbursement fee was never
 * charged, and is not charged now (their figures stay what their customers were told).
 * At most one PENALTY per installment, whatever close-of-business runs overlap: a unique
 * index, not a hope.
 */
import type { Migration } from "../shared/db.js";

export const transactionsMigration: Migration = {
  name: "0009-loan-transactions",
  async up({ context: q }) {
    await q.sequelize.query(`
      ALTER TABLE repayments RENAME TO loan_transactions;
      ALTER TABLE loan_transactions RENAME COLUMN paid_on TO value_date;
      ALTER INDEX repayments_loan_id_idx RENAME TO loan_transactions_loan_id_idx;
      ALTER INDEX repayments_request_key_idx RENAME TO loan_transactions_request_key_idx;
      ALTER TABLE loan_transactions DROP CONSTRAINT IF EXISTS repayments_check;
      ALTER TABLE loan_transactions
        ADD COLUMN type               VARCHAR(16)   NOT NULL DEFAULT 'REPAYMENT'
          CHECK (type IN ('DISBURSEMENT', 'REPAYMENT', 'FEE', 'PENALTY', 'WAIVER', 'WRITE_OFF')),
        ADD COLUMN fee_part           NUMERIC(14,2) NOT NULL DEFAULT 0 CHECK (fee_part >= 0),
        ADD COLUMN penalty_part       NUMERIC(14,2) NOT NULL DEFAULT 0 CHECK (penalty_part >= 0),
        ADD COLUMN installment_number INTEGER,
        ADD COLUMN charge_id          BIGINT REFERENCES loan_transactions (id),
        ADD COLUMN reason             VARCHAR(500),
        ADD COLUMN reversed           BOOLEAN       NOT NULL DEFAULT false,
        ADD COLUMN reversed_at        TIMESTAMPTZ,
        ADD COLUMN reversed_by        INTEGER,
        ADD COLUMN reversal_reason    VARCHAR(500),
        -- The write key of the request that reversed it: a retried reversal finds its own work.
        ADD COLUMN reversal_key       VARCHAR(200),
        ALTER COLUMN recorded_by DROP NOT NULL,
        ADD CONSTRAINT loan_transactions_parts_check CHECK (principal_part + interest_part + fee_part + penalty_part <= amount),
        ADD CONSTRAINT loan_transactions_charge_check CHECK ((type IN ('FEE', 'PENALTY', 'WAIVER')) = (installment_number IS NOT NULL)),
        ADD CONSTRAINT loan_transactions_reversal_check CHECK (NOT reversed OR type = 'REPAYMENT');
      ALTER TABLE loan_transactions ALTER COLUMN type DROP DEFAULT;
      -- Close of business's "at most one penalty per installment".
      CREATE UNIQUE INDEX loan_transactions_penalty_idx ON loan_transactions (loan_id, installment_number) WHERE type = 'PENALTY';

      -- The loans disbursed before: their DISBURSEMENT transaction.
      INSERT INTO loan_transactions (loan_id, type, amount, principal_part, interest_part, allocation, value_date, recorded_by, created_at)
        SELECT id, 'DISBURSEMENT', principal, principal, 0, '[]'::jsonb, disbursed_on, disbursed_by, COALESCE(decided_at, created_at)
          FROM loans WHERE disbursed_on IS NOT NULL;

      ALTER TABLE loans DROP CONSTRAINT loans_status_check;
      ALTER TABLE loans ADD CONSTRAINT loans_status_check CHECK (status IN ('NEW', 'APPROVED', 'REJECTED', 'ACTIVE', 'CLOSED', 'WRITTEN_OFF'));
      ALTER TABLE loans DROP CONSTRAINT loans_serviced_check;
      ALTER TABLE loans
        ADD COLUMN outstanding_fee     NUMERIC(14,2),
        ADD COLUMN outstanding_penalty NUMERIC(14,2),
        -- What the write-off took of the principal: the portfolio's written_off_principal.
        ADD COLUMN written_off_principal NUMERIC(14,2),
        ADD COLUMN written_off_on       DATE;
      UPDATE loans SET outstanding_fee = 0, outstanding_penalty = 0 WHERE disbursed_on IS NOT NULL;
      ALTER TABLE loans ADD CONSTRAINT loans_serviced_check CHECK (
        status NOT IN ('ACTIVE', 'CLOSED', 'WRITTEN_OFF')
        OR (disbursed_on IS NOT NULL AND total_interest IS NOT NULL AND outstanding_principal >= 0 AND outstanding_interest >= 0
            AND outstanding_fee >= 0 AND outstanding_penalty >= 0)
      );
    `);
  },
};
