// A Prisma transaction on top of `db.transaction()`, which holds the database's queue: while it is
// open, every other query — another request's through this adapter, a plain `db.run()` — waits
// for it to end, so nothing from outside ever lands in it. Prisma drives a transaction as calls
// (start, queries, commit or rollback) rather than as one callback, so the callback given to
// `db.transaction()` hands its scope to Prisma and waits for the outcome Prisma asks for:
// commit() lets the callback return (COMMIT), rollback() makes it throw (ROLLBACK).
//
// `usePhantomQuery: true`: Prisma does not send COMMIT/ROLLBACK as SQL (the callback's end runs
// them); it calls commit()/rollback(), which settle when the database has done so.
import type { Transaction as PrismaTransaction, TransactionOptions as PrismaTransactionOptions } from '@prisma/driver-adapter-utils';
import { DriverAdapterError } from '@prisma/driver-adapter-utils';
import type { AsyncDatabase, Transaction, TransactionOptions } from 'sqlite-strand';
import { adapterError } from './errors';
import { StrandQueryable, type QueryContext } from './queryable';
import type { Scope } from './statements';

/** How the transaction should end, as Prisma decides. */
interface Outcome {
  commit(): void;
  rollback(): void;
}

// What the callback throws to have db.transaction() roll back; never seen outside this file.
const ROLLBACK_REQUESTED = Symbol('rollback requested');

type Ending = { error?: unknown };

/** A transaction in progress, as Prisma's driver adapter interface sees it. */
export class StrandTransaction extends StrandQueryable implements PrismaTransaction {
  readonly options: PrismaTransactionOptions = { usePhantomQuery: true };
  readonly #tx: Transaction;
  readonly #outcome: Outcome;
  readonly #ended: Promise<Ending>;
  #closed = false;

  constructor(context: QueryContext, tx: Transaction, outcome: Outcome, ended: Promise<Ending>) {
    super(context);
    this.#tx = tx;
    this.#outcome = outcome;
    this.#ended = ended;
  }

  protected scope(): Scope {
    if (this.#closed) {
      throw new DriverAdapterError({ kind: 'TransactionAlreadyClosed', cause: 'The transaction was already committed or rolled back.' });
    }
    return this.#tx;
  }

  /** Commits; rejects (the transaction rolled back) if COMMIT fails. */
  async commit(): Promise<void> {
    this.#close().commit();
    const { error } = await this.#ended;
    if (error !== undefined) throw adapterError(error);
  }

  /** Rolls back. */
  async rollback(): Promise<void> {
    this.#close().rollback();
    const { error } = await this.#ended;
    if (error !== undefined && error !== ROLLBACK_REQUESTED) throw adapterError(error);
  }

  async createSavepoint(name: string): Promise<void> {
    await this.#exec(`SAVEPOINT ${name}`);
  }

  async rollbackToSavepoint(name: string): Promise<void> {
    await this.#exec(`ROLLBACK TO ${name}`);
  }

  async releaseSavepoint(name: string): Promise<void> {
    await this.#exec(`RELEASE SAVEPOINT ${name}`);
  }

  async #exec(sql: string): Promise<void> {
    try {
      await (this.scope() as Transaction).exec(sql);
    } catch (error) {
      throw adapterError(error);
    }
  }

  #close(): Outcome {
    if (this.#closed) {
      throw new DriverAdapterError({ kind: 'TransactionAlreadyClosed', cause: 'The transaction was already committed or rolled back.' });
    }
    this.#closed = true;
    return this.#outcome;
  }
}

/**
 * Begins a transaction on `db` (`BEGIN <mode>`, once the queries issued before it have run) and
 * resolves with it; rejects with the mapped error if BEGIN fails.
 */
export function beginTransaction(db: AsyncDatabase, mode: NonNullable<TransactionOptions['mode']>, context: QueryContext): Promise<StrandTransaction> {
  return new Promise<StrandTransaction>((resolve, reject) => {
    // Settles, never rejects, when db.transaction() has ended: commit() and rollback() wait for it.
    let settle!: (ending: Ending) => void;
    const ended = new Promise<Ending>((resolveEnded) => (settle = resolveEnded));
    let begun = false;
    db.transaction(
      (tx) =>
        new Promise<void>((commit, rollback) => {
          begun = true;
          const outcome = { commit: () => commit(), rollback: () => rollback(ROLLBACK_REQUESTED) };
          resolve(new StrandTransaction(context, tx, outcome, ended));
        }),
      { mode },
    ).then(
      () => settle({}),
      (error: unknown) => {
        settle({ error });
        if (!begun) reject(adapterError(error)); // BEGIN failed
      },
    );
  });
}
