// StatementSync: node:sqlite's prepared statement (Node 26 surface) over the native statement.
// The native side binds and steps; rows arrive through the RowScratch (binding.ts) and are
// built here.
import { binding, type BoxedValues, type NativeStatement } from '../binding';
import { guardConstruction, illegalInvocation, INTERNAL } from '../shared/class-shape';
import { invalidState } from '../shared/errors';
import { iteratorHelpersParent } from '../shared/iterator-helpers';
import { queryChannel, traceQueries } from '../shared/query-diagnostics';
import { arrayRows, rowBuilder, type Row, type RowBuilder } from '../shared/row-factory';
import {
  columnMetadata,
  type NamedParameters,
  type SQLInputValue,
  type SQLOutputValue,
  type StatementResultingChanges,
  type StatementColumnMetadata,
} from '../shared/types';
import type { rowType } from '../shared/row-types';
import { ITERATOR_INVALIDATED } from '../shared/messages';

const scratch = binding.scratch;
const isArray = Array.isArray;
const ROWS = 0;
const COLUMNS = 1;
const NEW_COLUMNS = 2;

let nativeOf: (self: unknown) => NativeStatement;
/** Whether a statement has been finalized (closed, or its database closed). Internal. */
export let isStatementFinalized: (statement: Statement) => boolean;

/**
 * A prepared statement. Created by `DatabaseSync#prepare()`. `R` is the type of its rows:
 * `Row` (objects), or `SQLOutputValue[]` when prepared with `returnArrays: true` (from
 * `prepare()`'s options or the database's). `setReturnArrays()` does not change it: pass the
 * row type to the call then (`stmt.all<SQLOutputValue[]>()`).
 */
export class Statement<R = Row> {
  /** Type-only (never set): the row type `R`, so that statements of different row types differ. */
  declare readonly [rowType]?: R;
  #native: NativeStatement;
  // Keeps the database object (and so its native connection) alive while this statement lives.
  #database: object;
  #returnArrays: boolean;
  #builder: RowBuilder | undefined;
  // Bumped by every execution; an iterator from an older execution is invalidated (as in node).
  #execution = 0;

  /** @internal */
  constructor(token: symbol, native: NativeStatement, database: object) {
    guardConstruction(token);
    this.#native = native;
    this.#database = database;
    this.#returnArrays = native.returnArrays();
    // node:sqlite defines these as own accessors of each statement.
    Object.defineProperties(this, {
      sourceSQL: { get: sourceSqlGetter, enumerable: true, configurable: false },
      expandedSQL: { get: expandedSqlGetter, enumerable: true, configurable: false },
    });
  }

  static {
    nativeOf = (self) => {
      if (typeof self !== 'object' || self === null || !(#native in self)) throw illegalInvocation();
      return (self as Statement).#native;
    };
    isStatementFinalized = (statement) => statement.#native.isFinalized();
  }

  /** The SQL text the statement was prepared from. */
  declare readonly sourceSQL: string;
  /** The SQL text with the current parameter values substituted. */
  declare readonly expandedSQL: string;

  // The row builder for the current column names; re-read only when the native side flags a change.
  #rows(): RowBuilder {
    if (scratch.meta[NEW_COLUMNS] !== 0 || this.#builder === undefined) {
      this.#builder = rowBuilder(this.#native.columnNames());
    }
    return this.#builder;
  }

  // The single row just published in the scratch. A row with exactly one boxed value gets that
  // value itself (see ReadOneRow in statement_sync.cc): boxed values are never arrays.
  // `arrays`: returnArrays as it was when the call began — a query-diagnostics subscriber, which
  // runs before the row is built here, may change it (node's row is already built by then).
  #oneRow(boxed: BoxedValues | SQLOutputValue, arrays: boolean): Row | SQLOutputValue[] {
    if (boxed !== null && !isArray(boxed)) boxed = [boxed];
    if (arrays) {
      return arrayRows(scratch.tags, scratch.numbers, boxed, 1, scratch.meta[COLUMNS])[0] as SQLOutputValue[];
    }
    return this.#rows().one(scratch.tags, scratch.numbers, boxed);
  }

