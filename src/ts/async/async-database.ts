// AsyncDatabase: the Promise API. Every database owns a native thread and its connection
// (src/native/async/async_database.h); operations go through one FIFO in call order and settle as the
// thread completes them, without ever blocking the event loop.
import { withCallerStack } from './async-errors';
import { checkOperationOptions, DatabaseCore, inTransactionContext, type OperationOptions } from './async-core';
import { Queries } from './async-queries';
import { AsyncSession, CREATE_ASYNC_SESSION } from './async-session';
import { AsyncStatement, StatementState } from './async-statement';
import { JobKind } from './engine';
import type { ApplyChangesetSpec, FunctionSpec, SerializeSpec, SessionCreateSpec } from './jobs';
import { FunctionKind } from './async-functions';
import { parseBackupOptions, type BackupOptions } from '../shared/backup-options';
import { codedError, invalidArgType, invalidState } from '../shared/errors';
import {
  aggregateFunctionArgs,
  scalarFunctionArgs,
  type AggregateOptions,
  type FunctionOptions,
  type SQLFunctionArgument,
  type SQLFunctionResult,
} from '../shared/user-functions';
import { parseApplyChangesetOptions, parseSessionOptions, type ApplyChangesetOptions, type SessionOptions } from '../shared/session-options';
import { normalizeOptions, normalizePath, type DatabasePath, type DatabaseSyncOptions } from '../shared/options';
import { isObject } from '../shared/v8-checks';

/** How a transaction begins: BEGIN DEFERRED (default), IMMEDIATE or EXCLUSIVE. */
export interface TransactionOptions {
  mode?: 'deferred' | 'immediate' | 'exclusive';
}

const OPENING = Symbol('opening');

/**
 * A transaction in progress: run its statements through this scope. Operations issued on the
 * database itself (or on its statements) wait until the transaction ends.
 */
export class Transaction extends Queries {
  #active = true;
  #depth: number;

  /** @internal */
  constructor(core: DatabaseCore, depth: number, options?: OperationOptions) {
    super(core, true, options);
    this.#depth = depth;
  }

  /** @internal */
  end(): void {
    this.#active = false;
  }

