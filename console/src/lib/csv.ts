/**
 * Download CSV: a whole filtered list, fetched a page of 100 at a time (the API's largest),
 * written as RFC 4180 CSV and handed to the browser as a file.
 */
import type { Page } from "../../../sdk/index.js";

export const EXPORT_PAGE_SIZE = 100;

/** Every row of a list, page after page, until the last. */
export async function allRows<T>(pageOf: (page: number, pageSize: number) => Promise<Page<T>>): Promise<T[]> {
  const rows: T[] = [];
  for (let page = 1; ; page++) {
    const answer = await pageOf(page, EXPORT_PAGE_SIZE);
    rows.push(...answer.rows);
    if (page >= answer.totalPages || answer.rows.length === 0) return rows;
  }
}

export interface CsvColumn<T> {
  header: string;
  value: (row: T) => string | number | boolean | null | undefined;
}

function cell(value: string | number | boolean | null | undefined): string {
  const text = value === null || value === undefined ? "" : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv<T>(columns: readonly CsvColumn<T>[], rows: readonly T[]): string {
  const lines = [columns.map((c) => cell(c.header)).join(","), ...rows.map((row) => columns.map((c) => cell(c.value(row))).join(","))];
  return `${lines.join("\r\n")}\r\n`;
}

/** "loans-APPROVED-2026-12-06.csv": the list, its filters, today. */
export function csvName(list: string, ...filters: (string | number | undefined)[]): string {
  const parts = [list, ...filters.filter((f) => f !== undefined && f !== "").map(String), new Date().toISOString().slice(0, 10)];
  return `${parts.join("-").replace(/[^\w.-]+/g, "_")}.csv`;
}

export function saveFile(name: string, text: string, type = "text/csv;charset=utf-8"): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
