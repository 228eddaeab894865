// SqliteStrandDialect: Kysely's Dialect for sqlite-strand — Kysely's own SQLite query compiler and
// introspector, the adapter of adapter.ts and the driver of driver.ts.
import { SqliteIntrospector, SqliteQueryCompiler, type DatabaseConnection, type DatabaseIntrospector, type Dialect, type DialectAdapter, type Driver, type Kysely, type QueryCompiler } from 'kysely';
import { SqliteStrandAdapter } from './adapter';
import { AsyncMutex } from './async-mutex';
import { checkDatabaseOption, type AbortableOptions, type DatabaseOption } from './database-option';
import { SqliteStrandDriver } from './driver';

/** The options of `new SqliteStrandDialect(config)`. */
export interface SqliteStrandDialectConfig {
  /**
   * The database: an `AsyncDatabase` (queries on its thread; with `readers`, reads in parallel) or a
   * `DatabaseSync` (synchronous calls on this thread, like Kysely's SqliteDialect), or a function
   * returning (a promise of) one, called once, when Kysely first needs it. `kysely.destroy()`
   * closes it.
   */
  database: DatabaseOption;
  /** Called once, after the database is taken, with a connection (e.g. to run PRAGMAs). */
  onCreateConnection?: (connection: DatabaseConnection, options?: AbortableOptions) => Promise<void>;
}

/**
 * Kysely's dialect for sqlite-strand:
 *
 * ```ts
 * const db = new Kysely<DB>({ dialect: new SqliteStrandDialect({ database: await AsyncDatabase.open('app.db') }) });
 * ```
 */
export class SqliteStrandDialect implements Dialect {
  readonly #config: SqliteStrandDialectConfig;
  readonly #migrations = new AsyncMutex();

  /** Throws ERR_INVALID_ARG_TYPE unless `config.database` is a database or a function. */
  constructor(config: SqliteStrandDialectConfig) {
    checkDatabaseOption(config);
    this.#config = Object.freeze({ ...config });
  }

  createDriver(): Driver {
    return new SqliteStrandDriver(this.#config);
  }

  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }

  createAdapter(): DialectAdapter {
    return new SqliteStrandAdapter(this.#migrations);
  }

  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}
