// Random programs over the AsyncDatabase surface, a pure function of the seed. A program is run
// three ways (run-seeds.mjs): on DatabaseSync in call order (reference.mjs, the contract's
// reference), on AsyncDatabase awaiting each call, and on AsyncDatabase issuing runs of calls
// without awaiting (pipelined). Handles are named by creation index, as in the sync fuzzer.
//
// `group` marks the runs the pipelined mode issues together: operations with the same group
// number are called one after the other without awaiting, then all are awaited.
import { random } from '../shared/random.mjs';
import { BINDABLE, COMMON, FLAGS, VALUE_NAMES } from '../shared/values.mjs';

const JUNK = VALUE_NAMES.filter((n) => n.startsWith('junk:'));

export const SCHEMA = [
  'CREATE TABLE t1(a INTEGER PRIMARY KEY, b, c)',
  'CREATE TABLE t2(x TEXT UNIQUE, y BLOB, z REAL)',
  'CREATE TABLE t4(big INTEGER)',
  "INSERT INTO t1(b, c) VALUES (1, 'one'), (2, 'two'), (3, NULL), (4.5, x'0102')",
  "INSERT INTO t2 VALUES ('k', x'ff00', 1.5), ('l', NULL, -0.0)",
  'INSERT INTO t4 VALUES (9007199254740993), (-9223372036854775808), (7)',
  'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 60) INSERT INTO t1(b, c) SELECT x, x * 2 FROM c',
].join(';\n');

const READS = [
  'SELECT * FROM t1 ORDER BY a',
  'SELECT a, b FROM t1 WHERE a > ? ORDER BY a',
  'SELECT b FROM t1 WHERE a = ?',
  'SELECT ? AS p',
  'SELECT ?, ?',
  'SELECT ?1 AS one, ?2 AS two',
  'SELECT :a AS a, $b AS b, @c AS c',
  'SELECT :b AS x, $b AS y',
  'SELECT $a AS a, ? AS q',
  'SELECT typeof(?) AS t, ? AS v',
  'SELECT * FROM t4',
  'SELECT x, y, z FROM t2 ORDER BY x',
  'SELECT f1(b) AS r FROM t1 ORDER BY a',
  'SELECT f1(?) AS r',
  'SELECT agg1(b) AS r FROM t1',
  'SELECT 9007199254740993 AS big',
  "SELECT 1.5 AS r, x'00ff' AS blob, NULL AS n, 'text' AS s",
  'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000) SELECT x FROM c',
  'SELECT a, 9007199254740993 * (a = 40) AS late FROM t1 ORDER BY a',
  'SELECT a AS dup, b AS dup FROM t1 ORDER BY a LIMIT 5',
  'SELECT * FROM nope',
  'SELEC 1',
  '',
  'SELECT 1 AS one; SELECT 2',
  'PRAGMA user_version',
  "SELECT 'a\uD800b' AS lone",
  'SELECT count(*) AS n FROM t1',
];

const WRITES = [
  'INSERT INTO t1(b, c) VALUES (?, ?)',
  'INSERT INTO t1(b, c) VALUES ($b, $c) RETURNING a, b, c',
  'INSERT INTO t1(a, b) VALUES (1, 0)',
  'UPDATE t1 SET c = ? WHERE a = ?',
  'DELETE FROM t1 WHERE a = ?',
  'INSERT INTO t2(x, y, z) VALUES (?, ?, ?)',
  'INSERT INTO t4 VALUES (?)',
  'DELETE FROM t1 WHERE a > 50',
];

const CONTROL = [
  'BEGIN', 'BEGIN IMMEDIATE', 'COMMIT', 'ROLLBACK', 'SAVEPOINT sp', 'RELEASE sp', 'ROLLBACK TO sp',
  'CREATE TABLE IF NOT EXISTS t5(q)', 'DROP TABLE IF EXISTS t5', 'ALTER TABLE t1 ADD COLUMN d DEFAULT 4',
  'PRAGMA user_version = 3',
];

const NAMED_KEYS = ['a', '$a', ':a', 'b', '$b', ':b', 'c', '@c', 'q', 'unknown'];
const BEHAVIOURS = ['arg0', 'arg0', 'argc', 'ret:int:42', 'ret:str:a', 'ret:null', 'ret:big:2^63', 'ret:junk:object',
  'ret:junk:promise', 'ret:bytes:u8', 'throw:error', 'throw:string', 'throw:null', 'throw:undefined'];

