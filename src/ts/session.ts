// Session: node:sqlite's recorder of changes (SQLite's session extension), created by
// DatabaseSync#createSession(). The native session (src/native/session_sync.h) does the work and
// the checks; this class only holds it, and the database it belongs to.
import type { NativeSession } from './binding';
import { types } from 'node:util';
import { hideUncloneableBase, illegalConstructor, illegalInvocation, Uncloneable } from './class-shape';
import { invalidArgType } from './errors';
import { queryChannel, traceQueries } from './query-diagnostics';
import { isObject } from './v8-checks';

/** Token that lets only this package construct sessions. */
export const CREATE_SESSION = Symbol('createSession');

/** Options of `DatabaseSync#createSession()`. */
export interface SessionOptions {
  /** Record changes to this table only (default: every table). */
  table?: string;
  /** The attached database to record (default `'main'`). */
  db?: string;
}

/** Options of `applyChangeset()`. */
export interface ApplyChangesetOptions {
  /** Called with each table name in the changeset; a falsy return skips that table's changes. */
  filter?: (tableName: string) => unknown;
  /**
   * Called with the conflict type (`constants.SQLITE_CHANGESET_DATA`, `…_NOTFOUND`,
   * `…_CONFLICT`, `…_CONSTRAINT`, `…_FOREIGN_KEY`) of each conflict; returns
   * `constants.SQLITE_CHANGESET_OMIT`, `…_REPLACE` or `…_ABORT`. Without it, a conflict aborts.
   */
  onConflict?: (conflictType: number) => number;
}

const hasOwn = (object: object, key: string) => Object.prototype.hasOwnProperty.call(object, key);

/**
 * createSession()'s options, checked in node's order (own properties only) after the caller has
 * checked the connection. Table `''` records every table. Shared by DatabaseSync and AsyncDatabase.
 */
export function parseSessionOptions(hasOptions: boolean, options: unknown): { table: string; dbName: string } {
  let table = '';
  let dbName = 'main';
  if (hasOptions) {
    if (!isObject(options)) throw invalidArgType('The "options" argument must be an object.');
    if (hasOwn(options, 'table')) {
      const value = options.table;
      if (typeof value !== 'string') throw invalidArgType('The "options.table" argument must be a string.');
      table = value;
    }
    if (hasOwn(options, 'db')) {
      const value = options.db;
      if (typeof value !== 'string') throw invalidArgType('The "options.db" argument must be a string.');
      dbName = value;
    }
  }
  return { table, dbName };
}

/**
 * applyChangeset()'s arguments, checked in node's order after the caller has checked the
 * connection: onConflict is read with [[Get]] (inherited too), filter only when it is an own
 * property. Shared by DatabaseSync and AsyncDatabase.
 */
export function parseApplyChangesetOptions(
  hasOptions: boolean,
  changeset: unknown,
  options: unknown,
): { filter: ApplyChangesetOptions['filter']; onConflict: ApplyChangesetOptions['onConflict'] } {
  if (!types.isUint8Array(changeset)) throw invalidArgType('The "changeset" argument must be a Uint8Array.');
  let filter: ApplyChangesetOptions['filter'];
  let onConflict: ApplyChangesetOptions['onConflict'];
  if (hasOptions && options !== undefined) {
    if (!isObject(options)) throw invalidArgType('The "options" argument must be an object.');
    const conflictValue = options.onConflict;
    if (conflictValue !== undefined) {
      if (typeof conflictValue !== 'function') throw invalidArgType('The "options.onConflict" argument must be a function.');
      onConflict = conflictValue as ApplyChangesetOptions['onConflict'];
    }
    if (hasOwn(options, 'filter')) {
      const filterValue = options.filter;
      if (typeof filterValue !== 'function') throw invalidArgType('The "options.filter" argument must be a function.');
      filter = filterValue as ApplyChangesetOptions['filter'];
    }
  }
  return { filter, onConflict };
}

let nativeOf: (self: unknown) => NativeSession;

/**
 * Records the changes made to a database (all tables or one) until closed; `changeset()` and
 * `patchset()` return them for `DatabaseSync#applyChangeset()`. Closing the database closes its
 * sessions.
 */
export class Session extends Uncloneable {
  #native: NativeSession;
  // Keeps the database object (and so its native connection) alive while this session lives.
  #database: object;

  /** @internal */
  constructor(token: symbol, native: NativeSession, database: object) {
    super();
    if (token !== CREATE_SESSION) throw illegalConstructor();
    this.#native = native;
    this.#database = database;
  }

  static {
    nativeOf = (self) => {
      if (typeof self !== 'object' || self === null || !(#native in self)) throw illegalInvocation();
      return (self as Session).#native;
    };
  }

  /** The changes recorded so far, as a changeset (old and new values of every changed row). */
  changeset(): Uint8Array {
    const native = nativeOf(this);
    // SQLite runs statements to build it (SAVEPOINT, PRAGMA table_xinfo, SELECT …), and node
    // publishes them.
    if (queryChannel.hasSubscribers) traceQueries(this.#database);
    return native.changeset();
  }

  /** The changes recorded so far, as a patchset (a more compact changeset: no old values of updated columns). */
  patchset(): Uint8Array {
    const native = nativeOf(this);
    if (queryChannel.hasSubscribers) traceQueries(this.#database);
    return native.patchset();
  }

  /** Stops recording and frees the session. */
  close(): void {
    nativeOf(this).close();
  }

  /** Closes the session unless it (or its database) is already closed (`using s = db.createSession()`). */
  [Symbol.dispose](): void {
    nativeOf(this).dispose();
  }
}
hideUncloneableBase(Session, Object.prototype);

/** Node 26's Session.prototype order. */
export const SESSION_METHOD_ORDER = ['changeset', 'patchset', 'close'] as const;
