// deserialize(buffer, options)'s arguments, with node:sqlite's messages and order (Node 26), for
// AsyncDatabase#deserialize(). DatabaseSync's are checked natively (database_serialize.cc): node
// makes those checks between its connection checks (open, then not inside a callback) and the
// replacement, and reads the buffer's bytes again after `options.dbName`'s getter has run; the
// native side does all of it in one place, as it must check what it reads anyway.
import { codedError, invalidArgType } from './errors';
import { isObject } from './v8-checks';
import { OPTIONS_NOT_OBJECT } from './messages';

/**
 * Checks `buffer` (a non-empty Uint8Array) then `options` (undefined, or an object whose
 * `dbName`, if not undefined, is a string); returns the name of the database to replace.
 */
export function parseDeserializeArgs(buffer: unknown, options: unknown): string {
  if (!(buffer instanceof Uint8Array) || buffer instanceof Uint8ClampedArray) {
    throw invalidArgType('The "buffer" argument must be a Uint8Array.');
  }
  if (buffer.length === 0) throw codedError(TypeError, 'ERR_INVALID_ARG_VALUE', 'The "buffer" argument must not be empty.');
  if (options === undefined) return 'main';
  if (!isObject(options)) throw invalidArgType(OPTIONS_NOT_OBJECT);
  const name = options.dbName;
  if (name === undefined) return 'main';
  if (typeof name !== 'string') throw invalidArgType('The "options.dbName" argument must be a string.');
  return name;
}
