// Validation of DatabaseSync's constructor and prepare() arguments, with node:sqlite's messages,
// defaults and order of reads (Node 26).
import type { NativeDatabaseConfig, NativeStatementOptions } from '../binding';
import { codedError, invalidArgType } from './errors';
import { isInt32, isObject } from './v8-checks';
import { LIMIT_NAMES, type DatabaseLimits } from './limits';
import { OPTIONS_NOT_OBJECT, optionNotBoolean } from './messages';

/**
 * Options of `new DatabaseSync(path, options)`, as in node:sqlite (Node 26). `ReturnArrays` is
 * the type of `returnArrays`, inferred from a literal to give the database its row type.
 */
export interface DatabaseSyncOptions<ReturnArrays extends boolean | undefined = boolean | undefined> {
  /** Open the database in the constructor. Default `true`. */
  open?: boolean;
  /** Open read-only. Default `false`. */
  readOnly?: boolean;
  /** Enforce foreign key constraints. Default `true`. */
  enableForeignKeyConstraints?: boolean;
  /** Accept double-quoted string literals (a legacy SQLite misfeature). Default `false`. */
  enableDoubleQuotedStringLiterals?: boolean;
  /** Allow `loadExtension()`. Default `false`. */
  allowExtension?: boolean;
  /** Busy timeout in milliseconds. Default `0`. */
  timeout?: number;
  /** Read INTEGER columns as `bigint`. Default `false`. */
  readBigInts?: boolean;
  /** Return rows as arrays instead of objects (the rows are then typed `SQLOutputValue[]`). Default `false`. */
  returnArrays?: ReturnArrays;
  /** Let `{ a: 1 }` bind `$a`, `:a` or `@a`. Default `true`. */
  allowBareNamedParameters?: boolean;
  /** Ignore named parameters the statement does not have instead of throwing. Default `false`. */
  allowUnknownNamedParameters?: boolean;
  /** SQLite's defensive mode (no writable_schema and similar footguns). Default `true`. */
  defensive?: boolean;
  /** Initial SQLite run-time limits (see `db.limits`). */
  limits?: Partial<DatabaseLimits>;
}

/**
 * Options of `db.prepare(sql, options)`: per-statement overrides of the database's defaults.
 * `ReturnArrays` is the type of `returnArrays`, inferred from a literal to give the statement
 * its row type.
 */
export interface StatementOptions<ReturnArrays extends boolean | undefined = boolean | undefined> {
  /** INTEGER columns read as `bigint` (default: the database's `readBigInts`). */
  readBigInts?: boolean;
  /**
   * Rows are arrays of values (typed `SQLOutputValue[]`) instead of objects (default: the
   * database's `returnArrays`).
   */
  returnArrays?: ReturnArrays;
  /** `{ a: 1 }` binds `$a`, `:a` or `@a` (default: the database's setting, true). */
  allowBareNamedParameters?: boolean;
  /** Keys naming no parameter are ignored instead of throwing (default: the database's setting, false). */
  allowUnknownNamedParameters?: boolean;
  /** Hint that the statement will be kept and reused many times (SQLITE_PREPARE_PERSISTENT). */
  persistent?: boolean;
}

export type DatabasePath = string | Uint8Array | URL;

const PATH_MESSAGE = 'The "path" argument must be a string, Uint8Array, or URL without null bytes.';

function fromHref(href: string): string {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    throw codedError(TypeError, 'ERR_INVALID_URL', 'Invalid URL');
  }
  if (url.protocol !== 'file:') throw codedError(TypeError, 'ERR_INVALID_URL_SCHEME', 'The URL must be of scheme file:');
  // SQLite parses file: URIs itself (SQLITE_OPEN_URI), query parameters included.
  return url.href;
}

