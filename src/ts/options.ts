// Validation of DatabaseSync's constructor arguments, with node:sqlite's messages and defaults.
import type { NativeDatabaseConfig } from './binding';
import { codedError, invalidArgType } from './errors';

/** Options of `new DatabaseSync(path, options)`, as in node:sqlite (Node 26). */
export interface DatabaseSyncOptions {
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
  /** Return rows as arrays instead of objects. Default `false`. */
  returnArrays?: boolean;
  /** Let `{ a: 1 }` bind `$a`, `:a` or `@a`. Default `true`. */
  allowBareNamedParameters?: boolean;
  /** Ignore named parameters the statement does not have instead of throwing. Default `false`. */
  allowUnknownNamedParameters?: boolean;
  /** SQLite's defensive mode (no writable_schema and similar footguns). Default `true`. */
  defensive?: boolean;
}

export type DatabasePath = string | Uint8Array | URL;

const PATH_MESSAGE = 'The "path" argument must be a string, Uint8Array, or URL without null bytes.';

export function normalizePath(path: unknown): string {
  let location: string | undefined;
  if (typeof path === 'string') {
    location = path;
  } else if (path instanceof Uint8Array) {
    location = Buffer.from(path.buffer, path.byteOffset, path.byteLength).toString('utf8');
  } else if (path instanceof URL) {
    if (path.protocol !== 'file:') {
      throw codedError(TypeError, 'ERR_INVALID_URL_SCHEME', 'The URL must be of scheme file:');
    }
    // SQLite understands file: URIs itself (SQLITE_USE_URI), query parameters included.
    location = path.href;
  }
  if (location === undefined || location.includes('\0')) throw invalidArgType(PATH_MESSAGE);
  return location;
}

function readBoolean(options: Record<string, unknown>, key: string, fallback: boolean): boolean {
  const value = options[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw invalidArgType(`The "options.${key}" argument must be a boolean.`);
  return value;
}

export function normalizeOptions(
  location: string,
  options: unknown,
): { open: boolean; config: NativeDatabaseConfig } {
  if (options === undefined) options = {};
  if (options === null || typeof options !== 'object') {
    throw invalidArgType('The "options" argument must be an object.');
  }
  const o = options as Record<string, unknown>;
  const open = readBoolean(o, 'open', true);
  const readOnly = readBoolean(o, 'readOnly', false);
  const enableForeignKeyConstraints = readBoolean(o, 'enableForeignKeyConstraints', true);
  const enableDoubleQuotedStringLiterals = readBoolean(o, 'enableDoubleQuotedStringLiterals', false);
  const readBigInts = readBoolean(o, 'readBigInts', false);
  const returnArrays = readBoolean(o, 'returnArrays', false);
  const allowBareNamedParameters = readBoolean(o, 'allowBareNamedParameters', true);
  const allowUnknownNamedParameters = readBoolean(o, 'allowUnknownNamedParameters', false);
  const allowExtension = readBoolean(o, 'allowExtension', false);
  const defensive = readBoolean(o, 'defensive', true);
  let timeout = 0;
  if (o.timeout !== undefined) {
    if (!Number.isInteger(o.timeout)) throw invalidArgType('The "options.timeout" argument must be an integer.');
    timeout = o.timeout as number;
  }
  return {
    open,
    config: {
      location,
      readOnly,
      enableForeignKeyConstraints,
      enableDoubleQuotedStringLiterals,
      allowExtension,
      defensive,
      timeout,
      readBigInts,
      returnArrays,
      allowBareNamedParameters,
      allowUnknownNamedParameters,
    },
  };
}

