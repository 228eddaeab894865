// A Readable of the rows of a cursor (`iterate()`), for knex's `.stream()`: it pulls one row per
// read() — the cursor fetches them in batches, with one batch read ahead — so the consumer's
// backpressure reaches the cursor, and destroying the stream (an early `break`, `stream.destroy()`)
// closes the cursor, which resets its statement on the database thread.
import { Readable } from 'node:stream';
import { plainRow } from './values';

/** The rows of `cursor` as an object-mode Readable that closes the cursor when destroyed. */
export function rowStream(cursor: AsyncIterableIterator<object>): Readable {
  return new Readable({
    objectMode: true,
    read() {
      cursor.next().then(
        (step) => {
          if (!this.destroyed) this.push(step.done ? null : plainRow(step.value));
        },
        (error: unknown) => this.destroy(error as Error),
      );
    },
    destroy(error, callback) {
      // After the end or an error the cursor is closed already; return() is then harmless.
      Promise.resolve(cursor.return?.()).then(
        () => callback(error),
        (closeError: unknown) => callback(error ?? (closeError as Error)),
      );
    },
  });
}
