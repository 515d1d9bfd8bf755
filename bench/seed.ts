/**
 * The bench's data, written straight into the services' databases (after loanstack made
 * the schema): customers and approved agents with bcrypt hashes of the configured cost,
 * and loans inserted with generate_series in batches.
 */
import crypto from "node:crypto";
import bcrypt from "bcryptjs";
import type { Client } from "pg";
import { withClient, type DatabaseUrls } from "./db.js";

export const PASSWORD = "bench-pass-1";
/**
 * The login flood is a storm of many users signing in, not one account hammered: the
 * per-account login limit counts every attempt in flight before the password is checked,
 * so more than 10 concurrent logins of one email answer 429 even with the right password.
 */
const FLOOD_ACCOUNTS = 500;

export interface Actors {
  admin: number;
  /** Reads list-loans-customer: has loans of its own. */
  reader: number;
  /** The customer the write scenario requests loans for (not the reader: its page stays put). */
  writeCustomer: number;
  agent: number;
  /** Logs in during the flood. */
  /** The accounts the login flood signs in, in turn (none of them the reader or the write customer). */
  floodEmails: string[];
  customers: { first: number; count: number };
  agents: { first: number; count: number };
}

const AGENTS = 10;

export async function seedUsers(dbs: DatabaseUrls, customers: number, rounds: number, adminEmail: string): Promise<Actors> {
  const hash = await bcrypt.hash(PASSWORD, rounds);
  return withClient(dbs.users, async (c) => {
    const insert = (role: string, prefix: string, n: number) =>
      c.query(
        `INSERT INTO users (email, password_hash, first_name, last_name, role, is_approved)
         SELECT $1 || g || '@bench.local', $2, 'Bench', $1 || g, $3, true FROM generate_series(1, $4::int) g`,
        [prefix, hash, role, n],
      );
    await insert("customer", "customer", customers);
    await insert("agent", "agent", AGENTS);
    const range = async (role: string) => {
      const { rows } = await c.query<{ first: number; n: string }>("SELECT min(id) AS first, count(*) AS n FROM users WHERE role = $1", [role]);
      return { first: rows[0]!.first, count: Number(rows[0]!.n) };
    };
    const cust = await range("customer");
    const agents = await range("agent");
    const { rows: admins } = await c.query<{ id: number }>("SELECT id FROM users WHERE lower(email) = lower($1)", [adminEmail]);
    if (!admins[0]) throw new Error(`the bootstrap admin ${adminEmail} is missing: loanstack did not make it at start`);
    await c.query("VACUUM ANALYZE users");
    return {
      admin: admins[0].id,
      reader: cust.first,
      writeCustomer: cust.first + 1,
      agent: agents.first,
      floodEmails: Array.from({ length: Math.min(FLOOD_ACCOUNTS, cust.count - 2) }, (_, i) => `customer${cust.count - i}@bench.local`),
      customers: cust,
      agents,
    };
  });
}

/** A live session for each user id (as a login would open one), for the tokens the bench signs. */
export async function seedSessions(dbs: DatabaseUrls, userIds: number[]): Promise<string[]> {
  return withClient(dbs.users, async (c) => {
    const ids: string[] = [];
    for (const userId of userIds) {
      const id = crypto.randomUUID();
      await c.query("INSERT INTO sessions (id, user_id, refresh_hash, expires_at) VALUES ($1, $2, $3, now() + interval '1 day')", [id, userId, crypto.randomBytes(32).toString("hex")]);
      ids.push(id);
    }
    return ids;
  });
}

export async function loanCount(dbs: DatabaseUrls): Promise<number> {
  return withClient(dbs.loans, async (c) => Number((await c.query<{ n: string }>("SELECT count(*) AS n FROM loans")).rows[0]!.n));
}

const BATCH = 50_000;

/**
 * Loans g = from..to: customer and agent round-robin, status NEW/APPROVED/REJECTED in turn,
 * principal 10,000..1,009,000 with the rate of its band and its EMI.
 */
async function insertBatch(c: Client, from: number, to: number, actors: Actors): Promise<void> {
  await c.query(
    `INSERT INTO loans (customer_id, agent_id, principal, interest_rate, tenure_months, emi, status, version, created_at, updated_at)
     SELECT $3::int + g % $4::int, $5::int + g % $6::int, p, r, n,
            round(p * (r / 1200) * power(1 + r / 1200, n) / (power(1 + r / 1200, n) - 1), 2),
            (ARRAY['NEW', 'APPROVED', 'REJECTED'])[1 + g % 3], 1, now(), now()
       FROM (SELECT g, p, CASE WHEN p <= 50000 THEN 14.00 WHEN p <= 500000 THEN 12.00 ELSE 10.50 END::numeric AS r, 12 + g % 349 AS n
               FROM (SELECT g, (10000 + (g % 1000) * 1000)::numeric(14, 2) AS p FROM generate_series($1::int, $2::int) g) a) b`,
    [from, to, actors.customers.first, actors.customers.count, actors.agents.first, actors.agents.count],
  );
}

/**
 * Adds loans until there are `target`. loan_counts is kept by a per-row trigger; with
 * `keepTriggers` false the triggers are off during the insert and loan_counts is rebuilt
 * from the table afterwards (same result, several times faster).
 */
export async function seedLoans(dbs: DatabaseUrls, target: number, actors: Actors, keepTriggers: boolean, log: (line: string) => void): Promise<{ added: number; seconds: number }> {
  return withClient(dbs.loans, async (c) => {
    const have = Number((await c.query<{ n: string }>("SELECT count(*) AS n FROM loans")).rows[0]!.n);
    const started = Date.now();
    if (have >= target) return { added: 0, seconds: 0 };
    const base = Number((await c.query<{ m: string | null }>("SELECT max(id) AS m FROM loans")).rows[0]!.m ?? 0);
    if (!keepTriggers) await c.query("ALTER TABLE loans DISABLE TRIGGER USER");
    try {
      for (let done = 0; done < target - have;) {
        const n = Math.min(BATCH, target - have - done);
        await insertBatch(c, base + done + 1, base + done + n, actors);
        done += n;
        const secs = (Date.now() - started) / 1000;
        log(`seeding loans: ${(have + done).toLocaleString("en")} / ${target.toLocaleString("en")} (${Math.round(done / secs).toLocaleString("en")} rows/s, triggers ${keepTriggers ? "on" : "off"})`);
      }
      if (!keepTriggers) {
        log("seeding loans: rebuilding loan_counts");
        await c.query("BEGIN");
        await c.query("DELETE FROM loan_counts");
        await c.query("INSERT INTO loan_counts (status, slot, n) SELECT status, id % 16, count(*) FROM loans GROUP BY 1, 2");
        await c.query("COMMIT");
      }
    } finally {
      if (!keepTriggers) await c.query("ALTER TABLE loans ENABLE TRIGGER USER");
    }
    log("seeding loans: VACUUM ANALYZE");
    await c.query("VACUUM ANALYZE loans");
    await c.query("VACUUM ANALYZE loan_counts");
    const seconds = Math.round((Date.now() - started) / 100) / 10;
    log(`seeded ${(target - have).toLocaleString("en")} loans in ${seconds} s (${target.toLocaleString("en")} in all)`);
    return { added: target - have, seconds };
  });
}
