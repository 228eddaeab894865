// StatementSync: node:sqlite's prepared statement (Node 26 surface) over the native statement.
// The native side binds, steps and returns flat column values; this class turns them into rows.
import { binding, type BoxedValues, type NativeStatement } from './binding';
import { codedError } from './errors';
import { arrayRows, rowBuilder, type Row, type RowBuilder } from './row-factory';

/** A value SQLite can store, as it comes back from a query. */
export type SQLOutputValue = null | number | bigint | string | Uint8Array;
/** A value that can be bound to a parameter. */
export type SQLInputValue = null | undefined | number | bigint | string | boolean | ArrayBufferView | ArrayBuffer;
/** Named parameters: `{ $id: 1 }`, `{ ':id': 1 }` or, with bare names allowed, `{ id: 1 }`. */
export type NamedParameters = Record<string, SQLInputValue>;
/** What `run()` returns. `bigint`s when readBigInts is on. */
export interface StatementResultingChanges {
  changes: number | bigint;
  lastInsertRowid: number | bigint;
}
/** One entry of `columns()`. */
export interface StatementColumnMetadata {
  column: string | null;
  database: string | null;
  name: string;
  table: string | null;
  type: string | null;
}

/** Token that lets only this package construct statements (node: "Illegal constructor"). */
export const CREATE_STATEMENT = Symbol('createStatement');

const scratch = binding.scratch;
const ROWS = 0;
const COLUMNS = 1;
const NEW_COLUMNS = 2;

let sourceSqlGetter: (this: Statement) => string;
let expandedSqlGetter: (this: Statement) => string;

/** A prepared statement. Created by `DatabaseSync#prepare()`. */
export class Statement {
  #native: NativeStatement;
  // Keeps the database object (and so its native connection) alive while this statement lives.
  #database: object;
  #returnArrays: boolean;
  #builder: RowBuilder | undefined;

  /** @internal */
  constructor(token: symbol, native: NativeStatement, database: object, returnArrays: boolean) {
    if (token !== CREATE_STATEMENT) throw codedError(Error, 'ERR_ILLEGAL_CONSTRUCTOR', 'Illegal constructor');
    this.#native = native;
    this.#database = database;
    this.#returnArrays = returnArrays;
    // node:sqlite defines these as own accessors of each statement.
    Object.defineProperties(this, {
      sourceSQL: { get: sourceSqlGetter, enumerable: true, configurable: false },
      expandedSQL: { get: expandedSqlGetter, enumerable: true, configurable: false },
    });
  }

  static {
    sourceSqlGetter = function (this: Statement) {
      return this.#native.sourceSQL();
    };
    expandedSqlGetter = function (this: Statement) {
      return this.#native.expandedSQL();
    };
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

  // The single row just published in the scratch.
  #oneRow(boxed: BoxedValues): Row | SQLOutputValue[] {
    if (this.#returnArrays) {
      return arrayRows(scratch.tags, scratch.numbers, boxed, 1, scratch.meta[COLUMNS])[0] as SQLOutputValue[];
    }
    return this.#rows().one(scratch.tags, scratch.numbers, boxed);
  }

  /** Runs the statement and returns the first row, or `undefined` if there is none. */
  get(...params: unknown[]): Row | SQLOutputValue[] | undefined {
    const boxed = this.#native.get(...params);
    return boxed === undefined ? undefined : this.#oneRow(boxed);
  }

  /** Runs the statement and returns every row. */
  all(...params: unknown[]): (Row | SQLOutputValue[])[] {
    const boxed = this.#native.all(...params);
    const meta = scratch.meta;
    const rows = meta[ROWS];
    if (rows === 0) return [];
    if (this.#returnArrays) return arrayRows(scratch.tags, scratch.numbers, boxed, rows, meta[COLUMNS]) as SQLOutputValue[][];
    return this.#rows().many(scratch.tags, scratch.numbers, boxed, rows);
  }

  /** Runs the statement to completion and returns `{ changes, lastInsertRowid }`. */
  run(...params: unknown[]): StatementResultingChanges {
    return this.#native.run(...params);
  }

  /** Returns an iterator over the rows; `return()` (an early `break`) resets the statement. */
  iterate(...params: unknown[]): IterableIterator<Row | SQLOutputValue[]> {
    this.#native.iterateStart(...params);
    return new StatementSyncIterator(this.#nextRow);
  }

  // Steps once for an iterator: the next row, or undefined when the rows are exhausted.
  #nextRow = (stop: boolean): Row | SQLOutputValue[] | undefined => {
    if (stop) {
      this.#native.iterateStop();
      return undefined;
    }
    const boxed = this.#native.iterateNext();
    return boxed === undefined ? undefined : this.#oneRow(boxed);
  };

  /** Describes the result columns. */
  columns(): StatementColumnMetadata[] {
    const flat = this.#native.columns();
    const out: StatementColumnMetadata[] = [];
    for (let i = 0; i < flat.length; i += 5) {
      out.push({
        __proto__: null,
        column: flat[i],
        database: flat[i + 1],
        name: flat[i + 2],
        table: flat[i + 3],
        type: flat[i + 4],
      } as unknown as StatementColumnMetadata);
    }
    return out;
  }

  /** Read INTEGER columns (and `run()`'s result) as `bigint`. */
  setReadBigInts(enabled: boolean): void {
    this.#native.setReadBigInts(enabled);
  }

  /** Return rows as arrays of values instead of objects. */
  setReturnArrays(enabled: boolean): void {
    this.#native.setReturnArrays(enabled);
    this.#returnArrays = enabled;
  }

  /** Let named-parameter objects use names without their `$`, `:` or `@` prefix. */
  setAllowBareNamedParameters(enabled: boolean): void {
    this.#native.setAllowBareNamedParameters(enabled);
  }

  /** Ignore named parameters the statement does not have, instead of throwing. */
  setAllowUnknownNamedParameters(enabled: boolean): void {
    this.#native.setAllowUnknownNamedParameters(enabled);
  }

  /** Finalizes the statement; using it afterwards throws ERR_INVALID_STATE. */
  close(): void {
    this.#native.close();
  }
}

type NextRow = (stop: boolean) => Row | SQLOutputValue[] | undefined;

// %IteratorPrototype%: gives [Symbol.iterator]() { return this } and, on Node 22+, the iterator
// helpers — the same chain node:sqlite's iterators have.
const IteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()));

/** The iterator returned by `StatementSync#iterate()`. */
class StatementSyncIterator {
  #next: NextRow | undefined;

  constructor(next: NextRow) {
    this.#next = next;
  }

  next(): IteratorResult<Row | SQLOutputValue[], null> {
    const step = this.#next;
    if (step !== undefined) {
      const value = step(false);
      if (value !== undefined) return { __proto__: null, done: false, value } as IteratorResult<Row>;
      this.#next = undefined;
    }
    return { __proto__: null, done: true, value: null } as IteratorResult<Row, null>;
  }

  return(): IteratorResult<Row | SQLOutputValue[], null> {
    const step = this.#next;
    this.#next = undefined;
    if (step !== undefined) step(true);
    return { __proto__: null, done: true, value: null } as IteratorResult<Row, null>;
  }

  declare [Symbol.iterator]: () => this;
}
Object.setPrototypeOf(StatementSyncIterator.prototype, IteratorPrototype);
