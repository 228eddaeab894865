// DatabaseSync: node:sqlite's synchronous database (Node 26 surface). Constructor and prepare()
// options are validated here; every other check happens natively, in node's order
// (src/native/database_sync.h).
import { binding, type NativeDatabase } from './binding';
import { hideUncloneableBase, illegalInvocation, Uncloneable } from './class-shape';
import { invalidArgType, invalidState } from './errors';
import { createLimits, type DatabaseLimits } from './limits';
import {
  normalizeOptions,
  normalizePath,
  normalizeStatementOptions,
  type DatabasePath,
  type DatabaseSyncOptions,
  type StatementOptions,
} from './options';
import { CREATE_STATEMENT, Statement } from './statement-sync';

const SQLITE_TYPE = Symbol.for('sqlite-type');

let nativeOf: (self: unknown) => NativeDatabase;
/** The native half of a DatabaseSync, or undefined for anything else (used by backup()). */
export let nativeDatabaseOf: (value: unknown) => NativeDatabase | undefined;
let limitsOf: (self: unknown) => DatabaseLimits;

/** A synchronous SQLite connection, API-compatible with node:sqlite's `DatabaseSync`. */
export class Database extends Uncloneable {
  #native: NativeDatabase;
  #limits: DatabaseLimits | undefined;

  /**
   * Opens (unless `options.open` is false) the database at `path`: a file name, `':memory:'`,
   * `''` (a private temporary database), a `file:` URI string, a `Buffer`/`Uint8Array` holding
   * one, or a `file:` `URL`.
   */
  constructor(path: DatabasePath, options?: DatabaseSyncOptions) {
    super();
    const location = normalizePath(path);
    const { open, config } = normalizeOptions(location, arguments.length > 1, options);
    this.#native = new binding.NativeDatabase(config);
    // node:sqlite defines these as own properties of each database.
    Object.defineProperties(this, {
      isOpen: { get: isOpenGetter, enumerable: true, configurable: false },
      isTransaction: { get: isTransactionGetter, enumerable: true, configurable: false },
      limits: { get: limitsGetter, enumerable: true, configurable: false },
      [SQLITE_TYPE]: { value: 'node:sqlite', writable: true, enumerable: true, configurable: true },
    });
    if (open) this.#native.open();
  }

  static {
    nativeOf = (self) => {
      if (typeof self !== 'object' || self === null || !(#native in self)) throw illegalInvocation();
      return (self as Database).#native;
    };
    nativeDatabaseOf = (value) =>
      typeof value === 'object' && value !== null && #native in value ? (value as Database).#native : undefined;
    limitsOf = (self) => {
      const native = nativeOf(self);
      const db = self as Database;
      return (db.#limits ??= createLimits((id, value) => native.limit(id, value)));
    };
  }

  /** Whether the connection is open. */
  declare readonly isOpen: boolean;
  /** Whether a transaction is active (the connection is not in autocommit mode). */
  declare readonly isTransaction: boolean;
  /** SQLite's run-time limits; assigning a property changes the limit. */
  declare readonly limits: DatabaseLimits;

  /** Opens a database constructed with `{ open: false }`. */
  open(): void {
    nativeOf(this).open();
  }

  /** Closes the connection, finalizing every statement prepared on it. */
  close(): void {
    nativeOf(this).close();
  }

  /** Compiles the first SQL statement in `sql`; `options` override the database's defaults. */
  prepare(sql: string, options?: StatementOptions): Statement {
    const native = nativeOf(this);
    let overrides;
    if (options !== undefined) {
      // node checks the connection and the SQL's type before the options, the options before
      // compiling the SQL.
      if (!native.isOpen()) throw invalidState('database is not open');
      if (typeof sql !== 'string') throw invalidArgType('The "sql" argument must be a string.');
      overrides = normalizeStatementOptions(options);
    }
    const statement = native.prepare(sql, overrides);
    return new Statement(CREATE_STATEMENT, statement, this);
  }

  /** Runs one or more SQL statements that return no rows. */
  exec(sql: string): void {
    nativeOf(this).exec(sql);
  }

  /** The file of database `dbName` (default `'main'`), or `null` for in-memory/temporary ones. */
  location(dbName?: string): string | null {
    return nativeOf(this).location(dbName);
  }

  /** Closes the database if it is open (`using db = new DatabaseSync(...)`); never throws. */
  [Symbol.dispose](): void {
    const native = nativeOf(this);
    if (native.isOpen()) native.close();
  }
}
hideUncloneableBase(Database, Object.prototype);

function isOpenGetter(this: unknown): boolean {
  return nativeOf(this).isOpen();
}
function isTransactionGetter(this: unknown): boolean {
  return nativeOf(this).isTransaction();
}
function limitsGetter(this: unknown): DatabaseLimits {
  return limitsOf(this);
}

/** Node 26's DatabaseSync.prototype order (members of later issues join as they land). */
export const DATABASE_METHOD_ORDER = ['open', 'close', 'prepare', 'exec', 'location'] as const;
