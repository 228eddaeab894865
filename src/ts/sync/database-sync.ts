// DatabaseSync: node:sqlite's synchronous database (Node 26 surface). Constructor and prepare()
// options are validated here; every other check happens natively, in node's order
// (src/native/sync/database_sync.h).
import { binding, type NativeDatabase } from '../binding';
import { hideUncloneableBase, illegalInvocation, INTERNAL, Uncloneable } from '../shared/class-shape';
import { invalidArgType, invalidState } from '../shared/errors';
import { createLimits, type DatabaseLimits } from '../shared/limits';
import {
  normalizeOptions,
  normalizePath,
  normalizeStatementOptions,
  type DatabasePath,
  type DatabaseSyncOptions,
  type StatementOptions,
} from '../shared/options';
import { Session } from './session';
import {
  parseApplyChangesetOptions,
  parseSessionOptions,
  type ApplyChangesetOptions,
  type SessionOptions,
} from '../shared/session-options';
import { Statement } from './statement-sync';
import type { Row } from '../shared/row-factory';
import type { RowFor } from '../shared/row-types';
import {
  aggregateFunctionArgs,
  scalarFunctionArgs,
  type AggregateOptions,
  type AggregateResultOption,
  type FunctionOptions,
  type SQLFunctionArgument,
  type SQLFunctionResult,
} from '../shared/user-functions';

import { publishQuery, queryChannel, registerDatabaseTracing, traceQueries } from '../shared/query-diagnostics';
import { createTagStore, type SQLTagStore } from './tag-store';
import { normalizeModuleOptions, type VirtualTableOptions } from './virtual-table';
import { DATABASE_NOT_OPEN, NAME_NOT_STRING, SQL_NOT_STRING } from '../shared/messages';

const SQLITE_TYPE = Symbol.for('sqlite-type');

let nativeOf: (self: unknown) => NativeDatabase;
/** The native half of a DatabaseSync, or undefined for anything else (used by backup()). */
export let nativeDatabaseOf: (value: unknown) => NativeDatabase | undefined;
let limitsOf: (self: unknown) => DatabaseLimits;

/**
 * A synchronous SQLite connection, API-compatible with node:sqlite's `DatabaseSync`. `R` is the
 * row type of its statements and tag stores: `Row` (objects), or `SQLOutputValue[]` when opened
 * with `returnArrays: true`.
 */
