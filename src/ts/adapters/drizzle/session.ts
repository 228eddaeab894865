// StrandSession: drizzle's SQLite session in 'async' mode over a Connection (connection.ts), and
// StrandTransaction, the `tx` a transaction callback receives. Transactions are AsyncDatabase
// transactions (db.transaction(), which holds the database's queue for the callback), nested ones
// its savepoints: queries issued from outside — through this drizzle instance, another one, or the
// AsyncDatabase directly — wait for the transaction to end and never run inside it.
import { entityKind, type Logger, type RelationalSchemaConfig, type TablesRelationalConfig, type Query } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { Cache } from 'drizzle-orm/cache/core';
import type { WithCacheConfig } from 'drizzle-orm/cache/core/types';
import {
  SQLiteSession,
  SQLiteTransaction,
  type SelectedFieldsOrdered,
  type SQLiteAsyncDialect,
  type SQLiteExecuteMethod,
  type SQLiteTransactionConfig,
} from 'drizzle-orm/sqlite-core';
import type { StatementResultingChanges } from 'sqlite-strand';
import type { Connection } from './connection';
import { StrandPreparedQuery, type CustomResultMapper, type PreparedQueryConfig } from './prepared-query';

/** A session's settings, shared by the sessions of its transactions. */
export interface SessionOptions {
  logger: Logger;
  cache: Cache | undefined;
}

type QueryMetadata = { type: 'select' | 'update' | 'delete' | 'insert'; tables: string[] } | undefined;

/** drizzle's SQLite session on an AsyncDatabase (or on one of its transactions). */
export class StrandSession<TFullSchema extends Record<string, unknown>, TSchema extends TablesRelationalConfig> extends SQLiteSession<
  'async',
  StatementResultingChanges,
  TFullSchema,
  TSchema
> {
  static override readonly [entityKind]: string = 'StrandSession';

  readonly #connection: Connection;
  readonly #dialect: SQLiteAsyncDialect;
  readonly #schema: RelationalSchemaConfig<TSchema> | undefined;
  readonly #options: SessionOptions;

  /** @internal */
  constructor(connection: Connection, dialect: SQLiteAsyncDialect, schema: RelationalSchemaConfig<TSchema> | undefined, options: SessionOptions) {
    super(dialect);
    this.#connection = connection;
    this.#dialect = dialect;
    this.#schema = schema;
    this.#options = options;
  }

  /**
   * A drizzle query (drizzle also makes its one-time queries here, through prepareOneTimeQuery):
   * its first run is on SQL text, later runs on a statement prepared once (prepared-query.ts).
   */
  prepareQuery<T extends PreparedQueryConfig>(
    query: Query,
    fields: SelectedFieldsOrdered | undefined,
    executeMethod: SQLiteExecuteMethod,
    isResponseInArrayMode: boolean,
    customResultMapper?: CustomResultMapper,
    queryMetadata?: QueryMetadata,
    cacheConfig?: WithCacheConfig,
  ): StrandPreparedQuery<T> {
    return new StrandPreparedQuery<T>({
      connection: this.#connection,
      query,
      logger: this.#options.logger,
      cache: this.#options.cache,
      queryMetadata,
      cacheConfig,
      fields,
      executeMethod,
      isResponseInArrayMode,
      customResultMapper,
    });
  }

  /**
   * Runs `transaction(tx)` between BEGIN (`config.behavior`: deferred, immediate or exclusive) and
   * COMMIT, or ROLLBACK when it throws — `tx.rollback()` throws drizzle's TransactionRollbackError,
   * which rejects the call after the rollback. On a transaction's session, a savepoint.
   */
  override transaction<T>(
    transaction: (tx: StrandTransaction<TFullSchema, TSchema>) => Promise<T>,
    config?: SQLiteTransactionConfig,
  ): Promise<T> {
    return this.#transaction(transaction, config?.behavior, 0);
  }

  /** @internal The session of a transaction at depth `nestedIndex` (0: the outermost). */
  nested<T>(transaction: (tx: StrandTransaction<TFullSchema, TSchema>) => Promise<T>, nestedIndex: number): Promise<T> {
    return this.#transaction(transaction, undefined, nestedIndex);
  }

  #transaction<T>(
    transaction: (tx: StrandTransaction<TFullSchema, TSchema>) => Promise<T>,
    behavior: SQLiteTransactionConfig['behavior'],
    nestedIndex: number,
  ): Promise<T> {
    return this.#connection.transaction((connection) => {
      const session = new StrandSession<TFullSchema, TSchema>(connection, this.#dialect, this.#schema, this.#options);
      return transaction(new StrandTransaction<TFullSchema, TSchema>(this.#dialect, session, this.#schema, nestedIndex));
    }, behavior);
  }

  /**
   * Runs the queries in order in one transaction of their own and resolves to their results; if
   * one fails, none is kept. Without a cache they are issued at once (one crossing to the database
   * thread; the queue keeps their order); with one, one after the other, since a cached select
   * awaits the cache before it reaches the database and could overtake the writes queued after it.
   */
  async batch<T extends BatchItem<'sqlite'>[] | readonly BatchItem<'sqlite'>[]>(queries: T): Promise<unknown[]> {
    const prepared = queries.map((query) => (query as unknown as { _prepare(): unknown })._prepare());
    return this.#connection.transaction(async (connection) => {
      const session = new StrandSession<TFullSchema, TSchema>(connection, this.#dialect, this.#schema, this.#options);
      if (this.#options.cache === undefined) return Promise.all(prepared.map((query) => runBatchItem(query, connection, session)));
      const results: unknown[] = [];
      for (const query of prepared) results.push(await runBatchItem(query, connection, session));
      return results;
    }, undefined);
  }

  /** @internal db.run(sql) etc. in a batch give what they give alone. */
  extractRawRunValueFromBatchResult(result: unknown): unknown {
    return result;
  }

  /** @internal */
  extractRawAllValueFromBatchResult(result: unknown): unknown {
    return result;
  }

  /** @internal */
  extractRawGetValueFromBatchResult(result: unknown): unknown {
    return result;
  }

  /** @internal */
  extractRawValuesValueFromBatchResult(result: unknown): unknown {
    return result;
  }
}

