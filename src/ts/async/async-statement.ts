// AsyncStatement: a statement prepared on the database thread, run by id. Its settings
// (readBigInts, returnArrays, bare/unknown named parameters) travel with each job. Finalized by
// finalize(), by closing the database, or — if simply dropped — after garbage collection.
import { checkOperationOptions, type DatabaseCore, type OperationOptions } from './async-core';
import { Runner, type QueryTarget } from './async-queries';
import { INTERNAL } from '../shared/class-shape';
import { RowShape } from './async-rows';
import { JobKind } from './engine';
import { invalidArgType, invalidState } from '../shared/errors';
import type { Row } from '../shared/row-factory';
import type { RowFor } from '../shared/row-types';
import {
  columnMetadata,
  type NamedParameters,
  type SQLInputValue,
  type StatementColumnMetadata,
  type StatementResultingChanges,
} from '../shared/types';
import { SQL_NOT_STRING, STATEMENT_FINALIZED } from '../shared/messages';


// Statements dropped without finalize() are finalized on the database thread after collection.
const unreachable = new FinalizationRegistry<{ core: DatabaseCore; id: number }>(({ core, id }) => {
  if (core.state === 'open') core.callWithoutCallerStack(false, { kind: JobKind.Finalize, statement: id }, () => undefined, undefined).catch(() => {});
});

/** @internal The mutable part shared by a statement and its `.with()` views. */
export class StatementState implements QueryTarget {
  statement: number;
  sql: string;
  shape = new RowShape();
  readBigInts: boolean;
  returnArrays: boolean;
  allowBareNamedParameters: boolean;
  allowUnknownNamedParameters: boolean;
  finalized = false;
  parameterCount = 0;
  /** Bumped by every run/get/all/iterate: a cursor of an older execution is invalidated. */
  execution = 0;
  /** The database's generation when prepared (a deserialize() since finalized it). */
  readonly generation: number;

  constructor(core: DatabaseCore, id: number, sql: string) {
    this.statement = id;
    this.sql = sql;
    this.generation = core.generation;
    this.readBigInts = core.config.readBigInts;
    this.returnArrays = core.config.returnArrays;
    this.allowBareNamedParameters = core.config.allowBareNamedParameters;
    this.allowUnknownNamedParameters = core.config.allowUnknownNamedParameters;
  }
}

function requireBoolean(name: string, value: unknown): asserts value is boolean {
  if (typeof value !== 'boolean') throw invalidArgType(`The "${name}" argument must be a boolean.`);
}

/**
 * A prepared statement of an AsyncDatabase. Create with `db.prepare(sql)`. `R` is the type of
 * its rows: the database's (`Row`, or `SQLOutputValue[]` when opened with `returnArrays: true`),
 * or what a `with({ returnArrays })` view sets. Parameters as `AsyncDatabase#run()`'s, without
 * the SQL.
 */
export class AsyncStatement<R = Row> extends Runner<R> {
  readonly #state: StatementState;

  /** @internal */
  constructor(token: symbol, core: DatabaseCore, state: StatementState, options?: OperationOptions, direct = false) {
    super(token, core, direct, options);
    this.#state = state;
  }

  /** @internal Finalizes the statement on the database thread once no object uses `state`. */
  static track(core: DatabaseCore, state: StatementState): void {
    unreachable.register(state, { core, id: state.statement }, state);
  }

