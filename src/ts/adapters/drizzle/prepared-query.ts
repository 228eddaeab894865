// StrandPreparedQuery: one drizzle query (select/insert/update/delete builders, relational
// queries, db.run/all/get/values) on a Connection. Mapped selects, relational queries and values()
// read row arrays (drizzle decodes fields by position); plain all()/get() read objects.
//
// Statements. A query made by `.prepare()` — or any query object drizzle obtains through
// prepareQuery(), which includes every relational query it runs — runs its first execution as SQL
// text (one job: what a one-time query costs, so a relational query run once prepares nothing),
// and from its second execution on runs one AsyncStatement, prepared once and reused. The statement
// lives as long as the query object: dropped, it is finalized on the database thread after garbage
// collection (the library's rule for dropped statements); `db.$client.close()` finalizes it too.
// Inside a transaction queries run as SQL text through the transaction's scope (connection.ts).
import { fillPlaceholders, type Logger, type Query } from 'drizzle-orm';
import { entityKind } from 'drizzle-orm';
import type { Cache } from 'drizzle-orm/cache/core';
import type { WithCacheConfig } from 'drizzle-orm/cache/core/types';
import {
  SQLitePreparedQuery,
  type PreparedQueryConfig as PreparedQueryConfigBase,
  type SelectedFieldsOrdered,
  type SQLiteExecuteMethod,
} from 'drizzle-orm/sqlite-core';
import type { StatementResultingChanges } from 'sqlite-strand';
import type { Connection } from './connection';
import { mapResultRow, type PreparedQueryInternals } from './drizzle-internals';
import type { QueryRunner, StatementRunner } from './runners';

/** The typing parameters of a prepared query (drizzle's, with our run result). */
export type PreparedQueryConfig = Omit<PreparedQueryConfigBase, 'run'>;

/** drizzle's customResultMapper: relational queries map their row arrays through it. */
export type CustomResultMapper = (rows: unknown[][], mapColumnValue?: (value: unknown) => unknown) => unknown;

/** Everything a prepared query is made with (the arguments of SQLiteSession#prepareQuery). */
export interface PreparedQueryOptions {
  connection: Connection;
  query: Query;
  logger: Logger;
  cache: Cache | undefined;
  queryMetadata: { type: 'select' | 'update' | 'delete' | 'insert'; tables: string[] } | undefined;
  cacheConfig: WithCacheConfig | undefined;
  fields: SelectedFieldsOrdered | undefined;
  executeMethod: SQLiteExecuteMethod;
  isResponseInArrayMode: boolean;
  customResultMapper: CustomResultMapper | undefined;
}

