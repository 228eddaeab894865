// Parameter binding on AsyncDatabase fails exactly as the same calls on DatabaseSync: the same
// error (class, code, message, errcode/errstr) in the same order — unknown names, unbindable
// values, bigints too large, out-of-range indices, bare-name conflicts and SQL errors — through
// every entry point that binds: SQL text and prepared statements (run/get/all/iterate), a
// transaction's scope and a statement run through it, and calls issued without awaiting.
// Every expectation is what DatabaseSync does with the same calls; nothing is hard-coded.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AsyncDatabase, DatabaseSync } from '../../dist/index.js';

const SCHEMA = 'CREATE TABLE t(a, b)';

// A case: SQL, database options, and the calls made (each a function of a read log, returning
// the arguments). Getters in the arguments log the keys they are read under.
const CASES = [
  // Unknown named parameter next to an unbindable value: whichever key comes first decides.
  { name: 'unknown name before an unbindable value', sql: 'SELECT :a AS a', calls: [() => [{ unknown: 1, a: Symbol('s') }]] },
  { name: 'unbindable value before an unknown name', sql: 'SELECT :a AS a', calls: [() => [{ a: Symbol('s'), unknown: 1 }]] },
  { name: 'an unknown key with an unbindable value', sql: 'SELECT :a AS a', calls: [() => [{ zz: Symbol('s') }], () => [{ zz: 2n ** 64n, a: 1 }]] },
  { name: 'unbindable value under a bare name', sql: 'SELECT $x AS x, :y AS y', calls: [() => [{ y: 1, x: {} }]] },
  // Named parameters before anonymous ones: the index is the real parameter index.
  { name: 'named then an unbindable anonymous value', sql: 'SELECT ? AS p, :a AS a, ? AS q', calls: [() => [{ a: 1 }, 2, Symbol('s')]] },
  { name: 'unbindable named value then anonymous values', sql: 'SELECT ? AS p, :a AS a, ? AS q', calls: [() => [{ a: Symbol('s') }, 1, 2]] },
  { name: 'anonymous values skip named parameters', sql: 'SELECT :a AS a, ? AS p, $b AS b, ? AS q', calls: [() => [{ a: 1, b: 2 }, 3, []]] },
  { name: 'anonymous values and ?NNN', sql: 'SELECT ?2 AS two, ?1 AS one, ? AS three', calls: [() => [1, 2, 3, new Map()]] },
  // allowUnknownNamedParameters: an unknown key's value is never converted.
  {
    name: 'unknown allowed: an unbindable unknown value is ignored',
    sql: 'SELECT :a AS a',
    open: { allowUnknownNamedParameters: true },
    calls: [() => [{ unknown: Symbol('s'), a: 1 }], () => [{ unknown: 2n ** 64n, a: 2 }], () => [{ a: 3, unknown: () => {} }]],
  },
  {
    name: 'unknown allowed: a known unbindable value after unknown ones',
    sql: 'SELECT :a AS a, :b AS b',
    open: { allowUnknownNamedParameters: true },
    calls: [() => [{ x: Symbol('s'), a: 1, y: {}, b: new Date(0) }]],
  },
  // bigint too large, named and anonymous; and in a position past the last parameter.
  { name: 'bigint too large (named)', sql: 'SELECT :a AS a, :b AS b', calls: [() => [{ b: 1, a: 2n ** 63n }]] },
  { name: 'bigint too large (anonymous)', sql: 'SELECT ? AS a, ? AS b', calls: [() => [1, -(2n ** 63n) - 1n]] },
  { name: 'unknown name before a bigint too large', sql: 'SELECT :a AS a', calls: [() => [{ nope: 1, a: 2n ** 64n }]] },
  // Binding past the last parameter: SQLite's error, unless the value cannot be converted first.
  { name: 'too many anonymous values', sql: 'SELECT ? AS a', calls: [() => [1, 2], () => [1, Symbol('s')], () => [1, 2n ** 64n]] },
  // SQLite's own binding errors (string or blob too big) keep their place in the order too.
  {
    name: 'a value too big for SQLite next to an unbindable one',
    sql: 'SELECT :a AS a, :b AS b, ? AS c',
    open: { limits: { length: 1000 } },
    calls: [
      () => [{ a: 'x'.repeat(5000), b: Symbol('s') }],
      () => [{ b: Symbol('s'), a: 'x'.repeat(5000) }],
      () => [{ a: 1, b: 2 }, new Uint8Array(5000)],
      () => [{ a: 1, b: 2 }, Symbol('s')],
    ],
  },
  { name: 'anonymous value with only named parameters', sql: 'SELECT :a AS a', calls: [() => [{ a: 1 }, 2], () => [5]] },
  { name: 'no parameters at all', sql: 'SELECT 1 AS one', calls: [() => [1], () => [{}], () => [Symbol('s')], () => [{ a: 1 }]] },
  // Bare-name conflicts come before any key; node keeps the partial map, so a prepared
  // statement fails only once.
  {
    name: 'bare-name conflict before an unbindable value',
    sql: 'SELECT :b AS x, $b AS y',
    calls: [() => [{ b: Symbol('s') }], () => [{ b: Symbol('s') }], () => [{ b: 1 }], () => [{ ':b': 1, $b: 2 }]],
  },
  {
    name: 'bare names off',
    sql: 'SELECT :a AS a',
    open: { allowBareNamedParameters: false },
    calls: [() => [{ a: Symbol('s') }], () => [{ ':a': Symbol('s') }], () => [{ ':a': 1 }]],
  },
  // An SQL error comes before every parameter error (SQL text prepares first).
  { name: 'SQL error before a parameter error', sql: 'SELECT * FROM nope WHERE a = :a', calls: [() => [{ a: Symbol('s') }], () => [Symbol('s')], () => [{ zz: 1 }]] },
  { name: 'syntax error before a parameter error', sql: 'SELEC :a', calls: [() => [{ q: 1 }]] },
  // A value that is neither named object nor bindable, first.
  { name: 'unbindable first argument', sql: 'SELECT ? AS a, ? AS b', calls: [() => [Symbol('s'), 1], () => [1n, Symbol('s')]] },
  { name: 'objects as named parameters', sql: 'SELECT :a AS a', calls: [() => [new Date(0)], () => [() => {}], () => [[1]], () => [new String('x')]] },
  // Bindings are cleared by each call, including one that failed part-way.
  {
    name: 'a failed call leaves no bindings behind',
    sql: 'SELECT :a AS a, :b AS b, ? AS c',
    calls: [() => [{ a: 1, b: Symbol('s') }], () => [{}], () => [{ a: 2 }, 3, 4], () => []],
  },
  // Writes: nothing runs when binding fails.
  { name: 'write with an unbindable value', sql: 'INSERT INTO t(a, b) VALUES (:a, ?)', calls: [() => [{ a: 1 }, Symbol('s')], () => [{ a: 1 }, 2], () => [{ a: 1, zz: 3 }]] },
  // Getters: read in key order; the values before a failing one were read, those after not.
  {
    name: 'getters are read in key order',
    sql: 'SELECT :a AS a, :b AS b',
    calls: [(log) => [{ get b() { log('b'); return 1; }, get a() { log('a'); return 2; } }]],
  },
  {
    name: 'no getter after an unbindable value is read',
    sql: 'SELECT :a AS a, :b AS b',
    calls: [(log) => [{ get a() { log('a'); return {}; }, get b() { log('b'); return 1; } }]],
  },
  {
    name: 'a throwing getter',
    sql: 'SELECT :a AS a, :b AS b',
    calls: [(log) => [{ a: 1, get b() { log('b'); throw new RangeError('boom'); } }]],
  },
];