export function generateProgram(seed) {
  const r = random(seed);
  const ops = [];
  const count = { stmts: 0, cursors: 0 };
  let group = 0;
  const value = () => r.weighted([[6, () => r.pick(COMMON)], [3, () => r.pick(BINDABLE)], [1, () => r.pick(JUNK)]])();
  const sqlText = () => r.pick(r.weighted([[10, READS], [5, WRITES], [2, CONTROL]]));
  const params = () => {
    const kind = r.weighted([[4, 'positional'], [3, 'named'], [1, 'named+positional'], [1, 'junk'], [2, 'none']]);
    const positional = () => Array.from({ length: r.between(1, 3) }, () => ({ v: value() }));
    const named = () => ({ named: Array.from({ length: r.between(0, 3) }, () => [r.pick(NAMED_KEYS), value()]) });
    switch (kind) {
      case 'positional': return positional();
      case 'named': return [named()];
      case 'named+positional': return [named(), ...positional()];
      case 'junk': return [{ v: r.pick(JUNK) }];
      default: return [];
    }
  };
  // Per-operation options: mostly none, sometimes valid ones, sometimes junk.
  const withOptions = () => {
    if (r.chance(0.75)) return undefined;
    return r.weighted([
      [4, () => {
        const o = {};
        if (r.chance(0.5)) o.readBigInts = r.pick(FLAGS);
        if (r.chance(0.5)) o.returnArrays = r.pick(FLAGS);
        if (r.chance(0.3)) o.batchSize = r.pick(['int:1', 'int:2', 'int:100', 'int:0', 'int:-1', 'num:1.5', 'str:a', 'num:NaN', 'num:Infinity']);
        if (r.chance(0.25)) o.signal = { signal: r.pick(['live', 'live', 'aborted', 'junk:object', 'controller', 'int:1', 'null']) };
        return o;
      }],
      [1, () => ({ $value: r.pick(['null', 'int:1', 'str:a', 'undefined']) })],
    ])();
  };
  const newGroup = () => {
    group++;
  };
  // One seed in four is bursty: its runs are ~30 operations long, so the pipelined mode stages
  // more jobs in one tick than the engine sends to the database thread at once (EARLY_FLUSH_JOBS
  // in src/ts/async/engine.ts) and a run reaches the thread in slices. Drawn from a PRNG of its
  // own, so the operations of every seed stay what they were; only its grouping changes.
  const newGroupChance = random(seed ^ 0x5eed).chance(0.25) ? 0.03 : 0.45;
  const push = (op) => {
    // About half the operations join the previous run (bursty seeds: nearly all); the others
    // start one.
    if (r.chance(newGroupChance)) newGroup();
    op.group = group;
    ops.push(op);
  };

  const body = (depth) => {
    // A transaction body: a few operations on its scope, maybe a nested transaction, maybe a throw.
    const inner = [];
    const n = r.between(0, 4);
    for (let i = 0; i < n; i++) {
      const kind = r.weighted([[5, 'query'], [2, 'exec'], [1, 'nested'], [1, 'stmt'], [1, 'on-db']]);
      if (kind === 'query') inner.push({ k: 'q', m: r.pick(['run', 'get', 'all']), sql: sqlText(), args: params() });
      // A call on the database itself from inside its transaction's callback (not on `tx`).
      else if (kind === 'on-db') inner.push(r.chance(0.8) ? { k: 'q', m: r.pick(['run', 'get', 'all']), sql: sqlText(), args: params(), onDb: true } : { k: r.pick(['close', 'tx-on-db']), onDb: true, body: [] });
      else if (kind === 'exec') inner.push({ k: 'exec', sql: sqlText() });
      else if (kind === 'stmt' && count.stmts > 0) inner.push({ k: 'sq', s: r.int(count.stmts), m: r.pick(['run', 'get', 'all']), args: params(), viaTx: true });
      else if (kind === 'nested' && depth < 2) inner.push({ k: 'tx', body: body(depth + 1), throws: r.chance(0.3), catchInner: r.chance(0.5) });
    }
    return inner;
  };

  const generators = [
    [8, () => ({ k: 'exec', sql: r.chance(0.03) ? { v: r.pick(['int:1', 'undefined']) } : sqlText() })],
    [16, () => ({ k: 'q', m: r.pick(['run', 'get', 'all', 'all']), sql: r.chance(0.03) ? { v: 'int:1' } : sqlText(), args: params(), with: withOptions() })],
    [10, () => {
      count.stmts++;
      return { k: 'prepare', sql: r.chance(0.04) ? { v: r.pick(['int:1', 'null', 'undefined']) } : sqlText() };
    }],
    [20, () => {
      if (count.stmts === 0) return null;
      return { k: 'sq', s: r.chance(0.6) ? count.stmts - 1 : r.int(count.stmts), m: r.pick(['run', 'get', 'all', 'all']), args: params(), with: withOptions() };
    }],
    [8, () => {
      count.cursors++;
      if (count.stmts > 0 && r.chance(0.5)) return { k: 'iterate', s: r.int(count.stmts), args: params(), with: withOptions() };
      return { k: 'iterate', sql: sqlText(), args: params(), with: withOptions() };
    }],
    [14, () => {
      if (count.cursors === 0) return null;
      const c = r.chance(0.6) ? count.cursors - 1 : r.int(count.cursors);
      return r.weighted([[6, { k: 'next', c }], [2, { k: 'return', c }], [2, { k: 'drain', c, max: r.between(1, 40) }], [1, { k: 'throw', c }]]);
    }],
    [5, () => {
      if (count.stmts === 0) return null;
      const s = r.int(count.stmts);
      return r.weighted([
        [3, { k: 'set', s, m: r.pick(['setReadBigInts', 'setReturnArrays', 'setAllowBareNamedParameters', 'setAllowUnknownNamedParameters']), v: r.pick(FLAGS) }],
        [1, { k: 'source', s }], [1, { k: 'columns', s }], [2, { k: r.pick(['finalize', 'dispose']), s }],
      ]);
    }],
    [4, () => ({ k: 'tx', mode: r.pick([undefined, 'deferred', 'immediate', 'exclusive', 'bogus']), body: body(0), throws: r.chance(0.3) })],
    [3, () => ({ k: 'function', name: r.pick(['f1', 'f1', 'F1', 'agg1']), opts: r.chance(0.7) ? undefined : { varargs: r.pick(FLAGS), deterministic: r.pick(FLAGS) }, fn: r.pick(BEHAVIOURS), arity: r.between(0, 2) })],
    [2, () => ({ k: 'aggregate', name: r.pick(['agg1', 'f1']), start: r.pick(['int:0', 'null', 'str:empty']), step: r.pick(['add', 'add', 'throw:error', 'ret:junk:object']), result: r.pick([undefined, 'identity', 'throw:error']) })],
    [2, () => ({ k: 'prop', p: r.pick(['isOpen', 'isTransaction']) })],
    [1, () => ({ k: 'interrupt' })],
    [1, () => {
      if (r.chance(0.5)) return { k: 'serialize' };
      return { k: 'deserialize', image: r.pick(['empty', 'schema', 'junk']) };
    }],
    [1, () => ({ k: r.pick(['close', 'close', 'dispose-db']) })],
  ];

  ops.push({ k: 'open', loc: r.weighted([[8, 'memory'], [2, 'file']]), explicitUndefined: r.chance(0.2), opts: r.chance(0.5) ? undefined : {
    open: r.chance(0.05) ? r.pick(['false', 'int:1']) : undefined,
    readBigInts: r.chance(0.2) ? 'true' : undefined,
    returnArrays: r.chance(0.2) ? 'true' : undefined,
    allowBareNamedParameters: r.chance(0.2) ? r.pick(['true', 'false']) : undefined,
    allowUnknownNamedParameters: r.chance(0.2) ? r.pick(['true', 'false']) : undefined,
    timeout: r.chance(0.1) ? r.pick(['int:0', 'int:100', 'num:-0', 'str:a']) : undefined,
  }, group });
  if (r.chance(0.95)) ops.push({ k: 'exec', sql: SCHEMA, group: ++group });
  newGroup();
  const length = r.between(6, 40);
  while (ops.length < length) {
    const op = r.weighted(generators)();
    if (op) push(op);
  }
  // Most programs end by closing, sometimes with work still queued before it.
  if (r.chance(0.7)) push({ k: 'close' });
  return { seed, ops };
}
