// backup(): the module-level function (its own thread) and AsyncDatabase#backup (a job on the
// database thread) — pages, progress numbers, content, cancellation, and no leaked fd or thread.
// Behaviour shared with node:sqlite is covered by test/compat/cases/backup.mjs.
import { readdirSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AbortError, AsyncDatabase, DatabaseSync, backup } from '../../dist/index.js';
import { nativeBinding, rejection, settle, tempDir, threadCount } from '../helpers.mjs';

const ROWS = 2000;
const FILL = `CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB);
  INSERT INTO t(v) SELECT randomblob(500) FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ${ROWS}) SELECT x FROM c)`;

function pageCount(db) {
  return db.prepare('PRAGMA page_count').get().page_count;
}

function digest(path) {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return db.prepare("SELECT count(*) AS n, sum(length(v)) AS bytes, hex(sha3_query('SELECT v FROM t ORDER BY id')) AS h FROM t").get();
  } catch {
    // sha3_query is not compiled in everywhere: fall back to a cheaper fingerprint.
    return db.prepare('SELECT count(*) AS n, sum(length(v)) AS bytes, total(unicode(hex(v))) AS h FROM t').get();
  } finally {
    db.close();
  }
}

// Progress reports must be real steps: the same total, remaining strictly decreasing by at most
// `rate` pages a step, never 0 (node does not report the last step).
function checkProgress(calls, pages, rate) {
  assert.ok(calls.length > 0, 'progress was called');
  let previous = pages;
  for (const { totalPages, remainingPages } of calls) {
    assert.is(totalPages, pages);
    assert.ok(remainingPages > 0 && remainingPages < previous, `remaining ${remainingPages} after ${previous}`);
    assert.is((pages - remainingPages) % rate, 0, 'whole steps');
    previous = remainingPages;
  }
}

test('module backup() of a file database, with progress', async () => {
  const tmp = tempDir();
  const src = new DatabaseSync(tmp.path('src.db'));
  src.exec(FILL);
  const calls = [];
  const pages = await backup(src, tmp.path('copy.db'), { rate: 10, progress: (p) => calls.push(p) });
  assert.is(pages, pageCount(src));
  checkProgress(calls, pages, 10);
  assert.is(calls.length, Math.ceil(pages / 10) - 1, 'lockstep: one report per step but the last');
  src.close();
  assert.equal(digest(tmp.path('copy.db')), digest(tmp.path('src.db')));
  tmp.remove();
});

test('module backup() of a :memory: database, with progress', async () => {
  const tmp = tempDir();
  const src = new DatabaseSync(':memory:');
  src.exec(FILL);
  const calls = [];
  const pages = await backup(src, tmp.path('copy.db'), { rate: 7, progress: (p) => calls.push(p) });
  assert.is(pages, pageCount(src));
  checkProgress(calls, pages, 7);
  const copy = new DatabaseSync(tmp.path('copy.db'));
  assert.equal(copy.prepare('SELECT count(*) AS n FROM t').get(), { __proto__: null, n: ROWS });
  copy.close();
  src.close();
  tmp.remove();
});

test('module backup(): writes made after the call do not disturb it; the promise may be dropped', async () => {
  const tmp = tempDir();
  // A busy timeout: the backup reads a rollback-journal file through its own connection, so a
  // commit landing during a step waits for that step's shared lock (see backup_job.h, rule 1).
  const src = new DatabaseSync(tmp.path('src.db'), { timeout: 60000 });
  src.exec(FILL);
  let done;
  const finished = new Promise((resolve) => (done = resolve));
  // Not awaited and not referenced: the running backup keeps itself (and the loop) alive.
  backup(src, tmp.path('copy.db'), { rate: 5, progress: () => {} }).then(done);
  src.exec('INSERT INTO t(v) VALUES (randomblob(10))');
  globalThis.gc?.();
  const pages = await finished;
  assert.ok(pages >= 1);
  const copy = new DatabaseSync(tmp.path('copy.db'));
  const n = copy.prepare('SELECT count(*) AS n FROM t').get().n;
  assert.ok(n === ROWS || n === ROWS + 1, `rows ${n}`);
  copy.close();
  src.close();
  tmp.remove();
});

test('AsyncDatabase#backup with progress (file and :memory:)', async () => {
  const tmp = tempDir();
  for (const location of [tmp.path('src.db'), ':memory:']) {
    const db = await AsyncDatabase.open(location);
    await db.exec(FILL);
    const calls = [];
    const dest = tmp.path(`copy-${calls.length}-${location.length}.db`);
    const pages = await db.backup(dest, { rate: 3, progress: (p) => calls.push(p) });
    assert.is(pages, (await db.get('PRAGMA page_count')).page_count);
    checkProgress(calls, pages, 3);
    assert.equal(Object.keys(calls[0]), ['totalPages', 'remainingPages']);
    const copy = new DatabaseSync(dest);
    assert.equal(copy.prepare('SELECT count(*) AS n FROM t').get(), { __proto__: null, n: ROWS });
    copy.close();
    // The database stays usable.
    assert.equal(await db.get('SELECT count(*) AS n FROM t'), { __proto__: null, n: ROWS });
    await db.close();
  }
  tmp.remove();
});

