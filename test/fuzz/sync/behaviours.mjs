// The JS callbacks a random program hands to SQLite (user functions, aggregate parts, authorizers,
// changeset filters and conflict handlers, virtual-table row sources), by name. `makeCallback`
// turns a name into a function; every call is logged in the trace (so a difference in how or how
// often SQLite calls back shows up), and re-entrant behaviours use the program's own handles.
import { FuzzerBug, makeValue } from '../shared/values.mjs';

/** Behaviours of scalar functions and aggregate step/result/inverse (value in, value out). */
export const FUNCTION_BEHAVIOURS = [
  'arg0', 'arg0', 'argc', 'concat', 'sum', 'ret:int:42', 'ret:str:a', 'ret:null', 'ret:undefined',
  'ret:big:i64-max', 'ret:big:2^63', 'ret:num:NaN', 'ret:num:1.5', 'ret:bytes:u8', 'ret:bytes:i16',
  'ret:true', 'ret:junk:object', 'ret:junk:promise', 'ret:junk:symbol', 'ret:int:2^53',
  'ret:str:lone-high', 'ret:bytes:arraybuffer',
  'throw:error', 'throw:type', 'throw:string', 'throw:null', 'throw:coded',
  'reenter:exec', 'reenter:get', 'reenter:close', 'reenter:prepare-bad', 'reenter:iterate-step',
  ...REENTRANT_EXTRA(),
];

/** Behaviours of authorizers. */
export const AUTHORIZER_BEHAVIOURS = [
  'ok', 'ok', 'deny', 'ignore', 'deny-insert', 'ignore-read', 'deny-pragma', 'ret:undefined', 'ret:str:a',
  'ret:int:42', 'ret:num:1.5', 'ret:big:1', 'throw:error', 'reenter:prepare', 'reenter:close',
  'reenter:close-stmt', 'reenter:authorizer-null', 'reenter:limits', 'reenter:gc', 'reenter:iterate-return',
];

/** Behaviours of applyChangeset's filter and onConflict. */
export const FILTER_BEHAVIOURS = ['true', 'false', 'is-t1', 'throw:error', 'ret:undefined', 'ret:str:a', 'reenter:exec', 'reenter:close', 'reenter:session', 'reenter:gc'];
export const CONFLICT_BEHAVIOURS = ['omit', 'replace', 'abort', 'ret:undefined', 'ret:int:42', 'ret:str:a', 'throw:error', 'reenter:close', 'reenter:exec', 'reenter:deserialize'];

/** Behaviours of a virtual table's rows(). */
export const ROWS_BEHAVIOURS = ['two-rows', 'empty', 'args-row', 'bad-row-length', 'not-iterable', 'throw:error', 'throwing-iterator', 'junk-cells', 'reenter:exec', 'reenter:close', 'reenter:redefine', 'reenter:gc'];

function thrower(kind) {
  switch (kind) {
    case 'error': return new Error('callback failed');
    case 'type': return new TypeError('callback type failure');
    case 'string': return 'thrown string';
    case 'null': return null;
    case 'coded': return Object.assign(new Error('coded failure'), { code: 'ERR_CUSTOM', errcode: 7 });
    default: return new Error(kind);
  }
}

// Sets fn.length, which node:sqlite reads as the SQL arity (unless varargs).
function withArity(fn, arity) {
  Object.defineProperty(fn, 'length', { value: arity });
  return fn;
}

/**
 * A callback for `name` that logs each call into `ctx.log(entry)`.
 * `ctx`: { log, db() (the program's database the callback belongs to), serialize }.
 */
export function makeCallback(role, name, ctx, arity = 1) {
  const { log, db, serialize } = ctx;
  // VACUUM's authorizer calls name a schema of random letters (vacuum_<hex>): logged as such.
  const note = (args) => log(['cb', role, name, serialize(args.map((a) => (typeof a === 'string' && /^vacuum_[0-9a-f]+$/.test(a) ? 'vacuum_<random>' : a)))]);
  if (name.startsWith('throw:')) {
    return withArity(function (...args) {
      note(args);
      throw thrower(name.slice(6));
    }, arity);
  }
  if (name.startsWith('ret:')) {
    const valueName = name.slice(4);
    return withArity(function (...args) {
      note(args);
      return makeValue(valueName);
    }, arity);
  }
  const body = BODIES[role]?.[name] ?? BODIES.any[name];
  if (!body) throw new FuzzerBug(`unknown behaviour ${role}/${name}`);
  return withArity(function (...args) {
    note(args);
    return body(args, db, ctx);
  }, arity);
}

// Re-entrant calls beyond the basic ones: each reaches a destructive or state-changing member
// of the database (or of the program's latest statement, iterator or session) from inside SQLite.
function REENTRANT_EXTRA() {
  return [
    'reenter:close-stmt', 'reenter:redefine', 'reenter:limits', 'reenter:authorizer-null', 'reenter:session',
    'reenter:defensive', 'reenter:serialize', 'reenter:deserialize', 'reenter:iterate-return', 'reenter:gc',
    'reenter:tag', 'reenter:session-close',
  ];
}