// Documented exceptions (docs/ASYNC.md, "Parameters"): the async API reads every value at call
// time, so a getter may be read where the sync call would have stopped before it: after a key
// that turns out to be unknown, and — when unknown names are allowed — an unknown key's own.
// The sync reads are always among the async ones, in the same order.
const MORE_READS = [
  {
    name: 'getter after an unknown key',
    sql: 'SELECT :a AS a',
    calls: [(log) => [{ nope: 1, get a() { log('a'); return 1; } }]],
  },
  {
    name: 'getter of an allowed unknown key',
    sql: 'SELECT :a AS a',
    open: { allowUnknownNamedParameters: true },
    calls: [(log) => [{ get nope() { log('nope'); return Symbol('s'); }, get a() { log('a'); return 1; } }]],
  },
];

function describeError(error) {
  if (!(error instanceof Error)) return { thrown: String(error) };
  const keys = Object.getOwnPropertyNames(error).filter((k) => k !== 'stack').sort();
  const described = { ctor: error.constructor.name, keys };
  for (const key of keys) described[key] = error[key];
  return described;
}

function describeValue(value) {
  return JSON.parse(JSON.stringify([value], (key, v) => {
    if (typeof v === 'bigint') return `${v}n`;
    if (v instanceof Uint8Array) return { bytes: [...v] };
    return v;
  }))[0] ?? null;
}

