// SqliteStrandDriver: Kysely's Driver on an AsyncDatabase or a DatabaseSync. It opens nothing
// itself: init() takes the database from the dialect's config (calling the function form once),
// and destroy() closes it, as Kysely's SqliteDriver closes its better-sqlite3 database.
//
// Kysely acquires a connection for each query, transaction and db.connection() call; they are
// light objects over the one database (async-connection.ts, sync-connection.ts), kept for reuse
// once released. Transactions are the connections' own (begin/commit/rollback); savepoints are
// SQL run inside them, as in Kysely's SqliteDriver.
import { AsyncDatabase } from 'sqlite-strand';
import { createQueryId, IdentifierNode, RawNode, type CompiledQuery, type DatabaseConnection, type Driver, type QueryCompiler } from 'kysely';
import { AsyncConnection } from './async-connection';
import type { StrandConnection } from './connection';
import { resolveDatabase, type AbortableOptions, type SqliteStrandDatabase } from './database-option';
import type { SqliteStrandDialectConfig } from './dialect';
import { AsyncStatementCache, SyncStatementCache } from './statement-cache';
import { SyncConnection } from './sync-connection';
import { TransactionGate } from './transaction-gate';

// Released connections kept for reuse (more are made when more are in use at once).
const MAX_IDLE = 64;

/**
 * Kysely's Driver for sqlite-strand's databases: queries go straight to the database (an
 * AsyncDatabase orders them on its thread), a transaction keeps every other query out until it
 * ends, `destroy()` closes the database. Made by SqliteStrandDialect; use it with
 * SqliteStrandAdapter (which lets Kysely run several queries at once).
 */
export class SqliteStrandDriver implements Driver {
  readonly #config: SqliteStrandDialectConfig;
  #database: SqliteStrandDatabase | undefined;
  #newConnection: (() => StrandConnection) | undefined;
  readonly #idle: StrandConnection[] = [];
  readonly #inTransaction = new Set<StrandConnection>();

  /** @param config the dialect's config, already checked by SqliteStrandDialect. */
  constructor(config: SqliteStrandDialectConfig) {
    this.#config = config;
  }

  /** Takes the database (the function form is called here, once), then runs `onCreateConnection`. */
  async init(options?: AbortableOptions): Promise<void> {
    const database = await resolveDatabase(this.#config.database, options);
    if (database instanceof AsyncDatabase) {
      const statements = new AsyncStatementCache(database);
      this.#newConnection = () => new AsyncConnection(database, statements);
    } else {
      const statements = new SyncStatementCache(database);
      const gate = new TransactionGate();
      this.#newConnection = () => new SyncConnection(database, statements, gate);
    }
    this.#database = database;
    const onCreateConnection = this.#config.onCreateConnection;
    if (onCreateConnection !== undefined) {
      const connection = await this.acquireConnection();
      try {
        await onCreateConnection(connection, options);
      } finally {
        await this.releaseConnection(connection);
      }
    }
  }

  /** A connection over the database: nothing waits here (transactions are kept apart per query). */
  async acquireConnection(): Promise<DatabaseConnection> {
    return this.#idle.pop() ?? this.#newConnection!();
  }

  /**
   * BEGIN (deferred). Kysely's isolation level and access mode are checked by Kysely and, as by
   * its SqliteDriver, not used: SQLite transactions are serializable.
   */
  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    const strand = connection as StrandConnection;
    await strand.begin();
    this.#inTransaction.add(strand);
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const strand = connection as StrandConnection;
    try {
      await strand.commit();
    } finally {
      if (!strand.inTransaction) this.#inTransaction.delete(strand);
    }
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const strand = connection as StrandConnection;
    try {
      await strand.rollback();
    } finally {
      this.#inTransaction.delete(strand);
    }
  }

  async savepoint(connection: DatabaseConnection, savepointName: string, compileQuery: QueryCompiler['compileQuery']): Promise<void> {
    await connection.executeQuery(savepointCommand('savepoint', savepointName, compileQuery));
  }

  async rollbackToSavepoint(connection: DatabaseConnection, savepointName: string, compileQuery: QueryCompiler['compileQuery']): Promise<void> {
    await connection.executeQuery(savepointCommand('rollback to', savepointName, compileQuery));
  }

  async releaseSavepoint(connection: DatabaseConnection, savepointName: string, compileQuery: QueryCompiler['compileQuery']): Promise<void> {
    await connection.executeQuery(savepointCommand('release', savepointName, compileQuery));
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const strand = connection as StrandConnection;
    if (!strand.inTransaction && this.#idle.length < MAX_IDLE) this.#idle.push(strand);
  }

  /**
   * Closes the database. A transaction still open (a controlled transaction never committed) is
   * rolled back first: on an AsyncDatabase it holds the queue, and close() would wait for it.
   */
  async destroy(): Promise<void> {
    const open = [...this.#inTransaction];
    this.#inTransaction.clear();
    await Promise.all(open.map((connection) => connection.rollback().catch(() => undefined)));
    const database = this.#database;
    this.#database = undefined;
    if (database instanceof AsyncDatabase) await database.close();
    else if (database?.isOpen) database.close();
  }
}

// `savepoint "name"` and the like, compiled as Kysely's SqliteDriver compiles them (the name is
// an identifier, quoted by the query compiler).
function savepointCommand(command: string, savepointName: string, compileQuery: QueryCompiler['compileQuery']): CompiledQuery {
  const node = RawNode.createWithChildren([RawNode.createWithSql(`${command} `), IdentifierNode.create(savepointName)]);
  return compileQuery(node, createQueryId());
}