  /**
   * Returns an iterator over the rows; `return()` (an early `break`) resets the statement.
   * Parameters: an optional object of named parameters (`{ id: 1 }` for `$id`, `:id`, `@id`),
   * then the anonymous ones (`?`, `?NNN`) in order. `T` (default: the statement's row type)
   * states a more precise row shape.
   */
  iterate<T = R>(...anonymousParameters: SQLInputValue[]): IterableIterator<T>;
  iterate<T = R>(namedParameters: NamedParameters, ...anonymousParameters: SQLInputValue[]): IterableIterator<T>;
  iterate<T = R>(...params: unknown[]): IterableIterator<T> {
    const native = nativeOf(this);
    // Counted before binding: a call that fails to bind still invalidates older iterators. No
    // diagnostics check here: the statement starts at the first next(), which checks.
    const execution = ++this.#execution;
    native.iterateStart(...params);
    return new StatementIterator(INTERNAL, (action) => this.#iterationStep(execution, action)) as IterableIterator<T>;
  }

  /** Runs the statement and returns every row (parameters as for `iterate()`). */
  all<T = R>(...anonymousParameters: SQLInputValue[]): T[];
  all<T = R>(namedParameters: NamedParameters, ...anonymousParameters: SQLInputValue[]): T[];
  all<T = R>(...params: unknown[]): T[] {
    const native = nativeOf(this);
    if (queryChannel.hasSubscribers) traceQueries(this.#database);
    this.#execution++;
    const arrays = this.#returnArrays; // see #oneRow
    const boxed = native.all(...params) ?? null;
    const meta = scratch.meta;
    const rows = meta[ROWS];
    if (rows === 0) return [];
    if (arrays) return arrayRows(scratch.tags, scratch.numbers, boxed, rows, meta[COLUMNS]) as T[];
    return this.#rows().many(scratch.tags, scratch.numbers, boxed, rows) as T[];
  }

  /** Runs the statement and returns the first row, or `undefined` if there is none (parameters as for `iterate()`). */
  get<T = R>(...anonymousParameters: SQLInputValue[]): T | undefined;
  get<T = R>(namedParameters: NamedParameters, ...anonymousParameters: SQLInputValue[]): T | undefined;
  get<T = R>(...params: unknown[]): T | undefined {
    const native = nativeOf(this);
    if (queryChannel.hasSubscribers) traceQueries(this.#database);
    this.#execution++;
    const arrays = this.#returnArrays; // see #oneRow
    const boxed = native.get(...params);
    return boxed === undefined ? undefined : (this.#oneRow(boxed, arrays) as T);
  }

  /** Runs the statement to completion and returns `{ changes, lastInsertRowid }` (parameters as for `iterate()`). */
  run(...anonymousParameters: SQLInputValue[]): StatementResultingChanges;
  run(namedParameters: NamedParameters, ...anonymousParameters: SQLInputValue[]): StatementResultingChanges;
  run(...params: unknown[]): StatementResultingChanges {
    const native = nativeOf(this);
    if (queryChannel.hasSubscribers) traceQueries(this.#database);
    this.#execution++;
    const bigints = native.run(...params);
    if (bigints !== undefined) return { changes: bigints[0], lastInsertRowid: bigints[1] };
    const numbers = scratch.numbers;
    return { changes: numbers[0], lastInsertRowid: numbers[1] };
  }

  /** Describes the result columns. */
  columns(): StatementColumnMetadata[] {
    return columnMetadata(nativeOf(this).columns());
  }

  /**
   * One of SQLite's counters for this statement: 'fullscanStep', 'sort', 'autoindex', 'vmStep',
   * 'reprepare', 'run', 'filterMiss', 'filterHit' or 'memused'.
   */
  stat(counter: StatementCounter): number {
    return nativeOf(this).stat(counter);
  }

  /** Zeroes this statement's counters ('memused' excepted: it is not cumulative). */
  resetStats(): void {
    nativeOf(this).resetStats();
  }

  /** Let named-parameter objects use names without their `$`, `:` or `@` prefix. */
  setAllowBareNamedParameters(enabled: boolean): void {
    nativeOf(this).setAllowBareNamedParameters(enabled);
  }

  /** Ignore named parameters the statement does not have, instead of throwing. */
  setAllowUnknownNamedParameters(enabled: boolean): void {
    nativeOf(this).setAllowUnknownNamedParameters(enabled);
  }

  /** Read INTEGER columns (and `run()`'s result) as `bigint`. */
  setReadBigInts(enabled: boolean): void {
    nativeOf(this).setReadBigInts(enabled);
  }

  /**
   * Return rows as arrays of values instead of objects. The statement's row type stays what it
   * was prepared with; name the shape in the calls that follow (`stmt.get<SQLOutputValue[]>()`),
   * or prepare it with `{ returnArrays: true }` instead.
   */
  setReturnArrays(enabled: boolean): void {
    nativeOf(this).setReturnArrays(enabled);
    this.#returnArrays = enabled;
  }

  /** Finalizes the statement; using it afterwards throws ERR_INVALID_STATE. */
  close(): void {
    nativeOf(this).close();
  }

  /** Finalizes the statement if it is not already (`using stmt = db.prepare(...)`); never throws. */
  [Symbol.dispose](): void {
    const native = nativeOf(this);
    if (!native.isFinalized()) native.close();
  }

  // One step for the iterator of execution `execution`: the next row, or undefined at the end.
  // STOP (return()) resets the statement, even for an invalidated iterator, as node does; CHECK
  // (next() of a finished iterator) only throws if the statement has been finalized.
  #iterationStep(execution: number, action: IterationAction): Row | SQLOutputValue[] | undefined {
    const native = this.#native;
    if (action === STOP) {
      native.iterateStop();
      return undefined;
    }
    if (action === CHECK) {
      native.iterateCheck();
      return undefined;
    }
    if (execution !== this.#execution) {
      native.iterateCheck();
      throw invalidState(ITERATOR_INVALIDATED);
    }
    // Checked on every step, not only by iterate(): a subscriber that arrives before the first
    // row sees the query, as with node.
    if (queryChannel.hasSubscribers) traceQueries(this.#database);
    const boxed = native.iterateNext();
    return boxed === undefined ? undefined : this.#oneRow(boxed, this.#returnArrays);
  }
}

function sourceSqlGetter(this: unknown): string {
  return nativeOf(this).sourceSQL();
}
function expandedSqlGetter(this: unknown): string {
  return nativeOf(this).expandedSQL();
}

/** The counters `StatementSync#stat()` reads. */
export type StatementCounter =
  | 'fullscanStep'
  | 'sort'
  | 'autoindex'
  | 'vmStep'
  | 'reprepare'
  | 'run'
  | 'filterMiss'
  | 'filterHit'
  | 'memused';

/** Node 26's StatementSync.prototype order. */
export const STATEMENT_METHOD_ORDER = [
  'iterate',
  'all',
  'get',
  'run',
  'columns',
  'stat',
  'resetStats',
  'setAllowBareNamedParameters',
  'setAllowUnknownNamedParameters',
  'setReadBigInts',
  'setReturnArrays',
  'close',
] as const;

const NEXT = 0;
const STOP = 1;
const CHECK = 2;
type IterationAction = typeof NEXT | typeof STOP | typeof CHECK;
type IterationStep = (action: IterationAction) => Row | SQLOutputValue[] | undefined;


let stepOf: (self: unknown) => StatementIterator;

// Iterator results are null-prototype objects, as node's are; made like rows (row-factory.ts):
// a literal given a null prototype stays in V8's fast mode, measured ~8% faster iteration than
// a `{ __proto__: null }` literal, which V8 builds in dictionary mode.
function iteratorResult<T>(done: false, value: T): IteratorYieldResult<T>;
function iteratorResult(done: true, value: null): IteratorReturnResult<null>;
function iteratorResult<T>(done: boolean, value: T): IteratorResult<T, null> {
  const result = { done, value };
  Object.setPrototypeOf(result, null);
  return result as IteratorResult<T, null>;
}

/** The iterator returned by `StatementSync#iterate()`. */
export class StatementIterator {
  #step: IterationStep;
  #done = false;

  /** @internal */
  constructor(token: symbol, step: IterationStep) {
    guardConstruction(token);
    this.#step = step;
  }

  static {
    stepOf = (self) => {
      if (typeof self !== 'object' || self === null || !(#step in self)) throw illegalInvocation();
      return self as StatementIterator;
    };
  }

  next(): IteratorResult<Row | SQLOutputValue[], null> {
    const self = stepOf(this);
    if (!self.#done) {
      const value = self.#step(NEXT);
      if (value !== undefined) return iteratorResult(false, value);
      self.#done = true;
    } else {
      // node: a finished iterator still reports its statement being finalized.
      self.#step(CHECK);
    }
    return iteratorResult(true, null);
  }

  return(): IteratorResult<Row | SQLOutputValue[], null> {
    const self = stepOf(this);
    // A finished iterator has nothing to reset (node's touches no connection then, so even an
    // authorizer callback may call it): it only reports a finalized statement.
    self.#step(self.#done ? CHECK : STOP);
    self.#done = true;
    return iteratorResult(true, null);
  }

  declare [Symbol.iterator]: () => this;
}
// %IteratorPrototype% (node:sqlite's chain): [Symbol.iterator]() { return this } and, on Node
// 22+, the iterator helpers. On Node 20/21 one prototype in between adds the helpers, which
// that platform lacks (iterator-helpers.ts).
Object.setPrototypeOf(StatementIterator.prototype, iteratorHelpersParent);
