/**
 * The per-account login limit: after LOGIN_MAX_FAILURES failed logins for one email within
 * LOGIN_FAILURE_WINDOW_SECONDS, every further attempt for that email answers 429 until the
 * window passes, whatever the address and even with the right password. Unknown emails are
 * counted the same way, so the answer never tells whether an account exists.
 *
 * The count lives in the users database, where every users instance sees it. Each attempt is
 * counted before the password is checked, in one atomic statement, so that concurrent
 * attempts cannot slip past the limit; a success (or a right password for an agent still
 * waiting for approval) clears the count.
 */
import crypto from "node:crypto";
import { QueryTypes, type Sequelize } from "sequelize";

export const LOGIN_MAX_FAILURES = 10;
export const LOGIN_FAILURE_WINDOW_SECONDS = 15 * 60;

/** The key of an email: SHA-256 of its trimmed lower-case form (no address is kept). */
export function emailKey(email: string): string {
  return crypto.createHash("sha256").update(email.trim().toLowerCase()).digest("hex");
}

interface Counted {
  failures: number;
  retry_after: number;
}

export class LoginLimit {
  constructor(private readonly db: Sequelize) {}

  /** Counts an attempt for the email; answers the seconds to wait when it is over the limit, else 0. */
  async attempt(email: string): Promise<number> {
    const [row] = await this.db.query<Counted>(
      `INSERT INTO login_failures AS f (email_hash, failures, window_start) VALUES ($1, 1, now())
       ON CONFLICT (email_hash) DO UPDATE SET
         failures     = CASE WHEN f.window_start > now() - make_interval(secs => $2) THEN f.failures + 1 ELSE 1 END,
         window_start = CASE WHEN f.window_start > now() - make_interval(secs => $2) THEN f.window_start ELSE now() END
       RETURNING failures, ceil(extract(epoch FROM f.window_start + make_interval(secs => $2) - now()))::int AS retry_after`,
      { bind: [emailKey(email), LOGIN_FAILURE_WINDOW_SECONDS], type: QueryTypes.SELECT },
    );
    return row && row.failures > LOGIN_MAX_FAILURES ? Math.max(1, row.retry_after) : 0;
  }

  /** The right password: the count starts again. */
  async clear(email: string): Promise<void> {
    await this.db.query("DELETE FROM login_failures WHERE email_hash = $1", { bind: [emailKey(email)] });
  }

  /** Drops the counts whose window has passed (they would be reset on the next attempt anyway). */
  async prune(): Promise<void> {
    await this.db.query("DELETE FROM login_failures WHERE window_start < now() - make_interval(secs => $1)", { bind: [LOGIN_FAILURE_WINDOW_SECONDS] });
  }
}
