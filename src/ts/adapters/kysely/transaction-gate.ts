// TransactionGate: a DatabaseSync has no queue to hold, so a transaction across Kysely's awaits
// (begin, the callback's queries, commit) would let a query issued meanwhile by another Kysely
// connection run inside it. The gate keeps them out: while a connection holds it (from BEGIN to
// COMMIT/ROLLBACK), the others' queries and transactions wait, in the order they came, and then
// run. The holder's own queries pass. Queries run on the DatabaseSync directly, outside Kysely,
// cannot be held back: they are synchronous and run where they are called.

/** Lets one connection at a time be in a transaction, and the others' queries wait for it. */
export class TransactionGate {
  #holder: object | undefined;
  #released: Promise<void> = Promise.resolve();
  #release: (() => void) | undefined;

  /** undefined when `connection` may go on now; else a promise of the moment it may. */
  wait(connection: object): Promise<void> | undefined {
    return this.#holder === undefined || this.#holder === connection ? undefined : this.#waitFree(connection);
  }

  /** Makes `connection` the holder once the gate is free. */
  async acquire(connection: object): Promise<void> {
    await this.wait(connection);
    this.#holder = connection;
    this.#released = new Promise<void>((resolve) => (this.#release = resolve));
  }

  /** Frees the gate if `connection` holds it; the waiters go on in the order they came. */
  release(connection: object): void {
    if (this.#holder !== connection) return;
    this.#holder = undefined;
    const release = this.#release;
    this.#release = undefined;
    release?.();
  }

  async #waitFree(connection: object): Promise<void> {
    // A waiter woken behind another one that took the gate waits for that one in turn.
    while (this.#holder !== undefined && this.#holder !== connection) await this.#released;
  }
}
