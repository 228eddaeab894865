// The iterator helpers (ES2025 Iterator.prototype.map, filter, take, drop, flatMap, reduce,
// toArray, forEach, some, every, find, and [Symbol.toStringTag]) for platforms whose
// %IteratorPrototype% lacks them: Node 20 and 21 (V8 < 12), which have no global `Iterator`.
//
// node:sqlite's iterators inherit the helpers from Iterator.prototype on Node 22+, so code
// written for it calls `stmt.iterate().map(...)`. A library must not change the platform, so
// nothing global is touched: `iteratorHelpersParent` is %IteratorPrototype% itself when it
// already has every helper (Node 22+: the built-ins are used, nothing changes), and otherwise a
// prototype between our iterators and %IteratorPrototype% that holds only the missing ones
// (non-enumerable, with the built-ins' names and lengths, as in Node 26).
//
// The helpers follow the spec as V8 (Node 26) implements it, including its newer rule that a
// helper given a bad argument closes the receiver (calls its `return()`) before throwing. The
// lazy helpers return Iterator Helper objects; each runs a generator that is the spec's abstract
// closure, so "Generator is already running" (a re-entrant next()/return()), the state after an
// error and the results' shape come from V8 itself. Early exit closes the underlying iterator:
// a `return()` on the helper, a callback that throws, take() reaching its limit, some/every/find
// deciding. An error of the underlying iterator's own next() does not close it.
import {
  DONE,
  closeIterator,
  closeIteratorAfterError,
  getIteratorDirect,
  getIteratorFlattenable,
  isObject,
  notAFunction,
  step,
  stepValue,
  type IteratorRecord,
} from './iterator-protocol';
import { valueText } from './v8-value-text';

type Callback = (...args: unknown[]) => unknown;
type HelperGenerator = Generator<unknown, void, undefined>;

// %IteratorPrototype% of this realm (every Node has it, with [Symbol.iterator]() { return this }).
const IteratorPrototype: object = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()));

// The `this` of a helper must be an object.
function receiver(self: unknown, method: string): object {
  if (!isObject(self)) throw new TypeError(`Iterator.prototype.${method} called on non-object`);
  return self;
}

// A callback argument must be callable; if not, the receiver is closed before the TypeError.
function requireCallable(fn: unknown, iterator: object): Callback {
  if (typeof fn === 'function') return fn as Callback;
  const error = notAFunction(fn);
  closeIteratorAfterError(iterator);
  throw error;
}

// take/drop's limit: ToNumber, then ToIntegerOrInfinity; NaN or negative is a RangeError. The
// receiver is closed on any of these errors (ToNumber's own included: a throwing valueOf).
function requireLimit(limit: unknown, iterator: object): number {
  let number: number;
  try {
    number = +(limit as number); // ToNumber: throws for symbols and bigints, as the spec does
  } catch (error) {
    closeIteratorAfterError(iterator);
    throw error;
  }
  const integer = Number.isNaN(number) ? NaN : Math.trunc(number);
  if (Number.isNaN(integer) || integer < 0) {
    const error = new RangeError(`${valueText(limit)} must be positive`);
    closeIteratorAfterError(iterator);
    throw error;
  }
  return integer;
}

// Calls a callback with (value, counter) — or, for reduce, (accumulator, value, counter) — and
// `this` undefined; if it throws, the underlying iterator is closed and the error rethrown.
function callOrClose(record: IteratorRecord, fn: Callback, a: unknown, b: unknown): unknown {
  try {
    return fn(a, b);
  } catch (error) {
    closeIteratorAfterError(record.iterator);
    throw error;
  }
}

function callOrClose3(record: IteratorRecord, fn: Callback, a: unknown, b: unknown, c: unknown): unknown {
  try {
    return fn(a, b, c);
  } catch (error) {
    closeIteratorAfterError(record.iterator);
    throw error;
  }
}

// ---- lazy helpers: each generator is the spec's abstract closure for one helper ----
//
// Every `yield` is wrapped so that a return() arriving there (the only abrupt completion a
// helper's generator can be resumed with) closes the underlying iterator first; an error from
// that close propagates out of return().

