// One knex connection: an AsyncDatabase, and the transaction knex opened on it.
//
// Exclusivity. knex runs a transaction as BEGIN, the transaction's queries, then COMMIT or ROLLBACK,
// all on the connection it acquired. Sent as plain SQL, a query issued meanwhile on the same
// AsyncDatabase from outside (a plain `db.run`, another knex instance given the same database)
// would run inside that transaction and be rolled back with it. So BEGIN opens `db.transaction()`,
// which holds the database's queue: the transaction's queries run through its scope, everything
// else issued on the database waits until COMMIT/ROLLBACK lets the callback return. knex's own
// queries outside the transaction already wait for the pool's one connection.
//
// State rules: `#open` is set once the BEGIN has run and cleared, synchronously, when COMMIT or
// ROLLBACK is asked for, so a query knex issues after either goes to the database itself (and
// queues behind the transaction's end). Every promise made here has a handler attached at once:
// no path leaves an unhandled rejection.
import type { AsyncDatabase, Transaction, TransactionOptions } from 'sqlite-strand';

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
 * The raw connection knex's pool holds: `database` is the `AsyncDatabase` (for `pool.afterCreate`
 * hooks: `(conn, done) => conn.database.exec('PRAGMA ...').then(() => done(), done)`).
 */
export class StrandConnection {
  /** The database this connection runs its queries on. */
  readonly database: AsyncDatabase;
  /** Whether knex opened the database (from `connection.filename`), and so closes it. */
  readonly ownsDatabase: boolean;
  #open: OpenTransaction | undefined = undefined;
  #running: Cancellable | undefined = undefined;

  /** @internal */
  constructor(database: AsyncDatabase, ownsDatabase: boolean) {
    this.database = database;
    this.ownsDatabase = ownsDatabase;
  }

  /** Where a query runs now: inside the open transaction, else on the database. */
  get scope(): QueryScope {
    return this.#open?.scope ?? this.database;
  }

  /** BEGIN (`sql`, with its `mode`): opens the database's transaction, holding its queue. */
  async begin(sql: string, mode: TransactionOptions['mode']): Promise<void> {
    // Already in one: SQLite's own refusal ("cannot start a transaction within a transaction").
    if (this.#open !== undefined) return void (await this.#open.scope.exec(sql));
    const begun = deferred<void>();
    const end = deferred<void>();
    const open = { end } as OpenTransaction;
    open.finished = this.database.transaction(
      async (scope) => {
        open.scope = scope;
        this.#open = open;
        begun.resolve();
        await end.promise;
      },
      { mode },
    );
    // A BEGIN that failed rejects `finished` before the callback ran: that is the BEGIN's error.
    open.finished.catch((error: unknown) => begun.reject(error));
    await begun.promise;
  }

  /** COMMIT: lets the transaction's callback return; rejects with COMMIT's error (then rolled back). */
  async commit(sql: string): Promise<void> {
    const open = this.#open;
    // None open: SQLite's own error ("cannot commit - no transaction is active").
    if (open === undefined) return void (await this.database.exec(sql));
    this.#open = undefined;
    open.end.resolve();
    await open.finished;
  }

  /** ROLLBACK: fails the transaction's callback, so that db.transaction() rolls back. */
  async rollback(sql: string): Promise<void> {
    const open = this.#open;
    if (open === undefined) return void (await this.database.exec(sql));
    this.#open = undefined;
    open.end.reject(ROLLBACK_REQUESTED);
    try {
      await open.finished;
    } catch (error) {
      if (error !== ROLLBACK_REQUESTED) throw error;
    }
  }

  /** A signal for a query that `.timeout(ms, { cancel: true })` may cancel, and marks it running. */
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
