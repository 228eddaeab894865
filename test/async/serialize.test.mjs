// AsyncDatabase#serialize / #deserialize: jobs on the database thread, results through the
// completion path; the same bytes and errors as DatabaseSync.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AsyncDatabase, DatabaseSync } from '../../dist/index.js';
import { rejection } from '../helpers.mjs';

const filled = () => {
  const db = new DatabaseSync(':memory:');
  db.exec("CREATE TABLE t(a, b); INSERT INTO t VALUES (1, 'one'), (2, x'ff00')");
  const bytes = db.serialize();
  db.close();
  return bytes;
};

test('serialize() returns the same bytes as DatabaseSync#serialize()', async () => {
  const bytes = filled();
  const sync = new DatabaseSync(':memory:');
  sync.deserialize(bytes);
  const db = await AsyncDatabase.open(':memory:');
  await db.deserialize(bytes);
  const copy = await db.serialize();
  assert.ok(copy instanceof Uint8Array);
  assert.is(Object.getPrototypeOf(copy), Uint8Array.prototype);
  assert.equal(copy, sync.serialize());
  assert.equal(await db.serialize('main'), copy);
  assert.equal(await db.all('SELECT a FROM t ORDER BY a'), [{ __proto__: null, a: 1 }, { __proto__: null, a: 2 }]);
  sync.close();
  await db.close();
});

test('serialize() of an empty database, an attached one, and many in one tick', async () => {
  const db = await AsyncDatabase.open(':memory:');
  assert.is((await db.serialize()).length, 4096);
  await db.exec("ATTACH ':memory:' AS aux; CREATE TABLE aux.x(a)");
  assert.is((await db.serialize('aux')).length, 8192);
  const many = await Promise.all(Array.from({ length: 20 }, () => db.serialize()));
  assert.ok(many.every((bytes) => bytes.length === 4096));
  assert.is(new Set(many.map((bytes) => bytes.buffer)).size, many.length);
  await db.close();
});

test('serialize() errors match DatabaseSync', async () => {
  const db = await AsyncDatabase.open(':memory:');
  const sync = new DatabaseSync(':memory:');
  for (const name of ['nope', 'temp']) {
    const error = await rejection(db.serialize(name));
    const expected = (() => {
      try {
        sync.serialize(name);
      } catch (e) {
        return e;
      }
    })();
    assert.equal(
      { code: error.code, message: error.message, errcode: error.errcode, errstr: error.errstr },
      { code: expected.code, message: expected.message, errcode: expected.errcode, errstr: expected.errstr },
    );
  }
  const typeError = await rejection(db.serialize(1));
  assert.is(typeError.code, 'ERR_INVALID_ARG_TYPE');
  assert.is(typeError.message, 'The "dbName" argument must be a string.');
  await db.close();
  assert.is((await rejection(db.serialize())).message, 'database is not open');
  sync.close();
});

test('deserialize() validates like DatabaseSync and reports SQLite errors', async () => {
  const db = await AsyncDatabase.open(':memory:');
  const bad = [
    [() => db.deserialize('x'), 'ERR_INVALID_ARG_TYPE', 'The "buffer" argument must be a Uint8Array.'],
    [() => db.deserialize(new Uint8Array(0)), 'ERR_INVALID_ARG_VALUE', 'The "buffer" argument must not be empty.'],
    [() => db.deserialize(filled(), null), 'ERR_INVALID_ARG_TYPE', 'The "options" argument must be an object.'],
    [() => db.deserialize(filled(), { dbName: 1 }), 'ERR_INVALID_ARG_TYPE', 'The "options.dbName" argument must be a string.'],
    [() => db.deserialize(filled(), { dbName: 'nope' }), 'ERR_SQLITE_ERROR', 'not an error'],
  ];
  for (const [call, code, message] of bad) {
    const error = await rejection(call());
    assert.equal([error.code, error.message], [code, message]);
  }
  await db.deserialize(new Uint8Array(100).fill(7));
  assert.is((await rejection(db.get('SELECT 1'))).message, 'file is not a database');
  await db.close();
});

test('deserialize() waiting behind a transaction still uses the bytes given at the call', async () => {
  const db = await AsyncDatabase.open(':memory:');
  const source = new Uint8Array(filled());
  let release;
  const gate = new Promise((resolve) => (release = resolve));
  const transaction = db.transaction(async (tx) => {
    await tx.exec('CREATE TABLE other(x)');
    await gate;
  });
  // Called (from outside the callback) while the transaction holds the queue: waits for it.
  const done = db.deserialize(source);
  source.fill(0);
  release();
  await transaction;
  await done;
  assert.is((await db.get('SELECT count(*) AS n FROM t')).n, 2);
  await db.close();
});

test('deserialize() finalizes prepared statements, as DatabaseSync\'s, and copies the buffer', async () => {
  const db = await AsyncDatabase.open(':memory:');
  await db.exec('CREATE TABLE t(a, b); INSERT INTO t VALUES (9, 9)');
  const stmt = await db.prepare('SELECT a FROM t ORDER BY a');
  const source = new Uint8Array(filled());
  const done = db.deserialize(source);
  source.fill(0);
  await done;
  assert.is((await rejection(stmt.all())).message, 'statement has been finalized');
  const again = await db.prepare('SELECT a FROM t ORDER BY a');
  assert.equal(await again.all(), [{ __proto__: null, a: 1 }, { __proto__: null, a: 2 }]);
  await db.exec("INSERT INTO t VALUES (3, 'three')");
  assert.is((await db.get('SELECT count(*) AS n FROM t')).n, 3);
  await db.close();
});

test.run();
