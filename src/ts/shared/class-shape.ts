// node:sqlite's classes are V8 function templates; ours are JS classes made to look the same:
//   - prototype methods are enumerable, have `length` 0, and appear in node's order with
//     `constructor` last (for...in and getOwnPropertyNames show exactly that);
//   - calling a class without `new` throws a coded error (ERR_CONSTRUCT_CALL_REQUIRED for
//     DatabaseSync, ERR_ILLEGAL_CONSTRUCTOR for classes users cannot construct at all), where a
//     JS class would throw an uncoded TypeError;
//   - a method or accessor called on a foreign `this` throws TypeError('Illegal invocation').
import { codedError } from './errors';
import { ILLEGAL_CONSTRUCTOR } from './messages';

export const illegalInvocation = (): TypeError => new TypeError('Illegal invocation');
export const illegalConstructor = (): Error => codedError(Error, 'ERR_ILLEGAL_CONSTRUCTOR', ILLEGAL_CONSTRUCTOR);

/**
 * The token this package passes first to the constructors of the classes users cannot construct
 * (statements, their iterators, sessions, tag stores, and the async API's database, transaction,
 * statement and session). Never exported: `new X()` from user code lacks it, and
 * guardConstruction() makes that throw what node:sqlite's own such classes throw.
 */
export const INTERNAL = Symbol('internal construction');

/** The first step of those constructors: throws illegalConstructor() unless given INTERNAL. */
export function guardConstruction(token: unknown): void {
  if (token !== INTERNAL) throw illegalConstructor();
}

/**
 * Returns the class as users see it: a plain function named like `cls`, with `length` 0, sharing
 * `cls.prototype`, that throws `callWithoutNew()` when called without `new` and otherwise
 * constructs `cls` (subclasses included: `new.target` is passed through). A plain function, not
 * a Proxy, so that V8 still names instances `#<Database>` in its own error messages. The
 * prototype's methods are made enumerable with `length` 0, in node's order, `constructor` last.
 */
export function shapeLikeNode<T extends abstract new (...args: never[]) => unknown>(
  cls: T,
  methodOrder: readonly string[],
  callWithoutNew: () => Error,
): T {
  // Generated so that the function's own (V8-internal) name is the class name: V8 uses that one,
  // not the `name` property, in messages such as "Cannot set property x of #<Database>".
  if (!/^[A-Za-z]+$/.test(cls.name)) throw new Error(`internal: unexpected class name ${cls.name}`);
  const exported = new Function(
    'cls',
    'callWithoutNew',
    `"use strict"; return function ${cls.name}(...args) {
      if (new.target === undefined) throw callWithoutNew();
      return Reflect.construct(cls, args, new.target);
    };`,
  )(cls, callWithoutNew) as { prototype: unknown };
  exported.prototype = cls.prototype;
  const proto = cls.prototype as Record<PropertyKey, unknown>;
  const methods = methodOrder.map((name) => {
    const method = proto[name] as (...args: unknown[]) => unknown;
    if (typeof method !== 'function') throw new Error(`internal: ${cls.name}.prototype.${name} is missing`);
    return [name, method] as const;
  });
  for (const [name] of methods) Reflect.deleteProperty(proto, name);
  Reflect.deleteProperty(proto, 'constructor');
  for (const [name, method] of methods) {
    Object.defineProperty(method, 'length', { value: 0 });
    Object.defineProperty(proto, name, { value: method, writable: true, enumerable: true, configurable: true });
  }
  Object.defineProperty(proto, 'constructor', { value: exported, writable: true, enumerable: false, configurable: true });
  for (const symbol of Object.getOwnPropertySymbols(proto)) {
    const method = proto[symbol];
    if (typeof method !== 'function') continue;
    Object.defineProperty(method, 'length', { value: 0 });
    // node's [Symbol.dispose] is enumerable like its other prototype methods.
    Object.defineProperty(proto, symbol, { enumerable: true });
  }
  return exported as unknown as T;
}

// A live object WeakRefs point at; it never dies, so the refs cost the GC nothing.
const NEVER_COLLECTED = Object.freeze({});

/**
 * Base for objects that must not be structured-cloned (postMessage, workerData,
 * structuredClone). node:sqlite's objects are host objects, which V8 refuses to clone; ours are
 * JS objects, which V8 would silently copy as their enumerable own properties — a database
 * would arrive in a worker as `{ isOpen, isTransaction, limits }`. So instances are created as
 * WeakRefs (with the subclass's prototype): V8 refuses those with a DataCloneError
 * ("#<Database> could not be cloned."), and nothing else about the object changes. Subclasses
 * must set their prototype's [[Prototype]] back to the original parent, so the chain stays
 * node's (see uncloneable()).
 *
 * Not used for statements: private-field access on these objects is slower (tens of ns), which
 * a database method does not notice but a statement's get() would.
 */
export class Uncloneable {
  constructor() {
    // Returning an object from a base constructor makes it the subclass's `this`.
    return Reflect.construct(WeakRef, [NEVER_COLLECTED], new.target) as Uncloneable;
  }
}

/** Removes `Uncloneable` from the prototype chain users see; returns `cls`. */
export function hideUncloneableBase<T extends { prototype: object }>(cls: T, parentPrototype: object | null): T {
  Object.setPrototypeOf(cls.prototype, parentPrototype);
  return cls;
}
