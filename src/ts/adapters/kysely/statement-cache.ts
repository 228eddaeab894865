// Prepared statements kept per SQL text, the most recently used ones, for the queries Kysely runs
// again and again. The first run of a text goes as SQL text (the database thread compiles it for
// that run) while the text is prepared beside it, not awaited; from then on its runs use the
// statement. On an AsyncDatabase that saves the compile of every later run, and lets reads queued
// back to back share a read transaction (docs/ASYNC.md, Ordering) — half the cost of a point
// select with many in flight; on a DatabaseSync it saves the prepare of every query (which costs
// more than running a point select).
//
// A statement can be finalized under the cache (AsyncDatabase#deserialize() and
// DatabaseSync#deserialize() finalize every statement): get() checks that the statement it hands
// out is usable (its `sourceSQL` getter throws once it is finalized) and prepares the text again
// if not. The check is made before the run, never by retrying one that failed: a run that
// rejected may have run.
import type { AsyncDatabase, AsyncStatement, DatabaseSync, StatementSync } from 'sqlite-strand';

/** How many statements a cache keeps: the least recently used beyond it are finalized. */
export const STATEMENT_CACHE_SIZE = 128;

const ignore = () => undefined;

// Whether `statement` was not finalized (by deserialize(), or the database's close()).
function usable(statement: { readonly sourceSQL: string }): boolean {
  try {
    void statement.sourceSQL;
    return true;
  } catch {
    return false;
  }
}

/** The AsyncDatabase's statements, prepared in the background on first use. */
export class AsyncStatementCache {
  readonly #database: AsyncDatabase;
  // In least-recently-used order; null while the text is being prepared.
  readonly #entries = new Map<string, AsyncStatement | null>();

  constructor(database: AsyncDatabase) {
    this.#database = database;
  }

  /** The statement of `sql` if it is ready; undefined (and the text is being prepared) if not. */
  get(sql: string): AsyncStatement | undefined {
    const statement = this.#entries.get(sql);
    if (statement === null) return undefined;
    this.#entries.delete(sql);
    if (statement === undefined || !usable(statement)) {
      this.#prepare(sql);
      return undefined;
    }
    this.#entries.set(sql, statement);
    return statement;
  }

  #prepare(sql: string): void {
    this.#entries.set(sql, null);
    this.#database.prepare(sql).then(
      (statement) => {
        if (this.#entries.get(sql) !== null) {
          // Evicted while it was prepared.
          statement.finalize().catch(ignore);
          return;
        }
        this.#entries.set(sql, statement);
        this.#evict();
      },
      // Not preparable (an SQL error: the run as SQL text reports it), or the database closed.
      () => {
        if (this.#entries.get(sql) === null) this.#entries.delete(sql);
      },
    );
    this.#evict();
  }

  #evict(): void {
    for (const [sql, statement] of this.#entries) {
      if (this.#entries.size <= STATEMENT_CACHE_SIZE) return;
      this.#entries.delete(sql);
      statement?.finalize().catch(ignore);
    }
  }
}

/** The DatabaseSync's statements, prepared on first use. */
export class SyncStatementCache {
  readonly #database: DatabaseSync;
  readonly #entries = new Map<string, StatementSync>();

  constructor(database: DatabaseSync) {
    this.#database = database;
  }

  /** The statement of `sql`, prepared now if it is not cached. */
  get(sql: string): StatementSync {
    let statement = this.#entries.get(sql);
    if (statement !== undefined) this.#entries.delete(sql);
    if (statement === undefined || !usable(statement)) {
      statement = this.#database.prepare(sql);
      if (this.#entries.size >= STATEMENT_CACHE_SIZE) {
        const [oldest, evicted] = this.#entries.entries().next().value!;
        this.#entries.delete(oldest);
        // Nothing else holds it: queries use their statement synchronously, streams prepare their own.
        evicted[Symbol.dispose]();
      }
    }
    this.#entries.set(sql, statement);
    return statement;
  }
}
