// The prepared statements of one database, by SQL text. Prisma's query compiler emits the same
// parameterized SQL for the same query shape, so a statement is compiled once and then each query
// is one job on the database thread (with readers, the reads of a cached statement run on them).
//
// Only compiled statements are cached, never a compilation in flight: a transaction must not wait
// for a prepare() issued outside it, which waits for the transaction (it holds the queue) — it
// compiles its own copy instead. A statement that falls out of the cache is not finalized here
// (a query that has just taken it may not have issued its run yet): dropped, it is finalized on
// the database thread once collected.
import { Transaction, type AsyncDatabase, type AsyncStatement } from 'sqlite-strand';

/** A compiled statement and its result columns. */
export interface CachedStatement {
  readonly statement: AsyncStatement;
  /** The result columns' names and declared types; none for a statement that returns no rows. */
  readonly columnNames: readonly string[];
  readonly declaredTypes: readonly (string | null)[];
}

/** Where a query runs: the database, or a transaction's scope (which holds the database's queue). */
export type Scope = AsyncDatabase | Transaction;

/** A statement of the database, run in `scope`. */
export function inScope(scope: Scope, statement: AsyncStatement): AsyncStatement {
  return scope instanceof Transaction ? scope.statement(statement) : statement;
}

// A finalized statement (the database was deserialized or closed) throws when asked for its SQL.
function isUsable(statement: AsyncStatement): boolean {
  try {
    void statement.sourceSQL;
    return true;
  } catch {
    return false;
  }
}

// SQL that can change what a cached statement's columns are (`SELECT *` after ALTER TABLE).
const SCHEMA_CHANGE = /^\s*(?:CREATE|ALTER|DROP)\b/i;

/**
 * A bounded cache, least recently used out first.
 *
 * The columns are those of the compilation. SQLite recompiles a statement after a schema change
 * only when it next runs, and its column metadata stays the old one until then (node:sqlite's
 * `columns()` shows the same) — with readers, the writer's copy may never run. So the cache is
 * emptied when the adapter runs DDL or a script, and a query whose rows do not have as many
 * values as the cached columns compiles its statement anew (`forget()`); what remains unseen is a
 * schema change made outside the adapter that keeps the number of columns (a RENAME COLUMN).
 */
export class StatementCache {
  readonly #entries = new Map<string, CachedStatement>();
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /**
   * The statement for `sql`: the cached one (synchronously: most queries hit, and cost no extra
   * turn of the microtask queue), or a promise of one compiled in `scope`.
   */
  get(sql: string, scope: Scope): CachedStatement | Promise<CachedStatement> {
    const cached = this.#entries.get(sql);
    if (cached !== undefined) {
      this.#entries.delete(sql);
      if (isUsable(cached.statement)) {
        this.#entries.set(sql, cached); // most recent last
        return cached;
      }
    }
    return this.#compile(sql, scope);
  }

  async #compile(sql: string, scope: Scope): Promise<CachedStatement> {
    const statement = await scope.prepare(sql);
    // Rows come back as arrays (a result may repeat a column name) and integers as bigints (so an
    // INTEGER value is told from a REAL one, and none loses precision). The statement is ours alone.
    statement.setReturnArrays(true);
    statement.setReadBigInts(true);
    const columns = await inScope(scope, statement).columns();
    const entry: CachedStatement = { statement, columnNames: columns.map((c) => c.name), declaredTypes: columns.map((c) => c.type) };
    if (this.#capacity > 0) {
      this.#entries.set(sql, entry);
      if (this.#entries.size > this.#capacity) this.#entries.delete(this.#entries.keys().next().value as string);
    }
    return entry;
  }

  /** Drops the statement for `sql`: the next get() compiles it anew. */
  forget(sql: string): void {
    this.#entries.delete(sql);
  }

  /** Notes that `sql` ran: a schema change empties the cache. */
  ran(sql: string): void {
    if (SCHEMA_CHANGE.test(sql)) this.clear();
  }

  clear(): void {
    this.#entries.clear();
  }
}
