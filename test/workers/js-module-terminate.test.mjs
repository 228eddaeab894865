// A worker terminated while SQLite is inside a JS virtual table's rows() (createModule): the
// step is unwound by the termination, the module's references are released at env teardown
// (Addon destructor → close → xDestroy) and nothing crashes. Also a worker that ends holding an
// open cursor on a JS virtual table and several registered modules. In a child process, so a
// crash fails this test rather than the runner.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runChild, distCjs, helpersUrl, tempDir } from '../helpers.mjs';

test('terminating a worker inside a JS virtual table mid-query does not crash or keep locks', () => {
  const tmp = tempDir('strand-vtab-');
  const r = runChild(`
    import { Worker } from 'node:worker_threads';
    import { join } from 'node:path';
    import { createRequire } from 'node:module';
    import { watchWorker } from ${JSON.stringify(helpersUrl)};
    const { DatabaseSync } = createRequire(import.meta.url)(${JSON.stringify(distCjs)});
    const file = join(${JSON.stringify(tmp.dir)}, 'vtab.db');
    new DatabaseSync(file).exec('CREATE TABLE t(x)');
    const source = \`
      const { DatabaseSync } = require(${JSON.stringify(distCjs)});
      const { workerData, parentPort } = require('node:worker_threads');
      const db = new DatabaseSync(workerData.file);
      db.createModule('forever', {
        columns: [{ name: 'n', type: 'INTEGER' }, { name: 'start', type: 'INTEGER', hidden: true }],
        *rows(start) {
          parentPort.postMessage('inside');
          for (let i = start; ; i++) yield [i];
        },
      });
      db.createModule('other', { columns: [{ name: 'x', type: 'ANY' }], rows: () => [[1], [2]] });
      globalThis.keep = db.prepare('SELECT * FROM other').iterate();
      globalThis.keep.next();
      db.exec('BEGIN IMMEDIATE');
      db.prepare('INSERT INTO t VALUES (?)').run(workerData.i);
      if (workerData.mode === 'all') db.prepare('SELECT n FROM forever(1)').all();
      else if (workerData.mode === 'exec') db.exec('INSERT INTO t SELECT n FROM forever(1)');
      else for (const row of db.prepare('SELECT n FROM forever(?)').iterate(1)) {}
    \`;
    const modes = ['all', 'exec', 'iterate'];
    for (let i = 0; i < 30; i++) {
      const worker = watchWorker(new Worker(source, { eval: true, execArgv: [], workerData: { file, i, mode: modes[i % 3] } }));
      if ((await worker.message()) !== 'inside') throw new Error('unexpected message');
      const code = await worker.terminate();
      if (code !== 1) throw new Error('unexpected exit code ' + code);
    }
    // Every worker's transaction was rolled back and its locks released.
    const db = new DatabaseSync(file);
    db.exec('BEGIN IMMEDIATE; INSERT INTO t VALUES (-1); COMMIT');
    console.log(JSON.stringify(db.prepare('SELECT count(*) AS n FROM t').get()));
    db.close();
  `);
  tmp.remove();
  assert.is(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout), { n: 1 });
});

test.run();
