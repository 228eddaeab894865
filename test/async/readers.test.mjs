// Parallel readers (src/ts/async/reader-pool.ts, rules R1–R6): open()'s checks, where jobs run
// (the pool's `routed` counters), and the single-connection semantics that routing must keep —
// each ordering case built so that breaking its rule fails it whatever the timing (a long read
// keeps a reader busy while the job under test is issued). Thread and teardown cases are in
// test/workers/ and the child-process suites; random programs in test/fuzz/async.test.mjs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AsyncDatabase, DatabaseSync } from '../../dist/index.js';
import { nativeBinding, rejection, tempDir } from '../helpers.mjs';

const { isReadSql, localStateIn, perConnectionSettings } = nativeBinding().readRouting;

// A read that keeps its connection busy for a while (tens of ms).
const LONG_READ = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 400000) SELECT count(*) AS n FROM c';
const ROWS = 100;

// A WAL file with table t(id, v) of ROWS rows; returns its temp dir and path.
function walFile() {
  const tmp = tempDir('strand-readers-');
  const file = tmp.path('db.sqlite');
  const setup = new DatabaseSync(file);
  setup.exec(`PRAGMA journal_mode = WAL; CREATE TABLE t(id INTEGER PRIMARY KEY, v);
    WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ${ROWS}) INSERT INTO t(v) SELECT x FROM c`);
  setup.close();
  return { tmp, file };
}

async function withPool(readers, fn) {
  const { tmp, file } = walFile();
  const db = await AsyncDatabase.open(file, { readers });
  try {
    return await fn(db, db.core.pool?.routed, file);
  } finally {
    await db.close();
    tmp.remove();
  }
}

const onReaders = (routed) => routed.readers.reduce((sum, n) => sum + (n ?? 0), 0);

test('open(): readers is checked, needs a file in WAL mode, and is reported by db.readers', async () => {
  for (const [readers, code] of [['1', 'ERR_INVALID_ARG_TYPE'], [1.5, 'ERR_INVALID_ARG_TYPE'], [null, 'ERR_INVALID_ARG_TYPE'], [-1, 'ERR_OUT_OF_RANGE'], [65, 'ERR_OUT_OF_RANGE']]) {
    assert.is((await rejection(AsyncDatabase.open(':memory:', { readers }))).code, code, String(readers));
  }
  const memory = await rejection(AsyncDatabase.open(':memory:', { readers: 1 }));
  assert.is(memory.code, 'ERR_INVALID_ARG_VALUE');
  assert.match(memory.message, /needs a database file/);
  assert.is((await rejection(AsyncDatabase.open('', { readers: 1 }))).code, 'ERR_INVALID_ARG_VALUE');
  const tmp = tempDir('strand-readers-');
  try {
    const rollback = await rejection(AsyncDatabase.open(tmp.path('rollback.db'), { readers: 2 }));
    assert.is(rollback.code, 'ERR_INVALID_STATE');
    assert.match(rollback.message, /PRAGMA journal_mode = WAL/);
    // The writer it opened for the check was closed: the file is free to be switched and reopened.
    const fix = new DatabaseSync(tmp.path('rollback.db'));
    fix.exec('PRAGMA journal_mode = WAL');
    fix.close();
    const db = await AsyncDatabase.open(tmp.path('rollback.db'), { readers: 2 });
    assert.is(db.readers, 2);
    await db.close();
    // readOnly: every connection is read-only, the readers still read in parallel.
    const readOnly = await AsyncDatabase.open(tmp.path('rollback.db'), { readers: 2, readOnly: true });
    await Promise.all([readOnly.get('SELECT 1 AS one'), readOnly.get('SELECT 2 AS two')]);
    assert.equal(readOnly.core.pool.routed.readers, [1, 1]);
    assert.is((await rejection(readOnly.exec('CREATE TABLE x(a)'))).errcode, 8); // SQLITE_READONLY
    await readOnly.close();
    const single = await AsyncDatabase.open(tmp.path('rollback.db'));
    assert.is(single.readers, 0);
    assert.is(single.core.pool, undefined);
    await single.close();
  } finally {
    tmp.remove();
  }
});

