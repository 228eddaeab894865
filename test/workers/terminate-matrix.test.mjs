// worker.terminate() in the middle of every kind of operation, 50 times each: the worker exits
// with code 1, the process does not crash, committed rows are all there, and the transaction the
// worker had open is rolled back. One child process per surface.
//
// Each repetition proves that terminate() landed while the operation was in progress, and that
// the operation never completed (the worker posts 'completed' right after it; that message must
// never arrive). Two ways to know the operation is in progress:
//   - 'gate': the operation reads two attached databases, gate_a then gate_b (SQLite locks them
//     in that order when the statement starts), while the parent holds an exclusive lock on
//     gate_b. So it holds a read lock on gate_a and waits, inside SQLite's busy handler, for
//     gate_b; the parent sees the read lock on gate_a (its own exclusive attempt is refused)
//     and only then terminates. It releases gate_b after calling terminate(), so a synchronous
//     operation, which V8 cannot stop, can finish — but the worker's JS functions never run again.
//   - 'posted': the operation calls JS per row (a user function, an aggregate, the body of a
//     for-await loop), which posts 'started' on its first call; it reads an endless CTE, so only
//     terminate() can end it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runChild, distCjs, helpersUrl, tempDir } from '../helpers.mjs';

const REPETITIONS = 50;
// Held by the gate (see above): waits for gate_b's lock, then returns one row.
const GATED = 'SELECT count(*) AS n FROM gate_a.g, gate_b.g';
// Rows 1, 2, 3, ... for ever: an operation over them ends only by terminate().
const ENDLESS_ROWS = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c';

// Each body runs in the worker after `setup` committed 10 rows (ok = 1) and left 5 more in an
// open transaction (ok = 0), and the parent said 'go'. `started()` posts 'started' once.
const surfaces = {
  'sync get': ['gate', `sync.prepare(${JSON.stringify(GATED)}).get();`],
  'sync all': ['gate', `sync.prepare(${JSON.stringify(GATED)}).all();`],
  'sync run': ['gate', `sync.prepare(${JSON.stringify(GATED)}).run();`],
  'sync exec': ['gate', `sync.exec(${JSON.stringify(GATED)});`],
  'sync iterate': ['gate', `for (const row of sync.prepare(${JSON.stringify(GATED)}).iterate()) void row;`],
  'sync user function': ['posted', `sync.function('spin', (x) => { started(); return x; }); sync.prepare(${JSON.stringify(`SELECT count(spin(x)) AS n FROM (${ENDLESS_ROWS})`)}).get();`],
  'sync aggregate': ['posted', `sync.aggregate('slow_sum', { start: () => ({ n: 0 }), step: (acc, x) => { started(); acc.n += x; return acc; }, result: (acc) => acc.n }); sync.prepare(${JSON.stringify(`SELECT slow_sum(x) AS n FROM (${ENDLESS_ROWS})`)}).get();`],
  'async all': ['gate', `await adb.all(${JSON.stringify(GATED)});`],
  'async iterate mid-stream': ['posted', `for await (const row of adb.iterate(${JSON.stringify(ENDLESS_ROWS)})) started();`],
  'async user function': ['posted', `await adb.function('spin', (x) => { started(); return x; }); await adb.get(${JSON.stringify(`SELECT count(spin(x)) AS n FROM (${ENDLESS_ROWS})`)});`],
  'async open transaction': ['gate', `await adb.transaction(async (tx) => { await tx.run('INSERT INTO t VALUES (?, 0)', rep); await tx.get(${JSON.stringify(GATED)}); });`],
};

