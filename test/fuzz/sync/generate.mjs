// Random programs over the whole DatabaseSync surface, a pure function of the seed: the same
// program runs on node:sqlite 26 and on ours (interpret.mjs). Operations name handles by
// creation index (the 3rd prepare() is statement 2 whether or not it succeeded), so a program
// never depends on results and stays identical on both sides.
//
// The mix leans on what differs in practice: parameter styles and junk values, iterators
// interleaved with re-execution and finalization, option validation order, callbacks that throw
// or re-enter, sessions, the tag store, limits and serialization.
import { random } from '../shared/random.mjs';
import { BINDABLE, COMMON, FLAGS, VALUE_NAMES } from '../shared/values.mjs';
import {
  AUTHORIZER_BEHAVIOURS, CONFLICT_BEHAVIOURS, FILTER_BEHAVIOURS, FUNCTION_BEHAVIOURS, INVERSE_BEHAVIOURS,
  RESULT_BEHAVIOURS, ROWS_BEHAVIOURS, START_BEHAVIOURS, STEP_BEHAVIOURS,
} from './behaviours.mjs';
import { TEMPLATE_ARITY } from './templates.mjs';

const JUNK = VALUE_NAMES.filter((n) => n.startsWith('junk:'));

const SCHEMA = [
  'CREATE TABLE t1(a INTEGER PRIMARY KEY, b, c)',
  'CREATE TABLE t2(x TEXT UNIQUE, y BLOB, z REAL)',
  'CREATE TABLE t3(p INTEGER REFERENCES t1(a))',
  'CREATE TABLE t4(big INTEGER)',
  "INSERT INTO t1(b, c) VALUES (1, 'one'), (2, 'two'), (3, NULL), (4.5, x'0102')",
  "INSERT INTO t2 VALUES ('k', x'ff00', 1.5), ('l', NULL, -0.0)",
  'INSERT INTO t4 VALUES (9007199254740993), (-9223372036854775808), (7)',
].join(';\n');

export const READS = [
  'SELECT * FROM t1 ORDER BY a',
  'SELECT a, b, c FROM t1 WHERE a > ? ORDER BY a',
  'SELECT b FROM t1 WHERE a = ?',
  'SELECT ? AS p',
  'SELECT ?, ?',
  'SELECT ?1 AS one, ?2 AS two, ?1 AS again',
  'SELECT ?3 AS third',
  'SELECT :a AS a, $b AS b, @c AS c',
  'SELECT :b AS x, $b AS y',
  'SELECT $a AS a, ? AS q',
  'SELECT :a AS a, ?2 AS q',
  'SELECT typeof(?) AS t, ? AS v',
  'SELECT * FROM t4',
  'SELECT x, y, z FROM t2 ORDER BY x',
  'SELECT f1(b) AS r FROM t1 ORDER BY a',
  'SELECT f1(?) AS r',
  'SELECT f2(a, b) AS r FROM t1 ORDER BY a',
  'SELECT f1() AS r',
  'SELECT agg1(b) AS r FROM t1',
  'SELECT agg1(a) OVER (ORDER BY a ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS w FROM t1',
  'SELECT agg2(a, b) AS r FROM t1 GROUP BY a % 2 ORDER BY 1',
  'SELECT * FROM vt1',
  "SELECT * FROM vt1('arg')",
  'SELECT 9007199254740993 AS big, -9223372036854775808 AS min',
  "SELECT 1.5 AS r, x'00ff' AS blob, NULL AS n, 'text' AS s, 2 AS i",
  'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 40) SELECT x FROM c',
  'SELECT a AS dup, b AS dup FROM t1 ORDER BY a',
  'SELECT "b" FROM t1 ORDER BY a',
  'SELECT name, type FROM sqlite_master ORDER BY name',
  'SELECT abs(-9223372036854775808) AS overflow',
  'PRAGMA user_version',
  'PRAGMA table_info(t1)',
  'SELECT * FROM nope',
  'SELEC 1',
  '',
  '   ',
  '-- only a comment',
  'SELECT 1 AS one; SELECT 2',
  'SELECT 1 AS x;  ',
  'SELECT * FROM t3',
  'SELECT zeroblob(?) AS z',
  'SELECT length(?) AS n',
  "SELECT 'a\uD800b' AS lone",
  'SELECT * FROM aux.t9',
  'SELECT * FROM v1',
  'SELECT f1(x) AS r FROM t2 ORDER BY x',
];

