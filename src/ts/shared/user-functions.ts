// Argument validation for DatabaseSync#function() and #aggregate(), in node:sqlite's order and
// with its messages; the native side (src/native/sync/user_functions.h) registers and runs them.
import { invalidArgType } from './errors';
import { isObject } from './v8-checks';
import { NAME_NOT_STRING, OPTIONS_NOT_OBJECT, optionNotBoolean } from './messages';

/**
 * A value SQLite can take from a user function (or a virtual table's cell): `null`/`undefined`
 * (NULL), a number (REAL), a `bigint` (INTEGER), a string (TEXT), bytes (BLOB). Not a boolean,
 * unlike a parameter: a function returning one fails ("cannot be converted to a SQLite value").
 */
export type SQLFunctionResult =
  | null
  | undefined
  | number
  | bigint
  | string
  | ArrayBufferView
  | ArrayBuffer
  | SharedArrayBuffer;
/**
 * A value SQLite passes to a user function: a column's value (`SQLOutputValue`). Integers arrive
 * as numbers, or as `bigint`s with `useBigIntArguments`.
 */
export type SQLFunctionArgument = null | number | bigint | string | Uint8Array;

/** Options of `db.function()`. */
export interface FunctionOptions {
  /** The function always returns the same result for the same arguments (lets SQLite use it in indexes). Default false. */
  deterministic?: boolean;
  /** The function may only be called from top-level SQL, not from views, triggers or schema. Default false. */
  directOnly?: boolean;
  /** Integer arguments arrive as bigint (else as numbers; beyond 2^53 that is an error). Default false. */
  useBigIntArguments?: boolean;
  /** Accept any number of arguments (else exactly `fn.length`). Default false. */
  varargs?: boolean;
}

/** Options of `db.aggregate()`: `start`, `step` and optionally `result` and `inverse` (window functions). */
export interface AggregateOptions<T = unknown> {
  /** The initial accumulator, or a function returning it (called once per group). */
  start: T | (() => T);
  /** Returns the new accumulator for one row's arguments. */
  step: (accumulator: T, ...args: SQLFunctionArgument[]) => T;
  /** Turns the accumulator into the SQL result (default: the accumulator itself). */
  result?: (accumulator: T) => SQLFunctionResult;
  /** Removes one row's arguments from the accumulator; makes this a window function. */
  inverse?: (accumulator: T, ...args: SQLFunctionArgument[]) => T;
  /** See FunctionOptions. */
  directOnly?: boolean;
  /** See FunctionOptions. */
  useBigIntArguments?: boolean;
  /** Accept any number of arguments (else `max(step.length, inverse.length) - 1`, at least 0). */
  varargs?: boolean;
}

/**
 * What `aggregate()` requires beyond `AggregateOptions<T>`: without `result`, the accumulator
 * itself is the SQL result, so an accumulator SQLite cannot take (an object, a boolean) needs a
 * `result`.
 */
export type AggregateResultOption<T> = [T] extends [SQLFunctionResult]
  ? unknown
  : { result: (accumulator: T) => SQLFunctionResult };

const SQLITE_DETERMINISTIC = 0x000000800;
const SQLITE_DIRECTONLY = 0x000080000;

type Callable = (...args: never[]) => unknown;

function optionalBoolean(options: Record<string, unknown>, key: string): boolean {
  const value = options[key];
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw invalidArgType(optionNotBoolean(key));
  return value;
}

/** The native arguments of function(name, [options,] fn): [name, fn, arity, flags, useBigIntArguments]. */
export function scalarFunctionArgs(args: unknown[]): [string, Callable, number, number, boolean] {
  const [name] = args;
  if (typeof name !== 'string') throw invalidArgType(NAME_NOT_STRING);
  // As node: with three or more arguments the second is the options object (any object,
  // functions included), read in full before the third is checked to be the function.
  const optionsGiven = args.length >= 3;
  let useBigInt = false;
  let varargs = false;
  let flags = 0;
  if (optionsGiven) {
    const options = args[1];
    if (!isObject(options)) throw invalidArgType(OPTIONS_NOT_OBJECT);
    const record = options as Record<string, unknown>;
    useBigInt = optionalBoolean(record, 'useBigIntArguments');
    varargs = optionalBoolean(record, 'varargs');
    if (optionalBoolean(record, 'deterministic')) flags |= SQLITE_DETERMINISTIC;
    if (optionalBoolean(record, 'directOnly')) flags |= SQLITE_DIRECTONLY;
  }
  const fn = optionsGiven ? args[2] : args[1];
  if (typeof fn !== 'function') throw invalidArgType('The "function" argument must be a function.');
  return [name, fn as Callable, varargs ? -1 : fn.length, flags, useBigInt];
}

/**
 * The native arguments of aggregate(name, options):
 * [name, start, startIsFunction, step, result, inverse, arity, flags, useBigIntArguments].
 */
export function aggregateFunctionArgs(
  name: unknown,
  options: unknown,
): [string, unknown, boolean, Callable, unknown, Callable | undefined, number, number, boolean] {
  if (typeof name !== 'string') throw invalidArgType(NAME_NOT_STRING);
  if (!isObject(options)) throw invalidArgType(OPTIONS_NOT_OBJECT);
  const record = options as Record<string, unknown>;
  // node reads the options in this order, and never reads `deterministic` here.
  const start = record.start;
  if (start === undefined) throw invalidArgType('The "options.start" argument must be a function or a primitive value.');
  const step = record.step;
  if (typeof step !== 'function') throw invalidArgType('The "options.step" argument must be a function.');
  const result = record.result;
  const useBigInt = optionalBoolean(record, 'useBigIntArguments');
  const varargs = optionalBoolean(record, 'varargs');
  const directOnly = optionalBoolean(record, 'directOnly');
  const inverse = record.inverse;
  if (inverse !== undefined && typeof inverse !== 'function') {
    throw invalidArgType('The "options.inverse" argument must be a function.');
  }
  // One argument of each callback is the accumulator; a step that ignores it takes no arguments.
  const arity = varargs ? -1 : Math.max(step.length - 1, typeof inverse === 'function' ? inverse.length - 1 : 0, 0);
  return [
    name,
    start,
    typeof start === 'function',
    step as Callable,
    typeof result === 'function' ? result : undefined,
    inverse as Callable | undefined,
    arity,
    directOnly ? SQLITE_DIRECTONLY : 0,
    useBigInt,
  ];
}
