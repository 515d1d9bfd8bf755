/** The ledger database's tables (migrations.ts), and the only code that reads or writes them. */
import type { Sequelize } from "sequelize";
import type { CalendarDate, DomainEvent, LedgerAccountCode, LedgerAccountType, LedgerEntryKind, Money } from "../../sdk/contracts.js";
import { fromCents } from "../../domain/cents.js";
import type { PlannedEntry } from "../../domain/ledger-postings.js";
import type { PageWindow } from "../shared/pagination.js";
import { selectRows } from "../shared/sql.js";
import type { StatementWork } from "../shared/unit-of-work.js";

export interface AccountTotals {
  code: LedgerAccountCode;
  name: string;
  type: LedgerAccountType;
  debit: Money;
  credit: Money;
}

export interface EntryRow {
  id: string;
  value_date: CalendarDate;
  loan_id: number;
  kind: LedgerEntryKind;
  transaction_id: string | null;
  source: string;
  event_id: string;
  lines: { account: LedgerAccountCode; debit: string; credit: string }[];
  created_at: Date;
}

export interface EntryFilter {
  loan_id?: number;
  from?: CalendarDate;
  to?: CalendarDate;
}

/** An event with the entries it makes (domain/ledger-postings.ts). */
export interface EventPostings {
  event: DomainEvent;
  entries: PlannedEntry[];
}

export interface Posted {
  /** The events posted now (a redelivered one is not). */
  posted: number;
  /** The longest an event of the batch waited between occurring and being posted, in seconds. */
  lagSeconds: number;
}

function filterSql(filter: EntryFilter, values: unknown[]): string {
  const where: string[] = [];
  if (filter.loan_id !== undefined) where.push(`loan_id = $${values.push(filter.loan_id)}`);
  if (filter.from !== undefined) where.push(`value_date >= $${values.push(filter.from)}`);
  if (filter.to !== undefined) where.push(`value_date <= $${values.push(filter.to)}`);
  return where.length ? `WHERE ${where.join(" AND ")}` : "";
}

export class LedgerRepository {
  constructor(private readonly db: Sequelize) {}

  /**
   * Posts a batch of one source's events in one statement (atomic by itself): each event's
   * key is claimed, and only the events new here get their entries and lines. The lines'
   * trigger checks every entry balances and moves the balances, in the same statement.
   */
  async post(work: StatementWork, source: string, batch: readonly EventPostings[]): Promise<Posted> {
    const events = batch.map(({ event }) => ({ id: event.id, event: event.event, occurred_at: event.occurred_at }));
    const entries = batch.flatMap(({ event, entries: planned }) =>
      planned.map((e, seq) => ({ event_id: event.id, seq, kind: e.kind, loan_id: e.loan_id, transaction_id: e.transaction_id, value_date: e.value_date })),
    );
    const lines = batch.flatMap(({ event, entries: planned }) =>
      planned.flatMap((e, seq) => e.lines.map((l, line) => ({ event_id: event.id, seq, line, account: l.account, debit: fromCents(l.debit), credit: fromCents(l.credit) }))),
    );
    const [result] = await work.sql.rows<{ posted: string; lag: number | null }>(
      `WITH fresh AS (
         INSERT INTO ledger_events (source, event_id, event, occurred_at)
         SELECT $1, e.id, e.event, e.occurred_at FROM jsonb_to_recordset($2::jsonb) AS e(id bigint, event text, occurred_at timestamptz)
         ON CONFLICT (source, event_id) DO NOTHING
         RETURNING event_id, occurred_at
       ), entries AS (
         INSERT INTO ledger_entries (source, event_id, seq, kind, loan_id, transaction_id, value_date)
         SELECT $1, n.event_id, n.seq, n.kind, n.loan_id, n.transaction_id, n.value_date
           FROM jsonb_to_recordset($3::jsonb) AS n(event_id bigint, seq int, kind text, loan_id int, transaction_id bigint, value_date date)
           JOIN fresh USING (event_id)
          ORDER BY n.event_id, n.seq
         RETURNING id, event_id, seq, loan_id, value_date
       ), lines AS (
         INSERT INTO ledger_lines (entry_id, line, account, loan_id, value_date, debit, credit)
         SELECT e.id, l.line, l.account, e.loan_id, e.value_date, l.debit, l.credit
           FROM jsonb_to_recordset($4::jsonb) AS l(event_id bigint, seq int, line int, account text, debit numeric, credit numeric)
           JOIN entries e USING (event_id, seq)
         RETURNING 1
       )
       SELECT count(*) AS posted, extract(epoch FROM clock_timestamp() - min(occurred_at))::float8 AS lag FROM fresh`,
      [source, JSON.stringify(events), JSON.stringify(entries), JSON.stringify(lines)],
    );
    return { posted: Number(result?.posted ?? 0), lagSeconds: result?.lag ?? 0 };
  }

  /** Each account's debits and credits over the entries with a value date up to `asOf`, by code. */
  accountTotals(asOf?: CalendarDate): Promise<AccountTotals[]> {
    return selectRows<AccountTotals>(
      this.db,
      `SELECT a.code, a.name, a.type, coalesce(sum(b.debit), 0)::text AS debit, coalesce(sum(b.credit), 0)::text AS credit
         FROM ledger_accounts a LEFT JOIN ledger_daily_balances b ON b.account = a.code AND ($1::date IS NULL OR b.value_date <= $1::date)
        GROUP BY a.code ORDER BY a.code`,
      [asOf ?? null],
    );
  }

  /** A page of entries with their lines, oldest value date first, and how many match. */
  async entries(filter: EntryFilter, window: PageWindow): Promise<{ rows: EntryRow[]; total: number }> {
    const values: unknown[] = [];
    const where = filterSql(filter, values);
    const [counted] = await selectRows<{ n: string }>(this.db, `SELECT count(*) AS n FROM ledger_entries ${where}`, values);
    const rows = await selectRows<EntryRow>(
      this.db,
      `SELECT e.id, e.value_date, e.loan_id, e.kind, e.transaction_id, e.source, e.event_id, e.created_at,
              (SELECT jsonb_agg(jsonb_build_object('account', l.account, 'debit', l.debit::text, 'credit', l.credit::text) ORDER BY l.line)
                 FROM ledger_lines l WHERE l.entry_id = e.id) AS lines
         FROM (SELECT * FROM ledger_entries ${where} ORDER BY value_date, id LIMIT $${values.length + 1} OFFSET $${values.length + 2}) e
        ORDER BY e.value_date, e.id`,
      [...values, window.limit, window.offset],
    );
    return { rows, total: Number(counted?.n ?? 0) };
  }

  /** The 1100 balance of each loan the ledger holds one for with an id in (afterId, upTo] (upTo null: no bound). */
  receivables(afterId: number, upTo: number | null): Promise<{ loan_id: number; receivable: string }[]> {
    return selectRows(this.db, "SELECT loan_id, receivable::text AS receivable FROM ledger_loan_balances WHERE loan_id > $1 AND ($2::int IS NULL OR loan_id <= $2::int) ORDER BY loan_id", [
      afterId,
      upTo,
    ]);
  }
}
