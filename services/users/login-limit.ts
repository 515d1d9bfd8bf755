/**
 * The per-account login limit: after LOGIN_MAX_FAILURES failed logins within
 * LOGIN_FAILURE_WINDOW_SECONDS, further attempts answer 429 until the window passes, whatever
 * the address and even with the right password. Two kinds of count (OWASP's device cookie):
 * - account-wide, keyed by the email: every client without a valid device token of the
 *   account. Unknown emails are counted the same way, so the answer never tells whether an
 *   account exists;
 * - per device, keyed by the device id of a valid device token (device-token.ts) of the very
 *   account the email names: that device's own failures only. The account-wide count neither
 *   counts nor refuses it, so someone who knows only the email cannot keep the owner out.
 *
 * The counts live in the users database, where every users instance sees them. Each attempt
 * is counted before the password is checked, in one atomic statement (so concurrent attempts
 * cannot slip past the limit, and an attempt over it costs no bcrypt); a success clears the
 * count it was made under. A login counts and finds its user in that one statement.
 */
import crypto from "node:crypto";
import type { SqlClient } from "../shared/sql.js";
import type { StatementWork } from "../shared/unit-of-work.js";
import { selectList } from "./columns.js";
import type { Device } from "./device-token.js";
import { USER_COLUMNS, type UserRow } from "./user.model.js";

export const LOGIN_MAX_FAILURES = 10;
export const LOGIN_FAILURE_WINDOW_SECONDS = 15 * 60;

/** An email as stored and compared: NFC, trimmed, lower case. */
export function normaliseEmail(email: string): string {
  return email.normalize("NFC").trim().toLowerCase();
}

/** The key of an email's count: SHA-256 of its normalised form (no address is kept). */
export function emailKey(email: string): string {
  return crypto.createHash("sha256").update(normaliseEmail(email)).digest("hex");
}

/** The key of a device's count: SHA-256 of its device id (no token is kept). */
export function deviceKey(deviceId: string): string {
  return crypto.createHash("sha256").update(`device:${deviceId}`).digest("hex");
}

/** What a login's one statement found. */
export interface LoginAttempt {
  /** The email's user, or null when there is none. */
  user: UserRow | null;
  /** Seconds to wait when the attempt is over the limit, else 0. */
  wait: number;
  /** Whether it was counted under the device (a valid device token of this very user). */
  byDevice: boolean;
  /** The key it was counted under: a success clears it. */
  key: string;
}

/** The count after an attempt: its key, how many, when its window ends. */
const COUNT = `
  INSERT INTO login_failures AS f (email_hash, failures, window_start, user_id) SELECT key, 1, now(), user_id FROM k
  ON CONFLICT (email_hash) DO UPDATE SET
    failures     = CASE WHEN f.window_start > now() - make_interval(secs => $1) THEN f.failures + 1 ELSE 1 END,
    window_start = CASE WHEN f.window_start > now() - make_interval(secs => $1) THEN f.window_start ELSE now() END
  RETURNING f.email_hash, f.failures, ceil(extract(epoch FROM f.window_start + make_interval(secs => $1) - now()))::int AS retry_after`;

type LoginRowOut = Partial<UserRow> & { email_hash: string; failures: number; retry_after: number };

function waitOf(row: { failures: number; retry_after: number } | undefined): number {
  return row && row.failures > LOGIN_MAX_FAILURES ? Math.max(1, row.retry_after) : 0;
}

/**
 * The login_failures table's reads and writes: the only code of the service that touches it.
 * Each is one statement, atomic by itself: a request's runs on the unit of work it is given
 * (in autocommit); the pruning, on a timer, on the pool.
 */
export class LoginLimit {
  /** `pool`: statements on connections of the service's pool, each in autocommit. */
  constructor(private readonly pool: SqlClient) {}

  /**
   * A login's attempt: finds the email's user and counts the attempt — under the device when
   * the device token names that very user, else under the email — in one round trip.
   */
  async attemptLogin(work: StatementWork, email: string, device: Device | null): Promise<LoginAttempt> {
    const byEmail = emailKey(email);
    const byDevice = device ? deviceKey(device.deviceId) : null;
    const [row] = await work.sql.rows<LoginRowOut>(
      `WITH u AS (
         SELECT ${selectList(USER_COLUMNS)} FROM users WHERE lower(email) = $2
       ), k AS (
         SELECT CASE WHEN d.owner THEN $4::char(64) ELSE $3::char(64) END AS key, CASE WHEN d.owner THEN $5::int END AS user_id
           FROM (SELECT $5::int IS NOT NULL AND EXISTS (SELECT 1 FROM u WHERE u.id = $5::int) AS owner) d
       ), counted AS (${COUNT})
       SELECT counted.*, u.* FROM counted LEFT JOIN u ON true`,
      [LOGIN_FAILURE_WINDOW_SECONDS, normaliseEmail(email), byEmail, byDevice, device?.userId ?? null],
    );
    if (!row) throw new Error("login_failures: the count answered no row");
    const { email_hash, failures, retry_after, ...user } = row;
    return { user: user.id == null ? null : (user as UserRow), wait: waitOf({ failures, retry_after }), byDevice: email_hash === byDevice, key: email_hash };
  }

  /** Counts an attempt under the account's email (change-password's current password); answers the seconds to wait, else 0. */
  async attempt(work: StatementWork, email: string): Promise<number> {
    const [row] = await work.sql.rows<LoginRowOut>(`WITH k AS (SELECT $2::char(64) AS key, NULL::int AS user_id) ${COUNT}`, [LOGIN_FAILURE_WINDOW_SECONDS, emailKey(email)]);
    return waitOf(row);
  }

  /** The right password: the count it was made under starts again. */
  async clear(work: StatementWork, key: string): Promise<void> {
    await work.sql.rows("DELETE FROM login_failures WHERE email_hash = $1", [key]);
  }

  /** An admin's unlock: the account-wide count and every device count of the user. */
  async clearAccount(work: StatementWork, userId: number, email: string): Promise<void> {
    await work.sql.rows("DELETE FROM login_failures WHERE email_hash = $1 OR user_id = $2", [emailKey(email), userId]);
  }

  /** Drops the counts whose window has passed (they would be reset on the next attempt anyway). */
  async prune(): Promise<void> {
    await this.pool.rows("DELETE FROM login_failures WHERE window_start < now() - make_interval(secs => $1)", [LOGIN_FAILURE_WINDOW_SECONDS]);
  }
}
