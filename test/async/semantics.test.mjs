// Ordering, streaming, cancellation and transactions of AsyncDatabase.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AsyncDatabase } from '../../dist/index.js';
import { nativeBinding, rejection } from '../helpers.mjs';

// A query that runs until cancelled (a recursive CTE counting far beyond what finishes).
const ENDLESS = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c';

test('strict FIFO: operations run and settle in call order', async () => {
  const db = await AsyncDatabase.open(':memory:');
  await db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, v)');
  const settled = [];
  const calls = [];
  for (let i = 0; i < 300; i++) {
    const op = i % 3 === 0 ? db.run('INSERT INTO t(v) VALUES (?)', i) : db.get('SELECT count(*) AS n FROM t');
    calls.push(op.then((r) => (settled.push(i), r)));
  }
  const results = await Promise.all(calls);
  assert.equal(settled, [...Array(300).keys()]);
  // Each read sees exactly the inserts issued before it.
  results.forEach((r, i) => {
    if (i % 3 === 0) assert.is(r.lastInsertRowid, i / 3 + 1);
    else assert.is(r.n, Math.floor(i / 3) + 1);
  });
  await db.close();
});

test('FIFO with prepared statements: batched reads never run ahead of an earlier write', async () => {
  const db = await AsyncDatabase.open(':memory:');
  await db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, v)');
  const insert = await db.prepare('INSERT INTO t(v) VALUES (?)');
  const count = await db.prepare('SELECT count(*) AS n FROM t');
  const ops = [];
  // Runs of reads (which the database thread batches into one read transaction) between writes.
  for (let i = 0; i < 50; i++) {
    ops.push(insert.run(i));
    for (let k = 0; k < 5; k++) ops.push(count.get());
  }
  const results = await Promise.all(ops);
  results.forEach((r, i) => {
    if (i % 6 === 0) assert.is(r.lastInsertRowid, i / 6 + 1);
    else assert.is(r.n, Math.floor(i / 6) + 1);
  });
  assert.is(db.isTransaction, false);
  // No read transaction is left open once the queue is empty: a write from another connection
  // on the same file is not blocked. (In-memory here; the WAL test covers files.)
  await db.close();
});

test('iterate: all rows, in batches, with break and manual next()/return()/throw()', async () => {
  const db = await AsyncDatabase.open(':memory:');
  await db.exec(`CREATE TABLE t(x); WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 5000) INSERT INTO t SELECT x FROM c`);
  let sum = 0;
  for await (const row of db.iterate('SELECT x FROM t')) sum += row.x;
  assert.is(sum, (5000 * 5001) / 2);

  for await (const row of db.iterate('SELECT x FROM t')) if (row.x === 20) break;
  // The broken-off iteration left no statement running: the table can be dropped and rebuilt.
  await db.exec('CREATE TABLE u AS SELECT * FROM t; DROP TABLE t; ALTER TABLE u RENAME TO t');

  const it = db.with({ batchSize: 7 }).iterate('SELECT x FROM t ORDER BY x');
  assert.equal(await it.next(), { done: false, value: { __proto__: null, x: 1 } });
  assert.equal(await it.next(), { done: false, value: { __proto__: null, x: 2 } });
  assert.equal(await it.return(), { done: true, value: undefined });
  assert.equal(await it.next(), { done: true, value: undefined });

  const thrower = db.iterate('SELECT x FROM t');
  await thrower.next();
  const boom = new Error('stop');
  assert.is(await rejection(thrower.throw(boom)), boom);
  assert.equal(await thrower.next(), { done: true, value: undefined });
  await db.exec('DROP TABLE t');
  await db.close();
});

test('iterate: an error mid-stream rejects next() and ends the iteration', async () => {
  const db = await AsyncDatabase.open(':memory:');
  const it = db.iterate('SELECT 1 AS v UNION ALL SELECT 9007199254740993');
  assert.equal((await it.next()).value, { __proto__: null, v: 1 });
  assert.is((await rejection(it.next())).code, 'ERR_OUT_OF_RANGE');
  assert.equal(await it.next(), { done: true, value: undefined });
  assert.equal(await db.get('SELECT 2 AS v'), { __proto__: null, v: 2 });
  await db.close();
});

