// node:sqlite's classes throw a coded TypeError when called without `new`, where a JS class
// throws an uncoded one. A Proxy with an `apply` trap gives the class that behaviour while
// `new`, `instanceof`, statics and `prototype` pass straight through.
import { codedError } from './errors';

export function requireNew<T extends abstract new (...args: never[]) => unknown>(cls: T): T {
  const guarded = new Proxy(cls, {
    apply() {
      throw codedError(TypeError, 'ERR_CONSTRUCT_CALL_REQUIRED', 'Cannot call constructor without `new`');
    },
  });
  // So that `instance.constructor === ExportedClass`, as with node's classes.
  Object.defineProperty(cls.prototype, 'constructor', { value: guarded, writable: true, configurable: true });
  return guarded;
}
