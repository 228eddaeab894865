// node:sqlite's classes are V8 function templates; ours are JS classes made to look the same:
//   - prototype methods are enumerable, have `length` 0, and appear in node's order with
//     `constructor` last (for...in and getOwnPropertyNames show exactly that);
//   - calling a class without `new` throws a coded error (ERR_CONSTRUCT_CALL_REQUIRED for
//     DatabaseSync, ERR_ILLEGAL_CONSTRUCTOR for classes users cannot construct at all);
//   - a method or accessor called on a foreign `this` throws TypeError('Illegal invocation').
import { codedError } from './errors';

export const illegalInvocation = (): TypeError => new TypeError('Illegal invocation');
export const illegalConstructor = (): Error => codedError(Error, 'ERR_ILLEGAL_CONSTRUCTOR', 'Illegal constructor');

/** Reorders and re-describes `cls.prototype` like a node class, and guards calls without `new`. */
export function shapeLikeNode<T extends abstract new (...args: never[]) => unknown>(
  cls: T,
  methodOrder: readonly string[],
  callWithoutNew: () => Error,
): T {
  const guarded = new Proxy(cls, {
    apply() {
      throw callWithoutNew();
    },
  });
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
  // `instance.constructor === ExportedClass`, as with node's classes.
  Object.defineProperty(proto, 'constructor', { value: guarded, writable: true, enumerable: false, configurable: true });
  for (const symbol of Object.getOwnPropertySymbols(proto)) {
    const method = proto[symbol];
    if (typeof method === 'function') Object.defineProperty(method, 'length', { value: 0 });
  }
  return guarded;
}

/** Defines node-style own accessors (enumerable, non-configurable, getter only) on `target`. */
export function defineOwnGetters(target: object, getters: Record<string, () => unknown>): void {
  for (const [name, get] of Object.entries(getters)) {
    Object.defineProperty(target, name, { get, enumerable: true, configurable: false });
  }
}