export const WRITES = [
  'INSERT INTO t1(b, c) VALUES (?, ?)',
  'INSERT INTO t1(b, c) VALUES ($b, $c) RETURNING a, b, c',
  'INSERT INTO t1(a, b) VALUES (1, 0)',
  'UPDATE t1 SET c = ? WHERE a = ?',
  'DELETE FROM t1 WHERE a = ?',
  'INSERT INTO t2(x, y, z) VALUES (?, ?, ?)',
  'INSERT INTO t3(p) VALUES (?)',
  'INSERT INTO t4 VALUES (?)',
  'REPLACE INTO t2(x, y) VALUES (?, ?)',
  'DELETE FROM t1',
  'INSERT INTO t2(x) VALUES (f1(?))',
];

export const CONTROL = [
  'BEGIN', 'BEGIN IMMEDIATE', 'COMMIT', 'ROLLBACK', 'SAVEPOINT sp', 'RELEASE sp', 'ROLLBACK TO sp',
  'CREATE TABLE IF NOT EXISTS t5(q)', 'DROP TABLE IF EXISTS t5', 'ALTER TABLE t1 ADD COLUMN d DEFAULT 4',
  'CREATE TEMP TABLE IF NOT EXISTS tt(q)', "ATTACH ':memory:' AS aux", 'DETACH aux', 'CREATE TABLE aux.t9(w)',
  'PRAGMA user_version = 3', 'PRAGMA foreign_keys', 'PRAGMA foreign_keys = OFF', 'CREATE VIRTUAL TABLE vt2 USING vt1',
  'CREATE TRIGGER IF NOT EXISTS tr AFTER INSERT ON t2 BEGIN INSERT INTO t1(b) VALUES (f1(NEW.x)); END',
  'CREATE VIEW IF NOT EXISTS v1 AS SELECT f1(b) AS r FROM t1', 'VACUUM', 'DROP TABLE t2',
];

const MULTI = [
  'INSERT INTO t1(b) VALUES (5); SELECT * FROM t1',
  'BEGIN; INSERT INTO t1(b) VALUES (6); COMMIT',
  'SELECT 1; SELEC 2',
  'INSERT INTO t1(b) VALUES (7); INSERT INTO t1(a) VALUES (1)',
  'CREATE TABLE IF NOT EXISTS t5(q); INSERT INTO t5 VALUES (f1(1))',
];

const NAMED_KEYS = ['a', '$a', ':a', '@a', 'b', '$b', ':b', 'c', '@c', 'q', 'unknown', '$unknown', '1', '?1', '2'];
const LIMIT_NAMES = ['length', 'sqlLength', 'column', 'exprDepth', 'compoundSelect', 'vdbeOp', 'functionArg', 'attach',
  'likePatternLength', 'variableNumber', 'triggerDepth'];
const LIMIT_VALUES = ['int:0', 'int:1', 'int:2', 'int:42', 'int:100', 'int:1e6', 'int:-1', 'num:Infinity', 'num:-Infinity', 'num:1.5',
  'num:NaN', 'str:number', 'big:1', 'int:2^31', 'undefined', 'null', 'num:-0'];
const TIMEOUTS = ['int:0', 'int:1', 'num:-0', 'int:-1', 'num:1.5', 'str:number', 'num:NaN', 'int:2^31', 'big:1', 'num:Infinity', 'int:100'];
const STAT_ARGS = [{ v: 'str:a' }, { v: 'undefined' }, { v: 'int:1' }, ...['fullscanStep', 'sort', 'autoindex', 'vmStep', 'reprepare', 'run', 'memused', 'filterHit'].map((s) => ({ s }))];

