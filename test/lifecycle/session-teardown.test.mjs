// Sessions and env teardown: a worker that ends (or is terminated) with open sessions, or inside
// an applyChangeset() callback, exits cleanly — the Addon closes its databases, which delete their
// sessions before closing the connection. Each in a child process.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runChild, distEsm, helpersUrl, tempDir } from '../helpers.mjs';

const cjs = JSON.stringify(distEsm.replace(/index\.js$/, 'index.cjs'));

test('a worker ending with open sessions exits cleanly; its file database is left unlocked', () => {
  const tmp = tempDir();
  try {
    const file = JSON.stringify(tmp.path('db.sqlite'));
    const r = runChild(`
      import { Worker } from 'node:worker_threads';
      import { DatabaseSync } from ${JSON.stringify(distEsm)};
      import { watchWorker } from ${JSON.stringify(helpersUrl)};
      const setup = new DatabaseSync(${file});
      setup.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, v)');
      setup.close();
      const source = \`
        const { DatabaseSync } = require(${cjs});
        const { workerData } = require('node:worker_threads');
        const db = new DatabaseSync(${file});
        const all = db.createSession();
        const one = db.createSession({ table: 't' });
        const closed = db.createSession();
        closed.close();
        db.exec('INSERT INTO t(v) VALUES (' + workerData + ')');
        all.changeset();
        const mem = new DatabaseSync(':memory:');
        mem.exec('CREATE TABLE x(id INTEGER PRIMARY KEY)');
        const orphan = mem.createSession();
        mem.exec('INSERT INTO x VALUES (1)');
        globalThis.keep = [db, all, one, closed, mem, orphan];
      \`;
      for (let i = 0; i < 20; i++) {
        const worker = watchWorker(new Worker(source, { eval: true, execArgv: [], workerData: i }));
        const code = await worker.exited;
        if (worker.error || code !== 0) throw worker.error ?? new Error('exit code ' + code);
      }
      const db = new DatabaseSync(${file}, { timeout: 0 });
      db.exec('BEGIN IMMEDIATE; INSERT INTO t(v) VALUES (99); COMMIT'); // throws SQLITE_BUSY if a worker left a lock
      console.log(db.prepare('SELECT count(*) AS n FROM t').get().n);
      db.close();
    `);
    assert.is(r.status, 0, r.stderr);
    assert.is(r.stdout.trim(), '21');
  } finally {
    tmp.remove();
  }
});

test('worker.terminate() inside an applyChangeset() filter: no crash', () => {
  const r = runChild(`
    import { Worker } from 'node:worker_threads';
    import { watchWorker } from ${JSON.stringify(helpersUrl)};
    const source = \`
      const { DatabaseSync } = require(${cjs});
      const { parentPort } = require('node:worker_threads');
      const src = new DatabaseSync(':memory:');
      src.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, v)');
      const session = src.createSession();
      src.exec('INSERT INTO t VALUES (1, 2)');
      const dst = new DatabaseSync(':memory:');
      dst.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, v)');
      const pending = dst.createSession();
      dst.applyChangeset(session.changeset(), {
        filter: () => {
          parentPort.postMessage('in filter');
          for (;;);
        },
      });
    \`;
    for (let i = 0; i < 10; i++) {
      const worker = watchWorker(new Worker(source, { eval: true, execArgv: [] }));
      if ((await worker.message()) !== 'in filter') throw new Error('unexpected message');
      const code = await worker.terminate();
      if (code !== 1) throw new Error('unexpected exit code ' + code);
    }
    console.log('terminated 10 workers');
  `);
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout.trim(), 'terminated 10 workers');
});

test('sessions and databases collected in any order: no crash', () => {
  const r = runChild(
    `
    import { DatabaseSync } from ${JSON.stringify(distEsm)};
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 20; i++) {
        const db = new DatabaseSync(':memory:');
        db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY)');
        const session = db.createSession();
        db.exec('INSERT INTO t VALUES (1)');
        if (i % 3 === 0) db.close();
        if (i % 3 === 1) session.close();
      }
      globalThis.gc();
    }
    // A session outlives an explicit close of its database and is then collected.
    let db = new DatabaseSync(':memory:');
    let session = db.createSession();
    db.close();
    db = null;
    globalThis.gc();
    console.log(session.changeset === undefined ? 'no' : 'ok');
    session = null;
    globalThis.gc();
    await new Promise((resolve) => setImmediate(resolve));
    globalThis.gc();
    console.log('done');
  `,
    { args: ['--expose-gc'] },
  );
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout.trim(), 'ok\ndone');
});

test.run();