test('AbortSignal: a queued operation is removed and rejects with AbortError', async () => {
  const db = await AsyncDatabase.open(':memory:');
  const controller = new AbortController();
  const before = db.get('SELECT 0 AS w');
  const running = db.get(ENDLESS);
  const queued = db.with({ signal: controller.signal }).get('SELECT 1 AS x');
  const after = db.get('SELECT 2 AS y');
  controller.abort();
  const error = await rejection(queued);
  assert.is(error.name, 'AbortError');
  assert.is(error.code, 'ABORT_ERR');
  // Once `before` has completed, the endless query is the running job: interrupt() stops it.
  await before;
  db.interrupt();
  const interrupted = await rejection(running);
  assert.is(interrupted.errcode, 9);
  assert.is(interrupted.message, 'interrupted');
  assert.equal(await after, { __proto__: null, y: 2 });
  await db.close();
});

test('AbortSignal: a running operation is interrupted; an aborted signal rejects at once', async () => {
  const db = await AsyncDatabase.open(':memory:');
  const controller = new AbortController();
  const before = db.get('SELECT 0 AS w');
  const running = db.with({ signal: controller.signal }).get(ENDLESS);
  const next = db.get('SELECT 3 AS z');
  await before; // the endless query is now the running job
  controller.abort(new Error('user gave up'));
  const error = await rejection(running);
  assert.is(error.name, 'AbortError');
  assert.is(error.cause.message, 'user gave up');
  assert.equal(await next, { __proto__: null, z: 3 });
  assert.is((await rejection(db.with({ signal: AbortSignal.abort() }).get('SELECT 1'))).name, 'AbortError');
  await db.close();
});

// The abort must reach the database thread while its job runs — else it only exercises the JS
// side, where an abort after the completion finds no listener. So the job aborts itself, from a
// user function it calls (run on the JS thread while the database thread waits): cancel() then
// finds the job running and records its id. In even rounds the job ends right after the call
// (one row, fewer VM steps than the progress handler's period, so nothing checks the cancel
// before it completes): that recorded cancel is left over, "late", while the next job runs —
// whose progress checks must see it and ignore it. In odd rounds the job has rows left and is
// stopped by its own cancel. The native counters (binding.testCounters(), src/native/async/test_counters.h)
// prove each step happened.
test('a late abort never cancels the next operation', async () => {
  const counters = nativeBinding().testCounters;
  const db = await AsyncDatabase.open(':memory:');
  let controller;
  await db.function('abort_me', () => {
    controller.abort();
    return 1;
  });
  const ROWS = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000) SELECT x FROM c';
  const COUNT = `SELECT count(*) AS n FROM (${ROWS})`;
  for (let i = 0; i < 100; i++) {
    const late = i % 2 === 0;
    controller = new AbortController();
    const before = counters();
    const first = db.with({ signal: controller.signal }).get(late ? 'SELECT abort_me() AS v' : `SELECT count(abort_me()) AS v FROM (${ROWS})`);
    const second = db.get(COUNT);
    const r = await first.then((v) => v, (e) => e);
    if (late) assert.equal(r, { __proto__: null, v: 1 }, 'finished before any check saw its cancel');
    else assert.is(r.name, 'AbortError', 'stopped by its own cancel');
    assert.equal(await second, { __proto__: null, n: 2000 });
    const after = counters();
    assert.is(after.cancelRequestsRunning - before.cancelRequestsRunning, 1, 'the abort reached the database thread while the job ran');
    assert.ok(after.staleCancelChecks > before.staleCancelChecks, 'the next job ran with the old cancel recorded, and went on');
    if (!late) assert.ok(after.cancelStopChecks > before.cancelStopChecks, 'the cancelled job was stopped by a check');
  }
  await db.close();
});

test('transaction: commits, rolls back, and holds the queue', async () => {
  const db = await AsyncDatabase.open(':memory:');
  await db.exec('CREATE TABLE t(v)');
  const order = [];
  const tx = db.transaction(async (tx) => {
    assert.is(db.isTransaction, true);
    await tx.run('INSERT INTO t VALUES (1)');
    order.push('tx insert 1');
    await new Promise((r) => setImmediate(r));
    await tx.run('INSERT INTO t VALUES (2)');
    order.push('tx insert 2');
    return 'ok';
  });
  // Issued while the transaction runs: waits for it, sees both rows.
  const outside = db.get('SELECT count(*) AS n FROM t').then((r) => (order.push('outside read'), r.n));
  assert.is(await tx, 'ok');
  assert.is(await outside, 2);
  assert.equal(order, ['tx insert 1', 'tx insert 2', 'outside read']);
  assert.is(db.isTransaction, false);

  const failure = new Error('nope');
  assert.is(await rejection(db.transaction(async (tx) => {
    await tx.run('INSERT INTO t VALUES (3)');
    throw failure;
  })), failure);
  assert.is((await db.get('SELECT count(*) AS n FROM t')).n, 2);
  await db.close();
});

