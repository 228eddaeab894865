// Builds result rows from the flat value arrays the native side returns (see
// src/native/statement_sync.h). For each distinct list of column names one small function is
// generated and cached: `(v, i) => ({ __proto__: null, "a": v[i], "b": v[i + 1] })`. A literal of
// fixed shape lets V8 share one hidden class for all rows of a query, which measured faster than
// setting properties one by one from C++ (DESIGN.md, "Row building").

/** A result row: a null-prototype object keyed by column name. */
export type Row = Record<string, unknown>;
export type RowFactory = (values: unknown[], offset: number) => Row;

// Bounded so that an application generating endless distinct column lists cannot grow it forever.
const MAX_CACHED_FACTORIES = 1024;
const factories = new Map<string, RowFactory>();

function propertyKey(name: string): string {
  // A quoted "__proto__" in a literal would set the prototype; a computed key defines a property.
  return name === '__proto__' ? '["__proto__"]' : JSON.stringify(name);
}

export function rowFactory(columns: readonly string[]): RowFactory {
  const cacheKey = JSON.stringify(columns);
  let factory = factories.get(cacheKey);
  if (factory === undefined) {
    const body = columns.map((name, i) => `${propertyKey(String(name))}: v[i + ${i}]`).join(', ');
    factory = new Function('v', 'i', `return { __proto__: null, ${body} };`) as RowFactory;
    if (factories.size >= MAX_CACHED_FACTORIES) factories.clear();
    factories.set(cacheKey, factory);
  }
  return factory;
}
