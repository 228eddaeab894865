// How the two threads of an AsyncDatabase avoid waking each other (docs/ASYNC.md "Performance"):
// the JS side polls for completions while they are imminent (src/ts/async/engine.ts #poll), the
// database thread spins briefly before it sleeps, adaptively (src/native/async/scheduler.cc
// IdleSpin). Neither may cost anything once the work stops. Seen through counters: the engine's
// poll turns and the thread's spins, spin hits and sleeps (test_counters.h).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AsyncDatabase, DatabaseSync } from '../../dist/index.js';
import { nativeBinding, tempDir } from '../helpers.mjs';

const binding = nativeBinding();
const counters = () => binding.testCounters();
const pollTurns = () => binding.engineCounters.pollTurns;
const turn = () => new Promise((resolve) => setImmediate(resolve));
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Resolves once `read()` has stopped changing: equal over two looks `ms` apart. Gives up (and
// fails) after `tries` looks: the thing it watches never settled down.
async function untilSteady(read, ms = 5, tries = 2000) {
  let last = read();
  for (let i = 0; i < tries; i++) {
    await pause(ms);
    const now = read();
    if (now === last) return now;
    last = now;
  }
  assert.unreachable(`still changing after ${tries} looks`);
}

test('the completion poll runs while a query is in flight and stops when none is', async () => {
  const db = await AsyncDatabase.open(':memory:');
  await db.exec('CREATE TABLE t(v); INSERT INTO t VALUES (1)');
  const before = pollTurns();
  for (let i = 0; i < 200; i++) assert.equal(await db.get('SELECT v FROM t'), { __proto__: null, v: 1 });
  assert.ok(pollTurns() > before, 'the loop was not kept turning for any completion');
  // Nothing in flight: the next turn of the poll ends it, and it stays ended.
  await turn();
  await turn();
  const idle = pollTurns();
  await pause(20);
  await turn();
  assert.is(pollTurns(), idle, 'the poll went on with no job in flight');
  await db.close();
});

test('a long job gets one window of polling, then the event loop sleeps until it completes', async () => {
  const tmp = tempDir();
  const file = tmp.path('poll-lock.db');
  const holder = new DatabaseSync(file);
  holder.exec('CREATE TABLE t(v)');
  const db = await AsyncDatabase.open(file, { timeout: 600_000 });
  await db.get('SELECT count(*) FROM t'); // the schema is loaded
  holder.exec('BEGIN EXCLUSIVE; INSERT INTO t VALUES (1)');
  const busyBefore = counters().busyWaits;
  const waiting = db.get('SELECT count(*) AS n FROM t');
  while (counters().busyWaits === busyBefore) await turn(); // the job waits for the lock
  // The job is in flight and stays so until COMMIT, yet the poll stops: it has had no activity
  // for longer than its window.
  const steady = await untilSteady(pollTurns);
  await pause(20);
  assert.is(pollTurns(), steady, 'the poll kept the loop turning for a job that did not complete');
  holder.exec('COMMIT');
  assert.equal(await waiting, { __proto__: null, n: 1 });
  holder.close();
  await db.close();
  tmp.remove();
});

test('back-to-back awaits are met by a spinning database thread', async () => {
  const db = await AsyncDatabase.open(':memory:');
  await db.exec('CREATE TABLE t(v); INSERT INTO t VALUES (1)');
  const stmt = await db.prepare('SELECT v FROM t');
  const before = counters();
  for (let i = 0; i < 2000; i++) await stmt.get();
  const after = counters();
  // On any machine most of these round trips take far less than the spin window; with spinning
  // broken or off, no spin would ever see a job.
  assert.ok(after.spinHits > before.spinHits, 'no spin of the database thread saw a job arrive');
  await db.close();
});

test('a database thread whose callers come back rarely stops spinning', async () => {
  const db = await AsyncDatabase.open(':memory:');
  await db.exec('CREATE TABLE t(v); INSERT INTO t VALUES (1)');
  const stmt = await db.prepare('SELECT v FROM t');
  const JOBS = 64;
  // Each job comes only once the thread has given up waiting for it and gone to sleep: every
  // spin it makes times out.
  const untilAsleep = async (sleeps) => {
    while (counters().threadSleeps === sleeps) await turn();
  };
  let before;
  for (let i = 0; i <= JOBS; i++) {
    const sleeps = counters().threadSleeps;
    await stmt.get();
    await untilAsleep(sleeps);
    // The first get may have met the spin that followed prepare(); from its sleep on, no job
    // was in time.
    if (i === 0) before = counters();
  }
  const spins = counters().idleSpins - before.idleSpins;
  assert.is(counters().spinHits, before.spinHits, 'a spin saw a job, but every job came after a sleep');
  // Two misses stop the spinning (the credit starts at or below 0); after that it probes every
  // 32nd idle moment. Without the adaptation every one of the JOBS idle moments would spin.
  assert.ok(spins <= 2 + Math.ceil(JOBS / 32) + 1, `spun ${spins} times for ${JOBS} jobs that never came in time`);
  await db.close();
});

test.run();