const reenter = {
  'reenter:close-stmt': (args, db, ctx) => {
    ctx.lastStatement()?.close();
    return 1;
  },
  'reenter:redefine': (args, db) => {
    db().function('f1', (x) => x);
    return 2;
  },
  'reenter:limits': (args, db) => {
    db().limits.length = 1000;
    return 3;
  },
  'reenter:authorizer-null': (args, db) => {
    db().setAuthorizer(null);
    return 0;
  },
  'reenter:session': (args, db) => {
    const session = db().createSession();
    return session.changeset().length;
  },
  'reenter:session-close': (args, db, ctx) => {
    ctx.lastSession()?.close();
    return 0;
  },
  'reenter:defensive': (args, db) => {
    db().enableDefensive(false);
    return 4;
  },
  'reenter:serialize': (args, db) => db().serialize().length,
  'reenter:deserialize': (args, db, ctx) => {
    db().deserialize(ctx.emptyImage());
    return 0;
  },
  'reenter:iterate-return': (args, db, ctx) => {
    ctx.lastIterator()?.return();
    return 0;
  },
  'reenter:gc': () => {
    globalThis.gc?.();
    return 5;
  },
  'reenter:tag': (args, db) => db().createTagStore().get`SELECT ${6} AS v`.v,
  'reenter:exec': (args, db) => {
    db().exec('INSERT INTO t1(b) VALUES (99)');
    return 1;
  },
  'reenter:get': (args, db) => db().prepare('SELECT 7 AS v').get().v,
  'reenter:close': (args, db) => {
    db().close();
    return 0;
  },
  'reenter:prepare-bad': (args, db) => db().prepare('SELEC nothing'),
  'reenter:prepare': (args, db) => {
    db().prepare('SELECT 1');
    return 0;
  },
  // Steps another statement of the program while this one runs (the most recent one).
  'reenter:iterate-step': (args, db, ctx) => {
    const stmt = ctx.lastStatement();
    if (!stmt) return null;
    const it = stmt.iterate();
    const first = it.next();
    return first.done ? null : 1;
  },
};

const BODIES = {
  any: {
    ...reenter,
    arg0: (args) => args[0],
    argc: (args) => args.length,
    concat: (args) => args.map((a) => (typeof a === 'object' && a !== null ? `[${a.constructor?.name}]` : String(a))).join('|'),
    sum: (args) => args.reduce((acc, a) => (typeof a === 'bigint' || typeof acc === 'bigint' ? BigInt(acc) + BigInt(typeof a === 'bigint' ? a : Math.trunc(Number(a) || 0)) : acc + (Number(a) || 0)), 0),
  },
  authorizer: {
    ok: () => 0,
    deny: () => 1,
    ignore: () => 2,
    // SQLITE_INSERT = 18, SQLITE_READ = 20, SQLITE_PRAGMA = 19
    'deny-insert': ([action]) => (action === 18 ? 1 : 0),
    'ignore-read': ([action]) => (action === 20 ? 2 : 0),
    'deny-pragma': ([action]) => (action === 19 ? 1 : 0),
  },
  filter: {
    true: () => true,
    false: () => false,
    'is-t1': ([table]) => table === 't1',
  },
  conflict: {
    omit: () => 0,
    replace: () => 1,
    abort: () => 2,
  },
  rows: {
    'two-rows': () => [[1, 'one'], [2, 'two']],
    empty: () => [],
    'args-row': (args) => [[args.length, typeof args[0]]],
    'bad-row-length': () => [[1]],
    'not-iterable': () => 5,
    'throwing-iterator': () => ({
      [Symbol.iterator]() {
        let n = 0;
        return { next() { if (n++ > 0) throw new Error('iterator failed'); return { done: false, value: [n, 'x'] }; } };
      },
    }),
    'junk-cells': () => [[{}, Symbol('s')]],
  },
  // Aggregate parts: step(acc, ...args), result(acc), inverse(acc, ...args).
  step: {
    add: ([acc, ...rest]) => (typeof acc === 'number' ? acc + (Number(rest[0]) || 0) : acc),
    count: ([acc]) => (typeof acc === 'number' ? acc + 1 : acc),
    keep: ([acc]) => acc,
  },
  result: {
    identity: ([acc]) => acc,
    double: ([acc]) => (typeof acc === 'number' ? acc * 2 : acc),
  },
  inverse: {
    sub: ([acc, ...rest]) => (typeof acc === 'number' ? acc - (Number(rest[0]) || 0) : acc),
    keep: ([acc]) => acc,
  },
  start: {
    zero: () => 0,
    'fresh-array': () => [],
  },
};

export const STEP_BEHAVIOURS = ['add', 'add', 'count', 'keep', 'throw:error', 'ret:junk:object', 'reenter:exec', 'ret:big:1', 'reenter:redefine', 'reenter:close-stmt', 'reenter:close', 'reenter:gc'];
export const RESULT_BEHAVIOURS = ['identity', 'identity', 'double', 'throw:error', 'ret:junk:symbol', 'ret:bytes:u8', 'reenter:close', 'reenter:redefine', 'reenter:iterate-return'];
export const INVERSE_BEHAVIOURS = ['sub', 'keep', 'throw:error', 'reenter:exec', 'reenter:close-stmt'];
export const START_BEHAVIOURS = ['zero', 'throw:error', 'ret:str:a', 'fresh-array', 'reenter:close', 'reenter:redefine'];
