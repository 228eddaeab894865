// drizzle(): a drizzle-orm SQLite database in 'async' mode on an AsyncDatabase, the way drizzle's
// own drivers build theirs (dialect, session, relational schema), with `$client` set to what was
// passed. The adapter never closes the database: as with drizzle's other drivers, the caller owns
// the client and closes it (`await db.$client.close()`; lazily: `(await db.$client()).close()`).
import { createTableRelationsHelpers, DefaultLogger, entityKind, extractTablesRelationalConfig, NoopLogger } from 'drizzle-orm';
import type { DrizzleConfig, ExtractTablesWithRelations, Logger, RelationalSchemaConfig, TablesRelationalConfig } from 'drizzle-orm';
import type { BatchItem, BatchResponse } from 'drizzle-orm/batch';
import { BaseSQLiteDatabase, SQLiteAsyncDialect } from 'drizzle-orm/sqlite-core';
import type { AsyncDatabase, StatementResultingChanges } from 'sqlite-strand';
import { checkDatabaseInput, DatabaseConnection, type DatabaseInput } from './connection';
import { StrandSession } from './session';

/** drizzle()'s options: drizzle's own (`schema`, `logger`, `casing`, `cache`) and `readBigInts`. */
export interface StrandDrizzleConfig<TSchema extends Record<string, unknown> = Record<string, never>> extends DrizzleConfig<TSchema> {
  /**
   * Read INTEGER values as bigint (default false: numbers, which drizzle's integer columns and
   * their `timestamp`/`boolean` modes expect — whatever `readBigInts` the database was opened with).
   * With false, an integer beyond ±2^53 rejects the query with ERR_OUT_OF_RANGE, as in node:sqlite.
   */
  readBigInts?: boolean;
}

/** The drizzle database drizzle() returns: drizzle's BaseSQLiteDatabase in 'async' mode, plus batch(). */
export class StrandDrizzleDatabase<TSchema extends Record<string, unknown> = Record<string, never>> extends BaseSQLiteDatabase<
  'async',
  StatementResultingChanges,
  TSchema
> {
  static override readonly [entityKind]: string = 'StrandDrizzleDatabase';

  readonly #session: StrandSession<TSchema, ExtractTablesWithRelations<TSchema>>;

  /** @internal */
  constructor(
    dialect: SQLiteAsyncDialect,
    session: StrandSession<TSchema, ExtractTablesWithRelations<TSchema>>,
    schema: RelationalSchemaConfig<ExtractTablesWithRelations<TSchema>> | undefined,
  ) {
    super('async', dialect, session, schema);
    this.#session = session;
  }

  /**
   * Runs the queries (builders, relational queries, `db.run(sql)`…) in one transaction and
   * resolves to their results, as drizzle's libsql and D1 drivers do; if one fails, none is kept.
   */
  batch<U extends BatchItem<'sqlite'>, T extends Readonly<[U, ...U[]]>>(batch: T): Promise<BatchResponse<T>> {
    return this.#session.batch(batch) as Promise<BatchResponse<T>>;
  }
}

function loggerOf(option: DrizzleConfig['logger']): Logger {
  if (option === true) return new DefaultLogger();
  return option === false || option === undefined ? new NoopLogger() : option;
}

function construct<TSchema extends Record<string, unknown>>(database: DatabaseInput, config: StrandDrizzleConfig<TSchema>): StrandDrizzleDatabase<TSchema> {
  if (config.readBigInts !== undefined && typeof config.readBigInts !== 'boolean') {
    throw Object.assign(new TypeError('The "config.readBigInts" argument must be a boolean.'), { code: 'ERR_INVALID_ARG_TYPE' });
  }
  const dialect = new SQLiteAsyncDialect({ casing: config.casing });
  let schema: RelationalSchemaConfig<TablesRelationalConfig> | undefined;
  if (config.schema !== undefined) {
    const tables = extractTablesRelationalConfig(config.schema, createTableRelationsHelpers);
    schema = { fullSchema: config.schema, schema: tables.tables, tableNamesMap: tables.tableNamesMap };
  }
  const connection = new DatabaseConnection(database, config.readBigInts ?? false);
  const session = new StrandSession(connection, dialect, schema, { logger: loggerOf(config.logger), cache: config.cache });
  const db = new StrandDrizzleDatabase<TSchema>(
    dialect,
    session as unknown as StrandSession<TSchema, ExtractTablesWithRelations<TSchema>>,
    schema as RelationalSchemaConfig<ExtractTablesWithRelations<TSchema>> | undefined,
  );
  const cache = config.cache as (DrizzleConfig['cache'] & { invalidate?: unknown; onMutate?: unknown }) | undefined;
  if (cache !== undefined) cache.invalidate = cache.onMutate; // as drizzle's drivers wire `db.$cache.invalidate`
  Object.assign(db, {
    $client: typeof database === 'function' ? () => connection.database() : database,
    $cache: cache,
  });
  return db;
}

/**
 * A drizzle-orm database ('async' SQLite mode) on an AsyncDatabase: every query runs on the
 * database's own thread (and, with `readers`, reads on its reader connections).
 *
 * ```js
 * const db = drizzle(await AsyncDatabase.open('app.db'), { schema });
 * await db.query.users.findMany({ with: { posts: true } });
 * ```
 *
 * `database` may also be a function returning a promise of one, called once, on the first query;
 * `db.$client` is then a function returning that promise (opening the database if nothing did).
 * The caller closes the database: `await db.$client.close()`.
 */
export function drizzle<TSchema extends Record<string, unknown> = Record<string, never>>(
  database: AsyncDatabase,
  config?: StrandDrizzleConfig<TSchema>,
): StrandDrizzleDatabase<TSchema> & { $client: AsyncDatabase };
export function drizzle<TSchema extends Record<string, unknown> = Record<string, never>>(
  database: () => Promise<AsyncDatabase>,
  config?: StrandDrizzleConfig<TSchema>,
): StrandDrizzleDatabase<TSchema> & { $client: () => Promise<AsyncDatabase> };
export function drizzle<TSchema extends Record<string, unknown> = Record<string, never>>(
  database: DatabaseInput,
  config: StrandDrizzleConfig<TSchema> = {},
): StrandDrizzleDatabase<TSchema> & { $client: DatabaseInput } {
  checkDatabaseInput(database);
  if (typeof config !== 'object' || config === null) {
    throw Object.assign(new TypeError('The "config" argument must be an object.'), { code: 'ERR_INVALID_ARG_TYPE' });
  }
  return construct(database, config) as StrandDrizzleDatabase<TSchema> & { $client: DatabaseInput };
}
