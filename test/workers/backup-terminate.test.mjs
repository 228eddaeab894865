// worker.terminate() while a large backup runs in the worker, 50 times: the module-level
// backup() from a file and from a :memory: database (its own thread, backup_job.h), and
// AsyncDatabase#backup (a job on the database thread). Every worker is terminated mid-copy (it
// reports its first progress call first); the process must not crash, each worker exits with
// code 1, and the source file is byte-for-byte unchanged. One child process.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runChild, distCjs } from '../helpers.mjs';

const REPETITIONS = 50;

test(`terminate() during a backup, ${REPETITIONS} times (file, :memory:, AsyncDatabase)`, () => {
  const r = runChild(`
    import { Worker } from 'node:worker_threads';
    import { mkdtempSync, readFileSync } from 'node:fs';
    import { createHash } from 'node:crypto';
    import { tmpdir } from 'node:os';
    import { join } from 'node:path';
    import { createRequire } from 'node:module';
    const { DatabaseSync } = createRequire(import.meta.url)(${JSON.stringify(distCjs)});
    const dir = mkdtempSync(join(tmpdir(), 'strand-backup-terminate-'));
    const file = join(dir, 'src.db');
    const setup = new DatabaseSync(file);
    setup.exec(\`CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB);
      INSERT INTO t(v) SELECT randomblob(1000) FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 4000) SELECT x FROM c)\`);
    setup.close();
    const hash = () => createHash('sha256').update(readFileSync(file)).digest('hex');
    const before = hash();
    const source = \`
      const { DatabaseSync, AsyncDatabase, backup } = require(${JSON.stringify(distCjs)});
      const { workerData: { file, dest, kind }, parentPort } = require('node:worker_threads');
      // The worker must end by terminate(), never on its own.
      setInterval(() => {}, 1 << 30);
      let told = false;
      const progress = () => { if (!told) { told = true; parentPort.postMessage('copying'); } };
      (async () => {
        if (kind === 0) {
          await backup(new DatabaseSync(file, { readOnly: true }), dest, { rate: 1, progress });
        } else if (kind === 1) {
          const mem = new DatabaseSync(':memory:');
          mem.exec("ATTACH DATABASE '" + file + "' AS s; CREATE TABLE t AS SELECT * FROM s.t; DETACH DATABASE s");
          await backup(mem, dest, { rate: 1, progress });
        } else {
          const adb = await AsyncDatabase.open(file, { readOnly: true });
          await adb.backup(dest, { rate: 1, progress });
        }
        parentPort.postMessage('finished');
      })();
    \`;
    const outcomes = [];
    for (let rep = 0; rep < ${REPETITIONS}; rep++) {
      const worker = new Worker(source, { eval: true, execArgv: [], workerData: { file, dest: join(dir, 'copy' + rep + '.db'), kind: rep % 3 } });
      const first = await new Promise((resolve, reject) => { worker.once('message', resolve); worker.once('error', reject); });
      const code = await worker.terminate();
      outcomes.push(first + ':' + code);
    }
    console.log(JSON.stringify({ outcomes: [...new Set(outcomes)], intact: hash() === before }));
  `);
  assert.is(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout), { outcomes: ['copying:1'], intact: true });
});

test.run();
