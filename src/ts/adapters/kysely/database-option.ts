// The dialect's `database` option: an AsyncDatabase or a DatabaseSync of this library, or a
// function returning (a promise of) one, called once, when Kysely first needs the database.
import { AsyncDatabase, DatabaseSync } from 'sqlite-strand';
import { invalidArgType } from './connection';

/** A database the dialect runs on. */
export type SqliteStrandDatabase = AsyncDatabase | DatabaseSync;

/** Kysely's options for an operation that may be aborted (init() passes them to the function form). */
export interface AbortableOptions {
  readonly signal?: AbortSignal | undefined;
}

/** The `database` option: a database, or a function that opens one (called once, lazily). */
export type DatabaseOption =
  | SqliteStrandDatabase
  | ((options?: AbortableOptions) => SqliteStrandDatabase | Promise<SqliteStrandDatabase>);

const EXPECTED = 'an AsyncDatabase or a DatabaseSync of sqlite-strand';

function isStrandDatabase(value: unknown): value is SqliteStrandDatabase {
  return value instanceof AsyncDatabase || value instanceof DatabaseSync;
}

/** Throws ERR_INVALID_ARG_TYPE unless `config.database` is a database or a function. */
export function checkDatabaseOption(config: unknown): void {
  if (typeof config !== 'object' || config === null) {
    throw invalidArgType('The "config" argument must be an object with a "database" property.');
  }
  const database = (config as { database?: unknown }).database;
  if (typeof database !== 'function' && !isStrandDatabase(database)) {
    throw invalidArgType(`The "config.database" option must be ${EXPECTED}, or a function returning (a promise of) one.`);
  }
}

/** The database `option` stands for: itself, or what the function resolves to (checked). */
export async function resolveDatabase(option: DatabaseOption, options: AbortableOptions | undefined): Promise<SqliteStrandDatabase> {
  const database: unknown = typeof option === 'function' ? await option(options) : option;
  if (!isStrandDatabase(database)) {
    throw invalidArgType(`The "config.database" function must return (a promise of) ${EXPECTED}.`);
  }
  return database;
}
