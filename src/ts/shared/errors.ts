// Errors shaped like node's own: a plain Error/TypeError/RangeError whose own keys are exactly
// `code` (and, for SQLite failures, `errcode` and `errstr`). SqliteError exists for instanceof
// checks only — it recognises any error with code ERR_SQLITE_ERROR, from the sync and async APIs
// and from node:sqlite itself, without changing the shape of the thrown objects.

type ErrorClass = ErrorConstructor | TypeErrorConstructor | RangeErrorConstructor;

export function codedError(Kind: ErrorClass, code: string, message: string): Error {
  const error = new Kind(message) as Error & { code: string };
  error.code = code;
  return error;
}

export const invalidArgType = (message: string) => codedError(TypeError, 'ERR_INVALID_ARG_TYPE', message);
export const invalidState = (message: string) => codedError(Error, 'ERR_INVALID_STATE', message);

/** The shape of an error raised by SQLite itself. */
export interface SqliteErrorShape extends Error {
  code: 'ERR_SQLITE_ERROR';
  /** SQLite's extended result code, e.g. 2067 for SQLITE_CONSTRAINT_UNIQUE. */
  errcode: number;
  /** SQLite's description of the result code, e.g. 'constraint failed'. */
  errstr: string;
}

/**
 * For `instanceof` checks: `err instanceof SqliteError` is true for every error SQLite raised
 * (code `'ERR_SQLITE_ERROR'`). The thrown objects themselves are plain `Error`s, exactly as
 * node:sqlite throws them, so code written for node:sqlite sees no difference.
 */
export class SqliteError extends Error implements SqliteErrorShape {
  declare code: 'ERR_SQLITE_ERROR';
  declare errcode: number;
  declare errstr: string;

  static override [Symbol.hasInstance](value: unknown): boolean {
    return value instanceof Error && (value as { code?: unknown }).code === 'ERR_SQLITE_ERROR';
  }
}
