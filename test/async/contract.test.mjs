// The async contract (docs/ASYNC.md): any sequence of calls settles as the same calls on a
// DatabaseSync in call order. One regression test per class of difference the async fuzzer
// (test/fuzz/async) found; where the sync API has a counterpart, the expectation is computed by
// running it, not written down.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AsyncDatabase, DatabaseSync } from '../../dist/index.js';
import { rejection, thrown } from '../helpers.mjs';

const COUNT_TO = (n) => `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ${n}) SELECT x FROM c`;
const shape = (error) => ({ name: error.name, code: error.code, message: error.message });

// Unhandled rejections fail the suite: completion code must never leave one behind.
const unhandled = [];
process.on('unhandledRejection', (reason) => unhandled.push(reason));
const settleDown = () => new Promise((resolve) => setImmediate(() => setImmediate(resolve)));

test('finalize(), asyncDispose and a cursor return() called while close() is in flight all settle', async () => {
  const db = await AsyncDatabase.open(':memory:');
  const stmt = await db.prepare('SELECT 1 AS one');
  const other = await db.prepare('SELECT 2 AS two');
  const cursor = db.iterate(COUNT_TO(100));
  await cursor.next();
  const closing = db.close();
  // Before the fix each of these queued behind the close and never settled.
  await Promise.all([stmt.finalize(), other[Symbol.asyncDispose](), cursor.return(), closing]);
  assert.equal(await cursor.next(), { done: true, value: undefined });
});

test('a prefetched batch that fails is handled: the error reaches next() at its row, nothing is left unhandled', async () => {
  const db = await AsyncDatabase.open(':memory:');
  // Row 40 cannot be read as a number; the batch holding it is fetched ahead of the consumer.
  const cursor = db.iterate(`SELECT x, CASE WHEN x = 40 THEN 9007199254740993 ELSE x END AS v FROM (${COUNT_TO(100)})`);
  const sync = new DatabaseSync(':memory:').prepare(`SELECT x, CASE WHEN x = 40 THEN 9007199254740993 ELSE x END AS v FROM (${COUNT_TO(100)})`).iterate();
  // 17 rows: the second batch (rows 17..48, holding row 40) is fetched ahead and fails while
  // nobody waits for it. (Before the fix: an unhandled rejection, the process gone.)
  for (let row = 0; row < 17; row++) assert.equal((await cursor.next()).value, sync.next().value);
  await settleDown();
  assert.equal(unhandled, []);
  for (let row = 17; row < 39; row++) assert.equal((await cursor.next()).value, sync.next().value);
  const expected = thrown(() => sync.next());
  assert.equal(shape(await rejection(cursor.next())), shape(expected));
  await settleDown();
  assert.equal(unhandled, []);
  await db.close();
});

test('with() validates its options, synchronously, with coded errors; completion code never throws', async () => {
  const db = await AsyncDatabase.open(':memory:');
  const bad = [
    [null, 'ERR_INVALID_ARG_TYPE', 'The "options" argument must be an object.'],
    [1, 'ERR_INVALID_ARG_TYPE', 'The "options" argument must be an object.'],
    [{ signal: new AbortController() }, 'ERR_INVALID_ARG_TYPE', 'The "options.signal" argument must be an AbortSignal.'],
    [{ signal: {} }, 'ERR_INVALID_ARG_TYPE', 'The "options.signal" argument must be an AbortSignal.'],
    [{ signal: 5 }, 'ERR_INVALID_ARG_TYPE', 'The "options.signal" argument must be an AbortSignal.'],
    [{ readBigInts: 'yes' }, 'ERR_INVALID_ARG_TYPE', 'The "options.readBigInts" argument must be a boolean.'],
    [{ returnArrays: 1 }, 'ERR_INVALID_ARG_TYPE', 'The "options.returnArrays" argument must be a boolean.'],
    [{ batchSize: 'x' }, 'ERR_INVALID_ARG_TYPE', 'The "options.batchSize" argument must be a positive integer.'],
    [{ batchSize: 0 }, 'ERR_OUT_OF_RANGE', 'The "options.batchSize" argument must be a positive integer.'],
    [{ batchSize: -1 }, 'ERR_OUT_OF_RANGE', 'The "options.batchSize" argument must be a positive integer.'],
    [{ batchSize: 1.5 }, 'ERR_OUT_OF_RANGE', 'The "options.batchSize" argument must be a positive integer.'],
  ];
  const stmt = await db.prepare('SELECT 1 AS one');
  for (const [options, code, message] of bad) {
    for (const target of [db, stmt]) {
      const error = thrown(() => target.with(options));
      assert.is(error.code, code, JSON.stringify(options));
      assert.is(error.message, message);
    }
  }
  assert.equal(await db.with(undefined).get('SELECT 1 AS one'), { __proto__: null, one: 1 });
  assert.equal(await db.with({ batchSize: 2, readBigInts: true }).all('SELECT 1 AS one'), [{ __proto__: null, one: 1n }]);
  await settleDown();
  assert.equal(unhandled, []);
  await db.close();
});

