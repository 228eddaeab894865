// AsyncDatabase basics: the same results, conversions and errors as DatabaseSync.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AsyncDatabase, DatabaseSync, SqliteError } from '../../dist/index.js';
import { tempDir, rejection } from '../helpers.mjs';

test('results match DatabaseSync for the same queries', async () => {
  const tmp = tempDir();
  const file = tmp.path('same.db');
  const sync = new DatabaseSync(file);
  sync.exec(`CREATE TABLE t(id INTEGER PRIMARY KEY, s TEXT, r REAL, b BLOB, n);
    INSERT INTO t VALUES (1, 'héllo', 1.5, x'00ff', NULL), (2, '', -0.0, x'', 9007199254740991)`);
  const db = await AsyncDatabase.open(file);
  for (const [sql, params] of [
    ['SELECT * FROM t ORDER BY id', []],
    ['SELECT * FROM t WHERE id = ?', [2]],
    ['SELECT * FROM t WHERE s = $s', [{ s: 'héllo' }]],
    ['SELECT ? AS a, ? AS b, ? AS c, ? AS d, ? AS e', [1, 2n, 'x', null, new Uint8Array([7])]],
    ['SELECT 1 AS a, 1 AS a, 2 AS "__proto__"', []],
  ]) {
    assert.equal(await db.all(sql, ...params), sync.prepare(sql).all(...params), sql);
    assert.equal(await db.get(sql, ...params), sync.prepare(sql).get(...params), sql);
  }
  const columnsSql = 'SELECT id, s AS renamed, r + 1 AS expr FROM t';
  assert.equal(await (await db.prepare(columnsSql)).columns(), sync.prepare(columnsSql).columns());
  sync.close();
  await db.close();
  tmp.remove();
});

test('run() returns changes and lastInsertRowid; readBigInts applies', async () => {
  const db = await AsyncDatabase.open(':memory:', { readBigInts: true });
  await db.exec('CREATE TABLE t(a)');
  assert.equal(await db.run('INSERT INTO t VALUES (1), (2)'), { changes: 2n, lastInsertRowid: 2n });
  assert.equal(await db.get('SELECT a FROM t WHERE a = 2'), { __proto__: null, a: 2n });
  assert.equal(await db.with({ readBigInts: false }).get('SELECT a FROM t WHERE a = 2'), { __proto__: null, a: 2 });
  assert.equal(await db.with({ returnArrays: true }).all('SELECT a, a + 1 FROM t'), [[1n, 2n], [2n, 3n]]);
  await db.close();
});

test('prepared statements: settings, re-use, finalize', async () => {
  const db = await AsyncDatabase.open(':memory:');
  await db.exec('CREATE TABLE t(a INTEGER, b TEXT)');
  const insert = await db.prepare('INSERT INTO t VALUES (:a, :b)');
  assert.is(insert.sourceSQL, 'INSERT INTO t VALUES (:a, :b)');
  for (let i = 0; i < 5; i++) await insert.run({ a: i, b: `v${i}` });
  const select = await db.prepare('SELECT * FROM t WHERE a >= ? ORDER BY a');
  assert.equal((await select.all(3)).map((r) => r.b), ['v3', 'v4']);
  select.setReturnArrays(true);
  assert.equal(await select.get(4), [4, 'v4']);
  const rows = [];
  for await (const row of select.iterate(0)) rows.push(row[0]);
  assert.equal(rows, [0, 1, 2, 3, 4]);
  await select.finalize();
  await select.finalize(); // harmless
  const error = await rejection(select.get(1));
  assert.is(error.code, 'ERR_INVALID_STATE');
  assert.is(error.message, 'statement has been finalized');
  await db.close();
});

