// knex's own SQLite dialect class (Client_SQLite3), which the adapter's client extends: its query
// compiler, schema compiler, the DDL helper that rebuilds tables for ALTER, its transaction class
// (foreign-key pragma handling) and processResponse() are knex's; only the driver calls differ.
//
// knex is CommonJS without an "exports" map, so the deep path resolves under both module systems:
// ESM imports the module's `module.exports` as its default, and the CJS build's require() gets the
// class the same way. It is loaded from the knex the user installed (a peer dependency), so the
// dialect's base classes are the ones that user's `knex()` works with.
import type { Knex } from 'knex';
import Client_SQLite3 from 'knex/lib/dialects/sqlite3/index.js';

/** A compiled query as knex hands it to a dialect's `_query()` / `_stream()`. */
export interface KnexQuery {
  sql: string;
  bindings?: readonly unknown[];
  /** `select`, `first`, `pluck`, `insert`, `update`, `del`, `counter`, `raw`, … */
  method?: string;
  returning?: unknown;
  /** What `.options({...})` set on the builder. */
  options?: Record<string, unknown>;
  /** Set by `.timeout(ms, { cancel: true })`. */
  cancelOnTimeout?: boolean;
  /** Filled by `_query()`: rows, or the run result. */
  response?: unknown;
  /** Filled by `_query()` for writes: what the sqlite3 dialect's processResponse() reads. */
  context?: { lastID: number | bigint; changes: number | bigint };
}

/**
 * Client_SQLite3, typed as knex's public types type a client class (`typeof Knex.Client`), so that
 * a subclass is what `knex({ client })` accepts.
 */
export const Sqlite3Dialect = Client_SQLite3 as typeof Knex.Client;
