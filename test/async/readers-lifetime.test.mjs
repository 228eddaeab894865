// Lifetime of a database with readers (reader-pool.ts R6): close() joins every thread (none is left
// unjoined, and /proc/self/task is back to its baseline), GC of an
// unclosed pool ends every thread and closes every file, interrupt() and an AbortSignal stop a
// query on a reader as on the writer, and the process exits cleanly with a query in flight. Each
// scenario in a child process (a crash or a hang fails the test, not the runner).
//
// How a scenario knows a query is running, and where, without sleeping: the query's recursive
// CTE starts from `started()`, a user function that resolves `running` on its first call (one
// call: the recursion after it is pure SQL, endless, so only an interrupt, an abort or the end of
// the process stops it). A read is on a reader when the writer still answers meanwhile:
// prepare() is a writer job that waits for nothing (reader-pool.ts #route), so it resolves only
// if the writer's FIFO is not stuck behind the endless read. A write is on the writer (only it
// writes); a DatabaseSync probe sees its write lock.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runChild, distEsm, helpersUrl, tempDir } from '../helpers.mjs';

// Rows 1, 2, 3, ... for ever, the first one from started(); `count(*)` over them never ends.
const ENDLESS = 'WITH RECURSIVE c(x) AS (SELECT started() UNION ALL SELECT x + 1 FROM c) SELECT count(*) AS n FROM c';

const prelude = (dir) => `
import { AsyncDatabase, DatabaseSync } from ${JSON.stringify(distEsm)};
import { readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { callCounter, nativeBinding, settle, threadCount as threads, writeLockProbe } from ${JSON.stringify(helpersUrl)};
// Database threads started and not yet joined (addon.cc testCounters): a thread that ended after
// its Close job is gone from /proc/self/task, but only join() reaps it and releases its TSFN.
const unjoined = () => nativeBinding().testCounters().unjoinedThreads;
const dir = ${JSON.stringify(dir)};
const file = join(dir, 'pool.db');
const ENDLESS = ${JSON.stringify(ENDLESS)};
// Files under the test's directory this process has open (every connection's db, -wal, -shm).
const openFiles = () => readdirSync('/proc/self/fd').filter((fd) => {
  try { return readlinkSync('/proc/self/fd/' + fd).startsWith(dir); } catch { return false; }
}).length;
const setup = new DatabaseSync(file);
setup.exec('PRAGMA journal_mode = WAL; CREATE TABLE t(x); INSERT INTO t VALUES (1), (2), (3)');
setup.close();
// Registers started() on every connection of db; running(k) resolves once it was called k times.
async function withStarted(db) {
  const { fn, reached } = callCounter();
  await db.function('started', fn);
  return reached;
}
// The error a promise rejects with, as plain data.
const failure = (promise) => promise.then(
  (value) => ({ resolved: value }),
  (error) => ({ name: error.name, code: error.code, errcode: error.errcode, errstr: error.errstr }),
);
// Whether some other connection holds the file's write lock.
const writeLocked = writeLockProbe(DatabaseSync, file);
const baseline = threads();
`;

// runChild(prelude + body) in a fresh temp directory, removed afterwards; the parsed last line.
function runScenario(body, args = []) {
  const tmp = tempDir('strand-readers-life-');
  try {
    // A hang (a thread never interrupted or joined) ends here, as a failure, not in the runner.
    const r = runChild(prelude(tmp.dir) + body, { args, timeout: 60_000 });
    assert.is(r.signal, null, `killed by ${r.signal} (a hang?): ${r.stderr}`);
    assert.is(r.status, 0, r.stderr);
    return JSON.parse(r.stdout.trim().split('\n').at(-1));
  } finally {
    tmp.remove();
  }
}

test('readers: 3 runs 4 threads while open; close() after queued reads joins all of them', () => {
  const out = runScenario(`
    writeLocked.close();
    const db = await AsyncDatabase.open(file, { readers: 3 });
    const open = { threads: threads() - baseline, unjoined: unjoined() };
    // Four reads in one tick: one on each reader (least loaded first), the fourth on the first.
    const reads = [1, 2, 3, 4].map((k) => db.get('SELECT count(*) + ? AS n FROM t', k));
    // Issued behind them: waits for every read on a reader (R2), then closes every connection.
    const closed = db.close();
    const values = (await Promise.all(reads)).map((row) => row.n);
    await closed;
    // Joined by the time close() resolves, not eventually.
    const unjoinedAfterClose = unjoined();
    await settle(() => threads() === baseline && openFiles() === 0);
    console.log(JSON.stringify({ open, values, after: { unjoined: unjoinedAfterClose, threads: threads() - baseline, files: openFiles() } }));
  `);
  assert.equal(out, { open: { threads: 4, unjoined: 4 }, values: [4, 5, 6, 7], after: { unjoined: 0, threads: 0, files: 0 } });
});