test('SQLite errors reject like node:sqlite errors, with the call site in the stack', async () => {
  const db = await AsyncDatabase.open(':memory:');
  await db.exec('CREATE TABLE t(a UNIQUE)');
  await db.run('INSERT INTO t VALUES (1)');
  const error = await rejection(db.run('INSERT INTO t VALUES (1)'));
  assert.instance(error, Error);
  assert.ok(error instanceof SqliteError);
  assert.is(error.code, 'ERR_SQLITE_ERROR');
  assert.is(error.errcode, 2067);
  assert.is(error.errstr, 'constraint failed');
  assert.is(error.message, 'UNIQUE constraint failed: t.a');
  assert.equal(Object.keys(error), ['code', 'errcode', 'errstr']);
  assert.match(error.stack, /basics\.test\.mjs/);
  const syntax = await rejection(db.exec('SELEC 1'));
  assert.is(syntax.errcode, 1);
  await db.close();
});

test('bad input rejects with coded errors and loses nothing', async () => {
  const db = await AsyncDatabase.open(':memory:');
  await db.exec('CREATE TABLE t(a)');
  assert.is((await rejection(db.get(42))).code, 'ERR_INVALID_ARG_TYPE');
  assert.is((await rejection(db.exec(null))).code, 'ERR_INVALID_ARG_TYPE');
  assert.is((await rejection(db.prepare({}))).code, 'ERR_INVALID_ARG_TYPE');
  const unbindable = await rejection(db.run('INSERT INTO t VALUES (?)', Symbol('x')));
  assert.is(unbindable.code, 'ERR_INVALID_ARG_TYPE');
  assert.is(unbindable.message, 'Provided value cannot be bound to SQLite parameter 1.');
  const huge = await rejection(db.run('INSERT INTO t VALUES (?)', 2n ** 64n));
  assert.is(huge.code, 'ERR_INVALID_ARG_VALUE');
  assert.is((await rejection(db.get('SELECT $a', { b: 1 }))).message, "Unknown named parameter 'b'");
  assert.is((await rejection(db.get('SELECT 9007199254740993'))).code, 'ERR_OUT_OF_RANGE');
  assert.is((await rejection(db.all(''))).code, 'ERR_INVALID_ARG_VALUE');
  assert.is((await rejection(db.transaction(42))).code, 'ERR_INVALID_ARG_TYPE');
  assert.is((await rejection(db.transaction(async () => {}, { mode: 'sometimes' }))).code, 'ERR_INVALID_ARG_VALUE');
  // Nothing above disturbed the database.
  await db.run('INSERT INTO t VALUES (1)');
  assert.equal(await db.all('SELECT a FROM t'), [{ __proto__: null, a: 1 }]);
  await db.close();
});

test('open() validates like DatabaseSync and reports SQLite failures', async () => {
  assert.is((await rejection(AsyncDatabase.open(42))).code, 'ERR_INVALID_ARG_TYPE');
  assert.is((await rejection(AsyncDatabase.open(':memory:', { timeout: 1.5 }))).code, 'ERR_INVALID_ARG_TYPE');
  const missing = await rejection(AsyncDatabase.open('/nonexistent-dir/x.db'));
  assert.is(missing.code, 'ERR_SQLITE_ERROR');
  assert.is(missing.errcode, 14);
  const readOnly = await AsyncDatabase.open(':memory:', { readOnly: true });
  assert.is((await rejection(readOnly.exec('CREATE TABLE t(a)'))).errcode, 8);
  await readOnly.close();
});

test('after close() every call rejects with ERR_INVALID_STATE; closing twice is harmless', async () => {
  const db = await AsyncDatabase.open(':memory:');
  const statement = await db.prepare('SELECT 1 AS x');
  const queued = db.get('SELECT 2 AS y');
  const closing = db.close();
  assert.is(db.isOpen, false);
  assert.equal(await queued, { __proto__: null, y: 2 }); // queued before close(): completes
  await closing;
  await db.close();
  for (const call of [() => db.get('SELECT 1'), () => db.exec('SELECT 1'), () => db.prepare('SELECT 1'), () => statement.get()]) {
    const error = await rejection(call());
    assert.is(error.code, 'ERR_INVALID_STATE');
  }
});

test.run();
