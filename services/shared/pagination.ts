/** Pagination as every list answers it: `{ rows, total, page, pageSize, totalPages }`. */
import { PAGE_MAX, PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX, type Page } from "../../sdk/contracts.js";

/** fastest-validator rules for `page` and `pageSize` (query strings are converted). */
export const pageParams = {
  // Bounded so that the OFFSET stays a sane number (and inside PostgreSQL's bigint).
  page: { type: "number", integer: true, positive: true, max: PAGE_MAX, convert: true, optional: true, default: 1 },
  pageSize: { type: "number", integer: true, positive: true, max: PAGE_SIZE_MAX, convert: true, optional: true, default: PAGE_SIZE_DEFAULT },
} as const;

export interface PageWindow {
  page: number;
  pageSize: number;
  limit: number;
  offset: number;
}

export function pageWindow(params: { page?: number; pageSize?: number }): PageWindow {
  const page = params.page ?? 1;
  const pageSize = params.pageSize ?? PAGE_SIZE_DEFAULT;
  return { page, pageSize, limit: pageSize, offset: (page - 1) * pageSize };
}

export function toPage<T>(rows: T[], total: number, window: PageWindow): Page<T> {
  return { rows, total, page: window.page, pageSize: window.pageSize, totalPages: Math.ceil(total / window.pageSize) };
}
