// createModule()'s options, validated in node:sqlite's order (Node 26): options object,
// columns array, columns non-empty, rows function, directOnly, useBigIntArguments, then each
// column (name string, type string, hidden boolean, type one of the five names).
// Options are read once each, in that order (columns, rows, directOnly, useBigIntArguments;
// per column: name, type, hidden), including inherited properties.
import { codedError, invalidArgType } from '../shared/errors';
import { isObject } from '../shared/v8-checks';
import { OPTIONS_NOT_OBJECT } from '../shared/messages';
import type { SQLFunctionArgument, SQLFunctionResult } from '../shared/user-functions';

/** One column of a `createModule()` virtual table. */
export interface VirtualTableColumn {
  /** The column's name. */
  name: string;
  /** Its declared type (values are returned as they are, without affinity). */
  type: 'INTEGER' | 'TEXT' | 'REAL' | 'BLOB' | 'ANY';
  /** A hidden column is an argument of the table-valued function form. */
  hidden?: boolean;
}

/** Options of `db.createModule(name, options)`. */
export interface VirtualTableOptions {
  /** The table's columns, in order. */
  columns: VirtualTableColumn[];
  /**
   * Called with the hidden columns' values (as a user function's arguments); returns an iterable
   * of rows, each an array of cell values in column order (converted as a user function's result).
   */
  rows: (...hiddenColumnValues: SQLFunctionArgument[]) => Iterable<readonly SQLFunctionResult[]>;
  /** The table may only be used from top-level SQL, not from views or triggers. Default false. */
  directOnly?: boolean;
  /** Integer arguments of `rows` arrive as `bigint`. Default false. */
  useBigIntArguments?: boolean;
}

export interface NormalizedModule {
  declaration: string;
  hidden: boolean[];
  rows: (...args: unknown[]) => unknown;
  directOnly: boolean;
  useBigIntArguments: boolean;
}

const TYPES = new Set(['INTEGER', 'TEXT', 'REAL', 'BLOB', 'ANY']);
const isArray = Array.isArray;


function optionalBoolean(value: unknown, name: string): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw invalidArgType(`The "options.${name}" argument must be a boolean.`);
  return value;
}

// A column name inside double quotes, so any text is a valid identifier (no SQL injection).
const quoteIdentifier = (name: string) => `"${name.replace(/"/g, '""')}"`;

export function normalizeModuleOptions(options: unknown): NormalizedModule {
  if (!isObject(options)) throw invalidArgType(OPTIONS_NOT_OBJECT);
  const columns = options.columns;
  if (!isArray(columns)) throw invalidArgType('The "options.columns" argument must be an array.');
  if (columns.length === 0) {
    throw codedError(TypeError, 'ERR_INVALID_ARG_VALUE', 'The "options.columns" array must not be empty.');
  }
  const rows = options.rows;
  if (typeof rows !== 'function') throw invalidArgType('The "options.rows" argument must be a function.');
  const directOnly = optionalBoolean(options.directOnly, 'directOnly');
  const useBigIntArguments = optionalBoolean(options.useBigIntArguments, 'useBigIntArguments');
  const definitions: string[] = [];
  const hidden: boolean[] = [];
  for (let i = 0; i < columns.length; i++) {
    const column: unknown = columns[i];
    if (!isObject(column)) throw invalidArgType('Each column in "options.columns" must be an object.');
    const name = column.name;
    if (typeof name !== 'string') throw invalidArgType('The column "name" property must be a string.');
    const type = column.type;
    if (typeof type !== 'string') throw invalidArgType('The column "type" property must be a string.');
    const isHidden = column.hidden;
    if (isHidden !== undefined && typeof isHidden !== 'boolean') {
      throw invalidArgType('The column "hidden" property must be a boolean.');
    }
    if (!TYPES.has(type)) {
      throw codedError(
        TypeError,
        'ERR_INVALID_ARG_VALUE',
        "The column \"type\" property must be one of 'INTEGER', 'TEXT', 'REAL', 'BLOB', or 'ANY'.",
      );
    }
    hidden.push(isHidden === true);
    definitions.push(`${quoteIdentifier(name)} ${type}${isHidden === true ? ' HIDDEN' : ''}`);
  }
  return {
    declaration: `CREATE TABLE x(${definitions.join(', ')})`,
    hidden,
    rows: rows as (...args: unknown[]) => unknown,
    directOnly,
    useBigIntArguments,
  };
}
