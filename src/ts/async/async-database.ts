// AsyncDatabase: the Promise API. Every database owns a native thread and its connection
// (src/native/async/async_database.h); operations go through one FIFO in call order and settle as the
// thread completes them, without ever blocking the event loop.
import { checkOperationOptions, DatabaseCore, inTransactionContext, type OperationOptions } from './async-core';
import { Queries } from './async-queries';
import { AsyncSession } from './async-session';
import { INTERNAL } from '../shared/class-shape';
import { startPrepare, type AsyncStatement } from './async-statement';
import { RowShape } from './async-rows';
import { MAX_READERS, type ReaderPool } from './reader-pool';
import { beginStatement, newTransaction, runScoped, type Transaction, type TransactionOptions } from './transaction';
import { JobKind } from './engine';
import type { ApplyChangesetSpec, FunctionSpec, SerializeSpec, SessionCreateSpec } from './jobs';
import { FunctionKind } from './async-functions';
import { parseBackupOptions, progressReporter, type BackupOptions } from '../shared/backup-options';
import { codedError, invalidArgType, invalidState } from '../shared/errors';
import {
  aggregateFunctionArgs,
  scalarFunctionArgs,
  type AggregateOptions,
  type AggregateResultOption,
  type FunctionOptions,
  type SQLFunctionArgument,
  type SQLFunctionResult,
} from '../shared/user-functions';
import { parseApplyChangesetOptions, parseSessionOptions, type ApplyChangesetOptions, type SessionOptions } from '../shared/session-options';
import { normalizeOptions, normalizePath, type DatabasePath, type DatabaseSyncOptions } from '../shared/options';
import { parseDeserializeArgs } from '../shared/deserialize-options';
import { DATABASE_NOT_OPEN, OPTIONS_NOT_OBJECT } from '../shared/messages';
import type { Row } from '../shared/row-factory';
import type { RowFor } from '../shared/row-types';

/**
 * AsyncDatabase.open()'s options: DatabaseSync's, but for the two an AsyncDatabase cannot honour
 * (rejected with ERR_INVALID_ARG_VALUE), and `readers`.
 */
export interface AsyncDatabaseOptions<ReturnArrays extends boolean | undefined = boolean | undefined>
  extends DatabaseSyncOptions<ReturnArrays> {
  /** `open()` opens the database: `false` is rejected. */
  open?: true;
  /** An AsyncDatabase has no `loadExtension()`: `true` is rejected. */
  allowExtension?: false;
  /**
   * Read-only connections, each on its own thread, beside the one that writes (default 0: one
   * connection). Needs a database file in WAL mode. Reads run on them in parallel; every call
   * still settles as on one connection, in call order (docs/ASYNC.md, "Parallel readers").
   */
  readers?: number;
}

// `options.readers`, checked: undefined is 0.
function readersOption(options: unknown): number {
  const readers = (options as { readers?: unknown } | undefined)?.readers;
  if (readers === undefined) return 0;
  if (typeof readers !== 'number' || !Number.isInteger(readers)) {
    throw invalidArgType('The "options.readers" argument must be an integer.');
  }
  if (readers < 0 || readers > MAX_READERS) {
    throw codedError(RangeError, 'ERR_OUT_OF_RANGE', `The value of "options.readers" is out of range. It must be >= 0 && <= ${MAX_READERS}. Received ${readers}`);
  }
  return readers;
}

// Instantiated through this, never by name inside its own body (see transaction.ts).
function newDatabase<R, D>(core: DatabaseCore, options?: OperationOptions): AsyncDatabase<R, D> {
  return new AsyncDatabase<R, D>(INTERNAL, core, options);
}

/**
 * An SQLite database with a Promise API, on its own thread. Create with `AsyncDatabase.open()`.
 * `R` is the type of the rows its queries return: `Row` (objects), or `SQLOutputValue[]` when
 * opened with `returnArrays: true` or viewed through `with({ returnArrays: true })`. `D` is the
 * database's own row type, which its prepared statements and transactions' nested scopes get
 * (a `with()` view changes `R` only).
 */
export class AsyncDatabase<R = Row, D = R> extends Queries<R> {
  /** @internal */
  constructor(token: symbol, core: DatabaseCore, options?: OperationOptions) {
    super(token, core, false, options);
  }