test('reads in flight spread over the readers; writes, DDL and transaction control run on the writer', async () => {
  await withPool(2, async (db, routed) => {
    const stmt = await db.prepare('SELECT v FROM t WHERE id = ?');
    const rows = await Promise.all(Array.from({ length: 64 }, (_, i) => stmt.get((i % ROWS) + 1)));
    assert.equal(rows.map((r) => r.v), Array.from({ length: 64 }, (_, i) => (i % ROWS) + 1));
    assert.ok(routed.readers[0] > 0 && routed.readers[1] > 0, JSON.stringify(routed));
    const before = onReaders(routed);
    await db.run('UPDATE t SET v = v WHERE id = 1');
    await db.exec('CREATE TABLE u(x)');
    await db.get('INSERT INTO u VALUES (1) RETURNING x');
    assert.is(onReaders(routed), before);
    // A sequential caller stays on one reader (ties go to the first), keeping its read runs.
    const first = routed.readers[0];
    for (let i = 1; i <= 10; i++) await stmt.get(i);
    assert.is(routed.readers[0], first + 10);
  });
});

test('R1: a read issued after a write sees it, even while readers are free', async () => {
  await withPool(2, async (db, routed) => {
    // A slow write: a read let onto a reader at once would finish before it commits.
    const insert = db.run(`INSERT INTO t(v) SELECT x FROM (${LONG_READ.replace('SELECT count(*) AS n FROM c', 'SELECT x FROM c')})`);
    const count = db.get('SELECT count(*) AS n FROM t');
    await insert;
    assert.is((await count).n, ROWS + 400000);
    // Writes and reads interleaved without awaiting: each read counts the writes before it.
    const counts = [];
    for (let i = 1; i <= 50; i++) {
      db.run('INSERT INTO t(v) VALUES (?)', i);
      counts.push(db.get('SELECT count(*) AS n FROM t'));
    }
    assert.equal((await Promise.all(counts)).map((r) => r.n), Array.from({ length: 50 }, (_, i) => ROWS + 400000 + i + 1));
    // Each of those reads was issued behind a write in flight: it ran on the writer, after it.
    assert.is(onReaders(routed), 0);
    await db.get('SELECT count(*) AS n FROM t');
    assert.is(onReaders(routed), 1, 'with no write in flight, a read runs on a reader');
  });
});

test('R2: a write issued after a read waits for it: the read never sees the write', async () => {
  await withPool(1, async (db, routed) => {
    // The only reader is busy with a long read; the count queued behind it runs only after it.
    const long = db.get(LONG_READ);
    const count = db.get('SELECT count(*) AS n FROM t');
    const insert = db.run('INSERT INTO t(v) VALUES (0)');
    const after = db.get('SELECT count(*) AS n FROM t');
    assert.is((await count).n, ROWS);
    assert.is((await after).n, ROWS + 1);
    await Promise.all([long, insert]);
    // The long read and the count ran on the reader; the read after the write, behind it on the writer.
    assert.is(routed.readers[0], 2);
    assert.ok(routed.held >= 1, 'the write waited in the line');
    // The same through get(), all() and iterate() of statements that write, and exec(): the
    // read issued before each write sees the state before it, the one after it the write.
    const cases = [
      [(db) => db.get('INSERT INTO t(v) VALUES (0) RETURNING id'), 'SELECT count(*) AS n FROM t'],
      [(db) => db.all('ALTER TABLE t ADD COLUMN w DEFAULT 4'), 'SELECT * FROM t WHERE id = 1'],
      [(db) => db.iterate('INSERT INTO t(v) VALUES (0) RETURNING id').next(), 'SELECT count(*) AS n FROM t'],
      [(db) => db.exec('DELETE FROM t WHERE v = 0'), 'SELECT count(*) AS n FROM t'],
    ];
    for (const [write, probe] of cases) {
      const expected = await db.get(probe);
      const longer = db.get(LONG_READ);
      const before = db.get(probe);
      const done = write(db);
      const after = db.get(probe);
      assert.equal(await before, expected, probe);
      await Promise.all([longer, done]);
      assert.not.equal(await after, expected, 'the probe sees the write');
    }
  });
});

