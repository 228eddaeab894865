// AsyncConnection: what Kysely calls a connection, on an AsyncDatabase. Kysely acquires one for
// each query, each transaction and each db.connection() call, and releases it after; all of them
// share the database's one writer connection (and its readers).
//
// - Outside a transaction a query goes straight to the database, so queries issued together are
//   queued together and reads spread over the readers (nothing serializes them here). Queries run
//   through the prepared statements of statement-cache.ts once they are ready, as SQL text before.
// - A transaction is the database's own transaction() held open across Kysely's begin, queries
//   and commit/rollback: its callback hands its scope over and waits for the outcome. While it is
//   open the database's queue is held — every other operation, through this adapter or not, waits
//   until it ends, so nothing issued from outside can land inside it.
// - Kysely's abort signal does not stop a query by itself (its default inflightQueryAbortStrategy,
//   'ignore query', lets it finish); with 'cancel query' Kysely calls cancelQuery(), which aborts
//   this connection's queries in flight through the database's per-operation `signal`.
import type { AsyncDatabase, SQLInputValue, Transaction } from 'sqlite-strand';
import type { CompiledQuery, QueryResult } from 'kysely';
import { changesResult, invalidState, type StrandConnection } from './connection';
import { returnsRows } from './returns-rows';
import type { AsyncStatementCache } from './statement-cache';

type Runner = AsyncDatabase | Transaction;

// What the transaction's callback throws to make the database roll it back.
const ROLLBACK = Symbol('rollback');

type Outcome = 'commit' | 'rollback';

/** A Kysely connection on an AsyncDatabase (see the top of this file). */
export class AsyncConnection implements StrandConnection {
  readonly #database: AsyncDatabase;
  readonly #statements: AsyncStatementCache;
  // While a transaction is open: its scope, how to end it, and the transaction() call's promise.
  #scope: Transaction | undefined;
  #end: ((outcome: Outcome) => void) | undefined;
  #done: Promise<void> | undefined;
  // The controllers of the queries in flight that were given a signal: cancelQuery() aborts them.
  readonly #cancellable = new Set<AbortController>();

  /** @param statements the database's statements, shared by all its connections. */
  constructor(database: AsyncDatabase, statements: AsyncStatementCache) {
    this.#database = database;
    this.#statements = statements;
  }

  get inTransaction(): boolean {
    return this.#scope !== undefined;
  }

  async executeQuery<R>(compiledQuery: CompiledQuery, options?: { signal?: AbortSignal }): Promise<QueryResult<R>> {
    const rows = returnsRows(compiledQuery);
    let controller: AbortController | undefined;
    if (options?.signal !== undefined) {
      controller = new AbortController();
      this.#cancellable.add(controller);
    }
    try {
      const { sql } = compiledQuery;
      // Kysely's values are unchecked here; the library checks each as it binds.
      const parameters = compiledQuery.parameters as SQLInputValue[];
      const statement = this.#statements.get(sql);
      if (statement !== undefined) {
        let target = this.#scope?.statement(statement) ?? statement;
        if (controller !== undefined) target = target.with({ signal: controller.signal });
        if (rows) return { rows: await target.all<R>(...parameters) };
        return changesResult(await target.run(...parameters));
      }
      let runner: Runner = this.#scope ?? this.#database;
      if (controller !== undefined) runner = runner.with({ signal: controller.signal });
      if (rows) return { rows: await runner.all<R>(sql, ...parameters) };
      return changesResult(await runner.run(sql, ...parameters));
    } finally {
      if (controller !== undefined) this.#cancellable.delete(controller);
    }
  }

  /** Kysely's 'cancel query': stops this connection's queries in flight (they reject with ABORT_ERR). */
  async cancelQuery(): Promise<void> {
    for (const controller of this.#cancellable) controller.abort();
  }

  async *streamQuery<R>(compiledQuery: CompiledQuery, chunkSize: number): AsyncIterableIterator<QueryResult<R>> {
    const { sql } = compiledQuery;
    const parameters = compiledQuery.parameters as SQLInputValue[];
    // The cursor reads `chunkSize` rows per trip to the database thread once past its first,
    // smaller batches; leaving the loop early (a `break` in the consumer) closes it there.
    const cursor = (this.#scope ?? this.#database).with({ batchSize: chunkSize }).iterate<R>(sql, ...parameters);
    let rows: R[] = [];
    for await (const row of cursor) {
      rows.push(row);
      if (rows.length >= chunkSize) {
        yield { rows };
        rows = [];
      }
    }
    if (rows.length > 0) yield { rows };
  }

  async begin(): Promise<void> {
    if (this.#scope !== undefined) throw invalidState('This connection is already in a transaction.');
    let end!: (outcome: Outcome) => void;
    const outcome = new Promise<Outcome>((resolve) => (end = resolve));
    let began!: (scope: Transaction) => void;
    let failed!: (error: unknown) => void;
    const scope = new Promise<Transaction>((resolve, reject) => {
      began = resolve;
      failed = reject;
    });
    const done = this.#database.transaction(async (tx) => {
      began(tx);
      if ((await outcome) === 'rollback') throw ROLLBACK;
    });
    // BEGIN failed (the callback never ran): begin() rejects with its error. Once the callback has
    // run, `failed` does nothing; commit() or rollback() takes the outcome.
    done.catch(failed);
    this.#scope = await scope;
    this.#end = end;
    this.#done = done;
  }

  async commit(): Promise<void> {
    const { end, done } = this.#take();
    if (end === undefined) throw invalidState('This connection is not in a transaction.');
    end('commit');
    // A failed COMMIT rejects here, after the database rolled the transaction back.
    await done;
  }

  async rollback(): Promise<void> {
    const { end, done } = this.#take();
    // Already over: its COMMIT failed and the database rolled it back (Kysely rolls back then).
    if (end === undefined) return;
    end('rollback');
    await done!.catch((error: unknown) => {
      if (error !== ROLLBACK) throw error;
    });
  }

  // Ends this connection's transaction state: what it issues from now on goes to the database.
  #take(): { end: ((outcome: Outcome) => void) | undefined; done: Promise<void> | undefined } {
    const taken = { end: this.#end, done: this.#done };
    this.#scope = undefined;
    this.#end = undefined;
    this.#done = undefined;
    return taken;
  }
}