test('one cursor, several calls in flight: results in call order, next() then return() loses no row', async () => {
  const db = await AsyncDatabase.open(':memory:');
  const sync = new DatabaseSync(':memory:');
  const expected = sync.prepare(COUNT_TO(40)).all();
  const cursor = db.iterate(COUNT_TO(40));
  const results = await Promise.all(Array.from({ length: 40 }, () => cursor.next()));
  assert.equal(results.map((r) => r.value), expected);
  assert.equal(await cursor.next(), { done: true, value: undefined });
  const second = db.iterate(COUNT_TO(40));
  const [first, done, after] = await Promise.all([second.next(), second.return(), second.next()]);
  assert.equal(first, { done: false, value: expected[0] });
  assert.equal(done, { done: true, value: undefined });
  assert.equal(after, { done: true, value: undefined });
  await db.close();
});

test('a cursor is invalidated as a sync iterator is: by running its statement again', async () => {
  const sync = new DatabaseSync(':memory:');
  const syncStmt = sync.prepare(COUNT_TO(100));
  const syncIt = syncStmt.iterate();
  syncIt.next();
  syncStmt.get();
  const expected = shape(thrown(() => syncIt.next()));

  const db = await AsyncDatabase.open(':memory:');
  const stmt = await db.prepare(COUNT_TO(100));
  for (const rerun of [() => stmt.get(), () => stmt.all(), () => stmt.run(), () => stmt.iterate()]) {
    const cursor = stmt.iterate();
    await cursor.next();
    const rerunning = rerun();
    await (typeof rerunning.next === "function" ? rerunning.next() : rerunning);
    assert.equal(shape(await rejection(cursor.next())), expected);
    // as sync: return() still ends it
    assert.equal(await cursor.return(), { done: true, value: undefined });
  }
  await db.close();
});

test('statement state: after close() statements are finalized, and after finalize() so are sourceSQL and the setters', async () => {
  const sync = new DatabaseSync(':memory:');
  const syncStmt = sync.prepare('SELECT 1 AS one');
  sync.close();
  const finalized = shape(thrown(() => syncStmt.get()));

  const db = await AsyncDatabase.open(':memory:');
  const stmt = await db.prepare('SELECT 1 AS one');
  const kept = await db.prepare('SELECT 2 AS two');
  await stmt.finalize();
  assert.equal(shape(thrown(() => stmt.sourceSQL)), finalized);
  assert.equal(shape(thrown(() => stmt.setReadBigInts(true))), finalized);
  assert.equal(shape(await rejection(stmt.columns())), finalized);
  await db.close();
  for (const call of [() => kept.get(), () => kept.all(), () => kept.run(), () => kept.columns()]) {
    assert.equal(shape(await rejection(call())), finalized);
  }
  // iterate() returns a cursor; its first next() rejects, as the sync iterate() throws.
  const cursor = kept.iterate();
  assert.equal(shape(await rejection(cursor.next())), finalized);
});

test('the database state is checked before the arguments, as DatabaseSync does', async () => {
  const sync = new DatabaseSync(':memory:');
  sync.close();
  const expected = shape(thrown(() => sync.exec(1)));
  const db = await AsyncDatabase.open(':memory:');
  await db.close();
  assert.equal(shape(await rejection(db.exec(1))), expected);
  assert.equal(shape(await rejection(db.prepare(1))), shape(thrown(() => sync.prepare(1))));
  assert.equal(shape(await rejection(db.get(1))), expected);
});

