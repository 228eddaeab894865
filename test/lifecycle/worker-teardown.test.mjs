// Teardown when an env ends: worker.terminate() in the middle of an async or a sync query, a worker
// that just ends, and process.exit() with queries in flight. Each in a child process.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runChild, distCjs, distEsm, helpersUrl, tempDir } from '../helpers.mjs';

const cjs = JSON.stringify(distEsm.replace(/index\.js$/, 'index.cjs'));

test('worker.terminate() while an async query runs: no crash, the query is interrupted', () => {
  const r = runChild(`
    import { Worker } from 'node:worker_threads';
    import { watchWorker } from ${JSON.stringify(helpersUrl)};
    const source = \`
      const { AsyncDatabase } = require(${cjs});
      const { parentPort } = require('node:worker_threads');
      (async () => {
        const db = await AsyncDatabase.open(':memory:');
        const before = db.get('SELECT 1');
        db.get('WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c');
        await before; // the endless query now runs on the database thread
        parentPort.postMessage('running');
      })();
    \`;
    for (let i = 0; i < 20; i++) {
      const worker = watchWorker(new Worker(source, { eval: true, execArgv: [] }));
      if ((await worker.message()) !== 'running') throw new Error('unexpected message');
      const code = await worker.terminate();
      if (code !== 1) throw new Error('unexpected exit code ' + code);
    }
    console.log('terminated 20 workers');
  `);
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout.trim(), 'terminated 20 workers');
});

test('worker.terminate() during a synchronous query waits for it and exits cleanly', () => {
  const r = runChild(`
    import { Worker } from 'node:worker_threads';
    import { watchWorker } from ${JSON.stringify(helpersUrl)};
    const source = \`
      const { DatabaseSync } = require(${cjs});
      const { parentPort } = require('node:worker_threads');
      const db = new DatabaseSync(':memory:');
      db.exec('CREATE TABLE t(x); BEGIN; INSERT INTO t VALUES (1)'); // an open transaction too
      const stmt = db.prepare('WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000000) SELECT count(*) AS n FROM c');
      parentPort.postMessage('starting');
      stmt.get();
    \`;
    for (let i = 0; i < 10; i++) {
      const worker = watchWorker(new Worker(source, { eval: true, execArgv: [] }));
      if ((await worker.message()) !== 'starting') throw new Error('unexpected message');
      const code = await worker.terminate();
      if (code !== 1) throw new Error('unexpected exit code ' + code);
    }
    console.log('terminated 10 workers');
  `);
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout.trim(), 'terminated 10 workers');
});

test('a worker ending with open async databases, statements and iterators exits cleanly', () => {
  const r = runChild(`
    import { Worker } from 'node:worker_threads';
    import { watchWorker } from ${JSON.stringify(helpersUrl)};
    const source = \`
      const { AsyncDatabase } = require(${cjs});
      (async () => {
        const db = await AsyncDatabase.open(':memory:');
        await db.exec('CREATE TABLE t(x); INSERT INTO t VALUES (1), (2), (3)');
        const stmt = await db.prepare('SELECT x FROM t');
        const it = stmt.iterate();
        await it.next();
        globalThis.keep = [db, stmt, it];
        db.all('SELECT * FROM t'); // still queued when the worker ends
      })();
    \`;
    for (let i = 0; i < 20; i++) {
      const worker = watchWorker(new Worker(source, { eval: true, execArgv: [] }));
      const code = await worker.exited;
      if (worker.error || code !== 0) throw worker.error ?? new Error('exit code ' + code);
    }
    console.log('ok');
  `);
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout.trim(), 'ok');
});

test('process.exit() with async queries in flight exits with its code', () => {
  const r = runChild(`
    import { AsyncDatabase } from ${JSON.stringify(distEsm)};
    const dbs = await Promise.all([1, 2, 3].map(() => AsyncDatabase.open(':memory:')));
    for (const db of dbs) db.get('WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c');
    // The queries are flushed to their threads by a microtask, before this runs.
    setImmediate(() => process.exit(7));
  `);
  assert.is(r.status, 7, r.stderr);
});

test('process.exit() inside a worker with queries in flight ends that worker only, and it cleans up (20 times)', () => {
  const tmp = tempDir('strand-exit-');
  const r = runChild(`
    import { Worker } from 'node:worker_threads';
    import { join } from 'node:path';
    import { DatabaseSync } from ${JSON.stringify(distEsm)};
    import { watchWorker } from ${JSON.stringify(helpersUrl)};
    const file = join(${JSON.stringify(tmp.dir)}, 'db.db');
    const setup = new DatabaseSync(file);
    setup.exec('PRAGMA journal_mode = WAL; CREATE TABLE t(rep, ok)');
    setup.close();
    const source = \`
      const { DatabaseSync, AsyncDatabase } = require(${JSON.stringify(distCjs)});
      const { workerData: { file, rep } } = require('node:worker_threads');
      (async () => {
        const sync = new DatabaseSync(file, { timeout: 60000 });
        sync.prepare('INSERT INTO t VALUES (?, 1)').run(rep);
        sync.exec('BEGIN');
        sync.prepare('INSERT INTO t VALUES (?, 0)').run(rep);
        const adb = await AsyncDatabase.open(file, { timeout: 60000 });
        adb.get('WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c');
        sync.function('leave', () => process.exit(3));
        setImmediate(() => sync.prepare('SELECT leave()').get());
      })();
    \`;
    const codes = [];
    for (let rep = 0; rep < 20; rep++) {
      const worker = watchWorker(new Worker(source, { eval: true, execArgv: [], workerData: { file, rep } }));
      codes.push(await worker.exited);
      if (worker.error) throw worker.error;
    }
    // The last worker's write transaction must be gone: this write would otherwise time out.
    const db = new DatabaseSync(file, { timeout: 100 });
    db.exec('INSERT INTO t VALUES (-1, 1)');
    const counts = db.prepare('SELECT sum(ok = 1) AS committed, sum(ok = 0) AS uncommitted FROM t').get();
    db.close();
    console.log(JSON.stringify({ codes: [...new Set(codes)], ...counts }));
  `);
  tmp.remove();
  assert.is(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout), { codes: [3], committed: 21, uncommitted: 0 });
});

test.run();