  /** The same scope with per-operation options. */
  with(options: OperationOptions): Transaction {
    return newTransaction(this.core, this.#depth, { ...this.options, ...checkOperationOptions(options) });
  }

  /** A statement of this database, run inside this transaction. */
  statement(statement: AsyncStatement): AsyncStatement {
    const state = AsyncStatement.stateIn(this.core, statement);
    if (state === undefined) throw invalidArgType('The "statement" argument must be an AsyncStatement.');
    if (state === 'foreign') {
      throw codedError(TypeError, 'ERR_INVALID_ARG_VALUE', 'The "statement" argument must be a statement of this database.');
    }
    return new AsyncStatement(this.core, state, this.options, true);
  }

  /** A nested transaction: a SAVEPOINT, released on success, rolled back to on error. */
  transaction<T>(fn: (tx: Transaction) => Promise<T> | T): Promise<T> {
    const name = `strand_savepoint_${this.#depth + 1}`;
    return runScoped(this.core, newTransaction(this.core, this.#depth + 1), `SAVEPOINT ${name}`, `RELEASE ${name}`, `ROLLBACK TO ${name}; RELEASE ${name}`, fn);
  }
}

// The classes are instantiated through these, never by name inside their own bodies: the bundler
// renames a class that refers to itself (`class _Transaction`), and V8 would show that name in
// messages such as "#<_Transaction> could not be cloned".
function newTransaction(core: DatabaseCore, depth: number, options?: OperationOptions): Transaction {
  return new Transaction(core, depth, options);
}

function newDatabase(core: DatabaseCore, options?: OperationOptions): AsyncDatabase {
  return new AsyncDatabase(OPENING, core, options);
}

async function runScoped<T>(
  core: DatabaseCore,
  scope: Transaction,
  begin: string,
  commit: string,
  rollback: string,
  fn: (tx: Transaction) => Promise<T> | T,
): Promise<T> {
  await scope.exec(begin);
  let result: T;
  try {
    result = await fn(scope);
  } catch (error) {
    // SQLite may already have rolled back (e.g. on SQLITE_FULL); then ROLLBACK fails harmlessly.
    await scope.exec(rollback).catch(() => undefined);
    scope.end();
    throw error;
  }
  try {
    await scope.exec(commit);
  } catch (error) {
    await scope.exec(rollback).catch(() => undefined);
    scope.end();
    throw error;
  }
  scope.end();
  return result;
}

/** An SQLite database with a Promise API, on its own thread. Create with `AsyncDatabase.open()`. */
export class AsyncDatabase extends Queries {
  /** @internal */
  constructor(token: symbol, core: DatabaseCore, options?: OperationOptions) {
    if (token !== OPENING) throw codedError(Error, 'ERR_ILLEGAL_CONSTRUCTOR', 'Illegal constructor');
    super(core, false, options);
  }

  /**
   * Opens a database on a new thread. Takes the same `path` and options as `DatabaseSync`
   * (`open: false` is not supported: the returned database is open).
   */
  static async open(path: DatabasePath, options?: DatabaseSyncOptions): Promise<AsyncDatabase> {
    const location = normalizePath(path);
    // As in node's promise APIs, an undefined options argument means none.
    const { open, config } = normalizeOptions(location, options !== undefined, options);
    if (!open) {
      throw codedError(TypeError, 'ERR_INVALID_ARG_VALUE', 'The "options.open" argument must not be false: AsyncDatabase.open() opens the database.');
    }
    const core = new DatabaseCore(config);
    await withCallerStack(core.call(false, { kind: JobKind.Open }, () => undefined, undefined));
    const database = newDatabase(core);
    core.database = database;
    return database;
  }

  /** Whether the database is open (close() not yet called). */
  get isOpen(): boolean {
    return this.core.state === 'open';
  }

  /**
   * Whether the connection is inside a transaction (transaction(), or BEGIN run by you), as of the
   * operations completed so far. Throws on a closed database, as `DatabaseSync#isTransaction`.
   */
  get isTransaction(): boolean {
    if (this.core.state !== 'open') throw invalidState('database is not open');
    return this.core.engine.inTransaction;
  }

  /** The same database with per-operation options: `db.with({ signal }).get(sql, id)`. */
  with(options: OperationOptions): AsyncDatabase {
    return newDatabase(this.core, { ...this.options, ...checkOperationOptions(options) });
  }

  /** Compiles a statement on the database thread. */
  async prepare(sql: string): Promise<AsyncStatement> {
    this.core.requireOpen(this.direct);
    if (typeof sql !== 'string') throw invalidArgType('The "sql" argument must be a string.');
    const state = new StatementState(this.core, this.core.newStatementId(), sql);
    await withCallerStack(
      this.core.call(
        false,
        { kind: JobKind.Prepare, sql, statement: state.statement },
        (names, parameters, sourceSQL) => {
          state.shape.update(names);
          state.parameterCount = parameters as number;
          state.sql = sourceSQL as string;
        },
        this.options,
      ),
    );
    AsyncStatement.track(this.core, state);
    return new AsyncStatement(this.core, state);
  }

  /**
   * Defines (or replaces) the SQL function `name` on the database thread, after the work queued
   * before it; options and validation as `DatabaseSync#function()`. SQLite calls it on the
   * database thread; each call runs `fn` synchronously on this (the JS) thread — one thread round
   * trip per call — and errors it throws reject the statement's promise unchanged.
   */
  function(name: string, fn: (...args: SQLFunctionArgument[]) => SQLFunctionResult): Promise<void>;
  function(name: string, options: FunctionOptions, fn: (...args: SQLFunctionArgument[]) => SQLFunctionResult): Promise<void>;
  async function(...args: unknown[]): Promise<void> {
    if (this.core.state !== 'open') throw invalidState('database is not open');
    const [name, fn, arity, flags, useBigInt] = scalarFunctionArgs(args);
    const id = this.core.engine.functions.add({ kind: FunctionKind.Scalar, fn: fn as (...a: unknown[]) => unknown, useBigInt });
    await this.#register(id, { name, kind: FunctionKind.Scalar, arity, flags, useBigInt });
  }

  /**
   * Defines (or replaces) the aggregate SQL function `name` (a window function with `inverse`),
   * like `DatabaseSync#aggregate()`; its callbacks run on this thread, one round trip per call,
   * and the accumulators stay on this thread.
   */
  async aggregate<T>(name: string, options: AggregateOptions<T>): Promise<void> {
    if (this.core.state !== 'open') throw invalidState('database is not open');
    const [fnName, start, startIsFunction, step, result, inverse, arity, flags, useBigInt] = aggregateFunctionArgs(name, options);
    const kind = inverse !== undefined ? FunctionKind.Window : FunctionKind.Aggregate;
    const id = this.core.engine.functions.add({
      kind,
      start,
      startIsFunction,
      step: step as (...a: unknown[]) => unknown,
      result: result as ((...a: unknown[]) => unknown) | undefined,
      inverse: inverse as ((...a: unknown[]) => unknown) | undefined,
      useBigInt,
      groups: new Map(),
    });
    await this.#register(id, { name: fnName, kind, arity, flags, useBigInt });
  }

  // The registration job; the table entry goes again if it fails, and the entry of the function
  // it replaced once it succeeds (async_functions.h F9).
  async #register(id: number, spec: { name: string; kind: FunctionSpec['functionKind']; arity: number; flags: number; useBigInt: boolean }): Promise<void> {
    const functions = this.core.engine.functions;
    const job: FunctionSpec = {
      kind: JobKind.Function,
      name: spec.name,
      id,
      functionKind: spec.kind,
      arity: spec.arity,
      flags: spec.flags,
      useBigIntArguments: spec.useBigInt,
    };
    try {
      await withCallerStack(
        this.core.call(
          false,
          job,
          (replaced) => {
            if ((replaced as number) !== 0) functions.drop(replaced as number);
          },
          this.options,
        ),
      );
    } catch (error) {
      functions.drop(id);
      throw error;
    }
  }

  /**
   * Runs `fn` in a transaction: BEGIN (`mode`), then COMMIT if `fn` resolves or ROLLBACK if it
   * throws. Run the transaction's statements through `tx`; anything issued on the database
   * meanwhile waits until the transaction ends, so nothing interleaves with it.
   */
  async transaction<T>(fn: (tx: Transaction) => Promise<T> | T, options: TransactionOptions = {}): Promise<T> {
    this.core.requireOpen(false);
    if (typeof fn !== 'function') throw invalidArgType('The "fn" argument must be a function.');
    const mode = options.mode ?? 'deferred';
    if (mode !== 'deferred' && mode !== 'immediate' && mode !== 'exclusive') {
      throw codedError(TypeError, 'ERR_INVALID_ARG_VALUE', `The "options.mode" argument must be 'deferred', 'immediate' or 'exclusive'.`);
    }
    const scope = newTransaction(this.core, 0, this.options);
    await this.core.acquire(scope);
    try {
      return await inTransactionContext(scope, () =>
        runScoped(this.core, scope, `BEGIN ${mode.toUpperCase()}`, 'COMMIT', 'ROLLBACK', fn),
      );
    } finally {
      this.core.release(scope);
    }
  }

  /**
   * Copies database `options.source` (default `'main'`) into the file `path` (schema
   * `options.target`), `options.rate` pages per step, on the database thread — after the work
   * queued before it, and blocking the work queued after it only between steps' worth of pages.
   * Resolves to the page count. `options.progress({ totalPages, remainingPages })` is called
   * (with `this` null) after steps that leave pages to copy; reports may be coalesced, each one a
   * real step's numbers. If it throws, the backup stops and rejects with that error. Abortable
   * with `.with({ signal })`. Options are checked like node:sqlite's `backup()`.
   */
  async backup(path: DatabasePath, options?: BackupOptions): Promise<number> {
    const location = normalizePath(path);
    const { rate, source, target, progress } = parseBackupOptions(arguments.length > 1, options);
    let thrown: { error: unknown } | undefined;
    const onProgress =
      progress &&
      ((totalPages: number, remainingPages: number): boolean => {
        if (thrown !== undefined) return false;
        try {
          progress.call(null, { totalPages, remainingPages });
          return true;
        } catch (error) {
          // Stop the job (it is running: it ends with an interrupt) and reject with this error.
          thrown = { error };
          return false;
        }
      });
    const pending = this.core.call(
      false,
      { kind: JobKind.Backup, path: location, source, target, rate, onProgress },
      (pages) => pages,
      this.options,
    );
    try {
      const pages = await withCallerStack(pending);
      if (thrown !== undefined) throw thrown.error;
      return pages;
    } catch (error) {
      throw thrown !== undefined ? thrown.error : error;
    }
  }

  /** A copy of database `dbName` (default `'main'`), made on the database thread. */
  async serialize(dbName?: string): Promise<Uint8Array> {
    if (dbName !== undefined && typeof dbName !== 'string') {
      throw invalidArgType('The "dbName" argument must be a string.');
    }
    const spec: SerializeSpec = { kind: JobKind.Serialize, dbName: dbName ?? 'main' };
    return withCallerStack(this.core.call(false, spec, (bytes) => bytes, this.options));
  }

  /**
   * Replaces database `options.dbName` (default `'main'`) with an in-memory copy of `buffer`, on
   * the database thread. As `DatabaseSync#deserialize()`, it finalizes the database's statements (and
   * cursors) from this call on.
   */
  async deserialize(buffer: Uint8Array, options?: { dbName?: string }): Promise<void> {
    if (!(buffer instanceof Uint8Array) || buffer instanceof Uint8ClampedArray) {
      throw invalidArgType('The "buffer" argument must be a Uint8Array.');
    }
    if (buffer.length === 0) throw codedError(TypeError, 'ERR_INVALID_ARG_VALUE', 'The "buffer" argument must not be empty.');
    let dbName = 'main';
    if (options !== undefined) {
      if (!isObject(options)) {
        throw invalidArgType('The "options" argument must be an object.');
      }
      const name = options.dbName;
      if (name !== undefined) {
        if (typeof name !== 'string') throw invalidArgType('The "options.dbName" argument must be a string.');
        dbName = name;
      }
    }
    // A private copy now: the job may wait (behind a transaction) before its bytes are taken,
    // and the caller may reuse `buffer` as soon as this returns.
    const done = this.core.call(this.direct, { kind: JobKind.Deserialize, dbName, buffer: new Uint8Array(buffer) }, () => undefined, this.options);
    // The statements are finalized from this call on, in call order (the job finalizes them).
    this.core.generation++;
    await withCallerStack(done);
  }

  /**
   * Starts recording changes (of every table, or `options.table`, of database `options.db`,
   * default `'main'`) in a new session on the database thread; options and errors as
   * `DatabaseSync#createSession()`. Closing the database closes its sessions.
   */
  async createSession(options?: SessionOptions): Promise<AsyncSession> {
    // node checks the connection, then the options.
    if (this.core.state !== 'open') throw invalidState('database is not open');
    const { table, dbName } = parseSessionOptions(arguments.length > 0, options);
    const id = this.core.newSessionId();
    const job: SessionCreateSpec = { kind: JobKind.SessionCreate, session: id, dbName, table };
    await withCallerStack(this.core.call(false, job, () => undefined, this.options));
    return new AsyncSession(CREATE_ASYNC_SESSION, this.core, id, this.options);
  }

  /**
   * Applies a changeset or patchset on the database thread, like `DatabaseSync#applyChangeset()`:
   * resolves to true when it was applied, false when a conflict aborted it (everything is then
   * rolled back). `filter(tableName)` and `onConflict(conflictType)` run on this thread, one
   * thread round trip per call (as user functions do); if one throws, the apply stops and the
   * promise rejects with the thrown value itself.
   */
  async applyChangeset(changeset: Uint8Array, options?: ApplyChangesetOptions): Promise<boolean> {
    if (this.core.state !== 'open') throw invalidState('database is not open');
    const { filter, onConflict } = parseApplyChangesetOptions(arguments.length > 1, changeset, options);
    const functions = this.core.engine.functions;
    const entry =
      filter !== undefined || onConflict !== undefined
        ? functions.add({
            kind: FunctionKind.Changeset,
            filter: filter as ((...a: unknown[]) => unknown) | undefined,
            onConflict: onConflict as ((...a: unknown[]) => unknown) | undefined,
          })
        : 0;
    const job: ApplyChangesetSpec = {
      kind: JobKind.ApplyChangeset,
      // A private copy now: the job may wait (behind a transaction) before its bytes are taken.
      changeset: new Uint8Array(changeset),
      callbacks: entry,
      hasFilter: filter !== undefined,
      hasConflict: onConflict !== undefined,
    };
    try {
      return await withCallerStack(this.core.call(false, job, (applied) => applied, this.options));
    } finally {
      if (entry !== 0) functions.drop(entry);
    }
  }

  /** Cancels the statement running right now (it rejects with SQLITE_INTERRUPT), if any. */
  interrupt(): void {
    this.core.engine.interrupt();
  }

  /**
   * Closes the database after the work already queued: statements are finalized, the thread
   * ends. Later calls reject with ERR_INVALID_STATE; closing twice is harmless.
   */
  async close(): Promise<void> {
    const core = this.core;
    // From inside its own transaction's callback, the close — even one already called — would
    // wait for that transaction: refused first.
    core.refuseFromOwnTransaction();
    if (core.state !== 'open') return core.closed;
    core.state = 'closing';
    core.closed = core.call(false, { kind: JobKind.Close }, () => undefined, undefined).finally(() => {
      core.state = 'closed';
      core.engine.join();
    });
    return core.closed;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