export function generateProgram(seed) {
  const r = random(seed);
  const ops = [];
  const count = { dbs: 0, stmts: 0, iters: 0, sessions: 0, stores: 0, blobs: 0 };
  const value = () => r.weighted([[6, () => r.pick(COMMON)], [3, () => r.pick(BINDABLE)], [1, () => r.pick(JUNK)]])();
  const flag = () => r.pick(FLAGS);
  const db = () => (count.dbs <= 1 || r.chance(0.85) ? 0 : r.int(count.dbs));
  const sqlText = () => r.pick(r.weighted([[10, READS], [6, WRITES], [3, CONTROL]]));

  const params = () => {
    const kind = r.weighted([[4, 'positional'], [3, 'named'], [1, 'named+positional'], [1, 'junk'], [2, 'none']]);
    const positional = () => Array.from({ length: r.between(1, 3) }, () => ({ v: value() }));
    const named = () => ({
      named: Array.from({ length: r.between(0, 3) }, () => [r.pick(NAMED_KEYS), value()]),
      ...(r.chance(0.15) ? { nullProto: true } : {}),
    });
    switch (kind) {
      case 'positional': return positional();
      case 'named': return [named()];
      case 'named+positional': return [named(), ...positional()];
      case 'junk': return [{ v: r.pick(JUNK) }];
      default: return [];
    }
  };

  const someOptions = (keys) => {
    const out = {};
    for (const [key, values] of keys) if (r.chance(0.35)) out[key] = typeof values === 'function' ? values() : r.pick(values);
    return out;
  };
  const optionsOrJunk = (make) => r.weighted([[6, make], [2, () => '$omit'], [1, () => r.pick(['int:1', 'str:a', 'null', 'junk:array', 'junk:function'])]])();

  const openOp = (main) => {
    const loc = main
      ? r.weighted([[7, { memory: true }], [2, { file: 'main.db' }], [1, { url: 'main.db' }]])
      : r.weighted([
        [4, { memory: true }], [3, { file: r.pick(['main.db', 'other.db']) }], [1, { url: 'other.db' }], [1, { buffer: 'other.db' }],
        [1, { uri: { file: 'main.db', query: r.pick(['?mode=ro', '?mode=rwc', '?cache=shared', '?mode=bogus']) } }],
        [1, { value: r.pick(['int:1', 'null', 'undefined', 'junk:object', 'str:empty', 'bytes:u8']) }],
      ]);
    const flagsFor = main ? () => r.weighted([[5, 'true'], [5, 'false'], [1, flag()]]) : flag;
    const make = () => {
      const opts = someOptions([
        ['open', main ? ['true', 'true', 'true', 'false'] : FLAGS],
        ['readOnly', main ? ['false'] : FLAGS],
        ['enableForeignKeyConstraints', flagsFor],
        ['enableDoubleQuotedStringLiterals', flagsFor],
        ['allowExtension', flagsFor],
        ['readBigInts', flagsFor],
        ['returnArrays', flagsFor],
        ['allowBareNamedParameters', flagsFor],
        ['allowUnknownNamedParameters', flagsFor],
        ['defensive', flagsFor],
        ['timeout', TIMEOUTS],
      ]);
      if (r.chance(main ? 0.1 : 0.25)) {
        opts.limits = r.chance(0.8)
          ? { obj: someOptions(LIMIT_NAMES.map((n) => [n, n === 'length' || n === 'sqlLength' ? LIMIT_VALUES.filter((v) => v !== 'int:0' && v !== 'int:1' && v !== 'int:2') : LIMIT_VALUES])) }
          : r.pick(['int:1', 'null', 'junk:array', 'str:a']);
      }
      return opts;
    };
    count.dbs++;
    return { k: 'open', loc, opts: main ? r.weighted([[3, make], [2, () => '$omit']])() : optionsOrJunk(make) };
  };

  const callback = (behaviours, arity) => ({ cb: r.pick(behaviours), ...(arity !== undefined ? { arity } : {}) });
  const functionName = () => r.weighted([[8, () => r.pick(['f1', 'f1', 'f2', 'F1'])], [1, () => r.pick(['agg1', 'vt1'])], [1, () => ({ v: r.pick(['str:empty', 'int:1', 'null', 'junk:object', 'str:long']) })]])();

  const generators = [
    [14, () => {
      const d = db();
      count.stmts++;
      const opts = r.chance(0.3)
        ? optionsOrJunk(() => someOptions([
          ['readBigInts', FLAGS], ['returnArrays', FLAGS], ['allowBareNamedParameters', FLAGS],
          ['allowUnknownNamedParameters', FLAGS],
        ]))
        : '$omit';
      const sql = r.chance(0.04) ? { v: r.pick(['int:1', 'null', 'undefined', 'junk:object', 'bytes:u8']) } : sqlText();
      return { k: 'prepare', d, sql, opts };
    }],
    [26, () => {
      if (count.stmts === 0) return null;
      const s = r.chance(0.6) ? count.stmts - 1 : r.int(count.stmts);
      const m = r.weighted([[4, 'run'], [5, 'get'], [5, 'all'], [5, 'iterate']]);
      if (m === 'iterate') count.iters++;
      return { k: 'stmt.call', s, m, args: params() };
    }],
    [12, () => {
      if (count.iters === 0) return null;
      const i = r.chance(0.6) ? count.iters - 1 : r.int(count.iters);
      return r.weighted([[6, { k: 'iter.next', i }], [2, { k: 'iter.return', i }], [2, { k: 'iter.drain', i, max: r.between(1, 6) }]]);
    }],
    [6, () => ({ k: 'exec', d: db(), sql: r.chance(0.03) ? { v: r.pick(['int:1', 'undefined', 'junk:object']) } : r.weighted([[6, sqlText], [2, () => r.pick(MULTI)]])() })],
    [6, () => {
      const arity = r.weighted([[2, 0], [5, 1], [3, 2], [1, 3]]);
      const fn = r.chance(0.92) ? callback(FUNCTION_BEHAVIOURS, arity) : { v: r.pick(['int:1', 'str:a', 'null', 'undefined', 'junk:object']) };
      const opts = r.chance(0.5) ? '$omit' : optionsOrJunk(() => someOptions([
        ['deterministic', FLAGS], ['directOnly', FLAGS], ['varargs', FLAGS], ['useBigIntArguments', FLAGS],
      ]));
      return { k: 'function', d: db(), name: functionName(), opts, fn, ...(r.chance(0.05) ? { noFn: true } : {}), ...(r.chance(0.05) ? { swap: true } : {}) };
    }],
    [3, () => {
      const arity = r.weighted([[3, 2], [2, 3], [1, 1]]);
      const make = () => {
        const opts = someOptions([
          ['deterministic', FLAGS], ['directOnly', FLAGS], ['varargs', FLAGS], ['useBigIntArguments', FLAGS],
        ]);
        if (r.chance(0.9)) opts.start = r.chance(0.5) ? r.pick(['int:0', 'null', 'str:empty', 'big:0', 'junk:array', 'undefined']) : callback(START_BEHAVIOURS, 0);
        if (r.chance(0.93)) opts.step = r.chance(0.95) ? callback(STEP_BEHAVIOURS, arity) : r.pick(['int:1', 'junk:object']);
        if (r.chance(0.7)) opts.result = r.chance(0.95) ? callback(RESULT_BEHAVIOURS, 1) : 'str:a';
        if (r.chance(0.4)) opts.inverse = r.chance(0.95) ? callback(INVERSE_BEHAVIOURS, arity) : 'int:1';
        return opts;
      };
      const name = r.weighted([[6, () => r.pick(['agg1', 'agg2'])], [1, () => 'f1'], [1, () => ({ v: r.pick(['int:1', 'null']) })]])();
      return { k: 'aggregate', d: db(), name, opts: r.chance(0.9) ? make() : optionsOrJunk(make) };
    }],
    [4, () => {
      if (count.stmts === 0) return null;
      const m = r.pick(['setReadBigInts', 'setReturnArrays', 'setAllowBareNamedParameters', 'setAllowUnknownNamedParameters']);
      return { k: 'stmt.set', s: r.int(count.stmts), m, v: flag() };
    }],
    [4, () => {
      if (count.stmts === 0) return null;
      const s = r.int(count.stmts);
      return r.weighted([
        [3, { k: 'stmt.prop', s, p: r.pick(['sourceSQL', 'expandedSQL']) }], [1, { k: 'stmt.columns', s }],
        [1, { k: 'stmt.stat', s, arg: r.pick(STAT_ARGS) }], [1, { k: 'stmt.resetStats', s }],
      ]);
    }],
    [3, () => {
      if (count.stmts === 0) return null;
      return { k: r.pick(['stmt.close', 'stmt.dispose']), s: r.int(count.stmts) };
    }],
    [3, () => ({ k: r.weighted([[3, 'db.close'], [2, 'db.open'], [1, 'db.dispose']]), d: db() })],
    [3, () => ({ k: 'db.prop', d: db(), p: r.pick(['isOpen', 'isTransaction']) })],
    [1, () => ({ k: 'db.location', d: db(), args: r.weighted([[3, []], [2, [{ v: 'str:main' }]], [1, [{ v: 'str:temp' }]], [1, [{ v: r.pick(['int:1', 'null', 'str:a']) }]]]) })],
    [4, () => (r.chance(0.4)
      ? { k: 'limits.get', d: db(), name: r.chance(0.9) ? r.pick(LIMIT_NAMES) : 'nope' }
      : { k: 'limits.set', d: db(), name: r.chance(0.95) ? r.pick(LIMIT_NAMES) : 'nope', v: r.pick(LIMIT_VALUES) })],
    [3, () => {
      count.sessions++;
      const table = () => r.pick([{ lit: 't1' }, { lit: 't2' }, { lit: 'nope' }, 'int:1', 'null']);
      const opts = r.chance(0.5) ? '$omit' : optionsOrJunk(() => someOptions([['table', table], ['db', ['str:main', 'str:temp', 'int:1', 'str:a']]]));
      return { k: 'session', d: db(), opts };
    }],
    [4, () => {
      if (count.sessions === 0) return null;
      const m = r.weighted([[4, 'changeset'], [2, 'patchset'], [1, 'close'], [1, 'dispose']]);
      if (m === 'changeset' || m === 'patchset') count.blobs++;
      return { k: 'session.call', x: r.int(count.sessions), m };
    }],
    [2, () => {
      const source = count.blobs > 0 && r.chance(0.85) ? { blob: r.int(count.blobs) } : { v: r.pick(['bytes:u8', 'int:1', 'null', 'str:a', 'bytes:u8-empty']) };
      const make = () => {
        const opts = {};
        if (r.chance(0.5)) opts.filter = r.chance(0.9) ? callback(FILTER_BEHAVIOURS, 1) : r.pick(['int:1', 'str:a']);
        if (r.chance(0.6)) opts.onConflict = r.chance(0.9) ? callback(CONFLICT_BEHAVIOURS, 1) : r.pick(['int:1', 'null']);
        return opts;
      };
      return { k: 'applyChangeset', d: db(), ...source, opts: optionsOrJunk(make) };
    }],
    [2, () => {
      count.stores++;
      return { k: 'tagstore', d: db(), cap: r.weighted([[3, () => '$omit'], [3, () => r.pick(['int:1', 'int:2'])], [1, () => r.pick(['int:0', 'int:-1', 'num:1.5', 'str:a', 'big:1', 'num:Infinity', 'null'])]])() };
    }],
    [4, () => {
      if (count.stores === 0) return null;
      const t = r.int(count.stores);
      const kind = r.weighted([[6, 'tag'], [1, 'prop'], [1, 'clear']]);
      if (kind === 'prop') return { k: 'store.prop', t, p: r.pick(['size', 'capacity', 'db']) };
      if (kind === 'clear') return { k: 'store.clear', t };
      const tpl = r.int(TEMPLATE_ARITY.length);
      return { k: 'tag', t, tpl, m: r.pick(['get', 'all', 'run', 'iterate']), vals: Array.from({ length: TEMPLATE_ARITY[tpl] }, value) };
    }],
    [2, () => {
      if (r.chance(0.55)) {
        count.blobs++;
        return { k: 'serialize', d: db(), args: r.weighted([[4, []], [2, [{ v: 'str:main' }]], [1, [{ v: r.pick(['str:temp', 'int:1', 'str:a', 'null']) }]]]) };
      }
      const source = count.blobs > 0 && r.chance(0.8) ? { blob: r.int(count.blobs) } : { v: r.pick(['bytes:u8', 'int:1', 'null', 'bytes:u8-empty', 'bytes:big']) };
      return { k: 'deserialize', d: db(), ...source, opts: r.chance(0.7) ? '$omit' : optionsOrJunk(() => someOptions([['dbName', ['str:main', 'str:temp', 'str:a', 'int:1']]])) };
    }],
    [2, () => ({ k: 'authorizer', d: db(), fn: r.chance(0.85) ? callback(AUTHORIZER_BEHAVIOURS) : { v: r.pick(['null', 'null', 'undefined', 'int:1', 'junk:object']) } })],
    [1, () => ({ k: r.pick(['defensive', 'loadExtension']), d: db(), v: flag() })],
    [1, () => {
      const column = (name, type, hidden) => ({ name, type, ...(hidden ? { hidden: true } : {}) });
      const make = () => {
        const opts = {};
        if (r.chance(0.95)) {
          opts.columns = r.chance(0.85)
            ? { columns: r.pick([[column('n', 'INTEGER'), column('s', 'TEXT')], [column('n', 'INTEGER'), column('s', 'TEXT'), column('arg', 'ANY', true)], [column('n', 'BOGUS')], []]) }
            : r.pick(['int:1', 'junk:object']);
        }
        if (r.chance(0.95)) opts.rows = r.chance(0.95) ? callback(ROWS_BEHAVIOURS, 0) : 'int:1';
        if (r.chance(0.2)) opts.directOnly = flag();
        if (r.chance(0.2)) opts.useBigIntArguments = flag();
        return opts;
      };
      return { k: 'module', d: db(), name: r.chance(0.9) ? 'vt1' : { v: r.pick(['int:1', 'str:empty']) }, opts: optionsOrJunk(make) };
    }],
    [1, () => openOp(false)],
  ];

  ops.push(openOp(true));
  if (r.chance(0.92)) ops.push({ k: 'exec', d: 0, sql: SCHEMA });
  const length = r.between(8, 60);
  while (ops.length < length) {
    const op = r.weighted(generators)();
    if (op) ops.push(op);
  }
  return { seed, ops };
}