// A batch item after _prepare(): one of our prepared queries (builders, relational queries), run
// on the batch's connection, or drizzle's SQLiteRaw (db.run/all/get/values), whose SQL and action
// are run through the batch's session.
function runBatchItem(query: unknown, connection: Connection, session: StrandSession<Record<string, unknown>, TablesRelationalConfig>): Promise<unknown> {
  if (query instanceof StrandPreparedQuery) return query.executeOn(connection);
  const raw = query as { getQuery(): Query & { method: 'run' | 'all' | 'get' | 'values' } };
  const { sql, params, method } = raw.getQuery();
  const oneTime = session.prepareOneTimeQuery({ sql, params }, undefined, 'run', false);
  return oneTime[method]();
}

/** The `tx` of `db.transaction(async (tx) => …)`: a drizzle database whose queries run in the transaction. */
export class StrandTransaction<TFullSchema extends Record<string, unknown>, TSchema extends TablesRelationalConfig> extends SQLiteTransaction<
  'async',
  StatementResultingChanges,
  TFullSchema,
  TSchema
> {
  static override readonly [entityKind]: string = 'StrandTransaction';

  readonly #session: StrandSession<TFullSchema, TSchema>;

  /** @internal */
  constructor(dialect: SQLiteAsyncDialect, session: StrandSession<TFullSchema, TSchema>, schema: RelationalSchemaConfig<TSchema> | undefined, nestedIndex: number) {
    super('async', dialect, session, schema, nestedIndex);
    this.#session = session;
  }

  /** A nested transaction: a SAVEPOINT, released when `transaction` resolves, rolled back to when it throws. */
  override transaction<T>(transaction: (tx: StrandTransaction<TFullSchema, TSchema>) => Promise<T>): Promise<T> {
    return this.#session.nested(transaction, this.nestedIndex + 1);
  }
}
