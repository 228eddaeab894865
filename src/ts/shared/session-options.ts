// The options of createSession() and applyChangeset(), checked as node checks them; shared by
// DatabaseSync and AsyncDatabase.
import { types } from 'node:util';
import { invalidArgType } from './errors';
import { isObject } from './v8-checks';
import { OPTIONS_NOT_OBJECT } from './messages';

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
    if (!isObject(options)) throw invalidArgType(OPTIONS_NOT_OBJECT);
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
    if (!isObject(options)) throw invalidArgType(OPTIONS_NOT_OBJECT);
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