function syncOutcome(fn) {
  try {
    return { ok: describeValue(fn()) };
  } catch (error) {
    return { error: describeError(error) };
  }
}

async function asyncOutcome(fn) {
  try {
    return { ok: describeValue(await fn()) };
  } catch (error) {
    return { error: describeError(error) };
  }
}

async function drain(iterator) {
  const rows = [];
  for await (const row of iterator) rows.push(row);
  return rows;
}

// The entry points. Each runs a case's calls on a fresh pair of databases and returns, per call,
// the outcome and the keys read. `sync` is always the same: a statement of DatabaseSync, prepared
// once for a prepared-statement entry and once per call for SQL text.
const METHODS = ['run', 'get', 'all', 'iterate'];
const ENTRIES = [
  ...METHODS.map((m) => ({ name: `db.${m}(sql)`, m, adHoc: true, call: (ctx, args) => (m === 'iterate' ? drain(ctx.db.iterate(ctx.sql, ...args)) : ctx.db[m](ctx.sql, ...args)) })),
  ...METHODS.map((m) => ({ name: `stmt.${m}`, m, call: (ctx, args) => (m === 'iterate' ? drain(ctx.stmt.iterate(...args)) : ctx.stmt[m](...args)) })),
  ...['run', 'get', 'all'].map((m) => ({ name: `tx.${m}(sql)`, m, adHoc: true, inTx: true, call: (ctx, args) => ctx.tx[m](ctx.sql, ...args) })),
  ...['get', 'all'].map((m) => ({ name: `tx.statement(stmt).${m}`, m, inTx: true, call: (ctx, args) => ctx.tx.statement(ctx.stmt)[m](...args) })),
];

function syncCall(db, stmt, sql, m, args) {
  const st = stmt ?? db.prepare(sql);
  try {
    return m === 'iterate' ? [...st.iterate(...args)] : st[m](...args);
  } finally {
    if (!stmt) st.finalize?.();
  }
}

function runSync(c, entry) {
  const db = new DatabaseSync(':memory:', c.open ?? {});
  db.exec(SCHEMA);
  const results = [];
  let stmt;
  const prepared = entry.adHoc ? { ok: null } : syncOutcome(() => (stmt = db.prepare(c.sql), null));
  if (entry.inTx) db.exec('BEGIN');
  for (const makeArgs of c.calls) {
    const reads = [];
    const outcome = prepared.error ? prepared : syncOutcome(() => syncCall(db, stmt, c.sql, entry.m, makeArgs((k) => reads.push(k))));
    results.push({ outcome, reads });
  }
  if (entry.inTx) db.exec('COMMIT');
  results.push({ table: db.prepare('SELECT * FROM t').all().map(describeValue) });
  db.close();
  return results;
}

