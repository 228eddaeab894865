// Values between knex and the database: bindings in, rows out, shaped as knex's sqlite3 dialect
// (node-sqlite3) has them, so code written against it sees the same values.

/**
 * knex's bindings as positional parameters. A Date binds as its milliseconds (node-sqlite3 and
 * knex's better-sqlite3 dialect do the same); everything else binds as in node:sqlite (booleans as
 * 1/0, Buffers as blobs, bigints as integers). A first value that is an object (not binary) would be
 * read as named parameters: an empty named-parameter object goes first, so it binds by position
 * (and is refused for what it is, "cannot be bound").
 */
export function positionalParameters(bindings: readonly unknown[] | undefined): unknown[] {
  if (bindings === undefined || bindings.length === 0) return [];
  const params = new Array<unknown>(bindings.length);
  for (let i = 0; i < bindings.length; i++) {
    const value = bindings[i];
    params[i] = value instanceof Date ? value.valueOf() : value;
  }
  const first = params[0];
  if (typeof first === 'object' && first !== null && !ArrayBuffer.isView(first)) params.unshift({});
  return params;
}

/**
 * A row as a plain object, as knex's other SQLite drivers give it (node:sqlite's rows have a null
 * prototype; deep-equality assertions and `row.hasOwnProperty()` would tell them apart).
 */
export function plainRow(row: object): Record<string, unknown> {
  return { ...row };
}

/** Every row of `rows` as a plain object. */
export function plainRows(rows: readonly object[]): Record<string, unknown>[] {
  const out = new Array<Record<string, unknown>>(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = { ...rows[i] };
  return out;
}