  /**
   * @internal The statement `value` is, if it is an AsyncStatement of the database `core` — by
   * brand check, never by its shape: a look-alike (`{ target }`) or another database's
   * statement would otherwise run whatever statement has that id on this one.
   */
  static stateIn(core: DatabaseCore, value: unknown): StatementState | 'foreign' | undefined {
    if (typeof value !== 'object' || value === null || !(#state in value)) return undefined;
    const statement = value as AsyncStatement<unknown>;
    return statement.core === core ? statement.#state : 'foreign';
  }

  /** @internal */
  get target(): StatementState {
    return this.#state;
  }

  /** The SQL text the statement was prepared from. */
  get sourceSQL(): string {
    this.#requireUsable();
    return this.#state.sql;
  }

  /**
   * The same statement with per-operation options (signal, readBigInts, returnArrays, batchSize).
   * Its row type follows a literal `returnArrays`: `stmt.with({ returnArrays: true })` is an
   * `AsyncStatement<SQLOutputValue[]>`.
   */
  with<ReturnArrays extends boolean | undefined = undefined>(
    options: OperationOptions<ReturnArrays>,
  ): AsyncStatement<RowFor<ReturnArrays, R>> {
    return newStatement(this.core, this.#state, { ...this.options, ...checkOperationOptions(options) }, this.direct);
  }

  // Finalized by finalize() or by the database's close() (called, if not yet done): as a sync
  // statement after close(). A transaction in progress when close() was called still finishes.
  #finalized(): boolean {
    const state = this.core.state;
    return (
      this.#state.finalized ||
      this.#state.generation !== this.core.generation ||
      !(state === 'open' || (this.direct && state === 'closing'))
    );
  }

  #usable(): Promise<never> | undefined {
    try {
      if (!this.direct) this.core.refuseFromOwnTransaction();
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.#finalized()) return Promise.reject(invalidState(STATEMENT_FINALIZED));
    return undefined;
  }

  #requireUsable(): void {
    if (this.#finalized()) throw invalidState(STATEMENT_FINALIZED);
  }

  /** Runs the statement to completion: `{ changes, lastInsertRowid }`. */
  run(...anonymousParameters: SQLInputValue[]): Promise<StatementResultingChanges>;
  run(namedParameters: NamedParameters, ...anonymousParameters: SQLInputValue[]): Promise<StatementResultingChanges>;
  run(...params: unknown[]): Promise<StatementResultingChanges> {
    this.#state.execution++;
    return this.#usable() ?? this.runTarget(this.#state, params);
  }

  /** The first row, or undefined. `T` (default: the statement's row type) states a more precise shape. */
  get<T = R>(...anonymousParameters: SQLInputValue[]): Promise<T | undefined>;
  get<T = R>(namedParameters: NamedParameters, ...anonymousParameters: SQLInputValue[]): Promise<T | undefined>;
  get<T = R>(...params: unknown[]): Promise<T | undefined> {
    this.#state.execution++;
    return this.#usable() ?? (this.getTarget(this.#state, params) as Promise<T | undefined>);
  }

  /** Every row. */
  all<T = R>(...anonymousParameters: SQLInputValue[]): Promise<T[]>;
  all<T = R>(namedParameters: NamedParameters, ...anonymousParameters: SQLInputValue[]): Promise<T[]>;
  all<T = R>(...params: unknown[]): Promise<T[]> {
    this.#state.execution++;
    return this.#usable() ?? (this.allTarget(this.#state, params) as Promise<T[]>);
  }

  /**
   * Streams the rows; `break` resets the statement. Like a sync statement's iterate(), it ends the
   * statement's older cursors ("iterator was invalidated"); its errors (a finalized statement
   * included) reject the first next().
   */
  iterate<T = R>(...anonymousParameters: SQLInputValue[]): AsyncIterableIterator<T>;
  iterate<T = R>(namedParameters: NamedParameters, ...anonymousParameters: SQLInputValue[]): AsyncIterableIterator<T>;
  iterate<T = R>(...params: unknown[]): AsyncIterableIterator<T> {
    this.#state.execution++;
    return this.iterateTarget(this.#state, params, this.#finalizedView()) as AsyncIterableIterator<T>;
  }

  // What a cursor checks at each call: finalized (this view's rule, closing included) and the execution.
  #finalizedView(): { readonly finalized: boolean; readonly execution: number } {
    const self = this;
    return {
      get finalized() {
        return self.#finalized();
      },
      get execution() {
        return self.#state.execution;
      },
    };
  }

  /** Describes the result columns, like StatementSync#columns(). */
  columns(): Promise<StatementColumnMetadata[]> {
    return (
      this.#usable() ??
      this.core.call(
        this.direct,
        { kind: JobKind.Columns, statement: this.#state.statement },
        (flat) => columnMetadata(flat as (string | null)[]),
        this.options,
      )
    );
  }

  setReadBigInts(enabled: boolean): void {
    this.#requireUsable();
    requireBoolean('readBigInts', enabled);
    this.#state.readBigInts = enabled;
  }

  /**
   * Rows as arrays of values instead of objects, for this statement and its views (but a view
   * given its own `returnArrays`). The row type stays what it was: name the shape in the calls
   * (`stmt.all<SQLOutputValue[]>()`), or use `stmt.with({ returnArrays: true })`, which types
   * its rows.
   */
  setReturnArrays(enabled: boolean): void {
    this.#requireUsable();
    requireBoolean('returnArrays', enabled);
    this.#state.returnArrays = enabled;
  }

  setAllowBareNamedParameters(enabled: boolean): void {
    this.#requireUsable();
    requireBoolean('allowBareNamedParameters', enabled);
    this.#state.allowBareNamedParameters = enabled;
  }

  setAllowUnknownNamedParameters(enabled: boolean): void {
    this.#requireUsable();
    requireBoolean('enabled', enabled);
    this.#state.allowUnknownNamedParameters = enabled;
  }

  /**
   * Finalizes the statement on the database thread; later use rejects with ERR_INVALID_STATE.
   * Harmless when already finalized; settles at once once close() was called (which finalizes it).
   */
  finalize(): Promise<void> {
    const wasFinalized = this.#finalized();
    if (this.#state.finalized) return Promise.resolve();
    this.#state.finalized = true;
    unreachable.unregister(this.#state);
    if (wasFinalized) return Promise.resolve();
    return this.core.callWithoutCallerStack(this.direct, { kind: JobKind.Finalize, statement: this.#state.statement }, () => undefined, undefined);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.finalize();
  }
}

// Not `new AsyncStatement` inside the class body: the bundler would rename the class
// (`class _AsyncStatement`), and V8 shows that name in its messages.
function newStatement<R>(core: DatabaseCore, state: StatementState, options: OperationOptions | undefined, direct: boolean): AsyncStatement<R> {
  return new AsyncStatement<R>(INTERNAL, core, state, options, direct);
}

/**
 * @internal The Prepare job of `sql` on the database thread, for AsyncDatabase#prepare() and — with
 * `direct` — a transaction scope's prepare(), which must not wait behind the transaction holding
 * the queue. The public method awaits `compiled` itself (a rejection's stack then names it, see
 * test/async/stacks.test.mjs), then takes `statement()`: the database's, either way.
 */
export function startPrepare(
  core: DatabaseCore,
  direct: boolean,
  sql: string,
  options: OperationOptions | undefined,
): { compiled: Promise<void>; statement: () => AsyncStatement } {
  core.requireOpen(direct);
  if (typeof sql !== 'string') throw invalidArgType(SQL_NOT_STRING);
  const state = new StatementState(core, core.newStatementId(), sql);
  const compiled = core.call(
    direct,
    { kind: JobKind.Prepare, sql, statement: state.statement },
    (names, parameters, sourceSQL) => {
      state.shape.update(names);
      state.parameterCount = parameters as number;
      state.sql = sourceSQL as string;
    },
    options,
  );
  return {
    compiled,
    statement: () => {
      AsyncStatement.track(core, state);
      return newStatement(core, state, undefined, false);
    },
  };
}