test('isTransaction is the connection\'s state (BEGIN by hand too) and throws on a closed database', async () => {
  const sync = new DatabaseSync(':memory:');
  const db = await AsyncDatabase.open(':memory:');
  for (const sql of ['BEGIN', 'CREATE TABLE t(a)', 'SAVEPOINT s', 'RELEASE s', 'COMMIT', 'SAVEPOINT outer', 'ROLLBACK']) {
    sync.exec(sql);
    await db.exec(sql);
    assert.is(db.isTransaction, sync.isTransaction, sql);
  }
  await db.transaction(async () => {
    assert.is(db.isTransaction, true);
  });
  assert.is(db.isTransaction, false);
  sync.close();
  await db.close();
  assert.equal(shape(thrown(() => db.isTransaction)), shape(thrown(() => sync.isTransaction)));
});

test('calling the database itself from inside its transaction callback rejects at once; a later close() settles', async () => {
  const db = await AsyncDatabase.open(':memory:');
  const errors = await db.transaction(async (tx) => {
    await tx.exec('CREATE TABLE t(a)');
    const calls = [db.run('INSERT INTO t VALUES (1)'), db.exec('SELECT 1'), db.transaction(async () => {}), db.close()];
    return Promise.all(calls.map((call) => rejection(call)));
  });
  for (const error of errors) {
    assert.is(error.code, 'ERR_INVALID_STATE');
    assert.match(error.message, /`tx`/);
  }
  assert.is((await db.get('SELECT count(*) AS n FROM t')).n, 0);
  await db.close();
});

test('aborting a cursor mid-stream: the next next() rejects with AbortError even with rows buffered', async () => {
  const db = await AsyncDatabase.open(':memory:');
  const controller = new AbortController();
  const cursor = db.with({ signal: controller.signal, batchSize: 64 }).iterate(COUNT_TO(10_000));
  for (let i = 0; i < 50; i++) await cursor.next();
  controller.abort();
  const error = await rejection(cursor.next());
  assert.is(error.name, 'AbortError');
  assert.is(error.code, 'ABORT_ERR');
  assert.equal(await cursor.next(), { done: true, value: undefined });
  // next() after close() rejects instead of returning done: false
  const other = db.iterate(COUNT_TO(10_000));
  await other.next();
  await db.close();
  assert.is((await rejection(other.next())).code, 'ERR_INVALID_STATE');
});

test('open(path, undefined) means no options; { open: false } is rejected, clearly', async () => {
  const db = await AsyncDatabase.open(':memory:', undefined);
  assert.is(db.isOpen, true);
  await db.close();
  const error = await rejection(AsyncDatabase.open(':memory:', { open: false }));
  assert.is(error.code, 'ERR_INVALID_ARG_VALUE');
  assert.match(error.message, /options\.open/);
});

test('{ allowExtension: true } is rejected: an AsyncDatabase has no loadExtension()', async () => {
  assert.is(typeof AsyncDatabase.prototype.loadExtension, 'undefined');
  const error = await rejection(AsyncDatabase.open(':memory:', { allowExtension: true }));
  assert.instance(error, TypeError);
  assert.is(error.code, 'ERR_INVALID_ARG_VALUE');
  assert.match(error.message, /options\.allowExtension/);
  // The option's type is checked first, as DatabaseSync checks it.
  assert.is((await rejection(AsyncDatabase.open(':memory:', { allowExtension: 1 }))).code, 'ERR_INVALID_ARG_TYPE');
  const db = await AsyncDatabase.open(':memory:', { allowExtension: false });
  assert.equal(await db.get('SELECT 1 AS one'), { __proto__: null, one: 1 });
  await db.close();
});

test('deserialize() finalizes the statements, as DatabaseSync\'s does', async () => {
  const image = new DatabaseSync(':memory:').serialize();
  const sync = new DatabaseSync(':memory:');
  const syncStmt = sync.prepare('SELECT 1 AS one');
  sync.deserialize(image);
  const expected = shape(thrown(() => syncStmt.get()));
  const db = await AsyncDatabase.open(':memory:');
  const stmt = await db.prepare('SELECT 1 AS one');
  const cursor = db.iterate(COUNT_TO(100));
  await cursor.next();
  await db.deserialize(image);
  assert.equal(shape(await rejection(stmt.get())), expected);
  assert.equal(shape(await rejection(cursor.next())), expected);
  assert.equal(await (await db.prepare('SELECT 3 AS three')).get(), { __proto__: null, three: 3 });
  await db.close();
});