  /**
   * Opens a database on a new thread. Takes the same `path` and options as `DatabaseSync`
   * (`open: false` is not supported: the returned database is open), and `readers`: that many
   * read-only connections more, each on its own thread, for reads in parallel — on a database
   * file in WAL mode (`PRAGMA journal_mode = WAL`), else it rejects. `allowExtension: true` is
   * rejected too: an AsyncDatabase has no `loadExtension()`. The database's row type follows a
   * literal `returnArrays` (`SQLOutputValue[]` for `true`).
   */
  static async open<ReturnArrays extends boolean | undefined = undefined>(
    path: DatabasePath,
    options?: AsyncDatabaseOptions<ReturnArrays>,
  ): Promise<AsyncDatabase<RowFor<ReturnArrays>>> {
    const location = normalizePath(path);
    // As in node's promise APIs, an undefined options argument means none.
    const { open, config } = normalizeOptions(location, options !== undefined, options);
    if (!open) {
      throw codedError(TypeError, 'ERR_INVALID_ARG_VALUE', 'The "options.open" argument must not be false: AsyncDatabase.open() opens the database.');
    }
    if (config.allowExtension) {
      throw codedError(TypeError, 'ERR_INVALID_ARG_VALUE', 'The "options.allowExtension" argument must not be true: an AsyncDatabase cannot load extensions.');
    }
    const readers = readersOption(options);
    const core = new DatabaseCore(config, readers);
    await core.call(false, { kind: JobKind.Open }, () => undefined, undefined);
    if (core.pool !== undefined) await openReaders(core, core.pool);
    const database = newDatabase<RowFor<ReturnArrays>, RowFor<ReturnArrays>>(core);
    core.database = database;
    return database;
  }

  /** How many read-only reader connections the database has beside its writer (open()'s `readers`). */
  get readers(): number {
    return this.core.pool?.readerCount ?? 0;
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
    if (this.core.state !== 'open') throw invalidState(DATABASE_NOT_OPEN);
    return this.core.engine.inTransaction;
  }

  /**
   * The same database with per-operation options: `db.with({ signal }).get(sql, id)`. They apply
   * to its queries and transactions, not to the statements it prepares. Its row type follows a
   * literal `returnArrays`: `db.with({ returnArrays: true })` returns `SQLOutputValue[]` rows.
   */
  with<ReturnArrays extends boolean | undefined = undefined>(
    options: OperationOptions<ReturnArrays>,
  ): AsyncDatabase<RowFor<ReturnArrays, R>, D> {
    return newDatabase(this.core, { ...this.options, ...checkOperationOptions(options) });
  }

  /**
   * Compiles a statement on the database thread. The statement has the database's settings
   * (a `with()` view's options are not kept), and so its row type `D`.
   */
  async prepare(sql: string): Promise<AsyncStatement<D>> {
    const job = startPrepare(this.core, false, sql, this.options);
    await job.compiled;
    return job.statement() as AsyncStatement<D>;
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
    if (this.core.state !== 'open') throw invalidState(DATABASE_NOT_OPEN);
    const [name, fn, arity, flags, useBigInt] = scalarFunctionArgs(args);
    const id = this.core.engine.functions.add({ kind: FunctionKind.Scalar, fn: fn as (...a: unknown[]) => unknown, useBigInt });
    await this.#register(id, { name, kind: FunctionKind.Scalar, arity, flags, useBigInt });
  }

