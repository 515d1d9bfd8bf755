/**
 * Sortable columns: a button in each sortable header sorts the rows shown by that column
 * (again: the other way); the header says how with aria-sort (and a mark drawn by the stylesheet,
 * which is neither text nor name). The API answers lists in its own
 * order a page at a time, so the sort is of the page on the screen.
 */
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";

export type SortValue = string | number | null | undefined;
export type SortKeys<T> = Record<string, (row: T) => SortValue>;
type Direction = "ascending" | "descending";

function compare(a: SortValue, b: SortValue): number {
  if (a === b) return 0;
  if (a === null || a === undefined || a === "") return 1;
  if (b === null || b === undefined || b === "") return -1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  return String(a).localeCompare(String(b), undefined, { numeric: true, sensitivity: "base" });
}

export interface Sorting<T> {
  rows: T[];
  /** The header cell of a sortable column (a function, not a component: its button keeps the focus). */
  header: (by: string, label: ComponentChildren, className?: string) => ComponentChildren;
}

export function useSort<T>(rows: readonly T[], keys: SortKeys<T>): Sorting<T> {
  const [sort, setSort] = useState<{ by: string; direction: Direction } | null>(null);
  const key = sort ? keys[sort.by] : undefined;
  const sorted = key && sort ? [...rows].sort((a, b) => (sort.direction === "ascending" ? 1 : -1) * compare(key(a), key(b))) : [...rows];
  function header(by: string, label: ComponentChildren, className?: string) {
    const current = sort?.by === by ? sort.direction : undefined;
    const next: Direction = current === "ascending" ? "descending" : "ascending";
    return (
      <th scope="col" class={className} aria-sort={current ?? "none"}>
        <button type="button" class="sort" onClick={() => setSort({ by, direction: next })}>
          {label}
        </button>
      </th>
    );
  }
  return { rows: sorted, header };
}
