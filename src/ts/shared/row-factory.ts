// Builds result rows from what the native side publishes in the RowScratch (src/ts/binding.ts,
// src/native/core/row_scratch.h): per cell a tag in `t`, numbers in `n`, other values in order in the
// boxed array `b`. For each distinct list of column names, code is generated once and cached.
//
// Rows must have a null prototype (node:sqlite's shape). V8 (Node 20) keeps objects made by
// Object.create(null) in slow dictionary mode; a literal given a null prototype afterwards stays
// in fast mode. Measured on all() of 100k rows: dictionary rows 158 ms, literal + setPrototypeOf
// 97 ms (better-sqlite3: 135 ms); for point get() both forms measured the same. So:
//   const row = { "id": (g = t[o], g === 0 ? n[o] : g === 1 ? null : b[k++]), … };
//   Object.setPrototypeOf(row, null);
// A column named "__proto__" would set the prototype in a literal; such column lists use
// Object.create(null) and assignments instead (assigning "__proto__" on a null-prototype object
// defines a plain own property).

import type { SQLOutputValue } from '../shared/types';

/**
 * A result row: a null-prototype object keyed by column name. The row methods take a type
 * parameter for a more precise shape (`stmt.get<{ id: number }>()`), or an array type when
 * `returnArrays` is on (`stmt.all<SQLOutputValue[]>()`).
 */
export type Row = Record<string, SQLOutputValue>;

export interface RowBuilder {
  /** The row of a single-row result (get, one iteration step). */
  one(t: Uint8Array, n: Float64Array, b: unknown[] | null): Row;
  /** `rows` rows of an all() result. */
  many(t: Uint8Array, n: Float64Array, b: unknown[] | null, rows: number): Row[];
}

// Bounded so that an application generating endless distinct column lists cannot grow it forever.
const MAX_CACHED_BUILDERS = 1024;
const builders = new Map<string, RowBuilder>();

const cellAt = (i: number) => (i === 0 ? 'o' : `o + ${i}`);
const cellValue = (i: number) => `(g = t[${cellAt(i)}], g === 0 ? n[${cellAt(i)}] : g === 1 ? null : b[k++])`;

// Statements building `row` for the cells from offset `o`.
function rowBody(columns: readonly string[]): string {
  const keys = columns.map((name) => JSON.stringify(String(name)));
  if (columns.some((name) => String(name) === '__proto__')) {
    return ['const row = Object.create(null);', ...keys.map((key, i) => `row[${key}] = ${cellValue(i)};`)].join('\n');
  }
  return `const row = { ${keys.map((key, i) => `${key}: ${cellValue(i)}`).join(', ')} };\nObject.setPrototypeOf(row, null);`;
}

export function rowBuilder(columns: readonly string[]): RowBuilder {
  const cacheKey = JSON.stringify(columns);
  let builder = builders.get(cacheKey);
  if (builder === undefined) {
    const width = columns.length;
    builder = {
      one: new Function('t', 'n', 'b', `let k = 0, g; const o = 0;\n${rowBody(columns)}\nreturn row;`) as RowBuilder['one'],
      many: new Function(
        't',
        'n',
        'b',
        'rows',
        `const out = new Array(rows); let k = 0, g;
for (let r = 0, o = 0; r < rows; r++, o += ${width}) {
${rowBody(columns)}
out[r] = row;
}
return out;`,
      ) as RowBuilder['many'],
    };
    if (builders.size >= MAX_CACHED_BUILDERS) builders.clear();
    builders.set(cacheKey, builder);
  }
  return builder;
}

/** Rows as arrays of values (returnArrays). */
export function arrayRows(t: Uint8Array, n: Float64Array, b: unknown[] | null, rows: number, width: number): unknown[][] {
  const out = new Array(rows);
  let k = 0;
  for (let r = 0, o = 0; r < rows; r++, o += width) {
    const row = new Array(width);
    for (let c = 0; c < width; c++) {
      const g = t[o + c];
      row[c] = g === 0 ? n[o + c] : g === 1 ? null : b![k++];
    }
    out[r] = row;
  }
  return out;
}
