// worker.terminate() while a large backup runs in the worker, 50 times: the module-level
// backup() from a file and from a :memory: database (its own thread, backup_job.h), and
// AsyncDatabase#backup (a job on the database thread). Every worker is terminated while its
// backup is provably in progress and unable to finish, and the backup's completion marker must
// never arrive; the process must not crash, each worker exits with code 1, and the source file
// is byte-for-byte unchanged. One child process.
//
// How each backup is held in progress until terminate() (the worker posts 'started' then):
//   file source      its progress callback (the copy runs in lockstep with it: backup_job.h
//                    rule 2) takes an exclusive lock on the source, so after that first step the
//                    backup thread retries its next one for ever, mid-copy;
//   :memory: source  its progress callback blocks (Atomics.wait), and the lockstep copy waits;
//   AsyncDatabase    the worker locks the source first, so the job's first step waits in the
//                    busy handler — seen through the native test counter busyWaits.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createRequire } from 'node:module';
import { runChild, distCjs, helpersUrl, projectRoot, tempDir } from '../helpers.mjs';

const REPETITIONS = 50;
const nodeGypBuild = createRequire(import.meta.url).resolve('node-gyp-build');

test(`terminate() during a backup, ${REPETITIONS} times (file, :memory:, AsyncDatabase)`, () => {
  const tmp = tempDir('strand-backup-terminate-');
  const r = runChild(`
    import { Worker } from 'node:worker_threads';
    import { readFileSync } from 'node:fs';
    import { createHash } from 'node:crypto';
    import { join } from 'node:path';
    import { createRequire } from 'node:module';
    import { watchWorker } from ${JSON.stringify(helpersUrl)};
    const { DatabaseSync } = createRequire(import.meta.url)(${JSON.stringify(distCjs)});
    const dir = ${JSON.stringify(tmp.dir)};
    const file = join(dir, 'src.db');
    const setup = new DatabaseSync(file);
    setup.exec(\`CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB);
      INSERT INTO t(v) SELECT randomblob(1000) FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 4000) SELECT x FROM c)\`);
    setup.close();
    const hash = () => createHash('sha256').update(readFileSync(file)).digest('hex');
    const before = hash();
    const source = \`
      const { DatabaseSync, AsyncDatabase, backup } = require(${JSON.stringify(distCjs)});
      const binding = require(${JSON.stringify(nodeGypBuild)})(${JSON.stringify(projectRoot)});
      const { workerData: { file, dest, kind }, parentPort } = require('node:worker_threads');
      // The worker must end by terminate(), never on its own.
      setInterval(() => {}, 1 << 30);
      const started = () => parentPort.postMessage('started');
      // A function, not a bare postMessage: V8 acts on terminate() at a function's entry.
      function markFinished() { parentPort.postMessage('finished'); }
      const locker = new DatabaseSync(file, { timeout: 600000 });
      (async () => {
        if (kind === 0) {
          let first = true;
          const progress = () => {
            if (!first) return;
            first = false;
            locker.exec('BEGIN EXCLUSIVE'); // every later step finds the source locked
            started();
          };
          await backup(new DatabaseSync(file, { readOnly: true }), dest, { rate: 1, progress });
        } else if (kind === 1) {
          const mem = new DatabaseSync(':memory:');
          mem.exec("ATTACH DATABASE '" + file + "' AS s; CREATE TABLE t AS SELECT * FROM s.t; DETACH DATABASE s");
          const progress = () => {
            started();
            Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); // until terminate()
          };
          await backup(mem, dest, { rate: 1, progress });
        } else {
          const adb = await AsyncDatabase.open(file, { readOnly: true, timeout: 600000 });
          await adb.get('SELECT count(*) FROM t'); // schema loaded while the file is unlocked
          locker.exec('BEGIN EXCLUSIVE');
          const busyBefore = binding.testCounters().busyWaits;
          let done = false;
          const copy = adb.backup(dest, { rate: 1 }).finally(() => { done = true; });
          while (binding.testCounters().busyWaits === busyBefore && !done) await new Promise((resolve) => setImmediate(resolve));
          if (!done) started(); // the job's first step waits for the lock
          await copy;
        }
        markFinished();
      })();
    \`;
    const outcomes = [];
    for (let rep = 0; rep < ${REPETITIONS}; rep++) {
      const worker = watchWorker(new Worker(source, { eval: true, execArgv: [], workerData: { file, dest: join(dir, 'copy' + rep + '.db'), kind: rep % 3 } }));
      const first = await worker.message();
      const code = await worker.terminate();
      if (worker.error) throw worker.error;
      outcomes.push(JSON.stringify(worker.messages) + ':' + code);
    }
    console.log(JSON.stringify({ outcomes: [...new Set(outcomes)], intact: hash() === before }));
  `);
  tmp.remove();
  assert.is(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout), { outcomes: ['["started"]:1'], intact: true });
});

test.run();