export function normalizePath(path: unknown): string {
  let location: string | undefined;
  if (typeof path === 'string') {
    location = path;
  } else if (path instanceof Uint8Array) {
    location = Buffer.from(path.buffer, path.byteOffset, path.byteLength).toString('utf8');
  } else if (path !== null && typeof path === 'object' && 'href' in path) {
    // Like node, any object with a string `href` (a URL, or URL-like) is taken as a URL.
    const href = (path as { href: unknown }).href;
    if (typeof href === 'string') location = fromHref(href);
  }
  if (location === undefined || location.includes('\0')) throw invalidArgType(PATH_MESSAGE);
  return location;
}


function readBoolean(options: Record<string, unknown>, key: string, fallback: boolean): boolean {
  const value = options[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw invalidArgType(optionNotBoolean(key));
  return value;
}

function readLimits(value: unknown): number[] {
  const limits = LIMIT_NAMES.map(() => -1);
  if (value === undefined) return limits;
  if (!isObject(value)) throw invalidArgType('The "options.limits" argument must be an object.');
  LIMIT_NAMES.forEach((name, id) => {
    const limit = value[name];
    if (limit === undefined) return;
    if (!isInt32(limit)) throw invalidArgType(`The "options.limits.${name}" argument must be an integer.`);
    if (limit < 0) {
      throw codedError(RangeError, 'ERR_OUT_OF_RANGE', `The "options.limits.${name}" argument must be non-negative.`);
    }
    limits[id] = limit;
  });
  return limits;
}

/** `hasOptions` is whether an options argument was passed at all: explicit `undefined` is invalid. */
export function normalizeOptions(
  location: string,
  hasOptions: boolean,
  options: unknown,
): { open: boolean; config: NativeDatabaseConfig } {
  if (!hasOptions) options = {};
  if (!isObject(options)) throw invalidArgType(OPTIONS_NOT_OBJECT);
  const o = options;
  // Read and validated in node's order.
  const open = readBoolean(o, 'open', true);
  const readOnly = readBoolean(o, 'readOnly', false);
  const enableForeignKeyConstraints = readBoolean(o, 'enableForeignKeyConstraints', true);
  const enableDoubleQuotedStringLiterals = readBoolean(o, 'enableDoubleQuotedStringLiterals', false);
  const allowExtension = readBoolean(o, 'allowExtension', false);
  const timeoutValue = o.timeout;
  if (timeoutValue !== undefined && !isInt32(timeoutValue)) {
    throw invalidArgType('The "options.timeout" argument must be an integer.');
  }
  const readBigInts = readBoolean(o, 'readBigInts', false);
  const returnArrays = readBoolean(o, 'returnArrays', false);
  const allowBareNamedParameters = readBoolean(o, 'allowBareNamedParameters', true);
  const allowUnknownNamedParameters = readBoolean(o, 'allowUnknownNamedParameters', false);
  const defensive = readBoolean(o, 'defensive', true);
  const limits = readLimits(o.limits);
  return {
    open,
    config: {
      location,
      readOnly,
      enableForeignKeyConstraints,
      enableDoubleQuotedStringLiterals,
      allowExtension,
      defensive,
      timeout: timeoutValue === undefined ? 0 : timeoutValue,
      readBigInts,
      returnArrays,
      allowBareNamedParameters,
      allowUnknownNamedParameters,
      limits,
    },
  };
}

/** prepare()'s options, read in node's order; undefined entries keep the database's defaults. */
export function normalizeStatementOptions(options: unknown): NativeStatementOptions {
  if (!isObject(options)) throw invalidArgType(OPTIONS_NOT_OBJECT);
  const read = (key: string): boolean | undefined => {
    const value = options[key];
    if (value !== undefined && typeof value !== 'boolean') {
      throw invalidArgType(optionNotBoolean(key));
    }
    return value;
  };
  const returnArrays = read('returnArrays');
  const readBigInts = read('readBigInts');
  const allowBareNamedParameters = read('allowBareNamedParameters');
  const allowUnknownNamedParameters = read('allowUnknownNamedParameters');
  const persistent = read('persistent');
  return { returnArrays, readBigInts, allowBareNamedParameters, allowUnknownNamedParameters, persistent };
}
