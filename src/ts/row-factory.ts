// Builds result rows from what the native side publishes in the RowScratch (src/ts/binding.ts,
// src/native/row_scratch.h): per cell a tag in `t`, numbers in `n`, other values in order in the
// boxed array `b`.
//
// For each distinct list of column names, code is generated once and cached, e.g. for (id, name):
//   const row = Object.create(null);
//   g = t[o]; row["id"] = g === 0 ? n[o] : g === 1 ? null : b[k++];
//   g = t[o + 1]; row["name"] = g === 0 ? n[o + 1] : g === 1 ? null : b[k++];
// Rows must have a null prototype (node:sqlite's shape), which V8 always keeps in dictionary
// mode; Object.create(null) plus assignments measured fastest of the ways to build those on
// Node 20 (about 1.6x a `{ __proto__: null, ... }` literal). Assigning "__proto__" on a
// null-prototype object defines a plain own property, so every column name is safe.

/** A result row: a null-prototype object keyed by column name. */
export type Row = Record<string, unknown>;

export interface RowBuilder {
  /** The row of a single-row result (get, one iteration step). */
  one(t: Uint8Array, n: Float64Array, b: unknown[] | null): Row;
  /** `rows` rows of an all() result. */
  many(t: Uint8Array, n: Float64Array, b: unknown[] | null, rows: number): Row[];
}

// Bounded so that an application generating endless distinct column lists cannot grow it forever.
const MAX_CACHED_BUILDERS = 1024;
const builders = new Map<string, RowBuilder>();

function rowBody(columns: readonly string[]): string {
  const lines = ['const row = Object.create(null);'];
  columns.forEach((name, i) => {
    const cell = i === 0 ? 'o' : `o + ${i}`;
    lines.push(`g = t[${cell}]; row[${JSON.stringify(String(name))}] = g === 0 ? n[${cell}] : g === 1 ? null : b[k++];`);
  });
  return lines.join('\n');
}

export function rowBuilder(columns: readonly string[]): RowBuilder {
  const cacheKey = JSON.stringify(columns);
  let builder = builders.get(cacheKey);
  if (builder === undefined) {
    const body = rowBody(columns);
    const width = columns.length;
    builder = {
      one: new Function('t', 'n', 'b', `let k = 0, g; const o = 0;\n${body}\nreturn row;`) as RowBuilder['one'],
      many: new Function(
        't',
        'n',
        'b',
        'rows',
        `const out = new Array(rows); let k = 0, g;
for (let r = 0, o = 0; r < rows; r++, o += ${width}) {
${body}
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