function* mapSteps(record: IteratorRecord, mapper: Callback): HelperGenerator {
  for (let counter = 0; ; counter++) {
    const value = stepValue(record);
    if (value === DONE) return;
    const mapped = callOrClose(record, mapper, value, counter);
    let resumed = false;
    try {
      yield mapped;
      resumed = true;
    } finally {
      if (!resumed) closeIterator(record.iterator);
    }
  }
}

function* filterSteps(record: IteratorRecord, predicate: Callback): HelperGenerator {
  for (let counter = 0; ; counter++) {
    const value = stepValue(record);
    if (value === DONE) return;
    if (!callOrClose(record, predicate, value, counter)) continue;
    let resumed = false;
    try {
      yield value;
      resumed = true;
    } finally {
      if (!resumed) closeIterator(record.iterator);
    }
  }
}

function* takeSteps(record: IteratorRecord, limit: number): HelperGenerator {
  for (let remaining = limit; ; ) {
    if (remaining === 0) {
      closeIterator(record.iterator); // the limit is reached: the rest is never read
      return;
    }
    if (remaining !== Infinity) remaining--;
    const value = stepValue(record);
    if (value === DONE) return;
    let resumed = false;
    try {
      yield value;
      resumed = true;
    } finally {
      if (!resumed) closeIterator(record.iterator);
    }
  }
}

function* dropSteps(record: IteratorRecord, limit: number): HelperGenerator {
  for (let remaining = limit; remaining > 0; ) {
    if (remaining !== Infinity) remaining--;
    if (step(record) === DONE) return; // dropped values are not read
  }
  for (;;) {
    const value = stepValue(record);
    if (value === DONE) return;
    let resumed = false;
    try {
      yield value;
      resumed = true;
    } finally {
      if (!resumed) closeIterator(record.iterator);
    }
  }
}

function* flatMapSteps(record: IteratorRecord, mapper: Callback): HelperGenerator {
  for (let counter = 0; ; counter++) {
    const value = stepValue(record);
    if (value === DONE) return;
    const mapped = callOrClose(record, mapper, value, counter);
    let inner: IteratorRecord;
    try {
      inner = getIteratorFlattenable(mapped);
    } catch (error) {
      closeIteratorAfterError(record.iterator);
      throw error;
    }
    for (;;) {
      let innerValue: unknown;
      try {
        innerValue = stepValue(inner);
      } catch (error) {
        closeIteratorAfterError(record.iterator);
        throw error;
      }
      if (innerValue === DONE) break;
      let resumed = false;
      try {
        yield innerValue;
        resumed = true;
      } finally {
        if (!resumed) {
          // return(): the inner iterator first, then the outer one — which is closed even when
          // closing the inner one failed (that error is then the one thrown).
          try {
            closeIterator(inner.iterator);
          } catch (error) {
            closeIteratorAfterError(record.iterator);
            // eslint-disable-next-line no-unsafe-finally -- the spec's completion replaces the return
            throw error;
          }
          closeIterator(record.iterator);
        }
      }
    }
  }
}

const CREATE_HELPER = Symbol('createIteratorHelper');
let helperOf: (self: unknown, method: string) => IteratorHelper;

/** %IteratorHelperPrototype%'s counterpart: what map/filter/take/drop/flatMap return. */
class IteratorHelper {
  #steps: HelperGenerator;
  // Closed by a return() that arrives before the first next() (the generator has not started,
  // so none of its `finally` blocks would run).
  #underlying: object;
  #started = false;

  constructor(token: symbol, steps: HelperGenerator, underlying: object) {
    if (token !== CREATE_HELPER) throw new TypeError('Illegal constructor');
    this.#steps = steps;
    this.#underlying = underlying;
  }

