// SyncConnection: a Kysely connection on a DatabaseSync — synchronous calls on the calling thread,
// as Kysely's SqliteDialect makes them on better-sqlite3, with the parameters passed as SQLite
// expects them (Kysely's SqliteDialect passes them as one array, which node:sqlite and
// DatabaseSync take for named parameters: "Unknown named parameter '0'").
//
// Queries run through the prepared statements of statement-cache.ts. Transactions are BEGIN ...
// COMMIT/ROLLBACK on the database, kept from interleaving with other Kysely connections' queries
// by the TransactionGate.
import { AbortError, type DatabaseSync } from 'sqlite-strand';
import type { CompiledQuery, QueryResult } from 'kysely';
import { changesResult, invalidState, type StrandConnection } from './connection';
import { returnsRows } from './returns-rows';
import type { SyncStatementCache } from './statement-cache';
import type { TransactionGate } from './transaction-gate';

/** A Kysely connection on a DatabaseSync (see the top of this file). */
export class SyncConnection implements StrandConnection {
  readonly #database: DatabaseSync;
  readonly #statements: SyncStatementCache;
  readonly #gate: TransactionGate;
  #inTransaction = false;
  // Queries waiting at the gate that were given a signal: cancelQuery() stops them from running.
  readonly #waiting = new Set<{ cancelled: boolean }>();

  /** @param statements and `gate` are the database's, shared by all its connections. */
  constructor(database: DatabaseSync, statements: SyncStatementCache, gate: TransactionGate) {
    this.#database = database;
    this.#statements = statements;
    this.#gate = gate;
  }

  get inTransaction(): boolean {
    return this.#inTransaction;
  }

  async executeQuery<R>(compiledQuery: CompiledQuery, options?: { signal?: AbortSignal }): Promise<QueryResult<R>> {
    const wait = this.#gate.wait(this);
    if (wait !== undefined) {
      const entry = { cancelled: false };
      if (options?.signal !== undefined) this.#waiting.add(entry);
      try {
        await wait;
      } finally {
        this.#waiting.delete(entry);
      }
      if (entry.cancelled) throw new AbortError();
    }
    const { sql, parameters } = compiledQuery;
    const statement = this.#statements.get(sql);
    if (returnsRows(compiledQuery)) return { rows: statement.all(...(parameters as never[])) as R[] };
    return changesResult(statement.run(...(parameters as never[])));
  }

  /**
   * Kysely's 'cancel query': a query runs synchronously once it starts, so only one still waiting
   * for another connection's transaction can be stopped (it rejects with ABORT_ERR, unrun).
   */
  async cancelQuery(): Promise<void> {
    for (const entry of this.#waiting) entry.cancelled = true;
  }

  async *streamQuery<R>(compiledQuery: CompiledQuery, chunkSize: number): AsyncIterableIterator<QueryResult<R>> {
    if (!Number.isInteger(chunkSize) || chunkSize < 1) {
      throw Object.assign(new RangeError(`The value of "chunkSize" is out of range. It must be a positive integer. Received ${chunkSize}`), { code: 'ERR_OUT_OF_RANGE' });
    }
    await this.#gate.wait(this);
    const { sql, parameters } = compiledQuery;
    // Leaving the loop early (a `break` in the consumer) returns the iterator: the statement is reset.
    const iterator = this.#database.prepare(sql).iterate(...(parameters as never[])) as IterableIterator<R>;
    let rows: R[] = [];
    for (const row of iterator) {
      rows.push(row);
      if (rows.length >= chunkSize) {
        yield { rows };
        rows = [];
        // Between chunks the consumer may have let another connection begin a transaction: its
        // rows are not read while that transaction is open (they would see its uncommitted writes).
        await this.#gate.wait(this);
      }
    }
    if (rows.length > 0) yield { rows };
  }

  async begin(): Promise<void> {
    if (this.#inTransaction) throw invalidState('This connection is already in a transaction.');
    await this.#gate.acquire(this);
    try {
      this.#database.exec('BEGIN');
    } catch (error) {
      this.#gate.release(this);
      throw error;
    }
    this.#inTransaction = true;
  }

  async commit(): Promise<void> {
    if (!this.#inTransaction) throw invalidState('This connection is not in a transaction.');
    // A failed COMMIT (SQLITE_BUSY) leaves the transaction open, as in SQLite: Kysely rolls it back.
    this.#database.exec('COMMIT');
    this.#end();
  }

  async rollback(): Promise<void> {
    if (!this.#inTransaction) return;
    try {
      // SQLite may have rolled back already (after SQLITE_FULL, an interrupt, ...).
      if (this.#database.isTransaction) this.#database.exec('ROLLBACK');
    } finally {
      this.#end();
    }
  }

  #end(): void {
    this.#inTransaction = false;
    this.#gate.release(this);
  }
}
