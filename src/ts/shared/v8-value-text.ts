// How V8 (Node 26) writes a value into its own error messages, for errors we raise where V8
// would have raised them (the iterator helpers of iterator-helpers.ts). Reading a value for a
// message must not run user code, so nothing here calls a getter, a proxy trap, toString or
// valueOf: properties are read from data descriptors only, as V8's NoSideEffectsToString does.
import { types } from 'node:util';

const ObjectPrototypeToString = Object.prototype.toString;
const ErrorPrototypeToString = Error.prototype.toString;
const FunctionPrototypeToString = Function.prototype.toString;

// A data property's value along the prototype chain; undefined for an accessor, a missing key,
// or anything behind a proxy (whose traps would be user code).
function dataProperty(object: object, key: PropertyKey): unknown {
  for (let o: object | null = object; o !== null; o = Reflect.getPrototypeOf(o)) {
    if (types.isProxy(o)) return undefined;
    const descriptor = Reflect.getOwnPropertyDescriptor(o, key);
    if (descriptor !== undefined) return 'value' in descriptor ? descriptor.value : undefined;
  }
  return undefined;
}

// The class V8 records for a built-in object, as in ES5's [[Class]] ("[object Array]").
function builtinTag(object: object): string {
  if (Array.isArray(object)) return 'Array';
  if (typeof object === 'function') return 'Function';
  if (types.isNativeError(object)) return 'Error';
  if (types.isBooleanObject(object)) return 'Boolean';
  if (types.isNumberObject(object)) return 'Number';
  if (types.isStringObject(object)) return 'String';
  if (types.isSymbolObject(object)) return 'Symbol';
  if (types.isBigIntObject(object)) return 'BigInt';
  if (types.isDate(object)) return 'Date';
  if (types.isRegExp(object)) return 'RegExp';
  if (types.isArgumentsObject(object)) return 'Arguments';
  return 'Object';
}

// "Name: message", from data properties only (Error.prototype.toString without side effects).
function errorText(error: object): string {
  const name = dataProperty(error, 'name');
  const message = dataProperty(error, 'message');
  const n = typeof name === 'string' ? name : 'Error';
  const m = typeof message === 'string' ? message : '';
  if (n === '') return m;
  if (m === '') return n;
  return `${n}: ${m}`;
}

function objectText(object: object): string {
  if (types.isProxy(object)) return Array.isArray(object) ? '[object Array]' : '#<Object>';
  const toString = dataProperty(object, 'toString');
  if (types.isNativeError(object) || toString === ErrorPrototypeToString) return errorText(object);
  if (toString === ObjectPrototypeToString) {
    const constructor = dataProperty(object, 'constructor');
    if (typeof constructor === 'function') {
      const name = dataProperty(constructor, 'name');
      if (typeof name === 'string' && name !== '') return `#<${name}>`;
    }
  }
  const tag = dataProperty(object, Symbol.toStringTag);
  return `[object ${typeof tag === 'string' ? tag : builtinTag(object)}]`;
}

/** A value as V8 writes it in "X must be positive", "X is not iterable", "receiver X". */
export function valueText(value: unknown): string {
  if (typeof value === 'function') {
    return types.isProxy(value) ? 'function () { [native code] }' : FunctionPrototypeToString.call(value);
  }
  if (typeof value === 'object' && value !== null) return objectText(value);
  // String() of a primitive (symbols included) runs no user code.
  return String(value);
}

/** A non-callable value as V8 26 writes it in "X is not a function": `number 1`, `string "a"`, `object`. */
export function notCallableText(value: unknown): string {
  switch (typeof value) {
    case 'number':
    case 'boolean':
      return `${typeof value} ${String(value)}`;
    case 'string':
      return `string "${value}"`;
    case 'object':
      return value === null ? 'object null' : 'object';
    default:
      return typeof value; // undefined, symbol, bigint: the type alone
  }
}
