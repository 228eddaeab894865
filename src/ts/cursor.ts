// RowCursor: the AsyncIterableIterator of iterate(). Rows come in batches (IterOpen, then
// IterNext jobs in the database's FIFO), the first small for a quick first row, then doubling up
// to `batchSize` and about BATCH_BYTES. At most one batch is in flight ahead of the consumer:
// real backpressure, bounded memory. return() (an early `break`) and throw() close the cursor on
// the database thread, which resets (or finalizes) its statement.
import { adoptCurrentStack } from './async-errors';
import type { DatabaseCore, OperationOptions } from './async-core';
import type { RowShape } from './async-rows';
import { JobKind, type JobSpec } from './engine';
import type { Row } from './row-factory';
import type { SQLOutputValue } from './statement-sync';

const FIRST_BATCH = 16;
const DEFAULT_MAX_BATCH = 1024;
const BATCH_BYTES = 1 << 20;

type AnyRow = Row | SQLOutputValue[];

interface Batch {
  rows: AnyRow[];
  done: boolean;
}

export interface CursorSource {
  core: DatabaseCore;
  direct: boolean;
  shape: RowShape;
  returnArrays: boolean;
  /** The IterOpen job without its batch fields: sql or statement, params, binding flags. */
  open: JobSpec;
  options: OperationOptions | undefined;
}

export class RowCursor implements AsyncIterableIterator<AnyRow> {
  readonly #source: CursorSource;
  readonly #cursor: number;
  readonly #maxBatch: number;
  #batchSize = FIRST_BATCH;
  #rows: AnyRow[] = [];
  #index = 0;
  #pending: Promise<Batch> | undefined;
  #started = false;
  #exhausted = false; // the database side has no more rows (its cursor is closed)
  #finished = false; // the consumer is done: no more results

  constructor(source: CursorSource) {
    this.#source = source;
    this.#cursor = source.core.newCursorId();
    this.#maxBatch = Math.max(1, source.options?.batchSize ?? DEFAULT_MAX_BATCH);
    this.#batchSize = Math.min(FIRST_BATCH, this.#maxBatch);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  #fetch(): Promise<Batch> {
    const { core, direct, shape, returnArrays, open, options } = this.#source;
    const spec: JobSpec = this.#started
      ? { kind: JobKind.IterNext, cursor: this.#cursor, readBigInts: open.readBigInts }
      : { ...open, kind: JobKind.IterOpen, cursor: this.#cursor };
    spec.batchRows = this.#batchSize;
    spec.batchBytes = BATCH_BYTES;
    this.#started = true;
    this.#batchSize = Math.min(this.#batchSize * 2, this.#maxBatch);
    return core.call(
      direct,
      spec,
      (boxed, names, done) => {
        shape.update(names);
        return { rows: shape.rows(boxed, returnArrays), done: done === true };
      },
      options,
    );
  }

  async next(): Promise<IteratorResult<AnyRow, undefined>> {
    while (!this.#finished) {
      if (this.#index < this.#rows.length) {
        const value = this.#rows[this.#index++];
        // Keep exactly one batch in flight while the consumer works through this one.
        if (this.#pending === undefined && !this.#exhausted) this.#pending = this.#fetch();
        return { done: false, value };
      }
      if (this.#exhausted) break;
      const pending = this.#pending ?? this.#fetch();
      this.#pending = undefined;
      let batch: Batch;
      try {
        batch = await pending;
      } catch (error) {
        // The database side closed the cursor on error.
        this.#exhausted = true;
        this.#finished = true;
        throw adoptCurrentStack(error);
      }
      if (this.#finished) break;
      this.#rows = batch.rows;
      this.#index = 0;
      this.#exhausted = batch.done;
    }
    this.#finished = true;
    this.#rows = [];
    return { done: true, value: undefined };
  }

  async return(): Promise<IteratorResult<AnyRow, undefined>> {
    if (!this.#finished) {
      this.#finished = true;
      this.#rows = [];
      const pending = this.#pending;
      this.#pending = undefined;
      if (pending) await pending.catch(() => undefined);
      if (this.#started && !this.#exhausted) {
        this.#exhausted = true;
        const { core, direct } = this.#source;
        if (core.state !== 'closed') {
          await core.call(direct, { kind: JobKind.IterClose, cursor: this.#cursor }, () => undefined, undefined);
        }
      }
    }
    return { done: true, value: undefined };
  }

  async throw(error?: unknown): Promise<IteratorResult<AnyRow, undefined>> {
    await this.return();
    throw error;
  }
}
