// RowCursor: the AsyncIterableIterator of iterate(). Rows come in batches (an IterOpen job, then
// IterNext jobs, in the database's FIFO): the first small for a quick first row, then doubling
// up to `batchSize` and about BATCH_BYTES.
//
// The contract (docs/ASYNC.md, "Cursors"): every next()/return()/throw() settles with what the
// same calls on a DatabaseSync iterator give in call order, even when several are in flight.
// So everything a call decides is decided when it is made, and results are handed out in call
// order:
//   - the batch a call needs is requested when the call is made — its job goes into the FIFO
//     at that point, after the work called before it and before the work called after it; so is
//     the next batch when a call takes the first row of a batch (one batch read ahead: real
//     backpressure, bounded memory). Only a batch cut short by the byte cap makes a later request;
//   - a call checks the statement when it is made, as a sync iterator's next() does: finalized
//     (or the database closed), then executed again since iterate() ("iterator was invalidated");
//     an aborted signal rejects with AbortError even when rows are buffered;
//   - return()/throw() end the cursor after the calls made before them, which still get their
//     rows; the IterClose job resets (or finalizes) the statement on the database thread;
//   - a SQLite error ends the cursor at the position it happened (the rows read before it come
//     first); a fetch that fails is always handled here, never left as an unhandled rejection.
import { adoptCurrentStack, AbortError } from './async-errors';
import type { DatabaseCore, OperationOptions } from './async-core';
import type { RowShape } from './async-rows';
import { JobKind } from './engine';
import type { IterNextSpec, IterOpenSpec, QuerySpec } from './jobs';
import { invalidState } from '../shared/errors';
import type { Row } from '../shared/row-factory';
import type { SQLOutputValue } from '../shared/types';
import { DATABASE_NOT_OPEN, ITERATOR_INVALIDATED, STATEMENT_FINALIZED } from '../shared/messages';

const FIRST_BATCH = 16;
const DEFAULT_MAX_BATCH = 1024;
const BATCH_BYTES = 1 << 20;

type AnyRow = Row | SQLOutputValue[];
type Result = IteratorResult<AnyRow, undefined>;

interface Batch {
  rows: AnyRow[];
  done: boolean;
}

interface Request {
  /** Rows asked for. */
  size: number;
  /** Settles with the batch, or rejects with the error that ended the cursor; always handled. */
  batch: Promise<Batch>;
  settled?: { batch?: Batch; error?: unknown };
}

/** The statement a cursor iterates, when it is a prepared one (not SQL text). */
export interface CursorStatement {
  finalized: boolean;
  execution: number;
}

export interface CursorSource {
  core: DatabaseCore;
  direct: boolean;
  shape: RowShape;
  returnArrays: boolean;
  /** The IterOpen job without its batch fields: sql or statement, params, binding flags. */
  open: QuerySpec<JobKind.IterOpen>;
  options: OperationOptions | undefined;
  statement: CursorStatement | undefined;
}

const DONE: Result = Object.freeze({ done: true, value: undefined }) as Result;
const noop = () => {};

