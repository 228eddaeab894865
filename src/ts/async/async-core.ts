// DatabaseCore: the state an AsyncDatabase shares with its statements, iterators and
// transaction scopes — the engine, the open/closed state, and the queue gate for transactions.
//
// Ordering: every operation becomes a job in one FIFO (the engine's), in call order. While a
// transaction holds the queue, operations issued on the database (not through the transaction's
// scope) are parked here in call order and submitted, still in order, when it ends — so nothing
// interleaves with a transaction. A transaction() call itself waits in the same line.
import { AsyncLocalStorage } from 'node:async_hooks';
import { AbortError } from './async-errors';
import type { NativeDatabaseConfig } from '../binding';
import { Engine, JobKind, type JobSpec } from './engine';
import { bindsParameters, type Finish } from './jobs';
import { codedError, invalidArgType, invalidState } from '../shared/errors';
import { publishQuery } from '../shared/query-diagnostics';
import { isInt32, isObject } from '../shared/v8-checks';

/** Per-operation options, passed with `.with(options)`. */
export interface OperationOptions {
  /** Cancels the operation: removed if still queued, interrupted if running. */
  signal?: AbortSignal;
  /** Read INTEGER columns as bigint for this operation. */
  readBigInts?: boolean;
  /** Rows as arrays for this operation. */
  returnArrays?: boolean;
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
  if (!isObject(options)) throw invalidArgType('The "options" argument must be an object.');
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

// How a cancelled job ends on the database thread: SQLITE_INTERRUPT from the progress handler
// while it ran, or SQLITE_BUSY when it was waiting for a lock and the busy handler gave up.
function stoppedByCancel(error: Error): boolean {
  // `error` may be any value a user function threw, null included.
  const primary = ((error as { errcode?: number } | null)?.errcode ?? 0) & 0xff;
  return primary === 9 || primary === 5;
}

interface Parked {
  start: () => void;
}

const copyBytes = (value: unknown): unknown => {
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength));
  if (value instanceof ArrayBuffer) return value.slice(0);
  if (typeof SharedArrayBuffer === 'function' && value instanceof SharedArrayBuffer) return new Uint8Array(value).slice().buffer;
  return value;
};

const isBinary = (value: unknown) =>
  ArrayBuffer.isView(value) || value instanceof ArrayBuffer || (typeof SharedArrayBuffer === 'function' && value instanceof SharedArrayBuffer);

/**
 * The parameters of a call that waits behind a transaction, read as the sync call would read
 * them at that moment: binary values' bytes copied, a named-parameter object's own enumerable
 * keys read in order into a plain copy. (Later changes to what the caller passed are not seen.)
 */
function snapshotParams(params: unknown[]): unknown[] {
  const out = params.map(copyBytes);
  const first = params[0];
  if (isObject(first) && !isBinary(first)) {
    const named: Record<string, unknown> = {};
    for (const key of Object.keys(first)) named[key] = copyBytes(first[key]);
    out[0] = named;
  }
  return out;
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
  readonly engine: Engine;
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

  constructor(config: NativeDatabaseConfig) {
    this.config = config;
    this.engine = new Engine(config);
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
    if (!this.accepts(direct)) throw invalidState('database is not open');
  }

  /**
   * Runs one job and resolves with `finish(...outcome)`, its kind's outcome (jobs.ts Outcomes;
   * called synchronously in the completion, while its rows are in the scratch). `direct`: issued
   * by the transaction holding the queue.
   */
  call<S extends JobSpec, T>(direct: boolean, spec: S, finishOutcome: Finish<S['kind'], T>, options: OperationOptions | undefined): Promise<T> {
    // The engine hands every kind's outcome over as (a, b, c); Outcomes types them per kind.
    const finish = finishOutcome as unknown as (a: unknown, b: unknown, c: unknown) => T;
    return new Promise<T>((resolve, reject) => {
      const fail = reject;
      // Once close() is called nothing new starts — except the transaction in progress finishing,
      // and clean-ups (closing cursors, finalizing) that the close would do anyway.
      const cleanup = spec.kind === JobKind.Close || spec.kind === JobKind.IterClose || spec.kind === JobKind.Finalize;
      if (!direct) {
        try {
          this.refuseFromOwnTransaction();
        } catch (error) {
          fail(error);
          return;
        }
      }
      if (this.state !== 'open' && !cleanup && !(direct && this.state === 'closing')) {
        fail(invalidState('database is not open'));
        return;
      }
      const signal = options?.signal;
      if (signal === undefined && (direct || (this.#holder === null && this.#parked.length === 0))) {
        // The common case, kept free of the cancellation machinery below.
        this.engine.submit(spec, (error, a, b, c) => {
          if (error !== undefined) {
            fail(error);
            return;
          }
          try {
            resolve(finish(a, b, c));
          } catch (e) {
            fail(e);
          }
        });
        return;
      }
      const aborted = () => new AbortError(undefined, { cause: signal?.reason });
      if (signal?.aborted) {
        fail(aborted());
        return;
      }
      let onAbort: (() => void) | undefined;
      const start = () => {
        let abortRequested = false;
        const id = this.engine.submit(spec, (error, a, b, c) => {
          if (onAbort) signal!.removeEventListener('abort', onAbort);
          if (error !== undefined) {
            fail(abortRequested && stoppedByCancel(error) ? aborted() : error);
            return;
          }
          try {
            resolve(finish(a, b, c));
          } catch (e) {
            fail(e);
          }
        });
        if (signal && id !== 0) {
          onAbort = () => {
            abortRequested = true;
            if (this.engine.cancel(id) === 'removed') fail(aborted());
          };
          signal.addEventListener('abort', onAbort, { once: true });
        }
      };
      if (direct || (this.#holder === null && this.#parked.length === 0)) {
        start();
        return;
      }
      // Parked: the job is built when the transaction ends, but what it binds is read now.
      if (bindsParameters(spec)) spec.params = snapshotParams(spec.params);
      const parked: Parked = { start };
      if (signal) {
        onAbort = () => {
          const at = this.#parked.indexOf(parked);
          if (at >= 0) this.#parked.splice(at, 1);
          fail(aborted());
        };
        parked.start = () => {
          signal.removeEventListener('abort', onAbort!);
          onAbort = undefined;
          start();
        };
        signal.addEventListener('abort', onAbort, { once: true });
      }
      this.#parked.push(parked);
    });
  }

  /** Throws when called from inside the callback of the transaction holding the queue. */
  refuseFromOwnTransaction(): void {
    if (this.#holder !== null && transactionContext.getStore() === this.#holder) throw selfWaitError();
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