test('close() closes the readers first and the writer last, which checkpoints and removes -wal and -shm', () => {
  // The last connection to close a WAL database deletes its -wal and -shm files, if it can write:
  // a read-only reader closing last leaves them (it did, in most closes, before the writer waited).
  const out = runScenario(`
    writeLocked.close();
    const { existsSync } = await import('node:fs');
    const left = [];
    for (let round = 0; round < 8; round++) {
      const db = await AsyncDatabase.open(file, { readers: 2 });
      await db.run('INSERT INTO t VALUES (?)', round);
      // A read on each reader, so each has the WAL open when close() comes.
      await Promise.all([1, 2].map(() => db.get('SELECT count(*) AS n FROM t')));
      await db.close();
      for (const suffix of ['-wal', '-shm']) if (existsSync(file + suffix)) left.push(round + suffix);
    }
    const check = new DatabaseSync(file, { readOnly: true });
    const rows = check.prepare('SELECT count(*) AS n FROM t').get().n;
    check.close();
    console.log(JSON.stringify({ left, rows }));
  `);
  assert.equal(out, { left: [], rows: 3 + 8 });
});

test('a pool dropped without close() is collected: all 4 threads end, every file is closed', () => {
  const out = runScenario(`
    writeLocked.close();
    await (async () => {
      const db = await AsyncDatabase.open(file, { readers: 3 });
      // Every reader reads (so each has its files open), a prepared statement is prepared on a
      // reader (R5), and a cursor is left half-read there.
      await Promise.all([1, 2, 3].map(() => db.get('SELECT count(*) FROM t')));
      const stmt = await db.prepare('SELECT x FROM t WHERE x > ?');
      await stmt.all(0);
      const cursor = db.iterate('SELECT x FROM t');
      await cursor.next();
      globalThis.before = { threads: threads() - baseline, unjoined: unjoined(), files: openFiles() };
    })();
    await settle(() => threads() === baseline && openFiles() === 0 && unjoined() === 0, { gc: true });
    console.log(JSON.stringify({ before: globalThis.before, after: { threads: threads() - baseline, unjoined: unjoined(), files: openFiles() } }));
  `, ['--expose-gc']);
  // Open: the writer's db, -wal and -shm, and each reader's db and -wal (the -shm is shared).
  assert.equal(out, { before: { threads: 4, unjoined: 4, files: 3 + 3 * 2 }, after: { threads: 0, unjoined: 0, files: 0 } });
});

test('interrupt() stops long reads running on two readers at once; the database goes on', () => {
  const out = runScenario(`
    const db = await AsyncDatabase.open(file, { readers: 2 });
    const running = await withStarted(db);
    // One on each reader: both call started() only if they run at the same time.
    const first = failure(db.get(ENDLESS));
    const second = failure(db.get(ENDLESS));
    await running(2);
    await db.prepare('SELECT 1'); // the writer is free: the reads are on readers
    db.interrupt();
    const errors = await Promise.all([first, second]);
    const after = await Promise.all([db.get('SELECT count(*) AS n FROM t'), db.run('INSERT INTO t VALUES (4)'), db.get('SELECT count(*) AS n FROM t')]);
    await db.close();
    await settle(() => threads() === baseline);
    console.log(JSON.stringify({ errors, counts: [after[0].n, after[2].n], unjoined: unjoined(), threads: threads() - baseline }));
  `);
  const interrupted = { name: 'Error', code: 'ERR_SQLITE_ERROR', errcode: 9, errstr: 'interrupted' };
  assert.equal(out, { errors: [interrupted, interrupted], counts: [3, 4], unjoined: 0, threads: 0 });
});

