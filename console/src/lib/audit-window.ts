/**
 * The audit log newest first. The API answers events oldest first (by occurred_at, then id)
 * a page at a time, with their total, and has no order or date parameter. So:
 * - the newest page is the end of the API's list: its total says where that is, and the
 *   page's events are read from at most two API pages, then reversed;
 * - From / To (calendar days, UTC) are two positions in that ordered list, found by binary
 *   search on single events (page=i, pageSize=1): about 2·log2(n) small requests, never the
 *   whole log.
 */
import type { AuditEvent, CalendarDate, ListAuditQuery, LoanClient, Page } from "../../../sdk/index.js";

export interface AuditFilter extends Omit<ListAuditQuery, "page" | "pageSize"> {
  from?: CalendarDate;
  to?: CalendarDate;
}

const DAY_MS = 86_400_000;

function startOf(date: CalendarDate): number {
  return Date.parse(`${date}T00:00:00Z`);
}

/** The positions [lo, hi) of the filter's events in the API's ascending list. */
export interface AuditRange {
  lo: number;
  hi: number;
}

/** Where the filtered events are: the whole list without From / To, else two binary searches. */
export async function auditRange(client: LoanClient, filter: AuditFilter): Promise<AuditRange> {
  const { from, to, ...query } = filter;
  const one = (index: number) => client.listAuditEvents({ ...query, page: index + 1, pageSize: 1 });
  const total = (await one(0)).total;
  /** The position of the first event at or after `time` (total if none). */
  async function firstFrom(time: number): Promise<number> {
    let lo = 0;
    let hi = total;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      const event = (await one(mid)).rows[0];
      if (event && Date.parse(event.occurred_at) < time) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
  const [lo, hi] = await Promise.all([from ? firstFrom(startOf(from)) : 0, to ? firstFrom(startOf(to) + DAY_MS) : total]);
  return { lo, hi: Math.max(lo, hi) };
}

/** Page `page` (newest first) of the events in `range`: at most two API pages, reversed. */
export async function auditWindow(client: LoanClient, filter: AuditFilter, range: AuditRange, page: number, pageSize: number): Promise<Page<AuditEvent>> {
  const { from: _from, to: _to, ...query } = filter;
  const { lo, hi } = range;
  const count = hi - lo;
  const end = hi - (page - 1) * pageSize;
  const start = Math.max(lo, end - pageSize);
  let rows: AuditEvent[] = [];
  if (end > start) {
    const first = Math.floor(start / pageSize);
    const last = Math.floor((end - 1) / pageSize);
    const pages = await Promise.all(Array.from({ length: last - first + 1 }, (_, i) => client.listAuditEvents({ ...query, page: first + i + 1, pageSize })));
    const ascending = pages.flatMap((p) => p.rows);
    rows = ascending.slice(start - first * pageSize, end - first * pageSize).reverse();
  }
  return { rows, total: count, page, pageSize, totalPages: Math.ceil(count / pageSize) };
}

export async function auditNewestFirst(client: LoanClient, filter: AuditFilter, page: number, pageSize: number): Promise<Page<AuditEvent>> {
  return auditWindow(client, filter, await auditRange(client, filter), page, pageSize);
}

/** Every filtered event, newest first, 100 at a time (the range found once): for Download CSV. */
export function auditPager(client: LoanClient, filter: AuditFilter): (page: number, pageSize: number) => Promise<Page<AuditEvent>> {
  let range: Promise<AuditRange> | undefined;
  return async (page, pageSize) => auditWindow(client, filter, await (range ??= auditRange(client, filter)), page, pageSize);
}