async function runAsync(c, entry, pipelined) {
  const db = await AsyncDatabase.open(':memory:', c.open ?? {});
  await db.exec(SCHEMA);
  const ctx = { db, sql: c.sql };
  let prepared = { ok: null };
  if (!entry.adHoc) prepared = await asyncOutcome(async () => (ctx.stmt = await db.prepare(c.sql), null));
  const results = [];
  const body = async () => {
    if (pipelined) {
      // Every call issued before any settles: reads of prepared statements form read runs.
      const logs = c.calls.map(() => []);
      const pending = c.calls.map((makeArgs, i) =>
        prepared.error ? prepared : asyncOutcome(() => entry.call(ctx, makeArgs((k) => logs[i].push(k)))));
      const outcomes = await Promise.all(pending);
      outcomes.forEach((outcome, i) => results.push({ outcome, reads: logs[i] }));
      return;
    }
    for (const makeArgs of c.calls) {
      const reads = [];
      const outcome = prepared.error ? prepared : await asyncOutcome(() => entry.call(ctx, makeArgs((k) => reads.push(k))));
      results.push({ outcome, reads });
    }
  };
  if (entry.inTx) {
    await db.transaction(async (tx) => {
      ctx.tx = tx;
      await body();
    });
  } else {
    await body();
  }
  results.push({ table: (await db.all('SELECT * FROM t')).map(describeValue) });
  await db.close();
  return results;
}

function isSubsequence(short, long) {
  let i = 0;
  for (const item of long) if (i < short.length && item === short[i]) i++;
  return i === short.length;
}

// Outcomes must be equal; reads equal too, or (MORE_READS) the sync reads are among the async
// ones, in the same order.
async function compareCase(c, { moreReads = false } = {}) {
  const mismatches = [];
  for (const entry of ENTRIES) {
    const expected = runSync(c, entry);
    for (const pipelined of entry.inTx || entry.m === 'iterate' ? [false] : [false, true]) {
      const actual = await runAsync(c, entry, pipelined);
      const label = `${entry.name}${pipelined ? ' (pipelined)' : ''}`;
      expected.forEach((e, i) => {
        const a = actual[i];
        if ('table' in e) {
          if (JSON.stringify(e) !== JSON.stringify(a)) mismatches.push({ label, expected: e, actual: a });
          return;
        }
        if (JSON.stringify(e.outcome) !== JSON.stringify(a.outcome)) mismatches.push({ label, call: i, expected: e.outcome, actual: a.outcome });
        const readsOk = moreReads ? isSubsequence(e.reads, a.reads) : JSON.stringify(a.reads) === JSON.stringify(e.reads);
        if (!readsOk) mismatches.push({ label, call: i, expectedReads: e.reads, actualReads: a.reads });
      });
    }
  }
  return mismatches;
}

for (const c of CASES) {
  test(`binding like DatabaseSync: ${c.name}`, async () => {
    assert.equal(await compareCase(c), []);
  });
}

for (const c of MORE_READS) {
  test(`binding like DatabaseSync, reads at call time: ${c.name}`, async () => {
    assert.equal(await compareCase(c, { moreReads: true }), []);
  });
}

test('the cases do exercise each kind of binding error on the sync side', () => {
  // Guards the table above: if DatabaseSync stopped raising one of these, the comparisons would
  // compare nothing interesting.
  const messages = new Set();
  for (const c of CASES) {
    for (const e of runSync(c, ENTRIES.find((x) => x.name === 'stmt.get'))) {
      if (e.outcome?.error) messages.add(String(e.outcome.error.message).replace(/\d+/g, 'N').replace(/'[^']*'/g, "'x'"));
    }
  }
  for (const expected of [
    "Unknown named parameter 'x'",
    'Provided value cannot be bound to SQLite parameter N.',
    'BigInt value is too large to bind.',
    'column index out of range',
    'string or blob too big',
    "Cannot create bare named parameter 'x' because of conflicting names 'x' and 'x'.",
    'boom',
  ]) {
    assert.ok([...messages].some((m) => m === expected || m.startsWith(expected)), `${expected} in ${[...messages].join(' | ')}`);
  }
});

test.run();
