// Small helpers shared by the case files.

// Runs fn and returns { value } or { threw: error } — for cases that record several outcomes.
export function attempt(fn) {
  try {
    return { value: fn() };
  } catch (e) {
    return { threw: e };
  }
}

// attempt() for each function.
export function attemptAll(...fns) {
  return fns.map(attempt);
}

// Property descriptor summary that survives serialization and does not depend on function identity.
export function describe(obj, key) {
  const d = Object.getOwnPropertyDescriptor(obj, key);
  if (!d) return null;
  const out = { enumerable: d.enumerable, configurable: d.configurable };
  if ('value' in d) {
    out.kind = 'data';
    out.writable = d.writable;
    out.type = typeof d.value;
    if (typeof d.value === 'function') {
      out.name = d.value.name;
      out.length = d.value.length;
    }
  } else {
    out.kind = 'accessor';
    out.get = typeof d.get;
    out.set = typeof d.set;
  }
  return out;
}

// Property key -> string. Well-known dispose symbols get their spec name: Node 20 polyfills
// Symbol.dispose with the description 'nodejs.dispose', Node 26 has 'Symbol.dispose'.
export function keyName(k) {
  if (typeof Symbol.dispose === 'symbol' && k === Symbol.dispose) return 'Symbol(Symbol.dispose)';
  if (typeof Symbol.asyncDispose === 'symbol' && k === Symbol.asyncDispose) return 'Symbol(Symbol.asyncDispose)';
  return String(k);
}

export const keyNames = (obj) => Reflect.ownKeys(obj).map(keyName);

// %IteratorPrototype% of this realm (exists on every Node version).
export const IteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()));

// A table with a few rows, for statement tests.
export function withRows(db, n = 3) {
  db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)');
  const ins = db.prepare('INSERT INTO t(v) VALUES (?)');
  for (let i = 1; i <= n; i++) ins.run(`v${i}`);
  return db;
}
