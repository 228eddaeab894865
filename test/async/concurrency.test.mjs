// Several connections on one file: SQLITE_BUSY and `timeout`, and concurrent WAL writers.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AsyncDatabase, DatabaseSync } from '../../dist/index.js';
import { nativeBinding, tempDir, rejection } from '../helpers.mjs';

const counters = nativeBinding().testCounters;

// Resolves once an AsyncDatabase's busy handler has run since `busyBefore` (a job of this suite
// is waiting for a lock: src/native/async/test_counters.h), checking between turns of the event loop;
// fails if the query settled first — it did not wait. Pushes 'waiting for the lock' to `events`.
async function untilWaitingForLock(busyBefore, events) {
  while (counters().busyWaits === busyBefore) {
    assert.equal(events, [], 'the query settled without waiting for the lock');
    await new Promise((resolve) => setImmediate(resolve));
  }
  events.push('waiting for the lock');
}

test('a locked database: timeout 0 fails with SQLITE_BUSY, a timeout waits for the lock', async () => {
  const tmp = tempDir();
  const file = tmp.path('busy.db');
  const holder = new DatabaseSync(file);
  holder.exec('CREATE TABLE t(v)');
  const impatient = await AsyncDatabase.open(file);
  const patient = await AsyncDatabase.open(file, { timeout: 60_000 });
  // Load the schema while the file is unlocked, so that `SELECT 0` below needs no lock.
  await impatient.get('SELECT count(*) FROM t');
  await patient.get('SELECT count(*) FROM t');
  holder.exec('BEGIN EXCLUSIVE; INSERT INTO t VALUES (1)');
  const busy = await rejection(impatient.get('SELECT count(*) FROM t'));
  assert.is(busy.code, 'ERR_SQLITE_ERROR');
  assert.is(busy.errcode, 5);
  assert.is(busy.errstr, 'database is locked');

  // The ordering claimed: the query starts, waits for the lock, and runs once COMMIT released
  // it. Its busy handler's calls (a native test counter) show it waiting before the COMMIT; the
  // events show that it settled only after.
  const events = [];
  const busyBefore = counters().busyWaits;
  const waiting = patient.get('SELECT count(*) AS n FROM t');
  waiting.then(() => events.push('query settled'), () => events.push('query failed'));
  await untilWaitingForLock(busyBefore, events);
  events.push('commit');
  holder.exec('COMMIT');
  assert.equal(await waiting, { __proto__: null, n: 1 });
  assert.equal(events, ['waiting for the lock', 'commit', 'query settled']);
  holder.close();
  await impatient.close();
  await patient.close();
  tmp.remove();
});

test('a query waiting on a lock is cancelled promptly by its signal', async () => {
  const tmp = tempDir();
  const file = tmp.path('busy-abort.db');
  const holder = new DatabaseSync(file);
  holder.exec('CREATE TABLE t(v)');
  const db = await AsyncDatabase.open(file, { timeout: 600_000 });
  await db.get('SELECT count(*) FROM t'); // schema loaded: `SELECT 0` needs no lock
  holder.exec('BEGIN EXCLUSIVE');
  const controller = new AbortController();
  const events = [];
  const busyBefore = counters().busyWaits;
  const waiting = db.with({ signal: controller.signal }).get('SELECT count(*) FROM t');
  waiting.then(() => events.push('query settled'), () => events.push('query failed'));
  await untilWaitingForLock(busyBefore, events);
  controller.abort();
  // Would take ten minutes if the busy wait ignored the signal.
  assert.is((await rejection(waiting)).name, 'AbortError');
  holder.exec('ROLLBACK');
  holder.close();
  await db.close();
  tmp.remove();
});

test('batched reads release their lock when the queue empties: another connection can write', async () => {
  const tmp = tempDir();
  const file = tmp.path('runs.db');
  const writer = new DatabaseSync(file);
  writer.exec('CREATE TABLE t(v); INSERT INTO t VALUES (1)');
  const db = await AsyncDatabase.open(file);
  const read = await db.prepare('SELECT count(*) AS n FROM t');
  const counts = await Promise.all(Array.from({ length: 100 }, () => read.get()));
  assert.ok(counts.every((r) => r.n === 1));
  // timeout 0: a lock still held by the reader would make this fail with SQLITE_BUSY.
  writer.exec('BEGIN EXCLUSIVE; INSERT INTO t VALUES (2); COMMIT');
  assert.is((await read.get()).n, 2);
  writer.close();
  await db.close();
  tmp.remove();
});

test('two AsyncDatabases on one WAL file write and read concurrently without losing rows', async () => {
  const tmp = tempDir();
  const file = tmp.path('wal.db');
  const setup = new DatabaseSync(file);
  setup.exec('PRAGMA journal_mode = WAL; CREATE TABLE t(writer, n)');
  setup.close();
  const [a, b, reader] = await Promise.all([
    AsyncDatabase.open(file, { timeout: 60_000 }),
    AsyncDatabase.open(file, { timeout: 60_000 }),
    AsyncDatabase.open(file, { timeout: 60_000 }),
  ]);
  const writer = (db, name) =>
    (async () => {
      for (let batch = 0; batch < 20; batch++) {
        await db.transaction(async (tx) => {
          for (let i = 0; i < 50; i++) await tx.run('INSERT INTO t VALUES (?, ?)', name, batch * 50 + i);
        }, { mode: 'immediate' });
      }
    })();
  const reads = [];
  const readerLoop = (async () => {
    for (let i = 0; i < 40; i++) reads.push((await reader.get('SELECT count(*) AS n FROM t')).n);
  })();
  await Promise.all([writer(a, 'a'), writer(b, 'b'), readerLoop]);
  // Counts only ever grow, and always by whole transactions of 50 rows.
  for (let i = 1; i < reads.length; i++) assert.ok(reads[i] >= reads[i - 1]);
  assert.ok(reads.every((n) => n % 50 === 0), String(reads));
  const totals = await reader.all('SELECT writer, count(*) AS n, count(DISTINCT n) AS distinct_n FROM t GROUP BY writer');
  assert.equal(totals.map((r) => ({ ...r })), [
    { writer: 'a', n: 1000, distinct_n: 1000 },
    { writer: 'b', n: 1000, distinct_n: 1000 },
  ]);
  await Promise.all([a.close(), b.close(), reader.close()]);
  tmp.remove();
});

test.run();