export class RowCursor implements AsyncIterableIterator<AnyRow> {
  readonly #source: CursorSource;
  readonly #cursor: number;
  readonly #maxBatch: number;
  readonly #execution: number;
  #batchSize: number;
  #requests: Request[] = [];
  #requested = 0; // rows asked for so far
  #firstRow = 0; // the position of the first row of #requests[0]
  #calls = 0; // next() calls that take a row (the position each one reads)
  #returned = false; // return()/throw() was called (known when calls are made)
  #over = false; // a call found the end, an error or an abort (known when results are handed out)
  #closeSent = false;
  #generation = -1; // the database's generation when this cursor started (see DatabaseCore)
  // Results are handed out in call order: each call waits for the one before.
  #tail: Promise<unknown> = Promise.resolve();
  // Calls queued on #tail whose result has not settled yet.
  #undelivered = 0;
  readonly #delivered = (): void => {
    this.#undelivered--;
  };

  constructor(source: CursorSource) {
    this.#source = source;
    this.#cursor = source.core.newCursorId();
    this.#maxBatch = source.options?.batchSize ?? DEFAULT_MAX_BATCH;
    this.#batchSize = Math.min(FIRST_BATCH, this.#maxBatch);
    this.#execution = source.statement?.execution ?? 0;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  #open(): boolean {
    const { core, direct } = this.#source;
    return core.state === 'open' || (direct && core.state === 'closing');
  }

  // Asks for the next batch now: its job takes its place in the FIFO.
  #request(): void {
    const { core, direct, shape, returnArrays, open, options } = this.#source;
    const size = this.#batchSize;
    const spec: IterOpenSpec | IterNextSpec = this.#requests.length > 0
      ? { kind: JobKind.IterNext, cursor: this.#cursor, readBigInts: open.readBigInts, batchRows: size, batchBytes: BATCH_BYTES }
      : { ...open, kind: JobKind.IterOpen, cursor: this.#cursor, batchRows: size, batchBytes: BATCH_BYTES };
    if (this.#requests.length === 0) this.#generation = core.generation;
    this.#batchSize = Math.min(this.#batchSize * 2, this.#maxBatch);
    const request: Request = {
      size,
      batch: core.callWithoutCallerStack(
        direct,
        spec,
        (boxed, names, done) => {
          shape.update(names);
          return { rows: shape.rows(boxed, returnArrays), done: done === true };
        },
        options,
      ),
    };
    request.batch.then(
      (batch) => (request.settled = { batch }),
      (error) => (request.settled = { error }),
    );
    this.#requested += size;
    this.#requests.push(request);
  }

  // Whether some request already came back done, or failed (then nothing more is asked for).
  #knownEnd(): boolean {
    return this.#requests.some((r) => r.settled !== undefined && (r.settled.error !== undefined || r.settled.batch!.done));
  }

  // The other checks of next() give way to an end that an earlier call will have found by then.
  // (A method, not a closure made in next(): the build's keepNames would name that closure with
  // an Object.defineProperty on every call.)
  #fail(error: Error): Promise<Result> {
    return this.#inOrder(() => (this.#over ? DONE : Promise.reject(error)));
  }

  // Queues `deliver` behind the calls made before this one.
  #inOrder(deliver: () => Result | Promise<Result>): Promise<Result> {
    this.#undelivered++;
    const result = this.#tail.then(deliver);
    this.#tail = result.then(this.#delivered, this.#delivered);
    return result;
  }

  // The row at `position` at once, when nothing is ahead of this call (every earlier result has
  // settled) and its batch is back: what #deliver would hand out, without its chain of promises
  // (three per row, most of a streamed row's cost). Undefined when the call must wait in line.
  #deliverNow(position: number): Result | undefined {
    if (this.#undelivered !== 0 || this.#over) return undefined;
    const batch = this.#requests[0]?.settled?.batch;
    return batch === undefined ? undefined : this.#rowOf(batch, position);
  }

  // The row at `position` if `batch` (the oldest one kept) holds it, dropping the batch once its
  // last row is handed out (unless it ended the iteration); undefined if the row lies beyond it.
  #rowOf(batch: Batch, position: number): Result | undefined {
    const offset = position - this.#firstRow;
    if (offset >= batch.rows.length) return undefined;
    const value = batch.rows[offset];
    if (offset === batch.rows.length - 1 && !batch.done) this.#dropFirst(batch);
    return { done: false, value };
  }

  next(): Promise<Result> {
    const statement = this.#source.statement;
    const signal = this.#source.options?.signal;
    // Decided now, at call time, in the sync iterator's order.
    if (statement !== undefined && (statement.finalized || !this.#open())) {
      return this.#inOrder(() => Promise.reject(invalidState(STATEMENT_FINALIZED)));
    }
    if (this.#returned) return this.#inOrder(() => DONE);
    const started = this.#requests.length > 0;
    if (statement === undefined && started && this.#generation !== this.#source.core.generation) {
      // SQL text: a deserialize() since it started finalized its statement.
      return this.#fail(invalidState(STATEMENT_FINALIZED));
    }
    if (statement === undefined && !this.#open()) {
      // SQL text: once started, its statement went with the close; never started, it cannot
      // start (as a failed IterOpen, that ends it).
      if (started) return this.#fail(invalidState(STATEMENT_FINALIZED));
      return this.#inOrder(() => {
        if (this.#over) return DONE;
        this.#over = true;
        return Promise.reject(invalidState(DATABASE_NOT_OPEN));
      });
    }
    if (statement !== undefined && statement.execution !== this.#execution) return this.#fail(invalidState(ITERATOR_INVALIDATED));
    if (signal?.aborted) {
      const reason = signal.reason;
      return this.#inOrder(() => {
        if (this.#over) return DONE;
        this.#over = true;
        return Promise.reject(new AbortError(undefined, { cause: reason }));
      });
    }
    const position = this.#calls++;
    if (!this.#knownEnd()) {
      while (this.#requested <= position) this.#request();
      // One batch ahead: the call taking the first row of the newest batch asks for the next.
      const newest = this.#requests[this.#requests.length - 1];
      if (newest !== undefined && position === this.#requested - newest.size && !this.#knownEnd()) this.#request();
    }
    const now = this.#deliverNow(position);
    if (now !== undefined) return Promise.resolve(now);
    return this.#inOrder(() => this.#deliver(position));
  }

  // The row at `position`, once the batches before it are back. Batches are dropped as soon as
  // their last row is handed out (calls are delivered one at a time, in order).
  async #deliver(position: number): Promise<Result> {
    for (;;) {
      if (this.#over) return DONE;
      if (this.#requests.length === 0) {
        // Batches cut short by the byte cap: ask again, now.
        if (!this.#open()) {
          this.#over = true;
          return DONE;
        }
        this.#request();
      }
      const request = this.#requests[0];
      let batch: Batch;
      try {
        batch = await request.batch;
      } catch (error) {
        // The database side closed the cursor on error: it ends here.
        this.#over = true;
        this.#closeSent = true;
        throw adoptCurrentStack(error);
      }
      const row = this.#rowOf(batch, position);
      if (row !== undefined) return row;
      if (batch.done) {
        this.#over = true;
        this.#closeSent = true;
        return DONE;
      }
      this.#dropFirst(batch);
    }
  }

  #dropFirst(batch: Batch): void {
    this.#requests.shift();
    this.#firstRow += batch.rows.length;
  }

  return(): Promise<Result> {
    if (this.#returned) return this.#inOrder(() => DONE);
    this.#returned = true;
    const close = this.#closeNow();
    return this.#inOrder(async () => {
      await close;
      return DONE;
    });
  }

  async throw(error?: unknown): Promise<Result> {
    await this.return();
    throw error;
  }

  // The IterClose job, now (after the batches asked for), unless the database side already
  // closed the cursor or the whole database is going away (close() finalizes it anyway).
  #closeNow(): Promise<void> {
    if (this.#requests.length === 0 || this.#closeSent || this.#knownEnd() || !this.#open()) return Promise.resolve();
    this.#closeSent = true;
    const { core, direct } = this.#source;
    return core.callWithoutCallerStack(direct, { kind: JobKind.IterClose, cursor: this.#cursor }, () => undefined, undefined).catch(noop);
  }
}

/** A cursor that cannot start (iterate() with a bad argument): its first next() rejects with `error`. */
export function failedCursor(error: Error): AsyncIterableIterator<AnyRow> {
  let failed = false;
  const cursor: AsyncIterableIterator<AnyRow> = {
    [Symbol.asyncIterator]: () => cursor,
    next: () => {
      if (failed) return Promise.resolve(DONE);
      failed = true;
      return Promise.reject(error);
    },
    return: () => {
      failed = true;
      return Promise.resolve(DONE);
    },
    throw: (thrown?: unknown) => {
      failed = true;
      return Promise.reject(thrown);
    },
  };
  return cursor;
}