  static {
    helperOf = (self, method) => {
      if (!isObject(self) || !(#steps in self)) {
        throw new TypeError(`Method Iterator Helper.prototype.${method} called on incompatible receiver ${valueText(self)}`);
      }
      return self as IteratorHelper;
    };
  }

  next(): IteratorResult<unknown, void> {
    const self = helperOf(this, 'next');
    self.#started = true;
    return self.#steps.next();
  }

  return(): IteratorResult<unknown, void> {
    const self = helperOf(this, 'return');
    if (!self.#started) {
      self.#started = true;
      self.#steps.return(undefined); // completes it: a later next() is done
      closeIterator(self.#underlying);
      return { value: undefined, done: true };
    }
    return self.#steps.return(undefined);
  }
}

// ---- the helper methods, as Node 26 orders them on Iterator.prototype ----

const helperMethods = {
  reduce(this: unknown, reducer: unknown, ...initial: unknown[]): unknown {
    const iterator = receiver(this, 'reduce');
    const fn = requireCallable(reducer, iterator);
    const record = getIteratorDirect(iterator);
    let accumulator: unknown;
    let counter: number;
    if (initial.length === 0) {
      accumulator = stepValue(record);
      if (accumulator === DONE) throw new TypeError('Reduce of a done iterator with no initial value');
      counter = 1;
    } else {
      accumulator = initial[0];
      counter = 0;
    }
    for (; ; counter++) {
      const value = stepValue(record);
      if (value === DONE) return accumulator;
      accumulator = callOrClose3(record, fn, accumulator, value, counter);
    }
  },

  toArray(this: unknown): unknown[] {
    const record = getIteratorDirect(receiver(this, 'toArray'));
    const items: unknown[] = [];
    for (;;) {
      const value = stepValue(record);
      if (value === DONE) return items;
      items.push(value);
    }
  },

  forEach(this: unknown, fn: unknown): undefined {
    const iterator = receiver(this, 'forEach');
    const callback = requireCallable(fn, iterator);
    const record = getIteratorDirect(iterator);
    for (let counter = 0; ; counter++) {
      const value = stepValue(record);
      if (value === DONE) return undefined;
      callOrClose(record, callback, value, counter);
    }
  },

  some(this: unknown, predicate: unknown): boolean {
    const iterator = receiver(this, 'some');
    const test = requireCallable(predicate, iterator);
    const record = getIteratorDirect(iterator);
    for (let counter = 0; ; counter++) {
      const value = stepValue(record);
      if (value === DONE) return false;
      if (callOrClose(record, test, value, counter)) {
        closeIterator(iterator);
        return true;
      }
    }
  },

  every(this: unknown, predicate: unknown): boolean {
    const iterator = receiver(this, 'every');
    const test = requireCallable(predicate, iterator);
    const record = getIteratorDirect(iterator);
    for (let counter = 0; ; counter++) {
      const value = stepValue(record);
      if (value === DONE) return true;
      if (!callOrClose(record, test, value, counter)) {
        closeIterator(iterator);
        return false;
      }
    }
  },

  find(this: unknown, predicate: unknown): unknown {
    const iterator = receiver(this, 'find');
    const test = requireCallable(predicate, iterator);
    const record = getIteratorDirect(iterator);
    for (let counter = 0; ; counter++) {
      const value = stepValue(record);
      if (value === DONE) return undefined;
      if (callOrClose(record, test, value, counter)) {
        closeIterator(iterator);
        return value;
      }
    }
  },

  map(this: unknown, mapper: unknown): IteratorHelper {
    const iterator = receiver(this, 'map');
    const fn = requireCallable(mapper, iterator);
    return new IteratorHelper(CREATE_HELPER, mapSteps(getIteratorDirect(iterator), fn), iterator);
  },

  filter(this: unknown, predicate: unknown): IteratorHelper {
    const iterator = receiver(this, 'filter');
    const fn = requireCallable(predicate, iterator);
    return new IteratorHelper(CREATE_HELPER, filterSteps(getIteratorDirect(iterator), fn), iterator);
  },

  take(this: unknown, limit: unknown): IteratorHelper {
    const iterator = receiver(this, 'take');
    const count = requireLimit(limit, iterator);
    return new IteratorHelper(CREATE_HELPER, takeSteps(getIteratorDirect(iterator), count), iterator);
  },

  drop(this: unknown, limit: unknown): IteratorHelper {
    const iterator = receiver(this, 'drop');
    const count = requireLimit(limit, iterator);
    return new IteratorHelper(CREATE_HELPER, dropSteps(getIteratorDirect(iterator), count), iterator);
  },

  flatMap(this: unknown, mapper: unknown): IteratorHelper {
    const iterator = receiver(this, 'flatMap');
    // V8 names the method, not the value, when flatMap's mapper is not callable.
    if (typeof mapper !== 'function') {
      closeIteratorAfterError(iterator);
      throw new TypeError('Iterator.prototype.flatMap is not a function');
    }
    return new IteratorHelper(CREATE_HELPER, flatMapSteps(getIteratorDirect(iterator), mapper as Callback), iterator);
  },
};

// Iterator.prototype[Symbol.toStringTag]: an accessor, so that assigning the tag on an iterator
// creates an own property there instead of failing on the inherited read-only one.
function toStringTagAccessor(home: object): PropertyDescriptor {
  const accessors = {
    get [Symbol.toStringTag](): string {
      return 'Iterator';
    },
    set [Symbol.toStringTag](value: unknown) {
      // SetterThatIgnoresPrototypeProperties(this, home, @@toStringTag, value)
      if (!isObject(this)) throw new TypeError('set Iterator.prototype[Symbol.toStringTag] called on non-object');
      if (this === home) {
        throw new TypeError("Cannot assign to read only property 'Symbol(Symbol.toStringTag)' of object '[object Object]'");
      }
      if (Reflect.getOwnPropertyDescriptor(this, Symbol.toStringTag) === undefined) {
        Object.defineProperty(this, Symbol.toStringTag, { value, writable: true, enumerable: true, configurable: true });
      } else {
        (this as Record<symbol, unknown>)[Symbol.toStringTag] = value;
      }
    },
  };
  const { get, set } = Object.getOwnPropertyDescriptor(accessors, Symbol.toStringTag)!;
  return { get, set, enumerable: false, configurable: true };
}

type HelperName = keyof typeof helperMethods;
const HELPER_NAMES = Object.keys(helperMethods) as HelperName[];
// The built-ins' `length`: the number of required parameters (reduce's initial value is optional).
const HELPER_LENGTHS: Record<HelperName, number> = {
  reduce: 1, toArray: 0, forEach: 1, some: 1, every: 1, find: 1, map: 1, filter: 1, take: 1, drop: 1, flatMap: 1,
};

function makeHelpersParent(): object {
  const proto = IteratorPrototype as Record<PropertyKey, unknown>;
  const missing = HELPER_NAMES.filter((name) => typeof proto[name] !== 'function');
  const missingTag = !(Symbol.toStringTag in proto);
  if (missing.length === 0 && !missingTag) return IteratorPrototype;

  const home = Object.create(IteratorPrototype) as object;
  for (const name of missing) {
    const method = helperMethods[name];
    Object.defineProperty(method, 'name', { value: name });
    Object.defineProperty(method, 'length', { value: HELPER_LENGTHS[name] });
    Object.defineProperty(home, name, { value: method, writable: true, enumerable: false, configurable: true });
  }
  if (missingTag) Object.defineProperty(home, Symbol.toStringTag, toStringTagAccessor(home));

  // %IteratorHelperPrototype%: own keys next, return, [Symbol.toStringTag] (no constructor),
  // inheriting the helpers so that they chain (`it.map(f).filter(g).toArray()`).
  const helperProto = IteratorHelper.prototype as object;
  Reflect.deleteProperty(helperProto, 'constructor');
  for (const key of ['next', 'return'] as const) {
    Object.defineProperty(Reflect.get(helperProto, key), 'length', { value: 0 });
  }
  Object.defineProperty(helperProto, Symbol.toStringTag, {
    value: 'Iterator Helper',
    writable: false,
    enumerable: false,
    configurable: true,
  });
  Object.setPrototypeOf(helperProto, home);
  return home;
}

/**
 * The prototype our iterators (StatementIterator) inherit from: %IteratorPrototype% when the
 * platform has the iterator helpers, else a prototype that adds them (and whose own parent is
 * %IteratorPrototype%).
 */
export const iteratorHelpersParent: object = makeHelpersParent();

