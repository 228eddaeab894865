// What the driver needs of a connection beyond Kysely's DatabaseConnection, and what the two kinds
// (AsyncConnection on an AsyncDatabase, SyncConnection on a DatabaseSync) share.
import type { DatabaseConnection, QueryResult } from 'kysely';

/** A Kysely connection of this adapter: a DatabaseConnection that runs its own transactions. */
export interface StrandConnection extends DatabaseConnection {
  /** Whether begin() has opened a transaction that commit() or rollback() has not ended yet. */
  readonly inTransaction: boolean;
  /** BEGIN; from now on this connection alone uses the database, until commit() or rollback(). */
  begin(): Promise<void>;
  /** COMMIT. */
  commit(): Promise<void>;
  /** ROLLBACK; nothing to do when the transaction is already over. */
  rollback(): Promise<void>;
}

/** A run()'s outcome as Kysely's SqliteDriver reports it: bigints, and no rows. */
export function changesResult<R>({ changes, lastInsertRowid }: { changes: number | bigint; lastInsertRowid: number | bigint }): QueryResult<R> {
  return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
}

/** An Error with node's `code` ERR_INVALID_STATE. */
export function invalidState(message: string): Error {
  return Object.assign(new Error(message), { code: 'ERR_INVALID_STATE' });
}

/** A TypeError with node's `code` ERR_INVALID_ARG_TYPE. */
export function invalidArgType(message: string): TypeError {
  return Object.assign(new TypeError(message), { code: 'ERR_INVALID_ARG_TYPE' });
}
