// SQLTagStore: node:sqlite's `sql` template tag (DatabaseSync#createTagStore). An LRU cache of
// prepared statements keyed by the SQL text the template produces; the interpolated values are
// bound by position (native BindOptions::positional), never as named-parameter objects.
//
// Node 26 behaviour reproduced here (checked against the real binary):
//   - the SQL is strings[0] + '?' + strings[1] + '?' … — one '?' after string i for every value
//     i, whatever the counts (mismatches surface as SQLite syntax errors or as
//     "SQLite parameters must be bound using template literal placeholders.");
//   - checks run: `this` (Illegal invocation), database open, first argument a real array (not a
//     Proxy), every part a string;
//   - a statement is cached once prepared, even when binding then fails; a cached statement the
//     database finalized (close(), then open()) is prepared again in place;
//   - evicted or cleared statements are not finalized: an iterator still running keeps working;
//   - `capacity`, `db` and `size` are own, enumerable, non-configurable accessors of each store,
//     with anonymous getters.
import { types } from 'node:util';
import { guardConstruction, illegalInvocation, INTERNAL } from '../shared/class-shape';
import { codedError, invalidArgType, invalidState } from '../shared/errors';
import { isStatementFinalized, type Statement } from './statement-sync';
import type { Database } from './database-sync';
import { DATABASE_NOT_OPEN } from '../shared/messages';
import type { Row } from '../shared/row-factory';
import type { rowType } from '../shared/row-types';
import type { SQLInputValue, StatementResultingChanges } from '../shared/types';

/** What a store needs from its database: the native open check and positional prepare. */
export interface TagStoreDatabase {
  isOpen: boolean;
}
export type PrepareForTagStore = (db: TagStoreDatabase, sql: string) => Statement;

const isArray = Array.isArray;
const isProxy = types.isProxy;

let storeOf: (self: unknown) => SQLTagStore;

/**
 * An LRU cache of prepared statements used as a template tag. Created by `createTagStore()`.
 * The interpolated values are bound by position; `R` is the row type (the database's).
 */
export class SQLTagStore<R = Row> {
  /** Type-only (never set): the row type `R`. */
  declare readonly [rowType]?: R;
  #db: TagStoreDatabase;
  #prepare: PrepareForTagStore;
  #capacity: number;
  // Map iteration order is insertion order: the first key is the least recently used.
  #cache = new Map<string, Statement>();

  /** @internal */
  constructor(token: symbol, db: TagStoreDatabase, capacity: number, prepare: PrepareForTagStore) {
    guardConstruction(token);
    this.#db = db;
    this.#capacity = capacity;
    this.#prepare = prepare;
    const cache = this.#cache;
    // Anonymous per-store getters (node's are unnamed and distinct per store); `this` is still
    // checked so that a borrowed getter throws like node's.
    const [capacityGetter, dbGetter, sizeGetter] = [
      function (this: unknown) {
        return storeOf(this).#capacity;
      },
      function (this: unknown) {
        return storeOf(this).#db;
      },
      function (this: unknown) {
        storeOf(this);
        return cache.size;
      },
    ];
    Object.defineProperties(this, {
      capacity: { get: capacityGetter, enumerable: true, configurable: false },
      db: { get: dbGetter, enumerable: true, configurable: false },
      size: { get: sizeGetter, enumerable: true, configurable: false },
    });
  }

  static {
    storeOf = (self) => {
      if (typeof self !== 'object' || self === null || !(#cache in self)) throw illegalInvocation();
      return self as SQLTagStore;
    };
  }

  /** The maximum number of statements cached. */
  declare readonly capacity: number;
  /** The database this store prepares on. */
  declare readonly db: Database<R>;
  /** The number of statements cached. */
  declare readonly size: number;

  // The cached (or newly prepared) statement for the template, made most recently used.
  #statement(strings: unknown, valueCount: number): Statement {
    if (!this.#db.isOpen) throw invalidState(DATABASE_NOT_OPEN);
    if (!isArray(strings) || isProxy(strings)) {
      throw invalidArgType('First argument must be an array of strings (template literal).');
    }
    let sql = '';
    const parts = strings as unknown[];
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i];
      if (typeof part !== 'string') throw invalidArgType('Template literal parts must be strings.');
      sql += part;
      if (i < valueCount) sql += '?';
    }
    const cache = this.#cache;
    let statement = cache.get(sql);
    if (statement !== undefined) {
      cache.delete(sql);
      if (isStatementFinalized(statement)) statement = this.#prepare(this.#db, sql);
    } else {
      statement = this.#prepare(this.#db, sql);
      if (cache.size >= this.#capacity) cache.delete(cache.keys().next().value as string);
    }
    cache.set(sql, statement);
    return statement;
  }

  /** Runs the query and returns its first row, or `undefined`. `T` states a more precise row shape. */
  get<T = R>(strings: TemplateStringsArray, ...values: SQLInputValue[]): T | undefined {
    return storeOf(this).#statement(strings, values.length).get<T>(...values);
  }

  /** Runs the query and returns every row. */
  all<T = R>(strings: TemplateStringsArray, ...values: SQLInputValue[]): T[] {
    return storeOf(this).#statement(strings, values.length).all<T>(...values);
  }

  /** Runs the query and returns an iterator over its rows. */
  iterate<T = R>(strings: TemplateStringsArray, ...values: SQLInputValue[]): IterableIterator<T> {
    return storeOf(this).#statement(strings, values.length).iterate<T>(...values);
  }

  /** Runs the statement and returns `{ changes, lastInsertRowid }`. */
  run(strings: TemplateStringsArray, ...values: SQLInputValue[]): StatementResultingChanges {
    return storeOf(this).#statement(strings, values.length).run(...values);
  }

  /** Empties the cache (the statements are not finalized; the GC does that). */
  clear(): void {
    storeOf(this).#cache.clear();
  }
}

/** Node 26's SQLTagStore.prototype order. */
export const TAG_STORE_METHOD_ORDER = ['get', 'all', 'iterate', 'run', 'clear'] as const;

/** Validates `maxSize` as node does (after the open check) and creates the store. */
export function createTagStore<R>(
  db: TagStoreDatabase,
  prepare: PrepareForTagStore,
  maxSize: unknown,
): SQLTagStore<R> {
  let capacity = 1000;
  if (maxSize !== undefined) {
    const message = 'The "maxSize" argument must be a positive integer.';
    if (typeof maxSize !== 'number') throw invalidArgType(message);
    if (!Number.isInteger(maxSize) || maxSize <= 0 || maxSize > 2147483647) {
      throw codedError(RangeError, 'ERR_OUT_OF_RANGE', message);
    }
    capacity = maxSize;
  }
  return new SQLTagStore<R>(INTERNAL, db, capacity, prepare);
}