  /**
   * Defines (or replaces) the aggregate SQL function `name` (a window function with `inverse`),
   * like `DatabaseSync#aggregate()`; its callbacks run on this thread, one round trip per call,
   * and the accumulators stay on this thread. Without `result` the accumulator is the value, so
   * its type must be one SQLite takes (`SQLFunctionResult`).
   */
  async aggregate<T>(name: string, options: AggregateOptions<T> & AggregateResultOption<T>): Promise<void> {
    if (this.core.state !== 'open') throw invalidState(DATABASE_NOT_OPEN);
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
      await this.core.call(
        false,
        job,
        (replaced) => {
          if ((replaced as number) !== 0) functions.drop(replaced as number);
        },
        this.options,
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
  async transaction<T>(fn: (tx: Transaction<R, D>) => Promise<T> | T, options: TransactionOptions = {}): Promise<T> {
    this.core.requireOpen(false);
    if (typeof fn !== 'function') throw invalidArgType('The "fn" argument must be a function.');
    const begin = beginStatement(options);
    const scope = newTransaction<R, D>(this.core, 0, this.options);
    await this.core.acquire(scope);
    try {
      return await inTransactionContext(scope, () =>
        runScoped(this.core, scope, begin, 'COMMIT', 'ROLLBACK', fn),
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
    // A throwing progress stops the job (it is running: it ends with an interrupt), and the
    // backup rejects with what it threw.
    const reporter = progress && progressReporter(progress);
    const onProgress = reporter?.report;
    const pending = this.core.call(
      false,
      { kind: JobKind.Backup, path: location, source, target, rate, onProgress },
      (pages) => pages,
      this.options,
    );
    try {
      const pages = await pending;
      if (reporter?.thrown !== undefined) throw reporter.thrown.error;
      return pages;
    } catch (error) {
      throw reporter?.thrown !== undefined ? reporter.thrown.error : error;
    }
  }

  /** A copy of database `dbName` (default `'main'`), made on the database thread. */
  async serialize(dbName?: string): Promise<Uint8Array> {
    if (dbName !== undefined && typeof dbName !== 'string') {
      throw invalidArgType('The "dbName" argument must be a string.');
    }
    const spec: SerializeSpec = { kind: JobKind.Serialize, dbName: dbName ?? 'main' };
    return this.core.call(false, spec, (bytes) => bytes, this.options);
  }

  /**
   * Replaces database `options.dbName` (default `'main'`) with an in-memory copy of `buffer`, on
   * the database thread. As `DatabaseSync#deserialize()`, it finalizes the database's statements (and
   * cursors) from this call on.
   */
  async deserialize(buffer: Uint8Array, options?: { dbName?: string }): Promise<void> {
    const dbName = parseDeserializeArgs(buffer, options);
    // A private copy now: the job may wait (behind a transaction) before its bytes are taken,
    // and the caller may reuse `buffer` as soon as this returns.
    const done = this.core.call(this.direct, { kind: JobKind.Deserialize, dbName, buffer: new Uint8Array(buffer) }, () => undefined, this.options);
    // The statements are finalized from this call on, in call order (the job finalizes them).
    this.core.generation++;
    await done;
  }

  /**
   * Starts recording changes (of every table, or `options.table`, of database `options.db`,
   * default `'main'`) in a new session on the database thread; options and errors as
   * `DatabaseSync#createSession()`. Closing the database closes its sessions.
   */
  async createSession(options?: SessionOptions): Promise<AsyncSession> {
    // node checks the connection, then the options.
    if (this.core.state !== 'open') throw invalidState(DATABASE_NOT_OPEN);
    const { table, dbName } = parseSessionOptions(arguments.length > 0, options);
    const id = this.core.newSessionId();
    const job: SessionCreateSpec = { kind: JobKind.SessionCreate, session: id, dbName, table };
    await this.core.call(false, job, () => undefined, this.options);
    return new AsyncSession(INTERNAL, this.core, id, this.options);
  }

  /**
   * Applies a changeset or patchset on the database thread, like `DatabaseSync#applyChangeset()`:
   * resolves to true when it was applied, false when a conflict aborted it (everything is then
   * rolled back). `filter(tableName)` and `onConflict(conflictType)` run on this thread, one
   * thread round trip per call (as user functions do); if one throws, the apply stops and the
   * promise rejects with the thrown value itself.
   */
  async applyChangeset(changeset: Uint8Array, options?: ApplyChangesetOptions): Promise<boolean> {
    if (this.core.state !== 'open') throw invalidState(DATABASE_NOT_OPEN);
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
      return await this.core.call(false, job, (applied) => applied, this.options);
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
    core.closed = core.callWithoutCallerStack(false, { kind: JobKind.Close }, () => undefined, undefined).finally(() => {
      core.state = 'closed';
      core.engine.join();
    });
    return core.closed;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

// open() with `readers`, once the writer is open: the file must be one every connection can share
// (not in-memory or temporary) and in WAL mode — else readers would block the writer, and it them.
// The readers open after the checks; if anything fails, the writer is closed again.
async function openReaders(core: DatabaseCore, pool: ReaderPool): Promise<void> {
  const pragma = (sql: string, finish: (boxed: unknown, names: unknown) => unknown) =>
    core.call(false, { kind: JobKind.All, sql, statement: 0, readBigInts: false, allowBareNamedParameters: true, allowUnknownNamedParameters: false, params: [] }, finish, undefined);
  const shape = new RowShape();
  const rows = (boxed: unknown, names: unknown) => {
    shape.update(names as string[] | undefined);
    return shape.rows(boxed, true) as unknown[][];
  };
  try {
    const files = (await pragma('PRAGMA database_list', rows)) as unknown[][];
    const main = files.find((row) => row[1] === 'main');
    if (main === undefined || main[2] === '') {
      throw codedError(TypeError, 'ERR_INVALID_ARG_VALUE', 'The "options.readers" option needs a database file: an in-memory or temporary database belongs to one connection.');
    }
    const [[mode]] = (await pragma('PRAGMA journal_mode', rows)) as unknown[][];
    if (mode !== 'wal') {
      throw invalidState(`readers need a database in WAL mode, and this one's journal mode is '${String(mode)}': run PRAGMA journal_mode = WAL on it once (it persists), then open it with readers.`);
    }
    await pool.openReaders();
  } catch (error) {
    await core.callWithoutCallerStack(false, { kind: JobKind.Close }, () => undefined, undefined).catch(() => {});
    core.state = 'closed';
    core.engine.join();
    throw error;
  }
}