test('interrupt() stops a long write running on the writer; its lock is released', () => {
  const out = runScenario(`
    const db = await AsyncDatabase.open(file, { readers: 2 });
    const running = await withStarted(db);
    const write = failure(db.run('INSERT INTO t SELECT n FROM (' + ENDLESS + ')'));
    // Behind the write (a barrier, R1): on the writer's FIFO, after it.
    const countAfter = db.get('SELECT count(*) AS n FROM t');
    await running();
    const lockedWhileRunning = writeLocked();
    db.interrupt();
    const error = await write;
    const lockedAfter = writeLocked();
    const n = (await countAfter).n;
    await db.run('INSERT INTO t VALUES (4)');
    const final = (await db.get('SELECT count(*) AS n FROM t')).n;
    await db.close();
    writeLocked.close();
    await settle(() => threads() === baseline);
    console.log(JSON.stringify({ lockedWhileRunning, error, lockedAfter, n, final, unjoined: unjoined(), threads: threads() - baseline }));
  `);
  assert.equal(out, {
    lockedWhileRunning: true,
    error: { name: 'Error', code: 'ERR_SQLITE_ERROR', errcode: 9, errstr: 'interrupted' },
    lockedAfter: false,
    n: 3,
    final: 4,
    unjoined: 0,
    threads: 0,
  });
});

test('an AbortSignal aborts a long read running on a reader, and one queued behind it there', () => {
  const out = runScenario(`
    const db = await AsyncDatabase.open(file, { readers: 1 });
    const running = await withStarted(db);
    const runningAbort = new AbortController();
    const queuedAbort = new AbortController();
    const runningRead = failure(db.with({ signal: runningAbort.signal }).get(ENDLESS));
    // The one reader is busy: this read waits in its FIFO.
    const queuedRead = failure(db.with({ signal: queuedAbort.signal }).get('SELECT count(*) AS n FROM t'));
    await running();
    await db.prepare('SELECT 1'); // the writer is free: the read is on the reader
    queuedAbort.abort();
    const queued = await queuedRead;
    runningAbort.abort();
    const aborted = await runningRead;
    const n = (await db.get('SELECT count(*) AS n FROM t')).n;
    await db.close();
    await settle(() => threads() === baseline);
    console.log(JSON.stringify({ queued, aborted, n, unjoined: unjoined(), threads: threads() - baseline }));
  `);
  const abortError = { name: 'AbortError', code: 'ABORT_ERR' };
  assert.equal(out, { queued: abortError, aborted: abortError, n: 3, unjoined: 0, threads: 0 });
});

test('the process exits on its own with an open, idle pool whose every reader has read', () => {
  const out = runScenario(`
    writeLocked.close();
    const db = await AsyncDatabase.open(file, { readers: 2 });
    const counts = await Promise.all([db.get('SELECT count(*) AS n FROM t'), db.get('SELECT count(*) AS n FROM t')]);
    await db.run('INSERT INTO t VALUES (4)');
    globalThis.keep = db;
    console.log(JSON.stringify(counts.map((row) => row.n)));
  `);
  assert.equal(out, [3, 3]);
});

test('a read in flight on a reader keeps the process alive until it settles', () => {
  const out = runScenario(`
    writeLocked.close();
    const db = await AsyncDatabase.open(file, { readers: 1 });
    await db.get('SELECT 1'); // the reader is open and idle
    // Nothing else keeps the event loop alive: only the reader's pending job does.
    db.get('WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 300000) SELECT count(*) AS n FROM c')
      .then((row) => console.log(JSON.stringify({ settled: row.n })));
  `);
  assert.equal(out, { settled: 300000 });
});

// On the main thread process.exit() runs no env cleanup (the threads die with the process): this
// shows the exit is clean — no crash, abort or message from a thread running SQLite meanwhile.
for (const where of ['a reader', 'the writer']) {
  test(`process.exit() with an open pool and a long query in flight on ${where} exits cleanly`, () => {
    const tmp = tempDir('strand-readers-exit-');
    try {
      const r = runChild(prelude(tmp.dir) + `
        writeLocked.close();
        const db = await AsyncDatabase.open(file, { readers: 2 });
        const running = await withStarted(db);
        const sql = ${JSON.stringify(where === 'the writer')} ? 'INSERT INTO t SELECT n FROM (' + ENDLESS + ')' : ENDLESS;
        db.get('SELECT count(*) FROM t'); // another reader busy too (or, behind a write, the writer's FIFO)
        db.all(sql).then(() => console.log('the query completed'), (error) => console.log('the query failed: ' + error.message));
        await running();
        console.log('exiting');
        process.exit(0);
      `, { timeout: 60_000 });
      assert.is(r.signal, null, `killed by ${r.signal} (a hang?): ${r.stderr}`);
      assert.is(r.status, 0, r.stderr);
      assert.is(r.stderr, '');
      assert.is(r.stdout, 'exiting\n');
    } finally {
      tmp.remove();
    }
  });
}

test.run();
