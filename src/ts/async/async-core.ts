// DatabaseCore: the state an AsyncDatabase shares with its statements, iterators and
// transaction scopes — the engine, the open/closed state, and the queue gate for transactions.
//
// Ordering: every operation becomes a job in one FIFO (the engine's), in call order. While a
// transaction holds the queue, operations issued on the database (not through the transaction's
// scope) are parked here in call order and submitted, still in order, when it ends — so nothing
// interleaves with a transaction. A transaction() call itself waits in the same line.
import { AsyncLocalStorage } from 'node:async_hooks';
import { AbortError, withCallerStack } from './async-errors';
import type { NativeDatabaseConfig } from '../binding';
import { Engine, JobKind, type Completion, type JobSpec } from './engine';
import { ReaderPool, type JobSink } from './reader-pool';
import { bindsParameters, type Finish } from './jobs';
import { snapshotParams } from './parked-params';
import { codedError, invalidArgType, invalidState } from '../shared/errors';
import { publishQuery } from '../shared/query-diagnostics';
import { isInt32, isObject } from '../shared/v8-checks';
import { DATABASE_NOT_OPEN, OPTIONS_NOT_OBJECT } from '../shared/messages';

/**
 * Per-operation options, passed with `.with(options)`. `ReturnArrays` is the type of
 * `returnArrays`, inferred from a literal to give the view its row type.
 */
export interface OperationOptions<ReturnArrays extends boolean | undefined = boolean | undefined> {
  /** Cancels the operation: removed if still queued, interrupted if running. */
  signal?: AbortSignal;
  /** Read INTEGER columns as bigint for this operation. */
  readBigInts?: boolean;
  /** Rows as arrays (typed `SQLOutputValue[]`) for this operation, or as objects (`false`). */
  returnArrays?: ReturnArrays;
  /** iterate(): the largest batch of rows fetched at once (default 1024). */
  batchSize?: number;
}

/**
 * with()'s options, checked when with() is called (it throws, as a synchronous method): an object
 * (undefined: none), then `signal` an AbortSignal, `readBigInts` and `returnArrays` booleans,
 * `batchSize` a positive int32. Returns only what was given, so views merge by spreading.
 */
export function checkOperationOptions(options: unknown): OperationOptions {
  if (options === undefined) return {};
  if (!isObject(options)) throw invalidArgType(OPTIONS_NOT_OBJECT);
  const { signal, readBigInts, returnArrays, batchSize } = options as Record<string, unknown>;
  const checked: OperationOptions = {};
  if (signal !== undefined) {
    if (!(signal instanceof AbortSignal)) throw invalidArgType('The "options.signal" argument must be an AbortSignal.');
    checked.signal = signal;
  }
  if (readBigInts !== undefined) {
    if (typeof readBigInts !== 'boolean') throw invalidArgType('The "options.readBigInts" argument must be a boolean.');
    checked.readBigInts = readBigInts;
  }
  if (returnArrays !== undefined) {
    if (typeof returnArrays !== 'boolean') throw invalidArgType('The "options.returnArrays" argument must be a boolean.');
    checked.returnArrays = returnArrays;
  }
  if (batchSize !== undefined) {
    const message = 'The "options.batchSize" argument must be a positive integer.';
    if (typeof batchSize !== 'number') throw invalidArgType(message);
    if (!isInt32(batchSize) || batchSize < 1) throw codedError(RangeError, 'ERR_OUT_OF_RANGE', message);
    checked.batchSize = batchSize;
  }
  return checked;
}

// What settles a job: its kind's outcome as the engine hands it over, (a, b, c) (jobs.ts Outcomes).
type PositionalFinish<T> = (a: unknown, b: unknown, c: unknown) => T;
type Resolve<T> = (value: T) => void;
type Reject = (error: unknown) => void;

// SQLite's primary result codes a cancelled job ends with on the database thread.
const SQLITE_BUSY = 5;
const SQLITE_INTERRUPT = 9;

// How a cancelled job ends on the database thread: SQLITE_INTERRUPT from the progress handler
// while it ran, or SQLITE_BUSY when it was waiting for a lock and the busy handler gave up.
function stoppedByCancel(error: Error): boolean {
  // `error` may be any value a user function threw, null included.
  const primary = ((error as { errcode?: number } | null)?.errcode ?? 0) & 0xff;
  return primary === SQLITE_INTERRUPT || primary === SQLITE_BUSY;
}

const abortError = (signal: AbortSignal | undefined): AbortError => new AbortError(undefined, { cause: signal?.reason });

