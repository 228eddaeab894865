// worker.terminate() in the middle of every kind of operation, 50 times each: the worker exits,
// the process does not crash, committed rows are all there, and the transaction the worker had
// open is rolled back. One child process per surface.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runChild, distCjs } from '../helpers.mjs';

const REPETITIONS = 50;
// Long enough to be running when terminate() arrives; short because a synchronous query must
// finish before its worker can stop.
const LONG = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 300000) SELECT count(*) AS n FROM c';
// Rows 1..300000, for functions to run over.
const COUNTER = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 300000) SELECT x FROM c';
const ENDLESS = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) AS n FROM c';

// Each body runs in the worker after `setup` committed 10 rows (ok = true) and left 5 more in an
// open transaction (ok = false), then told the parent it is about to start.
const surfaces = {
  'sync get': `sync.prepare(${JSON.stringify(LONG)}).get();`,
  'sync all': `sync.prepare(${JSON.stringify(LONG)}).all();`,
  'sync run': `sync.prepare(${JSON.stringify(LONG)}).run();`,
  'sync exec': `sync.exec(${JSON.stringify(LONG)});`,
  'sync iterate': `for (const row of sync.prepare(${JSON.stringify(LONG)}).iterate()) void row;`,
  'sync user function': `sync.function('spin', (x) => { let s = 0; for (let i = 0; i < 2000; i++) s += i; return x + s * 0; }); sync.prepare(${JSON.stringify(`SELECT count(spin(x)) AS n FROM (${COUNTER})`)}).get();`,
  'sync aggregate': `sync.aggregate('slow_sum', { start: () => ({ n: 0 }), step: (acc, x) => { for (let i = 0; i < 2000; i++) acc.n += 0; acc.n += x; return acc; }, result: (acc) => acc.n }); sync.prepare(${JSON.stringify(`SELECT slow_sum(x) AS n FROM (${COUNTER})`)}).get();`,
  'async all': `await adb.all(${JSON.stringify(ENDLESS)});`,
  'async iterate mid-stream': `for await (const row of adb.iterate('SELECT x FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c)')) void row;`,
  'async user function': `await adb.function('spin', (x) => { let s = 0; for (let i = 0; i < 2000; i++) s += i; return x + s * 0; }); await adb.get(${JSON.stringify(`SELECT count(spin(x)) AS n FROM (${ENDLESS.replace('count(*) AS n', 'x')})`)});`,
  'async open transaction': `await adb.transaction(async (tx) => { await tx.run("INSERT INTO t VALUES (?, 0)", rep); await tx.get(${JSON.stringify(ENDLESS)}); });`,
};

for (const [name, body] of Object.entries(surfaces)) {
  test(`terminate() during ${name}, ${REPETITIONS} times`, () => {
    const r = runChild(`
      import { Worker } from 'node:worker_threads';
      import { mkdtempSync } from 'node:fs';
      import { tmpdir } from 'node:os';
      import { join } from 'node:path';
      import { createRequire } from 'node:module';
      const { DatabaseSync } = createRequire(import.meta.url)(${JSON.stringify(distCjs)});
      const file = join(mkdtempSync(join(tmpdir(), 'strand-terminate-')), 'db.db');
      new DatabaseSync(file).exec('PRAGMA journal_mode = WAL; CREATE TABLE t(rep, ok)');
      const source = \`
        const { DatabaseSync, AsyncDatabase } = require(${JSON.stringify(distCjs)});
        const { workerData: { file, rep }, parentPort } = require('node:worker_threads');
        // Keeps the worker alive when a short synchronous query finishes before terminate()
        // arrives: the worker must end by terminate(), never on its own.
        setInterval(() => {}, 1 << 30);
        (async () => {
          const sync = new DatabaseSync(file, { timeout: 60000 });
          sync.exec('BEGIN');
          for (let i = 0; i < 10; i++) sync.prepare('INSERT INTO t VALUES (?, 1)').run(rep);
          sync.exec('COMMIT; BEGIN');
          for (let i = 0; i < 5; i++) sync.prepare('INSERT INTO t VALUES (?, 0)').run(rep);
          const adb = await AsyncDatabase.open(':memory:');
          await adb.exec('CREATE TABLE t(rep, ok)');
          parentPort.postMessage('starting');
          ${body.replace(/`/g, '\\`')}
        })();
      \`;
      for (let rep = 0; rep < ${REPETITIONS}; rep++) {
        const worker = new Worker(source, { eval: true, execArgv: [], workerData: { file, rep } });
        await new Promise((resolve, reject) => { worker.once('message', resolve); worker.once('error', reject); });
        const code = await worker.terminate();
        if (code !== 1) throw new Error('exit code ' + code);
      }
      const counts = new DatabaseSync(file).prepare('SELECT sum(ok = 1) AS committed, sum(ok = 0) AS uncommitted FROM t').get();
      console.log(JSON.stringify({ ...counts }));
    `);
    assert.is(r.status, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout), { committed: REPETITIONS * 10, uncommitted: 0 });
  });
}

test.run();