test('R4: a cursor reads one snapshot; inside a transaction it runs on the writer and sees its writes', async () => {
  await withPool(2, async (db) => {
    const seen = [];
    for await (const row of db.iterate('SELECT id FROM t ORDER BY id')) {
      seen.push(row.id);
      if (row.id === 1) await db.run('INSERT INTO t(v) VALUES (-1)');
    }
    assert.is(seen.length, ROWS, 'the row inserted mid-iteration is not in the snapshot');
    assert.is((await db.get('SELECT count(*) AS n FROM t')).n, ROWS + 1);
    const inside = await db.transaction(async (tx) => {
      await tx.run('INSERT INTO t(v) VALUES (-2)');
      const ids = [];
      for await (const row of tx.iterate('SELECT id FROM t ORDER BY id')) ids.push(row.id);
      return ids.length;
    });
    assert.is(inside, ROWS + 2);
  });
});

test('R1: an open cursor of a writing statement keeps the reads on the writer, which sees its rows', async () => {
  await withPool(2, async (db, routed) => {
    // More rows than a cursor's first batch: the statement stays mid-step after it.
    const returning = db.iterate('INSERT INTO t(v) SELECT x FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 50) SELECT x FROM c) RETURNING id');
    assert.is((await returning.next()).done, false);
    const used = onReaders(routed);
    // Its statement is not done: its implicit transaction is open, and one connection sees it.
    assert.is((await db.get('SELECT count(*) AS n FROM t')).n, ROWS + 50);
    const rows = [];
    for await (const row of db.iterate('SELECT id FROM t')) rows.push(row.id);
    assert.is(rows.length, ROWS + 50);
    assert.is(onReaders(routed), used);
    await returning.return();
    assert.is((await db.get('SELECT count(*) AS n FROM t')).n, ROWS + 50);
    assert.is(onReaders(routed), used + 1);
  });
});

test('a transaction begun by hand keeps the reads on the writer until it ends', async () => {
  await withPool(2, async (db, routed) => {
    await db.exec('BEGIN');
    await db.run('INSERT INTO t(v) VALUES (1)');
    const readersBefore = onReaders(routed);
    assert.is((await db.get('SELECT count(*) AS n FROM t')).n, ROWS + 1, 'the transaction sees its own write');
    assert.is(onReaders(routed), readersBefore);
    await db.exec('ROLLBACK');
    assert.is((await db.get('SELECT count(*) AS n FROM t')).n, ROWS);
    assert.is(onReaders(routed), readersBefore + 1);
  });
});

test('connection-specific reads run on the writer; TEMP objects and setting PRAGMAs turn routing off', async () => {
  await withPool(2, async (db, routed) => {
    const { lastInsertRowid } = await db.run('INSERT INTO t(v) VALUES (7)');
    assert.equal(await db.get('SELECT last_insert_rowid() AS id, changes() AS c'), { __proto__: null, id: lastInsertRowid, c: 1 });
    await db.get('SELECT 1 AS one');
    const used = onReaders(routed);
    assert.ok(used > 0);
    await db.exec('CREATE TEMP TABLE scratch(x); INSERT INTO scratch VALUES (42)');
    assert.equal(await db.get('SELECT x FROM scratch'), { __proto__: null, x: 42 });
    assert.equal(await db.all('SELECT v FROM t WHERE id <= 2'), [{ __proto__: null, v: 1 }, { __proto__: null, v: 2 }]);
    assert.is(onReaders(routed), used, 'nothing ran on a reader after the TEMP table');
  });
  await withPool(1, async (db, routed) => {
    await db.exec('PRAGMA reverse_unordered_selects = 1');
    await db.get('SELECT v FROM t');
    assert.is(onReaders(routed), 0);
  });
});