/**
 * The completion that settles a job's promise: rejects with the job's error (or what
 * `mapError` makes of it), else resolves with `finish(a, b, c)` — or rejects if that throws.
 */
function settleFrom<T>(finish: PositionalFinish<T>, resolve: Resolve<T>, reject: Reject, mapError?: (error: Error) => unknown): Completion {
  return (error, a, b, c) => {
    if (error !== undefined) {
      reject(mapError === undefined ? error : mapError(error));
      return;
    }
    try {
      resolve(finish(a, b, c));
    } catch (thrown) {
      reject(thrown);
    }
  };
}

// Clean-ups (closing a cursor, finalizing) and the close itself: accepted once close() was
// called, since the close would do them anyway.
const isCleanup = (kind: JobKind): boolean => kind === JobKind.Close || kind === JobKind.IterClose || kind === JobKind.Finalize;

interface Parked {
  start: () => void;
}


// The transaction whose callback is running, in its async context: a call made from there on the
// database itself (not on `tx`) would wait for that very transaction to end — forever.
const transactionContext = new AsyncLocalStorage<object>();

/** Runs a transaction's callback so that calls made from inside it can be told apart. */
export function inTransactionContext<T>(holder: object, fn: () => T): T {
  return transactionContext.run(holder, fn);
}

const selfWaitError = () =>
  invalidState("the database is in a transaction: inside the transaction's callback, run statements through its `tx` argument, not the database");

export class DatabaseCore {
  /** Where jobs go: the database's one Engine, or with `readers` a ReaderPool of several. */
  readonly engine: JobSink;
  /** The reader pool, when the database has readers. */
  readonly pool: ReaderPool | undefined;
  readonly config: NativeDatabaseConfig;
  /**
   * Bumped by every deserialize() call, which finalizes the database's statements (as
   * DatabaseSync's does): a statement or started cursor of an older generation is finalized.
   */
  generation = 0;
  /** 'open' until close() is called; then no new operation is accepted. */
  state: 'open' | 'closing' | 'closed' = 'open';
  /** Settles when close() has finished. */
  closed: Promise<void> = Promise.resolve();
  /**
   * The AsyncDatabase that open() returned: the `database` of this database's query
   * diagnostics, whichever view (`with()`), transaction scope or statement ran the query.
   */
  database: object | undefined;
  #holder: object | null = null;
  #parked: Parked[] = [];
  #nextStatement = 1;
  #nextCursor = 1;
  #nextSession = 1;

  constructor(config: NativeDatabaseConfig, readers = 0) {
    this.config = config;
    this.pool = readers > 0 ? new ReaderPool(config, readers) : undefined;
    this.engine = this.pool ?? new Engine(config);
    this.engine.onQueries = (queries) => {
      const database = this.database;
      if (database === undefined) return;
      for (let i = 0; i < queries.length; i += 2) {
        if (!publishQuery(queries[i] as string, database, queries[i + 1] as number)) return;
      }
    };
  }

  newStatementId(): number {
    return this.#nextStatement++;
  }

  newCursorId(): number {
    return this.#nextCursor++;
  }

  newSessionId(): number {
    return this.#nextSession++;
  }

  /** Whether transaction() holds the queue. */
  get holdsQueue(): boolean {
    return this.#holder !== null;
  }

  /** Whether `state` lets operations start (a transaction in progress may finish while closing). */
  accepts(direct: boolean): boolean {
    return this.state === 'open' || (direct && this.state === 'closing');
  }

  /**
   * Throws unless an operation may start, in this order: not from inside the callback of the
   * transaction holding the queue (unless `direct`, through its scope), and the database open.
   */
  requireOpen(direct: boolean): void {
    if (!direct) this.refuseFromOwnTransaction();
    if (!this.accepts(direct)) throw invalidState(DATABASE_NOT_OPEN);
  }

  /**
   * Runs one job and resolves with `finish(...outcome)`, its kind's outcome (jobs.ts Outcomes;
   * called synchronously in the completion, while its rows are in the scratch). `direct`: issued
   * by the transaction holding the queue. A rejection carries the stack of the code awaiting it
   * (withCallerStack).
   */
  call<S extends JobSpec, T>(direct: boolean, spec: S, finish: Finish<S['kind'], T>, options: OperationOptions | undefined): Promise<T> {
    return withCallerStack(this.callWithoutCallerStack(direct, spec, finish, options));
  }

