// Behaviour beyond the recorded compat cases: re-prepared statements, many parameters, row
// shapes, statement/database lifetimes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createRequire } from 'node:module';
import { distCjs, thrown } from '../helpers.mjs';

const { DatabaseSync } = createRequire(import.meta.url)(distCjs);

test('a statement re-prepared after a schema change returns the new columns', () => {
  const db = new DatabaseSync(':memory:');
  db.exec('CREATE TABLE t(a); INSERT INTO t VALUES (1)');
  const all = db.prepare('SELECT * FROM t');
  assert.equal(all.get(), { __proto__: null, a: 1 });
  db.exec('ALTER TABLE t ADD COLUMN b DEFAULT 2');
  assert.equal(all.get(), { __proto__: null, a: 1, b: 2 });
  assert.equal(all.all(), [{ __proto__: null, a: 1, b: 2 }]);
  db.exec('ALTER TABLE t RENAME COLUMN a TO z');
  assert.equal([...all.iterate()], [{ __proto__: null, z: 1, b: 2 }]);
});

test('more parameters than fit inline are all bound in order', () => {
  const db = new DatabaseSync(':memory:');
  const placeholders = Array.from({ length: 40 }, () => '?').join(', ');
  const values = Array.from({ length: 40 }, (_, i) => i * 3);
  const row = db.prepare(`SELECT ${placeholders}`).all(...values);
  db.close();
  const stmt = new DatabaseSync(':memory:', { returnArrays: true }).prepare(`SELECT ${placeholders}`);
  assert.equal(stmt.get(...values), values);
  assert.is(row.length, 1);
});

test('unusual column names are plain own properties', () => {
  const db = new DatabaseSync(':memory:');
  const row = db.prepare(`SELECT 1 AS "__proto__", 2 AS "a""b", 3 AS "", 4 AS constructor, 5 AS "0"`).get();
  assert.is(Object.getPrototypeOf(row), null);
  assert.equal(Object.keys(row), ['0', '__proto__', 'a"b', '', 'constructor']);
  assert.is(row.__proto__, 1);
  assert.is(row.constructor, 4);
});

test('rows from different statements with the same columns share nothing mutable', () => {
  const db = new DatabaseSync(':memory:');
  const a = db.prepare('SELECT 1 AS x').get();
  const b = db.prepare('SELECT 2 AS x').get();
  a.x = 10;
  assert.is(b.x, 2);
});

test('a statement keeps working when its database object is no longer referenced', () => {
  const stmt = (() => new DatabaseSync(':memory:').prepare('SELECT 42 AS answer'))();
  for (let i = 0; i < 3; i++) globalThis.gc?.();
  assert.equal(stmt.get(), { __proto__: null, answer: 42 });
});

test('closing the database finalizes its statements and ends iterators', () => {
  const db = new DatabaseSync(':memory:');
  const stmt = db.prepare('SELECT 1 UNION ALL SELECT 2');
  const it = stmt.iterate();
  assert.equal(it.next().value, { __proto__: null, 1: 1 });
  db.close();
  assert.is(thrown(() => stmt.get()).code, 'ERR_INVALID_STATE');
  assert.is(thrown(() => it.next()).message, 'statement has been finalized');
});

test('an iterator abandoned by break leaves no read transaction open', () => {
  const db = new DatabaseSync(':memory:');
  db.exec('CREATE TABLE t(a); INSERT INTO t VALUES (1), (2), (3)');
  for (const row of db.prepare('SELECT a FROM t').iterate()) {
    if (row.a === 1) break;
  }
  db.exec('DROP TABLE t'); // would fail with SQLITE_LOCKED if the statement were still active
  assert.is(db.isTransaction, false);
});

test('integers: the safe range reads as numbers, beyond it needs readBigInts', () => {
  const db = new DatabaseSync(':memory:');
  assert.is(db.prepare('SELECT 9007199254740991 AS v').get().v, 9007199254740991);
  assert.is(db.prepare('SELECT -9007199254740991 AS v').get().v, -9007199254740991);
  const err = thrown(() => db.prepare('SELECT -9007199254740992 AS v').get());
  assert.is(err.code, 'ERR_OUT_OF_RANGE');
  assert.is(err.message, 'Value is too large to be represented as a JavaScript number: -9007199254740992');
  const stmt = db.prepare('SELECT ? AS v');
  stmt.setReadBigInts(true);
  assert.is(stmt.get(-(2n ** 63n)).v, -(2n ** 63n));
  assert.is(stmt.get(2n ** 63n - 1n).v, 2n ** 63n - 1n);
});

test.run();
