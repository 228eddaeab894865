// SqliteStrandAdapter: Kysely's SqliteAdapter (RETURNING, no transactional DDL, SQLite's quirks),
// except that it lets Kysely use several connections at once. With Kysely's SqliteAdapter,
// `supportsMultipleConnections` is false and Kysely's runtime driver holds one mutex around every
// query — so queries run one at a time, each waiting for the previous one's round trip, and reads
// could never run in parallel on an AsyncDatabase's readers. Here the AsyncDatabase's own queue
// orders the queries, and a transaction holds that queue (see async-connection.ts); only the
// transactions need to exclude each other, and they do it there.
//
// Kysely's SqliteAdapter does not lock migrations, relying on its single mutex-held connection.
// With several connections two migrateToLatest() calls at once would both run the pending
// migrations, so this adapter's migration lock is a mutex shared by the dialect's Kysely instances
// (in this process: SQLite's Kysely dialects have never locked across processes).
import { SqliteAdapter } from 'kysely';
import { AsyncMutex } from './async-mutex';

/** Kysely's SqliteAdapter with several connections at once and an in-process migration lock. */
export class SqliteStrandAdapter extends SqliteAdapter {
  readonly #migrations: AsyncMutex;

  /** @param migrations the lock shared by the migrations of every Kysely instance of a dialect. */
  constructor(migrations: AsyncMutex = new AsyncMutex()) {
    super();
    this.#migrations = migrations;
  }

  /** True: Kysely does not serialize the queries; the database orders them, transactions exclude the rest. */
  override get supportsMultipleConnections(): boolean {
    return true;
  }

  /** Waits until no other migration of this dialect runs. */
  override async acquireMigrationLock(): Promise<void> {
    await this.#migrations.acquire();
  }

  /** Lets the next migration run. */
  override async releaseMigrationLock(): Promise<void> {
    this.#migrations.release();
  }
}