test('per-connection settings (cache_size, busy_timeout, …) set on the database reach every reader', async () => {
  await withPool(2, async (db, routed) => {
    // A view reads the setting of whichever connection runs it: here, the readers.
    await db.exec('CREATE VIEW cache AS SELECT cache_size FROM pragma_cache_size');
    await db.exec('PRAGMA synchronous = NORMAL; PRAGMA cache_size = -12345');
    const seen = await Promise.all(Array.from({ length: 8 }, () => db.get('SELECT cache_size FROM cache')));
    assert.equal([...new Set(seen.map((r) => r.cache_size))], [-12345]);
    assert.ok(routed.readers[0] > 0 && routed.readers[1] > 0, JSON.stringify(routed));
  });
  assert.equal(perConnectionSettings('PRAGMA journal_mode = WAL; pragma main.mmap_size(268435456); PRAGMA temp_store=MEMORY; PRAGMA cache_size'), [
    'PRAGMA main.mmap_size = 268435456',
    'PRAGMA temp_store = MEMORY',
  ]);
});

test('R6: functions and aggregates run on every connection, with per-connection accumulators', async () => {
  await withPool(2, async (db, routed) => {
    await db.function('twice', (x) => x * 2);
    await db.aggregate('total', { start: 0, step: (sum, x) => sum + x });
    const stmt = await db.prepare('SELECT twice(v) AS d FROM t WHERE id = ?');
    const doubled = await Promise.all(Array.from({ length: 40 }, (_, i) => stmt.get(i + 1)));
    assert.equal(doubled.map((r) => r.d), Array.from({ length: 40 }, (_, i) => 2 * (i + 1)));
    // Aggregates in flight on both readers at once: each group's accumulator is its own.
    const sums = await Promise.all(Array.from({ length: 8 }, (_, i) => db.get('SELECT total(v) AS s FROM t WHERE id <= ?', 10 * (i + 1))));
    assert.equal(sums.map((r) => r.s), Array.from({ length: 8 }, (_, i) => (10 * (i + 1) * (10 * (i + 1) + 1)) / 2));
    assert.ok(routed.readers[0] > 0 && routed.readers[1] > 0, JSON.stringify(routed));
    // Replaced everywhere.
    await db.function('twice', (x) => x * 3);
    assert.equal((await Promise.all([stmt.get(1), stmt.get(2)])).map((r) => r.d), [3, 6]);
    assert.is(db.core.engine.functions.accumulators, 0);
  });
});

test('R6: a function replaced while a reader holds an open cursor: that reader catches up when its cursors end', async () => {
  const run = async (readers) => withPool(readers, async (db, routed) => {
    await db.function('f', (x) => 1);
    const cursor = db.iterate('SELECT f(v) AS r FROM t');
    const first = (await cursor.next()).value.r;
    // With one connection SQLite refuses to replace a function while a statement runs; a reader's
    // cursor runs on a connection of its own, so the replacement takes on the writer.
    const replaced = await db.function('f', (x) => 2).then(() => 'replaced', (e) => e.message);
    const values = await Promise.all(Array.from({ length: 20 }, () => db.get('SELECT f(0) AS r')));
    const whileOpen = routed === undefined ? undefined : [...routed.readers];
    const rest = [];
    for await (const row of cursor) rest.push(row.r);
    const after = await Promise.all(Array.from({ length: 20 }, () => db.get('SELECT f(0) AS r')));
    return { first, replaced, values: [...new Set(values.map((r) => r.r))], rest: [...new Set(rest)], after: [...new Set(after.map((r) => r.r))], whileOpen, routed: routed && [...routed.readers] };
  });
  const pooled = await run(2);
  assert.equal([pooled.first, pooled.replaced, pooled.values, pooled.rest, pooled.after], [1, 'replaced', [2], [1], [2]]);
  // While the cursor was open, its reader (the first) took none of the gets; after, it took some.
  assert.is(pooled.whileOpen[0], 1);
  assert.ok(pooled.routed[0] > 1, JSON.stringify(pooled.routed));
  const single = await run(0);
  assert.match(single.replaced, /unable to delete\/modify user-function due to active statements/);
});