test('transaction: nested savepoints, modes, statements inside', async () => {
  const db = await AsyncDatabase.open(':memory:');
  await db.exec('CREATE TABLE t(v)');
  const insert = await db.prepare('INSERT INTO t VALUES (?)');
  await db.transaction(async (tx) => {
    await tx.statement(insert).run('outer');
    await rejection(tx.transaction(async (inner) => {
      await inner.run('INSERT INTO t VALUES (?)', 'inner-rolled-back');
      throw new Error('inner fails');
    }));
    await tx.transaction((inner) => inner.run('INSERT INTO t VALUES (?)', 'inner-kept'));
  }, { mode: 'immediate' });
  assert.equal((await db.all('SELECT v FROM t')).map((r) => r.v), ['outer', 'inner-kept']);
  await db.close();
});

test('transaction: tx.prepare() compiles inside it, for a statement of the database', async () => {
  const db = await AsyncDatabase.open(':memory:');
  await db.exec('CREATE TABLE t(v)');
  let insert;
  await db.transaction(async (tx) => {
    // db.prepare() would wait for the transaction, which holds the queue (and from inside, rejects).
    assert.is((await rejection(db.prepare('SELECT 1'))).code, 'ERR_INVALID_STATE');
    insert = await tx.prepare('INSERT INTO t VALUES (?) RETURNING v');
    assert.equal(await tx.statement(insert).all('inside'), [{ __proto__: null, v: 'inside' }]);
    // The statement is the database's: run as it is from inside, it would wait for the transaction.
    assert.is((await rejection(insert.run('x'))).code, 'ERR_INVALID_STATE');
    assert.is((await rejection(tx.prepare('SELEC 1'))).code, 'ERR_SQLITE_ERROR');
    assert.is((await rejection(tx.prepare(1))).code, 'ERR_INVALID_ARG_TYPE');
  });
  await insert.run('after');
  assert.equal((await db.all('SELECT v FROM t')).map((r) => r.v), ['inside', 'after']);
  await db.close();
  assert.is((await rejection(insert.run('closed'))).code, 'ERR_INVALID_STATE');
});

test('transaction: an aborted operation waiting behind it is removed', async () => {
  const db = await AsyncDatabase.open(':memory:');
  const controller = new AbortController();
  let release;
  const gate = new Promise((resolve) => (release = resolve));
  const transaction = db.transaction(async (tx) => {
    await gate;
    await tx.get('SELECT 1');
  });
  // Called from outside the callback while the transaction holds the queue: parked behind it.
  const waiting = db.with({ signal: controller.signal }).get('SELECT 1');
  controller.abort();
  assert.is((await rejection(waiting)).name, 'AbortError');
  release();
  await transaction;
  await db.close();
});

test('iterate: an aborted signal rejects next() with AbortError and ends the iteration', async () => {
  const db = await AsyncDatabase.open(':memory:');
  const controller = new AbortController();
  const it = db.with({ signal: controller.signal, batchSize: 4 }).iterate('WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000) SELECT x FROM c');
  assert.equal((await it.next()).value, { __proto__: null, x: 1 });
  controller.abort();
  let error;
  for (;;) {
    try {
      if ((await it.next()).done) break;
    } catch (e) {
      error = e;
      break;
    }
  }
  assert.is(error?.name, 'AbortError');
  assert.equal(await it.next(), { done: true, value: undefined });
  assert.equal(await db.get('SELECT 7 AS x'), { __proto__: null, x: 7 }); // the database goes on
  await db.close();
});

test('Symbol.asyncDispose closes the database and finalizes statements', async () => {
  const db = await AsyncDatabase.open(':memory:');
  const stmt = await db.prepare('SELECT 1 AS x');
  await stmt[Symbol.asyncDispose]();
  assert.is((await rejection(stmt.get())).message, 'statement has been finalized');
  await db[Symbol.asyncDispose]();
  assert.is(db.isOpen, false);
  assert.is((await rejection(db.get('SELECT 1'))).code, 'ERR_INVALID_STATE');
});

test('close() waits for queued work', async () => {
  const db = await AsyncDatabase.open(':memory:');
  await db.exec('CREATE TABLE t(v)');
  const writes = [];
  for (let i = 0; i < 100; i++) writes.push(db.run('INSERT INTO t VALUES (?)', i));
  await db.close();
  assert.is((await Promise.all(writes)).length, 100);
});

test.run();
