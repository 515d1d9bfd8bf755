/** A table's columns, for the repository's SQL: named once, in its row type's terms. */

/** The column names of a table whose row is R, from a record keyed by every one of them (and no other). */
export function columnsOf<R>(columns: { [K in keyof R]-?: unknown }): ReadonlyArray<keyof R & string> {
  return Object.keys(columns) as Array<keyof R & string>;
}

/** A select list, `t.a, t.b` with an alias, `a, b` without. */
export function selectList(columns: readonly string[], alias?: string): string {
  return columns.map((c) => (alias ? `${alias}.${c}` : c)).join(", ");
}