export class Database<R = Row> extends Uncloneable {
  #native: NativeDatabase;
  #limits: DatabaseLimits | undefined;
  // A tracer is installed natively (database_trace.cc); it clears this when it finds nobody
  // subscribing any more and the native side removes it.
  #tracing = false;

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
    registerDatabaseTracing((database) => {
      const db = database as Database;
      if (db.#tracing) return;
      db.#tracing = true;
      db.#native.setQueryTracer((sql: string, duration: number): boolean => {
        if (publishQuery(sql, db, duration)) return true;
        db.#tracing = false;
        return false;
      });
    });
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

  /**
   * Compiles the first SQL statement in `sql`; `options` override the database's defaults. The
   * statement's row type follows `options.returnArrays` when it is given, else the database's.
   */
  prepare<ReturnArrays extends boolean | undefined = undefined>(
    sql: string,
    options?: StatementOptions<ReturnArrays>,
  ): Statement<RowFor<ReturnArrays, R>> {
    const native = nativeOf(this);
    let overrides;
    if (options !== undefined) {
      // node checks the connection and the SQL's type before the options, the options before
      // compiling the SQL.
      if (!native.isOpen()) throw invalidState(DATABASE_NOT_OPEN);
      if (typeof sql !== 'string') throw invalidArgType(SQL_NOT_STRING);
      overrides = normalizeStatementOptions(options);
    }
    const statement = native.prepare(sql, overrides);
    return new Statement<RowFor<ReturnArrays, R>>(INTERNAL, statement, this);
  }

  /** Runs one or more SQL statements that return no rows. */
  exec(sql: string): void {
    const native = nativeOf(this);
    if (queryChannel.hasSubscribers) traceQueries(this);
    native.exec(sql);
  }

  /**
   * Defines (or replaces) the SQL function `name`, run synchronously by SQLite on this thread.
   * It takes exactly `fn.length` arguments unless `options.varargs`. Errors it throws reach the
   * caller of the statement unchanged.
   */
  function(name: string, fn: (...args: SQLFunctionArgument[]) => SQLFunctionResult): void;
  function(name: string, options: FunctionOptions, fn: (...args: SQLFunctionArgument[]) => SQLFunctionResult): void;
  function(...args: unknown[]): void {
    const native = openNative(this);
    native.function(...scalarFunctionArgs(args));
  }

  /**
   * Defines (or replaces) the aggregate SQL function `name`: per group, the accumulator starts
   * as `start` (or `start()`), `step` folds each row into it and `result` turns it into the
   * value; with `inverse` it is also a window function. Without `result` the accumulator is the
   * value, so its type must be one SQLite takes (`SQLFunctionResult`).
   */
  aggregate<T>(name: string, options: AggregateOptions<T> & AggregateResultOption<T>): void {
    const native = openNative(this);
    native.aggregate(...aggregateFunctionArgs(name, options));
  }

  /**
   * Starts recording changes (of every table, or `options.table`, of database `options.db`,
   * default `'main'`) in a new session. Closing the database closes the session.
   */
  createSession(options?: SessionOptions): Session {
    // node checks the connection, then the options (own properties only).
    const native = openNative(this);
    const { table, dbName } = parseSessionOptions(arguments.length > 0, options);
    return new Session(INTERNAL, native.createSession(table, dbName), this);
  }

  /**
   * Applies a changeset or patchset (from `Session#changeset()`/`patchset()`). Returns true when
   * it was applied, false when a conflict aborted it (everything is then rolled back).
   */
  applyChangeset(changeset: Uint8Array, options?: ApplyChangesetOptions): boolean {
    const native = openNative(this);
    const { filter, onConflict } = parseApplyChangesetOptions(arguments.length > 1, changeset, options);
    if (queryChannel.hasSubscribers) traceQueries(this);
    return native.applyChangeset(changeset, filter, onConflict);
  }

  /**
   * An LRU cache of up to `maxSize` (default 1000) prepared statements, used as a template tag:
   * ``sql.get`SELECT * FROM t WHERE id = ${id}` ``. Its rows are the database's row type.
   */
  createTagStore(maxSize?: number): SQLTagStore<R> {
    openNative(this);
    return createTagStore<R>(this, prepareForTagStore, maxSize);
  }

  /**
   * Registers a read-only virtual table module implemented by `options.rows` (node:sqlite's
   * createModule): usable as an eponymous table, a table-valued function over its hidden
   * columns, or through CREATE VIRTUAL TABLE ... USING name.
   */
  createModule(name: string, options: VirtualTableOptions): void {
    const native = openNative(this);
    if (typeof name !== 'string') throw invalidArgType(NAME_NOT_STRING);
    const module = normalizeModuleOptions(options);
    native.createModule(name, module.declaration, module.hidden, module.rows, module.directOnly, module.useBigIntArguments);
  }

  /** The file of database `dbName` (default `'main'`), or `null` for in-memory/temporary ones. */
  location(dbName?: string): string | null {
    return nativeOf(this).location(dbName);
  }

  /**
   * Enables or disables SQLite's C-API extension loading (`loadExtension()`). Enabling needs the
   * `allowExtension: true` constructor option.
   */
  enableLoadExtension(allow: boolean): void {
    nativeOf(this).enableLoadExtension(allow);
  }

  /** Turns SQLite's defensive mode (SQLITE_DBCONFIG_DEFENSIVE) on or off. */
  enableDefensive(active: boolean): void {
    nativeOf(this).enableDefensive(active);
  }

  /** Loads the SQLite extension at `path` (entry point `entryPoint`, or SQLite's default). */
  loadExtension(path: string, entryPoint?: string): void {
    nativeOf(this).loadExtension(path, entryPoint);
  }

  /** A copy of database `dbName` (default `'main'`) as SQLite's file format. */
  serialize(dbName?: string): Uint8Array {
    const native = nativeOf(this);
    if (queryChannel.hasSubscribers) traceQueries(this);
    return native.serialize(dbName);
  }

  /**
   * Replaces database `options.dbName` (default `'main'`) with an in-memory copy of `buffer` (a
   * serialized database). Every statement prepared on this database is finalized first.
   */
  deserialize(buffer: Uint8Array, options?: { dbName?: string }): void {
    const native = nativeOf(this);
    if (queryChannel.hasSubscribers) traceQueries(this);
    native.deserialize(buffer, options);
  }

  /**
   * Installs (or, with `null`, removes) an authorizer: `callback(actionCode, arg1, arg2, dbName,
   * triggerOrView)` runs while SQL is compiled and must return `constants.SQLITE_OK`,
   * `SQLITE_DENY` or `SQLITE_IGNORE`.
   */
  setAuthorizer(callback: AuthorizerCallback | null): void {
    nativeOf(this).setAuthorizer(callback);
  }

  /** Closes the database if it is open (`using db = new DatabaseSync(...)`); never throws. */
  [Symbol.dispose](): void {
    const native = nativeOf(this);
    if (!native.isOpen()) return;
    try {
      native.close();
    } catch {
      // Like node's: inside a callback close() refuses, and dispose leaves the database open.
    }
  }
}
hideUncloneableBase(Database, Object.prototype);

// node checks that the database is open, then that its authorizer is not running (in_use.h),
// before it looks at any argument.
function openNative(self: unknown): NativeDatabase {
  const native = nativeOf(self);
  if (!native.isOpen()) throw invalidState(DATABASE_NOT_OPEN);
  if (native.inAuthorizer()) throw invalidState('database cannot be accessed from an authorizer callback');
  return native;
}

// SQLTagStore statements: prepared with the database's defaults, bound by position.
function prepareForTagStore(db: unknown, sql: string): Statement {
  return new Statement(INTERNAL, nativeOf(db).prepare(sql, { positional: true }), db as object);
}

function isOpenGetter(this: unknown): boolean {
  return nativeOf(this).isOpen();
}
function isTransactionGetter(this: unknown): boolean {
  return nativeOf(this).isTransaction();
}
function limitsGetter(this: unknown): DatabaseLimits {
  return limitsOf(this);
}

/** An authorizer: returns constants.SQLITE_OK, SQLITE_DENY or SQLITE_IGNORE. */
export type AuthorizerCallback = (
  actionCode: number,
  arg1: string | null,
  arg2: string | null,
  dbName: string | null,
  triggerOrView: string | null,
) => number;

/** Node 26's DatabaseSync.prototype order. */
export const DATABASE_METHOD_ORDER = [
  'open',
  'close',
  'prepare',
  'exec',
  'function',
  'createTagStore',
  'location',
  'aggregate',
  'createSession',
  'applyChangeset',
  'enableLoadExtension',
  'enableDefensive',
  'loadExtension',
  'serialize',
  'deserialize',
  'setAuthorizer',
  'createModule',
] as const;
