/**
 * 0008: an agent's `used` kept beside their limit by a trigger on loans, so the request
 * path reads it from the row it locks instead of summing the agent's open loans (which
 * grew with the book: an agent with 100,000 open loans summed them on every request, under
 * the lock every other request of that agent waits for).
 *
 * `used` = principals of NEW and APPROVED loans + outstanding principal of ACTIVE ones
 * (SPEC "Products and agent lending limits"); the trigger adds the difference each insert,
 * update or delete of a loan makes to that figure, in the same transaction.
 */
import type { Migration } from "../shared/db.js";

export const agentUsedMigration: Migration = {
  name: "0008-agent-limit-used",
  async up({ context: q }) {
    await q.sequelize.query(`
      ALTER TABLE agent_limits ADD COLUMN used NUMERIC(16,2) NOT NULL DEFAULT 0;

      -- What one loan adds to its agent's used amount.
      CREATE FUNCTION loan_open_amount(status text, principal numeric, outstanding numeric) RETURNS numeric
        IMMUTABLE LANGUAGE sql AS $$
          SELECT CASE WHEN status IN ('NEW', 'APPROVED') THEN principal
                      WHEN status = 'ACTIVE' THEN COALESCE(outstanding, 0)
                      ELSE 0 END
        $$;

      CREATE FUNCTION agent_limits_track_used() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        was numeric := 0;
        now_ numeric := 0;
      BEGIN
        IF TG_OP <> 'INSERT' THEN was := loan_open_amount(OLD.status, OLD.principal, OLD.outstanding_principal); END IF;
        IF TG_OP <> 'DELETE' THEN now_ := loan_open_amount(NEW.status, NEW.principal, NEW.outstanding_principal); END IF;
        IF TG_OP = 'UPDATE' AND OLD.agent_id = NEW.agent_id THEN
          now_ := now_ - was;
          was := 0;
        END IF;
        IF was <> 0 THEN
          UPDATE agent_limits SET used = used - was WHERE agent_id = OLD.agent_id;
        END IF;
        IF now_ <> 0 THEN
          -- The request path made the row already; any other writer of a loan gets the default one.
          INSERT INTO agent_limits (agent_id, "limit", source, used) VALUES (NEW.agent_id, NULL, 'default', now_)
            ON CONFLICT (agent_id) DO UPDATE SET used = agent_limits.used + EXCLUDED.used;
        END IF;
        RETURN NULL;
      END $$;

      CREATE TRIGGER loans_agent_used AFTER INSERT OR DELETE OR UPDATE OF status, principal, outstanding_principal, agent_id ON loans
        FOR EACH ROW EXECUTE FUNCTION agent_limits_track_used();

      -- The loans made before: every agent with loans has a row (0007), now with their used amount.
      INSERT INTO agent_limits (agent_id, "limit", source) SELECT DISTINCT agent_id, NULL::numeric, 'default' FROM loans
        ON CONFLICT (agent_id) DO NOTHING;
      UPDATE agent_limits a SET used = s.used
        FROM (SELECT agent_id, sum(loan_open_amount(status, principal, outstanding_principal)) AS used FROM loans GROUP BY agent_id) s
       WHERE a.agent_id = s.agent_id;

      -- The sum is no longer read on the request path.
      DROP INDEX IF EXISTS loans_agent_open_idx;
    `);
  },
};
