// The driver adapter Prisma's client runs its queries through: one AsyncDatabase (and its reader
// connections, if it has any). Queries run on the database directly; a transaction holds the
// database's queue until Prisma commits or rolls it back (transaction.ts).
import {
  DriverAdapterError,
  type ConnectionInfo,
  type IsolationLevel,
  type SqlDriverAdapter,
  type Transaction as PrismaTransaction,
} from '@prisma/driver-adapter-utils';
import type { AsyncDatabase, TransactionOptions } from 'sqlite-strand';
import { mapErrors } from './errors';
import { StrandQueryable, type QueryContext } from './queryable';
import type { Scope } from './statements';
import { beginTransaction } from './transaction';

/** How the adapter was set up, for one connection. */
export interface AdapterSetup extends QueryContext {
  readonly db: AsyncDatabase;
  /** Closes the database on dispose() (the adapter opened it). */
  readonly ownsDatabase: boolean;
  readonly transactionMode: NonNullable<TransactionOptions['mode']>;
  readonly maxBindValues: number;
}

/** A connected adapter (what `PrismaSqliteStrand#connect()` resolves with). */
export class StrandAdapter extends StrandQueryable implements SqlDriverAdapter {
  readonly #setup: AdapterSetup;

  constructor(setup: AdapterSetup) {
    super(setup);
    this.#setup = setup;
  }

  protected scope(): Scope {
    return this.#setup.db;
  }

  /** Runs a script of several statements (`db.exec()`). */
  async executeScript(script: string): Promise<void> {
    // A script may change the schema (statements.ts): the statements cached before it ran, or
    // compiled while it ran, are compiled anew.
    const { statements } = this.#setup;
    statements.clear();
    try {
      await mapErrors(this.#setup.db.exec(script));
    } finally {
      statements.clear();
    }
  }

  /** Begins a transaction; SQLite's transactions are serializable, so no other level is accepted. */
  async startTransaction(isolationLevel?: IsolationLevel): Promise<PrismaTransaction> {
    if (isolationLevel !== undefined && isolationLevel !== 'SERIALIZABLE') {
      throw new DriverAdapterError({ kind: 'InvalidIsolationLevel', level: isolationLevel });
    }
    return beginTransaction(this.#setup.db, this.#setup.transactionMode, this.#setup);
  }

  getConnectionInfo(): ConnectionInfo {
    // Without it Prisma assumes SQLite's old limit of 999 bound values and splits large `IN`
    // lists accordingly. No relation joins: Prisma queries each relation on its own on SQLite.
    return { maxBindValues: this.#setup.maxBindValues, supportsRelationJoins: false };
  }

  /** Closes the database if the adapter opened it; one it was given stays open (its owner closes it). */
  async dispose(): Promise<void> {
    if (this.#setup.ownsDatabase) await this.#setup.db.close();
  }
}
