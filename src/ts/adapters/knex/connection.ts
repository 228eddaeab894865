// One knex connection: a view of the AsyncDatabase shared by the pool, and the transaction knex
// opened through it.
//
// Exclusivity. knex runs a transaction as BEGIN, the transaction's queries, then COMMIT or ROLLBACK,
// all on the connection it acquired. Sent as plain SQL on the shared database, the queries of other
// connections (other requests), of other knex instances given the same database, or a plain
// `db.run` would run inside that transaction and be rolled back with it. So BEGIN opens
// `db.transaction()`, which holds the database's queue: the transaction's queries run through its
// scope, everything else issued on the database waits until COMMIT/ROLLBACK lets the callback
// return. The database's gate (database-gate.ts) bounds the wait of the other knex connections.
//
// State rules: `#open` is set once the BEGIN has run and cleared, synchronously, when COMMIT or
// ROLLBACK is asked for — with the gate's hold — so a query knex issues after either goes to the
// database itself (and queues behind the transaction's end). Every promise made here has a
// handler attached at once: no path leaves an unhandled rejection.
import type { AsyncDatabase, Transaction, TransactionOptions } from 'sqlite-strand';
import { FOREIGN_KEYS_OFF, TRANSACTION, gateOf, type DatabaseGate } from './database-gate';

/** What runs a query: the database, or the scope of the transaction open on the connection. */
export type QueryScope = AsyncDatabase | Transaction;

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (reason: unknown) => void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

// What the transaction's callback is failed with on ROLLBACK, so that db.transaction() rolls back;
// it never leaves this module.
const ROLLBACK_REQUESTED = Symbol('ROLLBACK requested');

interface OpenTransaction {
  scope: Transaction;
  /** Resolved for COMMIT, rejected with ROLLBACK_REQUESTED for ROLLBACK. */
  end: Deferred<void>;
  /** db.transaction()'s promise: settles once COMMIT or ROLLBACK has run. */
  finished: Promise<void>;
}

/** A query cancellable by `.timeout(ms, { cancel: true })`, while it runs. */
interface Cancellable {
  controller: AbortController;
  settled: Promise<unknown>;
}

/**
 * The raw connection knex's pool holds: `database` is the `AsyncDatabase` every connection of the
 * pool shares (for `pool.afterCreate` hooks:
 * `(conn, done) => conn.database.exec('PRAGMA ...').then(() => done(), done)`).
 */
export class StrandConnection {
  /** The database this connection runs its queries on (shared with the pool's other connections). */
  readonly database: AsyncDatabase;
  /** Whether knex opened the database (from `connection.filename`), and so closes it in `destroy()`. */
  readonly ownsDatabase: boolean;
  /** @internal Who holds the database exclusively, for every connection on it. */
  readonly gate: DatabaseGate;
  #open: OpenTransaction | undefined = undefined;
  #running: Cancellable | undefined = undefined;

  /** @internal */
  constructor(database: AsyncDatabase, ownsDatabase: boolean) {
    this.database = database;
    this.ownsDatabase = ownsDatabase;
    this.gate = gateOf(database);
  }

  /** Where a query runs now: inside the open transaction, else on the database. */
  get scope(): QueryScope {
    return this.#open?.scope ?? this.database;
  }

  /** Whether knex has a transaction open on this connection. */
  get inTransaction(): boolean {
    return this.#open !== undefined;
  }

  /** BEGIN (`sql`, with its `mode`): opens the database's transaction, holding its queue. */
  async begin(sql: string, mode: TransactionOptions['mode']): Promise<void> {
    // Already in one: SQLite's own refusal ("cannot start a transaction within a transaction").
    if (this.#open !== undefined) return void (await this.#open.scope.exec(sql));
    this.gate.hold(this, TRANSACTION);
    const begun = deferred<void>();
    const end = deferred<void>();
    const open = { end } as OpenTransaction;
    let started = false;
    open.finished = this.database.transaction(
      async (scope) => {
        started = true;
        open.scope = scope;
        this.#open = open;
        begun.resolve();
        await end.promise;
      },
      { mode },
    );
    // A BEGIN that failed rejects `finished` before the callback ran: that is the BEGIN's error.
    // (Once it ran, commit() and rollback() handle what `finished` settles with.)
    open.finished.catch((error: unknown) => {
      if (started) return;
      this.gate.release(this, TRANSACTION);
      begun.reject(error);
    });
    await begun.promise;
  }

  /** COMMIT: lets the transaction's callback return; rejects with COMMIT's error (then rolled back). */
  async commit(sql: string): Promise<void> {
    const open = this.#open;
    // None open: SQLite's own error ("cannot commit - no transaction is active").
    if (open === undefined) return void (await this.database.exec(sql));
    this.#end();
    open.end.resolve();
    await open.finished;
  }

  /** ROLLBACK: fails the transaction's callback, so that db.transaction() rolls back. */
  async rollback(sql: string): Promise<void> {
    const open = this.#open;
    if (open === undefined) return void (await this.database.exec(sql));
    this.#end();
    open.end.reject(ROLLBACK_REQUESTED);
    try {
      await open.finished;
    } catch (error) {
      if (error !== ROLLBACK_REQUESTED) throw error;
    }
  }

  /**
   * The pool drops this connection (knex.destroy(), a discarded connection): a transaction left
   * open on it (a `knex.raw('BEGIN')` never committed) is rolled back, as closing an SQLite
   * connection would — else it would hold the database, and its close(), for ever.
   */
  async dropped(): Promise<void> {
    this.foreignKeysRestored();
    if (this.#open !== undefined) await this.rollback('ROLLBACK');
  }

  #end(): void {
    this.#open = undefined;
    this.gate.release(this, TRANSACTION);
  }

  /** `PRAGMA foreign_keys = OFF` outside a transaction: hold the database until ON (or release). */
  foreignKeysOff(): void {
    if (this.#open === undefined) this.gate.hold(this, FOREIGN_KEYS_OFF);
  }

  /** `PRAGMA foreign_keys = ON` has run, or the pool got the connection back. */
  foreignKeysRestored(): void {
    this.gate.release(this, FOREIGN_KEYS_OFF);
  }

  /** Runs `run` with a signal that `.timeout(ms, { cancel: true })` aborts through cancel(). */
  cancellable(run: (signal: AbortSignal) => Promise<unknown>): Promise<unknown> {
    const controller = new AbortController();
    const settled = run(controller.signal);
    const running: Cancellable = { controller, settled };
    this.#running = running;
    const clear = () => {
      if (this.#running === running) this.#running = undefined;
    };
    settled.then(clear, clear);
    return settled;
  }

  /** Stops the cancellable query running on this connection; resolves once it has settled. */
  async cancel(): Promise<void> {
    const running = this.#running;
    if (running === undefined) return;
    running.controller.abort();
    await running.settled.catch(() => undefined);
  }
}