test('R5: statement settings apply on every connection; a failed run is reported as on one connection', async () => {
  const script = async (db) => {
    const out = [];
    const stmt = await db.prepare('SELECT v, boom(v) AS b FROM t WHERE id = ?');
    stmt.setReadBigInts(true);
    out.push(await stmt.get(1));
    stmt.setReturnArrays(true);
    out.push(await Promise.all([stmt.get(2), stmt.get(3)]));
    out.push(await stmt.get(5).catch((e) => e.message));
    // An iteration that fails leaves its statement unreset: the next run reports that error once
    // more (node's rule). With readers it must run where the iteration did (the first reader),
    // though a long read keeps that one busier than the other.
    const it = stmt.iterate(5);
    out.push(await it.next().catch((e) => e.message));
    const long = db.get(LONG_READ);
    out.push(await stmt.get(1).catch((e) => ({ rejected: e.message, errcode: e.errcode })));
    out.push(await stmt.get(1));
    await long;
    return out;
  };
  const outcomes = [];
  for (const readers of [0, 2]) {
    outcomes.push(await withPool(readers, async (db) => {
      await db.function('boom', (v) => {
        if (v === 5) throw new Error('boom');
        return v;
      });
      return script(db);
    }));
  }
  assert.equal(outcomes[1], outcomes[0]);
  assert.is(typeof outcomes[0][0].v, 'bigint');
});

test('an aborted job that waits in the line leaves it; the jobs behind it run', async () => {
  await withPool(1, async (db, routed) => {
    const long = db.get(LONG_READ);
    const insert = db.run('INSERT INTO t(v) VALUES (0)');
    const controller = new AbortController();
    const aborted = db.with({ signal: controller.signal }).get('SELECT count(*) AS n FROM t');
    const after = db.get('SELECT count(*) AS n FROM t');
    assert.ok(routed.held >= 2);
    controller.abort();
    assert.is((await rejection(aborted)).code, 'ABORT_ERR');
    assert.is((await after).n, ROWS + 1);
    await Promise.all([long, insert]);
  });
});

test('read-routing: what counts as a read, and what gives the writer state the readers lack', () => {
  const reads = [
    'SELECT 1',
    '  select * from t',
    '-- a comment\nSELECT 1',
    '/* c */ VALUES (1), (2)',
    'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c',
    "WITH a AS MATERIALIZED (SELECT 'insert' AS s) SELECT s FROM a",
    'WITH "update"(x) AS (SELECT 1) SELECT x FROM "update"',
    'SELECT :a, :b',
  ];
  const notReads = [
    'INSERT INTO t VALUES (1)',
    'WITH c(x) AS (SELECT 1) INSERT INTO t SELECT x FROM c',
    'WITH c(x) AS (SELECT 1) DELETE FROM t WHERE id IN c',
    'PRAGMA user_version',
    'BEGIN',
    'EXPLAIN SELECT 1',
    'SELECT changes()',
    'SELECT last_insert_rowid()',
    'SELECT total_changes()',
    'SELECT * FROM pragma_table_info(?)',
    'SELECT :b, $b',
    'SELECTX 1',
    '',
  ];
  for (const sql of reads) assert.ok(isReadSql(sql), sql);
  for (const sql of notReads) assert.not.ok(isReadSql(sql), sql);
  for (const sql of ['CREATE TEMP TABLE x(a)', 'create temporary view v as select 1', "ATTACH 'x.db' AS x", 'DETACH x', 'PRAGMA case_sensitive_like = 1', 'PRAGMA main.trusted_schema(0)']) {
    assert.ok(localStateIn(sql), sql);
  }
  for (const sql of ['CREATE TABLE t(a)', 'PRAGMA journal_mode = WAL', 'PRAGMA synchronous = NORMAL', 'PRAGMA foreign_keys = ON', 'PRAGMA database_list', 'PRAGMA table_info(t)', 'PRAGMA temp_store = MEMORY']) {
    assert.not.ok(localStateIn(sql), sql);
  }
});

test.run();