test('sourceSQL is the text SQLite keeps, as DatabaseSync\'s', async () => {
  const sync = new DatabaseSync(':memory:');
  const db = await AsyncDatabase.open(':memory:');
  for (const sql of ['SELECT 1 AS one; SELECT 2', "SELECT 'a\uD800b' AS lone", '  SELECT 1  ']) {
    assert.is((await db.prepare(sql)).sourceSQL, sync.prepare(sql).sourceSQL, sql);
  }
  await db.close();
});

test('a prepared statement re-prepared by a schema change reads its new columns, as DatabaseSync', async () => {
  const sync = new DatabaseSync(':memory:', { returnArrays: true });
  const db = await AsyncDatabase.open(':memory:', { returnArrays: true });
  const setup = 'CREATE TABLE t(a, b); INSERT INTO t VALUES (1, 2), (3, 4)';
  sync.exec(setup);
  await db.exec(setup);
  const syncStmt = sync.prepare('SELECT * FROM t ORDER BY a');
  const stmt = await db.prepare('SELECT * FROM t ORDER BY a');
  sync.exec('ALTER TABLE t ADD COLUMN c DEFAULT 5');
  await db.exec('ALTER TABLE t ADD COLUMN c DEFAULT 5');
  // Before the fix the job read the column count before the step that re-prepared it.
  assert.equal(await stmt.get(), syncStmt.get());
  sync.exec('ALTER TABLE t ADD COLUMN d DEFAULT 6');
  await db.exec('ALTER TABLE t ADD COLUMN d DEFAULT 6');
  assert.equal(await stmt.all(), syncStmt.all());
  sync.exec('ALTER TABLE t ADD COLUMN e DEFAULT 7');
  await db.exec('ALTER TABLE t ADD COLUMN e DEFAULT 7');
  assert.equal((await stmt.iterate().next()).value, syncStmt.iterate().next().value);
  await db.close();
});

test('an iteration failed by a throwing function: the statement reports it once more, as DatabaseSync', async () => {
  const sync = new DatabaseSync(':memory:');
  const db = await AsyncDatabase.open(':memory:');
  const boom = () => {
    throw new Error('boom');
  };
  sync.function('boom', boom);
  await db.function('boom', boom);
  const syncStmt = sync.prepare('SELECT boom() AS v');
  const stmt = await db.prepare('SELECT boom() AS v');
  assert.equal(shape(await rejection(stmt.iterate().next())), shape(thrown(() => syncStmt.iterate().next())));
  // The next call's reset reports the error again: an empty SQLite error (the function's own
  // error, in a message of ours, must not leak).
  assert.equal(shape(await rejection(stmt.all())), shape(thrown(() => syncStmt.all())));
  await db.close();
});

test('a call waiting behind a transaction binds what was passed at the call, as a sync call would', async () => {
  const db = await AsyncDatabase.open(':memory:');
  await db.exec('CREATE TABLE t(b, n)');
  let release;
  const gate = new Promise((resolve) => (release = resolve));
  const transaction = db.transaction(async () => {
    await gate;
  });
  const bytes = Uint8Array.of(1, 2, 3);
  const named = { $n: 1, $b: new Uint8Array([4]) };
  const first = db.run('INSERT INTO t VALUES (?, 7)', bytes);
  const second = db.run('INSERT INTO t VALUES ($b, $n)', named);
  // Changed after the calls, before their jobs are built (the transaction still holds the queue).
  bytes[0] = 99;
  named.$n = 2;
  named.$b[0] = 99;
  release();
  await Promise.all([transaction, first, second]);
  assert.equal(await db.all('SELECT hex(b) AS b, n FROM t ORDER BY rowid'), [
    { __proto__: null, b: '010203', n: 7 },
    { __proto__: null, b: '04', n: 1 },
  ]);
  await db.close();
});

test.after(async () => {
  await settleDown();
  assert.equal(unhandled, []);
});

test.run();
