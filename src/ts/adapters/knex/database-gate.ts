// The gate of an AsyncDatabase shared by knex connections: which connection holds the database
// exclusively, and the other connections' wait for it, bounded by knex's acquireConnectionTimeout
// (then ERR_INVALID_STATE).
//
// Every connection of the pool (and of other knex instances given the same database) runs its
// queries on the one AsyncDatabase. A connection holds it
//   - during a transaction (BEGIN … COMMIT/ROLLBACK): db.transaction() already keeps everything
//     else out of it, in the database's own queue; the gate adds the bounded wait, so that a query
//     made without `.transacting(trx)` inside a transaction fails after knex's timeout (as the
//     sqlite3 client's does waiting for its one pooled connection) instead of waiting forever;
//   - between `PRAGMA foreign_keys = OFF` and `= ON` (or the connection's return to the pool): the
//     window in which knex's table rebuild (alterTable) runs with foreign keys off. The setting is
//     the connection's, so another connection's write in that window would escape the checks.
//
// Rules: admits() is asked right before a query is issued, in the same synchronous run (hold()
// too), so that no other connection can take the hold in between: a caller that waited (admit())
// asks admits() again once it resumes. A release wakes every waiter; each asks again.
import type { AsyncDatabase } from 'sqlite-strand';

/** Why a connection holds the database: a transaction, a foreign-keys-off window (bit flags). */
export type HoldReason = typeof TRANSACTION | typeof FOREIGN_KEYS_OFF;
export const TRANSACTION = 1;
export const FOREIGN_KEYS_OFF = 2;

interface Waiter {
  wake: () => void;
}

/** Who holds one AsyncDatabase, for the knex connections on it. */
export class DatabaseGate {
  #holder: object | undefined = undefined;
  #reasons = 0;
  #waiters: Waiter[] = [];

  /** Whether `connection` holds the database for `reason`. */
  holds(connection: object, reason: HoldReason): boolean {
    return this.#holder === connection && (this.#reasons & reason) !== 0;
  }

  /** How many queries wait for the holder to release the database. */
  get waiting(): number {
    return this.#waiters.length;
  }

  /** Whether `connection` may run a query now: nobody holds the database, or it does. */
  admits(connection: object): boolean {
    return this.#holder === undefined || this.#holder === connection;
  }

  /**
   * Resolves at the next release (then ask admits() again), or rejects at `deadline` (ms, as
   * Date.now()) with ERR_INVALID_STATE — not knex's KnexTimeoutError: from a query, knex would
   * take that for the query's own `.timeout()` and discard the connection.
   */
  released(deadline: number, timeout: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        wake: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        reject(
          Object.assign(
            new Error(
              `Timeout (${timeout} ms, acquireConnectionTimeout) waiting for the database: another knex ` +
                'connection holds it in a transaction. Are you missing a .transacting(trx) call?',
            ),
            { code: 'ERR_INVALID_STATE' },
          ),
        );
      }, Math.max(0, deadline - Date.now()));
      this.#waiters.push(waiter);
    });
  }

  /** Waits until admits(connection), for at most `timeout` ms; see the rule at the top. */
  async admit(connection: object, timeout: number): Promise<void> {
    const deadline = Date.now() + timeout;
    while (!this.admits(connection)) await this.released(deadline, timeout);
  }

  /** `connection` holds the database (for `reason`); it must have been let through by wait(). */
  hold(connection: object, reason: HoldReason): void {
    this.#holder = connection;
    this.#reasons |= reason;
  }

  /** `connection` no longer holds it for `reason`; the database is free once no reason is left. */
  release(connection: object, reason: HoldReason): void {
    if (this.#holder !== connection) return;
    this.#reasons &= ~reason;
    if (this.#reasons !== 0) return;
    this.#holder = undefined;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) waiter.wake();
  }
}

const gates = new WeakMap<AsyncDatabase, DatabaseGate>();

/** The gate of `database`, shared by every knex connection (of any knex instance) on it. */
export function gateOf(database: AsyncDatabase): DatabaseGate {
  let gate = gates.get(database);
  if (gate === undefined) {
    gate = new DatabaseGate();
    gates.set(database, gate);
  }
  return gate;
}
