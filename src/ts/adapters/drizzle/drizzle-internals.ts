// The parts of drizzle-orm its own drivers use that its published types leave out (they are marked
// @internal there): mapResultRow (a row array → the selected fields' object), a prepared query's
// queryWithCache (the cache and the DrizzleQueryError wrapping every driver goes through) and its
// joinsNotNullableMap (set by select builders after prepareQuery() returns). All exist at run time
// in every drizzle-orm version of the peer range; they are typed here, in one place.
import * as drizzle from 'drizzle-orm';
import type { SelectedFieldsOrdered } from 'drizzle-orm/sqlite-core';

type MapResultRow = (fields: SelectedFieldsOrdered, row: unknown[], joinsNotNullableMap: Record<string, boolean> | undefined) => unknown;

/** drizzle-orm's mapResultRow(): decodes a row array into the object of the selected fields. */
export const mapResultRow: MapResultRow = (drizzle as unknown as { mapResultRow: MapResultRow }).mapResultRow;

/** The internal members of SQLitePreparedQuery that a driver's prepared query uses. */
export interface PreparedQueryInternals {
  joinsNotNullableMap?: Record<string, boolean>;
  queryWithCache<T>(queryString: string, params: unknown[], query: () => Promise<T>): Promise<T>;
}
