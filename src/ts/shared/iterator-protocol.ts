// The abstract operations of ECMA-262's iteration chapter that the iterator helpers
// (iterator-helpers.ts) are specified with: GetIteratorDirect, IteratorStep(Value),
// IteratorClose and GetIteratorFlattenable. Each does exactly the property reads and calls the
// spec lists, in its order, since user iterators can observe them (getters on `next`, `done`,
// `value`, `return`). Errors carry V8's messages (v8-value-text.ts), as Node 26 throws them.
import { notCallableText, valueText } from './v8-value-text';

/** An Iterator Record: the iterator and the `next` method read once when it was made. */
export interface IteratorRecord {
  readonly iterator: object;
  readonly next: unknown;
}

/** What IteratorStep / IteratorStepValue return when the iterator is done. */
export const DONE: unique symbol = Symbol('done');

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;

export const isObject = (value: unknown): value is object =>
  (typeof value === 'object' && value !== null) || typeof value === 'function';

export function notAFunction(value: unknown): TypeError {
  return new TypeError(`${notCallableText(value)} is not a function`);
}

/** GetIteratorDirect: reads `next` once; a non-callable `next` fails at the first step only. */
export function getIteratorDirect(iterator: object): IteratorRecord {
  return { iterator, next: (iterator as { next?: unknown }).next };
}

// IteratorNext: calls the recorded `next` with no argument; its result must be an object.
function iteratorNext(record: IteratorRecord): object {
  const next = record.next;
  if (typeof next !== 'function') throw notAFunction(next);
  const result: unknown = Reflect.apply(next as AnyFunction, record.iterator, []);
  if (!isObject(result)) throw new TypeError(`Iterator result ${valueText(result)} is not an object`);
  return result;
}

/** IteratorStep: advances without reading `value`; DONE when `done` is truthy. */
export function step(record: IteratorRecord): typeof DONE | undefined {
  return (iteratorNext(record) as { done?: unknown }).done ? DONE : undefined;
}

/** IteratorStepValue: the next value, or DONE (then `value` is not read). */
export function stepValue(record: IteratorRecord): unknown {
  const result = iteratorNext(record) as { done?: unknown; value?: unknown };
  if (result.done) return DONE;
  return result.value;
}

/**
 * IteratorClose for a normal or return completion: calls `return()` if there is one. Its errors
 * propagate, and so does a result that is not an object.
 */
export function closeIterator(iterator: object): void {
  const method = (iterator as { return?: unknown }).return;
  if (method === undefined || method === null) return;
  if (typeof method !== 'function') throw notAFunction(method);
  const result: unknown = Reflect.apply(method as AnyFunction, iterator, []);
  if (!isObject(result)) throw new TypeError('return called on non-object');
}

/**
 * IteratorClose for a throw completion: calls `return()` if there is one, but the error being
 * thrown wins over anything `return` does (a throwing getter or call, a bad result).
 */
export function closeIteratorAfterError(iterator: object): void {
  try {
    const method = (iterator as { return?: unknown }).return;
    if (method !== undefined && method !== null) Reflect.apply(method as AnyFunction, iterator, []);
  } catch {
    // the caller rethrows its own error
  }
}

/**
 * GetIteratorFlattenable(value, reject-primitives), for flatMap: an iterable object gives its
 * iterator, an object without Symbol.iterator is used as the iterator itself; primitives
 * (strings included) are rejected with V8's message.
 */
export function getIteratorFlattenable(value: unknown): IteratorRecord {
  if (!isObject(value)) throw new TypeError('Iterator.prototype.flatMap called on non-object');
  const method = (value as { [Symbol.iterator]?: unknown })[Symbol.iterator];
  let iterator: unknown = value;
  if (method !== undefined && method !== null) {
    if (typeof method !== 'function') {
      throw new TypeError(
        `'${valueText(method)}' returned for property 'Symbol(Symbol.iterator)' of object '${valueText(value)}' is not a function`,
      );
    }
    iterator = Reflect.apply(method as AnyFunction, value, []);
  }
  if (!isObject(iterator)) throw new TypeError(`${valueText(value)} is not iterable`);
  return getIteratorDirect(iterator);
}