/** A drizzle prepared query on an AsyncDatabase (see the comment at the top of this file). */
export class StrandPreparedQuery<T extends PreparedQueryConfig = PreparedQueryConfig> extends SQLitePreparedQuery<{
  type: 'async';
  run: StatementResultingChanges;
  all: T['all'];
  get: T['get'];
  values: T['values'];
  execute: T['execute'];
}> {
  static override readonly [entityKind]: string = 'StrandPreparedQuery';

  readonly #connection: Connection;
  readonly #logger: Logger;
  readonly #fields: SelectedFieldsOrdered | undefined;
  readonly #customResultMapper: CustomResultMapper | undefined;
  readonly #method: SQLiteExecuteMethod;
  readonly #isResponseInArrayMode: boolean;
  #executions = 0;
  #statement: StatementRunner | undefined;
  #preparing: Promise<StatementRunner> | undefined;

  constructor(options: PreparedQueryOptions) {
    super('async', options.executeMethod, options.query, options.cache, options.queryMetadata, options.cacheConfig);
    this.#connection = options.connection;
    this.#logger = options.logger;
    this.#fields = options.fields;
    this.#customResultMapper = options.customResultMapper;
    this.#method = options.executeMethod;
    this.#isResponseInArrayMode = options.isResponseInArrayMode;
  }

  run(placeholderValues?: Record<string, unknown>): Promise<StatementResultingChanges> {
    return this.#run(this.#connection, placeholderValues);
  }

  all(placeholderValues?: Record<string, unknown>): Promise<T['all']> {
    return this.#all(this.#connection, placeholderValues) as Promise<T['all']>;
  }

  get(placeholderValues?: Record<string, unknown>): Promise<T['get']> {
    return this.#get(this.#connection, placeholderValues) as Promise<T['get']>;
  }

  values(placeholderValues?: Record<string, unknown>): Promise<T['values']> {
    return this.#values(this.#connection, placeholderValues) as Promise<T['values']>;
  }

  /**
   * @internal Runs the query as execute() would, but on `connection` (db.batch() runs its queries
   * in a transaction of its own).
   */
  executeOn(connection: Connection, placeholderValues?: Record<string, unknown>): Promise<unknown> {
    if (this.#method === 'run') return this.#run(connection, placeholderValues);
    return this.#method === 'get' ? this.#get(connection, placeholderValues) : this.#all(connection, placeholderValues);
  }

  /** @internal Row arrays mapped to drizzle's result objects (as the other drivers do). */
  override mapAllResult(rows: unknown): unknown {
    const list = rows as unknown[][];
    if (this.#customResultMapper !== undefined) return this.#customResultMapper(list);
    const fields = this.#fields;
    if (fields === undefined) return list;
    const joins = (this as unknown as PreparedQueryInternals).joinsNotNullableMap;
    return list.map((row) => mapResultRow(fields, row, joins));
  }

  /** @internal One row array (or undefined) mapped to drizzle's result object. */
  override mapGetResult(row: unknown): unknown {
    if (row === undefined || (this.#fields === undefined && this.#customResultMapper === undefined)) return row;
    if (this.#customResultMapper !== undefined) return this.#customResultMapper([row as unknown[]]);
    return mapResultRow(this.#fields as SelectedFieldsOrdered, row as unknown[], (this as unknown as PreparedQueryInternals).joinsNotNullableMap);
  }

  /** @internal */
  isResponseInArrayMode(): boolean {
    return this.#isResponseInArrayMode;
  }

  #run(connection: Connection, placeholderValues: Record<string, unknown> | undefined): Promise<StatementResultingChanges> {
    const params = this.#params(placeholderValues);
    return this.#query(connection, params, (runner) => runner.run(this.query.sql, params));
  }

  async #all(connection: Connection, placeholderValues: Record<string, unknown> | undefined): Promise<unknown> {
    if (this.#fields === undefined && this.#customResultMapper === undefined) {
      const params = this.#params(placeholderValues);
      return this.#query(connection, params, (runner) => runner.all(this.query.sql, params, false));
    }
    return this.mapAllResult(await this.#values(connection, placeholderValues));
  }

  async #get(connection: Connection, placeholderValues: Record<string, unknown> | undefined): Promise<unknown> {
    const params = this.#params(placeholderValues);
    const arrays = this.#fields !== undefined || this.#customResultMapper !== undefined;
    const row = await this.#query(connection, params, (runner) => runner.get(this.query.sql, params, arrays));
    return this.mapGetResult(row);
  }

  #values(connection: Connection, placeholderValues: Record<string, unknown> | undefined): Promise<unknown[]> {
    const params = this.#params(placeholderValues);
    return this.#query(connection, params, (runner) => runner.all(this.query.sql, params, true));
  }

  #params(placeholderValues: Record<string, unknown> | undefined): unknown[] {
    const params = fillPlaceholders(this.query.params, placeholderValues ?? {});
    this.#logger.logQuery(this.query.sql, params);
    return params;
  }

  // Through drizzle's cache (when configured), which also wraps errors in DrizzleQueryError.
  #query<R>(connection: Connection, params: unknown[], call: (runner: QueryRunner) => Promise<R>): Promise<R> {
    return (this as unknown as PreparedQueryInternals).queryWithCache(this.query.sql, params, async () => {
      const runner = this.#runnerFor(connection);
      return call(runner instanceof Promise ? await runner : runner);
    });
  }

  #runnerFor(connection: Connection): QueryRunner | Promise<QueryRunner> {
    const prepare = connection.prepare;
    if (connection === this.#connection && prepare !== undefined) {
      if (this.#statement !== undefined) return this.#statement;
      if (this.#executions++ > 0) return this.#prepareOnce(prepare);
    }
    return connection.scope();
  }

  #prepareOnce(prepare: (sql: string) => Promise<StatementRunner>): Promise<StatementRunner> {
    this.#preparing ??= prepare(this.query.sql).then(
      (statement) => (this.#statement = statement),
      (error) => {
        this.#preparing = undefined; // a failed prepare (say, a table not created yet) is tried again
        throw error;
      },
    );
    return this.#preparing;
  }
}