test('AsyncDatabase#backup: argument errors and SQLite errors', async () => {
  const tmp = tempDir();
  const db = await AsyncDatabase.open(':memory:');
  await db.exec(FILL);
  assert.is((await rejection(db.backup(5))).code, 'ERR_INVALID_ARG_TYPE');
  assert.is((await rejection(db.backup(tmp.path('a.db'), { rate: 0 }))).code, 'ERR_OUT_OF_RANGE');
  assert.is((await rejection(db.backup(tmp.path('a.db'), { progress: 1 }))).code, 'ERR_INVALID_ARG_TYPE');
  assert.is((await rejection(db.backup(tmp.path('a.db'), null))).code, 'ERR_INVALID_ARG_TYPE');
  const unknown = await rejection(db.backup(tmp.path('b.db'), { source: 'nope' }));
  assert.equal([unknown.code, unknown.errcode, unknown.message], ['ERR_SQLITE_ERROR', 1, 'unknown database nope']);
  const dir = await rejection(db.backup(tmp.dir));
  assert.equal([dir.code, dir.errcode], ['ERR_SQLITE_ERROR', 14]);
  assert.is(await db.backup(tmp.path('c.db')), (await db.get('PRAGMA page_count')).page_count);
  await db.close();
  assert.is((await rejection(db.backup(tmp.path('d.db')))).code, 'ERR_INVALID_STATE');
  tmp.remove();
});

test('AsyncDatabase#backup: a throwing progress stops it and rejects with that error', async () => {
  const tmp = tempDir();
  const db = await AsyncDatabase.open(':memory:');
  await db.exec(FILL);
  const boom = new Error('boom');
  let calls = 0;
  const error = await rejection(db.backup(tmp.path('copy.db'), { rate: 1, progress: () => { calls++; throw boom; } }));
  assert.is(error, boom);
  assert.ok(calls >= 1);
  assert.equal(await db.get('SELECT count(*) AS n FROM t'), { __proto__: null, n: ROWS });
  await db.close();
  tmp.remove();
});

test('AsyncDatabase#backup: abort with .with({ signal }) (queued, and while running)', async () => {
  const tmp = tempDir();
  const file = tmp.path('src.db');
  const db = await AsyncDatabase.open(file, { timeout: 60000 });
  await db.exec(FILL);
  const early = new AbortController();
  early.abort();
  assert.instance(await rejection(db.with({ signal: early.signal }).backup(tmp.path('a.db'))), AbortError);
  // Another connection holds the source locked: the backup's first step waits in the busy
  // handler. The job after a completion is already running (engine rule), so once get()
  // resolves, the backup runs — and abort() must stop it.
  const locker = new DatabaseSync(file);
  locker.exec('BEGIN EXCLUSIVE');
  const controller = new AbortController();
  const ping = db.get('SELECT 1 AS one');
  const running = db.with({ signal: controller.signal }).backup(tmp.path('b.db'), { progress: () => {} });
  await ping;
  controller.abort();
  assert.instance(await rejection(running), AbortError);
  locker.exec('ROLLBACK');
  locker.close();
  // The next job runs normally, and a backup now completes.
  assert.equal(await db.get('SELECT count(*) AS n FROM t'), { __proto__: null, n: ROWS });
  assert.is(await db.backup(tmp.path('c.db')), (await db.get('PRAGMA page_count')).page_count);
  await db.close();
  tmp.remove();
});

test('no fd or thread is left behind by backups', async () => {
  const tmp = tempDir();
  const src = new DatabaseSync(tmp.path('src.db'));
  src.exec(FILL);
  const mem = new DatabaseSync(':memory:');
  mem.exec(FILL);
  const count = (dir) => readdirSync(dir).length;
  // Warm up (lazily opened things, the libuv pool) before taking the baseline.
  await backup(src, tmp.path('warm.db'));
  const fds = count('/proc/self/fd');
  const threads = threadCount();
  for (let i = 0; i < 20; i++) {
    await backup(i % 2 ? src : mem, tmp.path(`c${i}.db`), { rate: 50, progress: () => {} });
    await rejection(backup(src, tmp.path(`e${i}.db`), { source: 'nope' }));
    await rejection(backup(mem, tmp.path(`p${i}.db`), { rate: 1, progress: () => { throw new Error('x'); } }));
  }
  assert.is(count('/proc/self/fd'), fds, 'fds');
  // Every backup's job is gone, its thread joined (the native registry) …
  assert.is(nativeBinding().testCounters().backups, 0, 'backup jobs');
  // … and no thread is left. A joined thread can stay listed for a moment, and so could the
  // warm-up's when the baseline was taken: the count may end below it, never above.
  await settle(() => threadCount() <= threads);
  assert.ok(threadCount() <= threads, `threads: ${threadCount()} > ${threads}`);
  src.close();
  mem.close();
  tmp.remove();
});

test.run();
