// The knex `connection` settings of the sqlite-strand client, checked: either a database file for
// knex to open (and close), or an AsyncDatabase the caller opened (and closes).
import type { Knex } from 'knex';
import { AsyncDatabase, type AsyncDatabaseOptions, type DatabasePath } from 'sqlite-strand';
import { invalidArgType, invalidArgValue } from './errors';

/**
 * knex's `connection` for `SqliteStrandClient`: `filename` and `AsyncDatabase.open()`'s options
 * (`readers`, `timeout`, `readOnly`, `enableForeignKeyConstraints` — off unless set, as with knex's
 * sqlite3 client —, …): knex opens the database when its pool creates the connection and closes
 * it in `knex.destroy()`. Or `database`, an
 * `AsyncDatabase` you opened (or a function resolving to one, called once, at the first query),
 * which stays yours to close.
 */
export interface SqliteStrandConnectionConfig extends AsyncDatabaseOptions {
  /** The database file (a path, a `file:` URL, or `':memory:'`). */
  filename?: DatabasePath | null;
  /** A database you opened, instead of `filename`; knex does not close it. */
  database?: AsyncDatabase | (() => Promise<AsyncDatabase>);
}

// knex's types know only node-sqlite3's connection settings: with this adapter imported, its
// `Sqlite3ConnectionConfig` (the `connection` of a SQLite client) also takes AsyncDatabase.open()'s
// options, so `connection: { filename, readers: 2 }` type-checks.
declare module 'knex' {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Knex {
    interface Sqlite3ConnectionConfig extends Omit<AsyncDatabaseOptions, 'returnArrays'> {}
  }
}

/**
 * knex's `connection` for a database you opened (or a function resolving to one, called once, at
 * the first query): `knex({ client: SqliteStrandClient, connection: databaseConnection(db) })`.
 * knex does not close it. In JavaScript, `connection: { database: db }` is the same.
 */
export function databaseConnection(database: AsyncDatabase | (() => Promise<AsyncDatabase>)): Knex.Sqlite3ConnectionConfig {
  if (!(database instanceof AsyncDatabase) && typeof database !== 'function') {
    throw invalidArgType('The "database" argument must be an AsyncDatabase or a function returning a promise of one.');
  }
  // filename null: knex's sqlite3 client warns when it is undefined.
  return { filename: null, database } as unknown as Knex.Sqlite3ConnectionConfig;
}

/** Where a connection's database comes from. */
export type DatabaseSource =
  | { kind: 'file'; path: DatabasePath; options: AsyncDatabaseOptions }
  | { kind: 'given'; database: AsyncDatabase }
  | { kind: 'factory'; open: () => Promise<AsyncDatabase> };

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** Reads and checks `settings` (knex's `connection`, as resolved for one pool connection). */
export function databaseSource(settings: unknown): DatabaseSource {
  if (!isObject(settings)) throw invalidArgType('The "connection" option must be an object with a filename or a database.');
  const { filename, database, flags, debug: _debug, expirationChecker: _expiry, ...options } = settings;
  if (options.returnArrays === true) {
    throw invalidArgValue('The "connection.returnArrays" option cannot be true: knex reads rows as objects.');
  }
  if (flags !== undefined) {
    throw invalidArgValue('The "connection.flags" option is node-sqlite3\'s: use AsyncDatabase options instead (readOnly, ...).');
  }
  if (database !== undefined) {
    if (filename !== undefined && filename !== null) {
      throw invalidArgValue('The "connection" option takes a filename or a database, not both.');
    }
    if (database instanceof AsyncDatabase) return { kind: 'given', database };
    if (typeof database === 'function') return { kind: 'factory', open: database as () => Promise<AsyncDatabase> };
    throw invalidArgType('The "connection.database" option must be an AsyncDatabase or a function returning a promise of one.');
  }
  if (filename === undefined || filename === null) {
    throw invalidArgType('The "connection.filename" option must be a string, Buffer or URL (or use connection.database).');
  }
  // Foreign keys off unless asked for, as knex's sqlite3 client has them (SQLite's default; node:sqlite
  // turns them on): knex's table rebuild for ALTER runs DROP TABLE inside the transaction of every
  // migration, where it cannot turn them off, and with them on that DROP deletes (ON DELETE
  // CASCADE) or refuses to drop the rows referencing the table.
  return {
    kind: 'file',
    path: filename as DatabasePath,
    options: { enableForeignKeyConstraints: false, ...options } as AsyncDatabaseOptions,
  };
}