for (const [name, [signal, body]] of Object.entries(surfaces)) {
  test(`terminate() during ${name}, ${REPETITIONS} times`, () => {
    const tmp = tempDir('strand-terminate-');
    const r = runChild(`
      import { Worker } from 'node:worker_threads';
      import { join } from 'node:path';
      import { createRequire } from 'node:module';
      import { watchWorker } from ${JSON.stringify(helpersUrl)};
      const { DatabaseSync } = createRequire(import.meta.url)(${JSON.stringify(distCjs)});
      const dir = ${JSON.stringify(tmp.dir)};
      const file = join(dir, 'db.db');
      const gateA = join(dir, 'gate-a.db');
      const gateB = join(dir, 'gate-b.db');
      const setup = new DatabaseSync(file);
      setup.exec('PRAGMA journal_mode = WAL; CREATE TABLE t(rep, ok)');
      setup.close();
      for (const gate of [gateA, gateB]) {
        const db = new DatabaseSync(gate); // rollback journal: a reader's lock is visible to writers
        db.exec('CREATE TABLE g(x); INSERT INTO g VALUES (1)');
        db.close();
      }
      const source = \`
        const { DatabaseSync, AsyncDatabase } = require(${JSON.stringify(distCjs)});
        const { workerData: { file, gateA, gateB, rep }, parentPort } = require('node:worker_threads');
        // The worker must end by terminate(), never on its own.
        setInterval(() => {}, 1 << 30);
        let told = false;
        const started = () => { if (!told) { told = true; parentPort.postMessage('started'); } };
        // A function, not a bare postMessage: V8 acts on terminate() at a function's entry (or a
        // loop's back edge), so the C++ postMessage called straight after a synchronous native
        // call returned could still run (measured: it does, after run() and exec()).
        function markCompleted() { parentPort.postMessage('completed'); }
        (async () => {
          const sync = new DatabaseSync(file, { timeout: 60000 });
          sync.prepare('ATTACH ? AS gate_a').run(gateA);
          sync.prepare('ATTACH ? AS gate_b').run(gateB);
          sync.exec('BEGIN');
          for (let i = 0; i < 10; i++) sync.prepare('INSERT INTO t VALUES (?, 1)').run(rep);
          sync.exec('COMMIT; BEGIN');
          for (let i = 0; i < 5; i++) sync.prepare('INSERT INTO t VALUES (?, 0)').run(rep);
          const adb = await AsyncDatabase.open(':memory:', { timeout: 60000 });
          await adb.exec('CREATE TABLE t(rep, ok)');
          await adb.run('ATTACH ? AS gate_a', gateA);
          await adb.run('ATTACH ? AS gate_b', gateB);
          // The parent locks gate_b before it says 'go'.
          await new Promise((resolve) => { parentPort.once('message', resolve); parentPort.postMessage('ready'); });
          ${body.replace(/`/g, '\\`')}
          markCompleted();
        })();
      \`;
      // Whether some connection holds a read lock on gateA (an exclusive lock is refused).
      const probe = new DatabaseSync(gateA, { timeout: 0 });
      const gateAIsRead = () => {
        try {
          probe.exec('BEGIN EXCLUSIVE');
          probe.exec('ROLLBACK');
          return false;
        } catch (error) {
          if (error.errcode !== 5) throw error;
          return true;
        }
      };
      for (let rep = 0; rep < ${REPETITIONS}; rep++) {
        const worker = watchWorker(new Worker(source, { eval: true, execArgv: [], workerData: { file, gateA, gateB, rep } }));
        if ((await worker.message()) !== 'ready') throw new Error('unexpected message');
        const holder = new DatabaseSync(gateB);
        holder.exec('BEGIN EXCLUSIVE');
        worker.worker.postMessage('go');
        if (${JSON.stringify(signal)} === 'gate') {
          // Polls between turns of the event loop until the operation holds gate_a.
          while (!gateAIsRead()) {
            if (worker.exitCode !== undefined) throw worker.error ?? new Error('the worker exited early');
            if (worker.messages.includes('completed')) throw new Error('rep ' + rep + ': the operation completed before it was seen running');
            await new Promise((resolve) => setImmediate(resolve));
          }
        } else if ((await worker.message()) !== 'started') {
          throw new Error('unexpected message');
        }
        const exited = worker.terminate();
        holder.exec('ROLLBACK');
        holder.close();
        const code = await exited;
        if (code !== 1) throw worker.error ?? new Error('exit code ' + code);
        const expected = ${JSON.stringify(signal)} === 'gate' ? ['ready'] : ['ready', 'started'];
        if (JSON.stringify(worker.messages) !== JSON.stringify(expected)) {
          throw new Error('rep ' + rep + ': the operation was not cut short: ' + JSON.stringify(worker.messages));
        }
      }
      probe.close();
      const check = new DatabaseSync(file);
      const counts = check.prepare('SELECT sum(ok = 1) AS committed, sum(ok = 0) AS uncommitted FROM t').get();
      check.close();
      console.log(JSON.stringify({ ...counts }));
    `);
    tmp.remove();
    assert.is(r.status, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout), { committed: REPETITIONS * 10, uncommitted: 0 });
  });
}

test.run();
