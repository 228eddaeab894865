// Workers sharing one WAL database: 8 writer workers plus async writers on the main thread, and a
// plain worker_threads pool running 10k queries. Each scenario in a child process.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runChild, distCjs, helpersUrl, tempDir } from '../helpers.mjs';

// Each scenario's files go in a directory the test owns and removes, even if the child crashed.
const prelude = (dir) => `
  import { Worker } from 'node:worker_threads';
  import { join } from 'node:path';
  import { createRequire } from 'node:module';
  import { watchWorker } from ${JSON.stringify(helpersUrl)};
  const { DatabaseSync, AsyncDatabase } = createRequire(import.meta.url)(${JSON.stringify(distCjs)});
  const file = join(${JSON.stringify(dir)}, 'shared.db');
  const setup = new DatabaseSync(file);
  setup.exec('PRAGMA journal_mode = WAL; CREATE TABLE t(who TEXT, n INTEGER, UNIQUE (who, n))');
  setup.close();
  // Resolves when the watched worker exits with code 0; rejects with its error or exit code.
  const finished = async (worker) => {
    const code = await worker.exited;
    if (worker.error) throw worker.error;
    if (code !== 0) throw new Error('worker exit ' + code);
  };
`;

function runScenario(body) {
  const tmp = tempDir('strand-wal-');
  try {
    return runChild(prelude(tmp.dir) + body);
  } finally {
    tmp.remove();
  }
}

test('8 workers and 2 async databases write one WAL file concurrently; every committed row is there', () => {
  const r = runScenario(`
    const source = \`
      const { DatabaseSync } = require(${JSON.stringify(distCjs)});
      const { workerData } = require('node:worker_threads');
      const db = new DatabaseSync(workerData.file, { timeout: 60000 });
      const insert = db.prepare('INSERT INTO t VALUES (?, ?)');
      for (let batch = 0; batch < 25; batch++) {
        db.exec('BEGIN IMMEDIATE');
        for (let i = 0; i < 20; i++) insert.run(workerData.who, batch * 20 + i);
        db.exec('COMMIT');
      }
      db.close();
    \`;
    const workers = Array.from({ length: 8 }, (_, w) => finished(watchWorker(new Worker(source, { eval: true, execArgv: [], workerData: { file, who: 'worker' + w } }))));
    const asyncWriters = [0, 1].map(async (a) => {
      const db = await AsyncDatabase.open(file, { timeout: 60000 });
      const insert = await db.prepare('INSERT INTO t VALUES (?, ?)');
      for (let batch = 0; batch < 25; batch++) {
        await db.transaction(async (tx) => {
          await Promise.all(Array.from({ length: 20 }, (_, i) => tx.statement(insert).run('async' + a, batch * 20 + i)));
        }, { mode: 'immediate' });
      }
      await db.close();
    });
    await Promise.all([...workers, ...asyncWriters]);
    const check = new DatabaseSync(file);
    const rows = check.prepare('SELECT who, count(*) AS n FROM t GROUP BY who ORDER BY who').all();
    check.close();
    console.log(JSON.stringify(rows.map((r) => [r.who, r.n])));
  `);
  assert.is(r.status, 0, r.stderr);
  const expected = [['async0', 500], ['async1', 500], ...Array.from({ length: 8 }, (_, w) => ['worker' + w, 500])];
  assert.equal(JSON.parse(r.stdout), expected);
});

test('a plain worker_threads pool runs 10k queries against one WAL database', () => {
  const r = runScenario(`
    const db = new DatabaseSync(file);
    db.exec("INSERT INTO t SELECT 'seed', value FROM (WITH RECURSIVE c(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM c WHERE value < 1000) SELECT value FROM c)");
    const source = \`
      const { DatabaseSync } = require(${JSON.stringify(distCjs)});
      const { workerData, parentPort } = require('node:worker_threads');
      const db = new DatabaseSync(workerData.file, { timeout: 60000, readOnly: true });
      const lookup = db.prepare("SELECT n * 2 AS twice FROM t WHERE who = 'seed' AND n = ?");
      parentPort.on('message', (task) => {
        if (task === null) { db.close(); parentPort.close(); return; }
        parentPort.postMessage({ id: task.id, twice: lookup.get(task.n).twice });
      });
    \`;
    // Watched from creation: an error or an early exit ends the wait below instead of being lost.
    const pool = Array.from({ length: 4 }, () => watchWorker(new Worker(source, { eval: true, execArgv: [], workerData: { file } })));
    const exits = pool.map(finished);
    const pending = new Map();
    for (const { worker } of pool) worker.on('message', ({ id, twice }) => { pending.get(id)(twice); pending.delete(id); });
    let sum = 0;
    const tasks = [];
    for (let id = 0; id < 10000; id++) {
      const n = (id % 1000) + 1;
      tasks.push(new Promise((resolve) => pending.set(id, resolve)).then((twice) => { if (twice !== n * 2) throw new Error('wrong answer'); sum += twice; }));
      pool[id % pool.length].worker.postMessage({ id, n });
    }
    // A worker that fails or exits early rejects here rather than leaving its tasks pending.
    await Promise.race([Promise.all(tasks), ...exits.map((exit) => exit.then(() => { throw new Error('a pool worker exited early'); }))]);
    for (const { worker } of pool) worker.postMessage(null);
    await Promise.all(exits);
    console.log(JSON.stringify({ sum }));
  `);
  assert.is(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout), { sum: 10 * 2 * (1000 * 1001) / 2 });
});

test.run();
