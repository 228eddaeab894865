// Runs all cases (and the extra surface probes) against a module object.
// Used in-process by record.mjs and in a child process by run-cases.mjs.
import { cases } from './cases.mjs';
import { makeRunDir, removeRunDir, runCase } from './harness.mjs';
import { IteratorPrototype, keyNames } from './cases/_util.mjs';

export { cases };

// onStart(index, case) is called before each case, onResult(index, case, result) after it;
// `only` (a Set of indices), when given, runs just those.
export async function runCases(sqlite, { from = 0, only, onStart = () => {}, onResult = () => {} } = {}) {
  const runDir = makeRunDir();
  try {
    for (let i = from; i < cases.length; i++) {
      if (only && !only.has(i)) continue;
      onStart(i, cases[i]);
      const result = await runCase(sqlite, cases[i], runDir, i);
      onResult(i, cases[i], result);
    }
  } finally {
    removeRunDir(runDir);
  }
}

export function compileOptions(sqlite) {
  const db = new sqlite.DatabaseSync(':memory:');
  try {
    return db.prepare('PRAGMA compile_options').all().map((r) => r.compile_options);
  } finally {
    db.close();
  }
}

const names = keyNames;

// Own property names/symbols of the module exports, prototypes, instances and the iterator chain.
// `exportsObject` is the module's exports (for node:sqlite: require('node:sqlite')).
// Each entry is computed on its own; a failure becomes { error: message } for that entry only.
export function members(sqlite, exportsObject = sqlite) {
  const guard = (fn) => {
    try {
      return fn();
    } catch (e) {
      return { error: String(e && e.message) };
    }
  };
  const db = new sqlite.DatabaseSync(':memory:');
  try {
    const st = guard(() => db.prepare('SELECT 1 AS a'));
    const it = guard(() => st.iterate());
    return {
      exports: guard(() => names(exportsObject).filter((k) => k !== 'default' && k !== 'Symbol(Symbol.toStringTag)')),
      DatabaseSync: guard(() => names(sqlite.DatabaseSync)),
      'DatabaseSync.prototype': guard(() => names(sqlite.DatabaseSync.prototype)),
      StatementSync: guard(() => names(sqlite.StatementSync)),
      'StatementSync.prototype': guard(() => names(sqlite.StatementSync.prototype)),
      'Session.prototype': guard(() => names(sqlite.Session.prototype)),
      constants: guard(() => names(sqlite.constants)),
      'db instance': guard(() => names(db)),
      'statement instance': guard(() => names(st)),
      'iterator chain': guard(() => {
        const chain = [];
        for (let p = it; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) chain.push(names(p));
        return chain;
      }),
      'iterator parent is %IteratorPrototype%': guard(() => Object.getPrototypeOf(Object.getPrototypeOf(it)) === IteratorPrototype),
      // Where %IteratorPrototype% is in 'iterator chain' (2 in node:sqlite: it, its prototype, then it).
      'iterator chain index of %IteratorPrototype%': guard(() => {
        let level = 0;
        for (let p = it; p !== null; p = Object.getPrototypeOf(p), level++) if (p === IteratorPrototype) return level;
        return null;
      }),
      'db.limits': guard(() => names(db.limits)),
    };
  } finally {
    db.close();
  }
}