  /**
   * call() whose rejection keeps the stack the error was made with: for the cursor, which gives
   * a batch's error the stack of the call it hands it to, and for clean-ups and close().
   */
  callWithoutCallerStack<S extends JobSpec, T>(
    direct: boolean,
    spec: S,
    finishOutcome: Finish<S['kind'], T>,
    options: OperationOptions | undefined,
  ): Promise<T> {
    // The engine hands every kind's outcome over as (a, b, c); Outcomes types them per kind.
    const finish = finishOutcome as unknown as PositionalFinish<T>;
    return new Promise<T>((resolve, reject) => {
      const refusal = this.#refusal(direct, spec.kind);
      if (refusal !== undefined) {
        reject(refusal);
        return;
      }
      const signal = options?.signal;
      const startsNow = this.#startsNow(direct);
      if (signal === undefined && startsNow) {
        // The common case, kept free of the cancellation machinery below.
        this.engine.submit(spec, settleFrom(finish, resolve, reject));
        return;
      }
      if (signal?.aborted) {
        reject(abortError(signal));
        return;
      }
      const start = () => this.#submitCancellable(spec, signal, finish, resolve, reject);
      if (startsNow) start();
      else this.#park(spec, start, signal, reject);
    });
  }

  // Why a job may not be issued, if it may not: from inside the callback of the transaction
  // holding the queue (unless `direct`, through its scope); once close() was called — except the
  // transaction in progress finishing, and clean-ups.
  #refusal(direct: boolean, kind: JobKind): Error | undefined {
    if (!direct && this.#insideOwnTransaction()) return selfWaitError();
    if (this.state === 'open' || (direct && this.state === 'closing') || isCleanup(kind)) return undefined;
    return invalidState(DATABASE_NOT_OPEN);
  }

  // Whether a job goes to the engine now rather than waiting for a transaction to end.
  #startsNow(direct: boolean): boolean {
    return direct || (this.#holder === null && this.#parked.length === 0);
  }

  // Submits the job so that an abort of `signal` cancels it: removed from the queue (it rejects
  // here), or interrupted while it runs (it fails with SQLITE_INTERRUPT, or SQLITE_BUSY in a
  // busy wait) — either way with an AbortError.
  #submitCancellable<T>(spec: JobSpec, signal: AbortSignal | undefined, finish: PositionalFinish<T>, resolve: Resolve<T>, reject: Reject): void {
    let abortRequested = false;
    let onAbort: (() => void) | undefined;
    const settle = settleFrom(finish, resolve, reject, (error) => (abortRequested && stoppedByCancel(error) ? abortError(signal) : error));
    const id = this.engine.submit(spec, (error, a, b, c) => {
      if (onAbort !== undefined) signal!.removeEventListener('abort', onAbort);
      settle(error, a, b, c);
    });
    if (signal === undefined || id === 0) return;
    onAbort = () => {
      abortRequested = true;
      if (this.engine.cancel(id) === 'removed') reject(abortError(signal));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  }

  // Lines the job up behind the transaction holding the queue; it is submitted when that ends,
  // but what it binds is read now. An abort meanwhile takes it out of the line.
  #park(spec: JobSpec, start: () => void, signal: AbortSignal | undefined, reject: Reject): void {
    if (bindsParameters(spec)) spec.params = snapshotParams(spec.params);
    const parked: Parked = { start };
    if (signal !== undefined) {
      const onAbort = () => {
        const at = this.#parked.indexOf(parked);
        if (at >= 0) this.#parked.splice(at, 1);
        reject(abortError(signal));
      };
      parked.start = () => {
        signal.removeEventListener('abort', onAbort);
        start();
      };
      signal.addEventListener('abort', onAbort, { once: true });
    }
    this.#parked.push(parked);
  }

  /** Throws when called from inside the callback of the transaction holding the queue. */
  refuseFromOwnTransaction(): void {
    if (this.#insideOwnTransaction()) throw selfWaitError();
  }

  #insideOwnTransaction(): boolean {
    return this.#holder !== null && transactionContext.getStore() === this.#holder;
  }

  /** Waits in line, then makes `holder` the owner of the queue. */
  acquire(holder: object): Promise<void> {
    try {
      this.refuseFromOwnTransaction();
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.#holder === null && this.#parked.length === 0) {
      this.#holder = holder;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      this.#parked.push({
        start: () => {
          this.#holder = holder;
          resolve();
        },
      });
    });
  }

  /** Ends `holder`'s ownership and submits what waited for it, in order, up to the next holder. */
  release(holder: object): void {
    if (this.#holder !== holder) return;
    this.#holder = null;
    while (this.#holder === null && this.#parked.length > 0) this.#parked.shift()!.start();
  }
}
