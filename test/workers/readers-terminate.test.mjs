// worker.terminate() of a worker holding a database with readers (one writer and N reader
// connections, each on its own thread: reader-pool.ts), in the middle of a query on the readers
// or on the writer, REPETITIONS times per case: the worker exits with code 1, the process does not
// crash, every thread of every pool ends, no lock or open file stays behind, and the file is intact — it opens,
// passes integrity_check, has every committed row and none of the interrupted write, and takes
// writes again, from a DatabaseSync and from a new pool. One child process per case.
//
// How the parent knows the query is running, and where, without sleeping: the query's recursive
// CTE starts from `started()`, a user function that counts its calls (one per running query; the
// recursion after it is pure SQL and endless, so only terminate() ends it). On readers: every
// reader runs one, so they all call it only if they run at the same time, each on its own reader;
// and the writer still answers a prepare() meanwhile (a writer job that waits for nothing), so no
// read is on the writer. On the writer: a write (only the writer writes), and the parent sees its
// write lock (BEGIN IMMEDIATE from a DatabaseSync is refused). Then the worker posts 'running'.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runChild, distCjs, helpersUrl, tempDir } from '../helpers.mjs';

const REPETITIONS = 25;
// Rows 1, 2, 3, ... for ever, the first one from started(); `count(*)` over them never ends.
const ENDLESS_COUNT = 'SELECT count(*) AS n FROM (WITH RECURSIVE c(x) AS (SELECT started() UNION ALL SELECT x + 1 FROM c) SELECT x FROM c)';
// A write that holds the write lock for ever (one row, once the endless count is done: no growth).
const ENDLESS_WRITE = `INSERT INTO t SELECT -1, n FROM (${ENDLESS_COUNT})`;

for (const readers of [1, 2]) {
  for (const where of ['readers', 'writer']) {
    test(`terminate() with readers: ${readers}, mid-query on the ${where}, ${REPETITIONS} times`, () => {
      const tmp = tempDir('strand-readers-terminate-');
      const r = runChild(`
        import { Worker } from 'node:worker_threads';
        import { join } from 'node:path';
        import { readdirSync, readlinkSync } from 'node:fs';
        import { createRequire } from 'node:module';
        import { settle, threadCount, watchWorker, writeLockProbe } from ${JSON.stringify(helpersUrl)};
        const { DatabaseSync, AsyncDatabase } = createRequire(import.meta.url)(${JSON.stringify(distCjs)});
        const file = join(${JSON.stringify(tmp.dir)}, 'pool.db');
        const readers = ${readers};
        // Files under the test's directory this process has open (a connection left open by a
        // terminated worker would keep its db and -wal).
        const openFiles = () => readdirSync('/proc/self/fd').filter((fd) => {
          try { return readlinkSync('/proc/self/fd/' + fd).startsWith(${JSON.stringify(tmp.dir)}); } catch { return false; }
        }).length;
        const where = ${JSON.stringify(where)};
        const setup = new DatabaseSync(file);
        setup.exec('PRAGMA journal_mode = WAL; CREATE TABLE t(rep, ok)');
        setup.close();
        const source = \`
          const { AsyncDatabase } = require(${JSON.stringify(distCjs)});
          const { workerData: { file, readers, where, rep }, parentPort } = require('node:worker_threads');
          // The worker must end by terminate(), never on its own.
          setInterval(() => {}, 1 << 30);
          // Named functions: V8 acts on terminate() at a function's entry (terminate-matrix).
          function markSettled() { parentPort.postMessage('settled'); }
          (async () => {
            const db = await AsyncDatabase.open(file, { readers, timeout: 60000 });
            await db.transaction(async (tx) => {
              for (let i = 0; i < 10; i++) await tx.run('INSERT INTO t VALUES (?, 1)', rep);
            });
            // Every reader reads once, so each has its snapshot machinery and files in use.
            await Promise.all(Array.from({ length: readers }, () => db.get('SELECT count(*) FROM t')));
            const wanted = where === 'readers' ? readers : 1;
            let calls = 0;
            let markRunning;
            const running = new Promise((resolve) => (markRunning = resolve));
            await db.function('started', () => {
              if (++calls === wanted) markRunning();
              return 1;
            });
            if (where === 'readers') {
              for (let i = 0; i < readers; i++) db.get(${JSON.stringify(ENDLESS_COUNT)}).then(markSettled, markSettled);
            } else {
              db.run(${JSON.stringify(ENDLESS_WRITE)}).then(markSettled, markSettled);
            }
            await running;
            if (where === 'readers') await db.prepare('SELECT 1'); // the writer answers: the reads are on readers
            globalThis.keep = db;
            parentPort.postMessage('running');
          })().catch((error) => parentPort.postMessage('failed: ' + error.stack));
        \`;
        // Whether some connection holds the file's write lock.
        const writeLocked = writeLockProbe(DatabaseSync, file);
        const baseline = threadCount();
        for (let rep = 0; rep < ${REPETITIONS}; rep++) {
          const worker = watchWorker(new Worker(source, { eval: true, execArgv: [], workerData: { file, readers, where, rep } }));
          const message = await worker.message();
          if (message !== 'running') throw new Error('rep ' + rep + ': ' + message);
          if (where === 'writer' && !writeLocked()) throw new Error('rep ' + rep + ': the write is not holding the write lock');
          const code = await worker.terminate();
          if (code !== 1) throw worker.error ?? new Error('rep ' + rep + ': exit code ' + code);
          if (JSON.stringify(worker.messages) !== '["running"]') throw new Error('rep ' + rep + ': ' + JSON.stringify(worker.messages));
          // The worker's connections are closed by the time it has exited: no lock is left.
          if (writeLocked()) throw new Error('rep ' + rep + ': the write lock outlived the worker');
        }
        writeLocked.close();
        // Every thread of every pool (and every worker) ended.
        const threadsEnded = await settle(() => threadCount() === baseline);
        const filesLeftOpen = openFiles();
        const check = new DatabaseSync(file);
        const integrity = check.prepare('PRAGMA integrity_check').get().integrity_check;
        const counts = { ...check.prepare('SELECT count(*) AS rows, sum(ok = 1) AS committed, count(DISTINCT rep) AS reps FROM t').get() };
        check.exec('BEGIN IMMEDIATE; INSERT INTO t VALUES (-2, 1); COMMIT');
        check.close();
        const db = await AsyncDatabase.open(file, { readers: 2 });
        await db.run('INSERT INTO t VALUES (-3, 1)');
        const [a, b] = await Promise.all([db.get('SELECT count(*) AS n FROM t'), db.get('SELECT count(*) AS n FROM t')]);
        await db.close();
        console.log(JSON.stringify({ threadsEnded, filesLeftOpen, integrity, counts, after: [a.n, b.n] }));
      `, { timeout: 300_000 });
      tmp.remove();
      assert.is(r.signal, null, `killed by ${r.signal} (a hang?): ${r.stderr}`);
      assert.is(r.status, 0, r.stderr);
      const rows = REPETITIONS * 10;
      assert.equal(JSON.parse(r.stdout), {
        threadsEnded: true,
        filesLeftOpen: 0,
        integrity: 'ok',
        counts: { rows, committed: rows, reps: REPETITIONS },
        after: [rows + 2, rows + 2],
      });
    });
  }
}

test.run();
