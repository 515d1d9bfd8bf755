/**
 * What a run cost PostgreSQL, per answered request: transactions committed in the bench
 * databases (every autocommit statement is one), rows read and written, and the server's
 * WAL flushes (fsyncs; pg_stat_wal is server-wide, so other work on the server shows too).
 * PostgreSQL publishes a backend's counters within about a second: the bench waits that
 * long after a run before it reads them.
 */
import { withClient } from "./db.js";

export interface PgCounters {
  commits: number;
  rollbacks: number;
  rowsRead: number;
  rowsWritten: number;
  walSyncs: number;
  walBytes: number;
}

export interface PgPerRequest {
  commits: number;
  rowsRead: number;
  rowsWritten: number;
  walSyncs: number;
  walKB: number;
}

export const STATS_SETTLE_MS = 1200;

export async function pgCounters(serverUrl: string, databases: string[]): Promise<PgCounters | null> {
  try {
    return await withClient(serverUrl, async (c) => {
      const db = await c.query<Record<string, string>>(
        `SELECT sum(xact_commit) AS commits, sum(xact_rollback) AS rollbacks, sum(tup_returned + tup_fetched) AS read,
                sum(tup_inserted + tup_updated + tup_deleted) AS written
           FROM pg_stat_database WHERE datname = ANY($1)`,
        [databases],
      );
      const wal = await c.query<Record<string, string>>("SELECT wal_sync, wal_bytes FROM pg_stat_wal").catch(() => ({ rows: [{ wal_sync: "0", wal_bytes: "0" }] }));
      const r = db.rows[0]!;
      return {
        commits: Number(r.commits),
        rollbacks: Number(r.rollbacks),
        rowsRead: Number(r.read),
        rowsWritten: Number(r.written),
        walSyncs: Number(wal.rows[0]!.wal_sync),
        walBytes: Number(wal.rows[0]!.wal_bytes),
      };
    });
  } catch {
    return null;
  }
}

export function perRequest(a: PgCounters | null, b: PgCounters | null, requests: number): PgPerRequest | undefined {
  if (!a || !b || requests <= 0) return undefined;
  const per = (n: number) => Math.round((100 * n) / requests) / 100;
  return {
    commits: per(b.commits - a.commits),
    rowsRead: per(b.rowsRead - a.rowsRead),
    rowsWritten: per(b.rowsWritten - a.rowsWritten),
    walSyncs: per(b.walSyncs - a.walSyncs),
    walKB: per((b.walBytes - a.walBytes) / 1024),
  };
}

export function formatPg(p: PgPerRequest | undefined): string {
  if (!p) return "n/a";
  return `${p.commits} commits, ${p.rowsRead} rows read, ${p.rowsWritten} written, ${p.walSyncs} WAL flushes, ${p.walKB} kB WAL`;
}
