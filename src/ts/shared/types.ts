// The value and result types both APIs share: what binds, what comes back, what run() and
// columns() return.

/** A value SQLite can store, as it comes back from a query. */
export type SQLOutputValue = null | number | bigint | string | Uint8Array;
/**
 * A value that can be bound to a parameter: NULL (`null`, `undefined`), REAL (a number), INTEGER
 * (a `bigint`; a boolean as 0/1), TEXT (a string), BLOB (any `ArrayBufferView`, an `ArrayBuffer`
 * or `SharedArrayBuffer`; an empty bare buffer binds as NULL).
 */
export type SQLInputValue =
  | null
  | undefined
  | number
  | bigint
  | string
  | boolean
  | ArrayBufferView
  | ArrayBuffer
  | SharedArrayBuffer;
/**
 * Named parameters: `{ $id: 1 }`, `{ ':id': 1 }` or, with bare names allowed, `{ id: 1 }`. Passed
 * first, before any anonymous ones. A value of an `interface` type has no index signature and is
 * not assignable: spread it (`{ ...params }`) or declare it with a `type` alias.
 */
export type NamedParameters = Record<string, SQLInputValue>;
/** What `run()` returns. `bigint`s when readBigInts is on. */
export interface StatementResultingChanges {
  /** Rows inserted, updated or deleted by the statement (`sqlite3_changes64`). */
  changes: number | bigint;
  /** The rowid of the last row inserted on this connection. */
  lastInsertRowid: number | bigint;
}
/** One entry of `columns()`. */
export interface StatementColumnMetadata {
  /** The table column the result column comes from, or null for an expression. */
  column: string | null;
  /** The database (`main`, `temp`, an attached name) of that column, or null. */
  database: string | null;
  /** The result column's name (its `AS` alias if any). */
  name: string;
  /** The table of that column, or null. */
  table: string | null;
  /** The declared type of that column, or null. */
  type: string | null;
}

/** Column descriptions from the native flat list: [column, database, name, table, type] × n. */
export function columnMetadata(flat: (string | null)[]): StatementColumnMetadata[] {
  const out: StatementColumnMetadata[] = [];
  for (let i = 0; i < flat.length; i += 5) {
    const column = Object.create(null);
    column.column = flat[i];
    column.database = flat[i + 1];
    column.name = flat[i + 2];
    column.table = flat[i + 3];
    column.type = flat[i + 4];
    out.push(column);
  }
  return out;
}
