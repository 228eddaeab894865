// DatabaseSync: node:sqlite's synchronous database (Node 26 surface). Constructor arguments are
// validated here; everything else is checked natively, in node's order (src/native/database_sync.h).
import { binding, type NativeDatabase } from './binding';
import { normalizeOptions, normalizePath, type DatabasePath, type DatabaseSyncOptions } from './options';
import { CREATE_STATEMENT, Statement } from './statement-sync';

const SQLITE_TYPE = Symbol.for('sqlite-type');

let isOpenGetter: (this: Database) => boolean;
let isTransactionGetter: (this: Database) => boolean;

/** A synchronous SQLite connection, API-compatible with node:sqlite's `DatabaseSync`. */
export class Database {
  #native: NativeDatabase;
  #returnArrays: boolean;

  /**
   * Opens (unless `options.open` is false) the database at `path`: a file name, `':memory:'`,
   * a `file:` URI string, a `Buffer`/`Uint8Array` holding one, or a `file:` `URL`.
   */
  constructor(path: DatabasePath, options?: DatabaseSyncOptions) {
    const location = normalizePath(path);
    const { open, config } = normalizeOptions(location, options);
    this.#native = new binding.NativeDatabase(config);
    this.#returnArrays = config.returnArrays;
    // node:sqlite defines these as own properties of each database.
    Object.defineProperties(this, {
      isOpen: { get: isOpenGetter, enumerable: true, configurable: false },
      isTransaction: { get: isTransactionGetter, enumerable: true, configurable: false },
      [SQLITE_TYPE]: { value: 'node:sqlite', writable: true, enumerable: true, configurable: true },
    });
    if (open) this.#native.open();
  }

  static {
    isOpenGetter = function (this: Database) {
      return this.#native.isOpen();
    };
    isTransactionGetter = function (this: Database) {
      return this.#native.isTransaction();
    };
  }

  /** Whether the connection is open. */
  declare readonly isOpen: boolean;
  /** Whether a transaction is active (not in autocommit mode). */
  declare readonly isTransaction: boolean;

  /** Opens a database constructed with `{ open: false }` (or closed). */
  open(): void {
    this.#native.open();
  }

  /** Closes the connection, finalizing every statement prepared on it. */
  close(): void {
    this.#native.close();
  }

  /** Runs one or more SQL statements that return no rows. */
  exec(sql: string): void {
    this.#native.exec(sql);
  }

  /** Compiles one SQL statement. */
  prepare(sql: string): Statement {
    const native = this.#native.prepare(sql);
    return new Statement(CREATE_STATEMENT, native, this, this.#returnArrays);
  }

  /** The file of database `dbName` (default `'main'`), or `null` for in-memory databases. */
  location(dbName?: string): string | null {
    return this.#native.location(dbName);
  }

  /** Closes the database if it is open (`using db = new DatabaseSync(...)`). */
  [Symbol.dispose](): void {
    if (this.#native.isOpen()) this.#native.close();
  }
}
