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
  // A round trip usually takes far less than the spin window, but on a loaded machine (CI runs
  // suites side by side) the JS thread can be off its core for longer, and every spin misses for
  // a while; after two misses the thread only probes every 32nd time. So the awaits go on until
  // one is met by a spin, up to a count no working build needs; with spinning broken or off, no
  // spin ever sees a job and the loop runs out.
  for (let i = 0; i < 50_000 && counters().spinHits === before.spinHits; i++) await stmt.get();
  assert.ok(counters().spinHits > before.spinHits, 'no spin of the database thread saw a job arrive');
  await db.close();
});

test('a database thread whose callers come back rarely stops spinning', async () => {
  const db = await AsyncDatabase.open(':memory:');
  await db.exec('CREATE TABLE t(v); INSERT INTO t VALUES (1)');
  const stmt = await db.prepare('SELECT v FROM t');
  const JOBS = 64;
  // Each job comes only once the thread has given up waiting for it and gone to sleep: every
  // spin it makes times out. A sleep counted is a sleep begun (under the queue's lock, right
  // before the wait), so after one the thread is asleep until the next job.
  const untilAsleep = async (sleeps) => {
    while (counters().threadSleeps === sleeps) await turn();
  };
  const oneJobAfterASleep = async () => {
    const sleeps = counters().threadSleeps;
    await stmt.get();
    await untilAsleep(sleeps);
  };
  // Warm-up, not measured. The first jobs may meet a spin: the thread may still be spinning after
  // prepare() when `sleeps` is read, and sleep before the get arrives, so the first wait can end
  // on that earlier sleep while the thread spins after the get, and the next get meets that spin.
  // Enough misses then take the credit, earned by the calls before, down to where spinning stops
  // (from the most it can hold, kMaxSpinCredit = 16, 18 misses).
  for (let i = 0; i < 20; i++) await oneJobAfterASleep();
  const before = counters();
  for (let i = 0; i < JOBS; i++) await oneJobAfterASleep();
  const spins = counters().idleSpins - before.idleSpins;
  assert.is(counters().spinHits, before.spinHits, 'a spin saw a job, but every job came after a sleep');
  // Two misses stop the spinning (the credit is at or below 0 here); after that it probes every
  // 32nd idle moment. Without the adaptation every one of the JOBS idle moments would spin.
  assert.ok(spins <= 2 + Math.ceil(JOBS / 32) + 1, `spun ${spins} times for ${JOBS} jobs that never came in time`);
  await db.close();
});

test.run();
