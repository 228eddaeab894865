// Queries: the operations shared by AsyncDatabase and a transaction's scope — exec, run, get,
// all, iterate — on either SQL text or an AsyncStatement, with optional per-operation options.
import { guardConstruction, hideUncloneableBase, Uncloneable } from '../shared/class-shape';
import type { DatabaseCore, OperationOptions } from './async-core';
import { RowShape } from './async-rows';
import { failedCursor, RowCursor, type CursorStatement } from './cursor';
import { JobKind } from './engine';
import type { QueryKind, QuerySpec } from './jobs';
import { invalidArgType } from '../shared/errors';
import type { Row } from '../shared/row-factory';
import type { rowType } from '../shared/row-types';
import type { NamedParameters, SQLInputValue, SQLOutputValue, StatementResultingChanges } from '../shared/types';
import { SQL_NOT_STRING } from '../shared/messages';

type AnyRow = Row | SQLOutputValue[];

/** What an operation runs: SQL text, or a prepared statement (see AsyncStatement). */
export interface QueryTarget {
  /** The statement id, 0 for SQL text. */
  statement: number;
  sql: string | undefined;
  shape: RowShape;
  readBigInts: boolean;
  returnArrays: boolean;
  allowBareNamedParameters: boolean;
  allowUnknownNamedParameters: boolean;
}

/**
 * Anything that can run a statement: the database, a transaction scope, a statement itself. `R`
 * is the type of the rows it returns.
 */
export class Runner<R = Row> extends Uncloneable {
  /** Type-only (never set): the row type `R`, so that runners of different row types differ. */
  declare readonly [rowType]?: R;
  /** @internal */ readonly core: DatabaseCore;
  /** @internal */ readonly direct: boolean;
  /** @internal */ readonly options: OperationOptions | undefined;

  /**
   * @internal Users construct none of its classes (AsyncDatabase, Transaction, AsyncStatement):
   * without the package's token, `new` throws as node's StatementSync does.
   */
  constructor(token: symbol, core: DatabaseCore, direct: boolean, options: OperationOptions | undefined) {
    guardConstruction(token);
    super();
    this.core = core;
    this.direct = direct;
    this.options = options;
  }

  /** @internal */
  job<K extends QueryKind>(kind: K, target: QueryTarget, params: unknown[]): QuerySpec<K> {
    return {
      kind,
      sql: target.sql,
      statement: target.statement,
      readBigInts: this.options?.readBigInts ?? target.readBigInts,
      allowBareNamedParameters: target.allowBareNamedParameters,
      allowUnknownNamedParameters: target.allowUnknownNamedParameters,
      params,
    };
  }

  /** @internal */
  returnArrays(target: QueryTarget): boolean {
    return this.options?.returnArrays ?? target.returnArrays;
  }

  /** @internal */
  runTarget(target: QueryTarget, params: unknown[]): Promise<StatementResultingChanges> {
    return this.core.call(
      this.direct,
      this.job(JobKind.Run, target, params),
      (changes, lastInsertRowid) => ({ changes, lastInsertRowid }) as StatementResultingChanges,
      this.options,
    );
  }

  /** @internal */
  getTarget(target: QueryTarget, params: unknown[]): Promise<AnyRow | undefined> {
    const arrays = this.returnArrays(target);
    return this.core.call(
      this.direct,
      this.job(JobKind.Get, target, params),
      (boxed, names) => {
        target.shape.update(names);
        return target.shape.first(boxed, arrays);
      },
      this.options,
    );
  }

  /** @internal */
  allTarget(target: QueryTarget, params: unknown[]): Promise<AnyRow[]> {
    const arrays = this.returnArrays(target);
    return this.core.call(
      this.direct,
      this.job(JobKind.All, target, params),
      (boxed, names) => {
        target.shape.update(names);
        return target.shape.rows(boxed, arrays);
      },
      this.options,
    );
  }

  /** @internal */
  iterateTarget(target: QueryTarget, params: unknown[], statement?: CursorStatement): AsyncIterableIterator<AnyRow> {
    return new RowCursor({
      core: this.core,
      direct: this.direct,
      shape: target.shape,
      returnArrays: this.returnArrays(target),
      open: this.job(JobKind.IterOpen, target, params),
      options: this.options,
      statement,
    });
  }
}
hideUncloneableBase(Runner, Object.prototype);

