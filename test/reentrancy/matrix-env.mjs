// The objects of one matrix cell (shared by sync-matrix.mjs and async-matrix.mjs), and the
// JSON its outcomes are recorded as (test/compat/serialize.mjs; temp paths replaced).
//
// Objects are kept by name: the callback's set-up puts the outer operation's objects (db, stmt,
// iterator, session), provide() adds those an action needs. In the gc variant, once the outer
// operation starts (release) the script lets go of the outer operation's objects: it keeps
// only the action's object, handed over when the action runs (target), and the provided ones.
// WeakRefs made at set-up reach them afterwards; reacquire() holds the survivors again once the
// operation is over, so that only what was collected while it ran reads 'collected'.
import { serialize } from '../compat/serialize.mjs';

export const nextMacrotask = () => new Promise((resolve) => setImmediate(resolve));

export class Env {
  constructor(sqlite, ctx, gc) {
    this.sqlite = sqlite;
    this.tmp = ctx.tmp;
    this.replace = ctx.replace;
    this.gc = gc;
    this.released = false;
    this.strong = new Map();
    this.weak = new Map();
    this.names = [];
    this.provided = new Set();
    this.opened = [];
    this.otherAuthorizerCalls = 0;
    this.pending = [];
  }
  put(name, object) {
    if (!this.names.includes(name)) this.names.push(name);
    this.strong.set(name, object);
    if (this.gc) this.weak.set(name, new WeakRef(object));
  }
  has(name) {
    return this.names.includes(name);
  }
  // The object, or undefined once collected.
  get(name) {
    if (this.strong.has(name)) return this.strong.get(name);
    return this.weak.get(name)?.deref();
  }
  // The object an action works on; in the gc variant the script lets go of it here, unless it
  // was provided for the action.
  target(name) {
    const object = this.get(name);
    if (object === undefined) throw new Error(`${name} was collected`);
    if (this.gc && this.released && !this.provided.has(name)) this.strong.delete(name);
    return object;
  }
  // The script forgets `name` altogether (it is no longer part of the state afterwards).
  forget(name) {
    const object = this.target(name);
    this.names = this.names.filter((n) => n !== name);
    this.strong.delete(name);
    this.weak.delete(name);
    this.provided.delete(name);
    return object;
  }
  db() {
    return this.target('db');
  }
  // Hands `root` to the outer operation. In the gc variant the script keeps only `kept` (the
  // action's object) and the provided objects from here on.
  release(root, kept) {
    const object = this.get(root);
    this.released = true;
    if (this.gc) {
      for (const name of [...this.strong.keys()]) if (name !== kept && !this.provided.has(name)) this.strong.delete(name);
    }
    return object;
  }
  // The outer operation is over: the script holds what is left again.
  reacquire() {
    for (const [name, ref] of this.weak) {
      const object = ref.deref();
      if (object !== undefined) this.strong.set(name, object);
    }
  }
  json(value) {
    return serialize(value, { replace: this.replace });
  }
  // { ok: value } | { threw: error }, serialized.
  outcome(fn) {
    try {
      return { ok: this.json(fn()) };
    } catch (error) {
      return { threw: this.json(error) };
    }
  }
  async settle(value) {
    try {
      return { ok: this.json(await value) };
    } catch (error) {
      return { threw: this.json(error) };
    }
  }
}