// The target of a query on SQL text; its checks (the database's state first, as DatabaseSync's
// prepare() makes them, then the argument) throw, and the callers turn that into a rejection.
function checkedSqlTarget(runner: Runner<unknown>, sql: unknown): QueryTarget {
  runner.core.requireOpen(runner.direct);
  if (typeof sql !== 'string') throw invalidArgType(SQL_NOT_STRING);
  return sqlTarget(runner, sql);
}

function sqlTarget(runner: Runner<unknown>, sql: string): QueryTarget {
  const config = runner.core.config;
  return {
    statement: 0,
    sql,
    shape: new RowShape(),
    readBigInts: config.readBigInts,
    returnArrays: config.returnArrays,
    allowBareNamedParameters: config.allowBareNamedParameters,
    allowUnknownNamedParameters: config.allowUnknownNamedParameters,
  };
}

/**
 * exec/run/get/all/iterate on SQL text: the API of AsyncDatabase and of transaction scopes.
 * Parameters follow the SQL: an optional object of named parameters (`{ id: 1 }` for `$id`,
 * `:id`, `@id`), then the anonymous ones (`?`, `?NNN`) in order. Rows are `R` unless the call
 * states a more precise shape (`db.get<User>(sql, id)`).
 */
export class Queries<R = Row> extends Runner<R> {
  /** Runs one or more SQL statements that return no rows. */
  exec(sql: string): Promise<void> {
    try {
      this.core.requireOpen(this.direct);
    } catch (error) {
      return Promise.reject(error);
    }
    if (typeof sql !== 'string') return Promise.reject(invalidArgType(SQL_NOT_STRING));
    return this.core.call(this.direct, { kind: JobKind.Exec, sql }, () => undefined, this.options);
  }

  /** Runs a statement to completion: `{ changes, lastInsertRowid }`. */
  run(sql: string, ...anonymousParameters: SQLInputValue[]): Promise<StatementResultingChanges>;
  run(sql: string, namedParameters: NamedParameters, ...anonymousParameters: SQLInputValue[]): Promise<StatementResultingChanges>;
  run(sql: string, ...params: unknown[]): Promise<StatementResultingChanges> {
    try {
      return this.runTarget(checkedSqlTarget(this, sql), params);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** The first row, or undefined. */
  get<T = R>(sql: string, ...anonymousParameters: SQLInputValue[]): Promise<T | undefined>;
  get<T = R>(sql: string, namedParameters: NamedParameters, ...anonymousParameters: SQLInputValue[]): Promise<T | undefined>;
  get<T = R>(sql: string, ...params: unknown[]): Promise<T | undefined> {
    try {
      return this.getTarget(checkedSqlTarget(this, sql), params) as Promise<T | undefined>;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Every row. */
  all<T = R>(sql: string, ...anonymousParameters: SQLInputValue[]): Promise<T[]>;
  all<T = R>(sql: string, namedParameters: NamedParameters, ...anonymousParameters: SQLInputValue[]): Promise<T[]>;
  all<T = R>(sql: string, ...params: unknown[]): Promise<T[]> {
    try {
      return this.allTarget(checkedSqlTarget(this, sql), params) as Promise<T[]>;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Streams the rows: `for await (const row of db.iterate(sql))`; `break` resets the statement.
   * Never throws: what the statement's compilation or binding fails with rejects the first next().
   */
  iterate<T = R>(sql: string, ...anonymousParameters: SQLInputValue[]): AsyncIterableIterator<T>;
  iterate<T = R>(sql: string, namedParameters: NamedParameters, ...anonymousParameters: SQLInputValue[]): AsyncIterableIterator<T>;
  iterate<T = R>(sql: string, ...params: unknown[]): AsyncIterableIterator<T> {
    if (typeof sql !== 'string') return failedCursor(invalidArgType(SQL_NOT_STRING)) as AsyncIterableIterator<T>;
    return this.iterateTarget(sqlTarget(this, sql), params) as AsyncIterableIterator<T>;
  }
}
