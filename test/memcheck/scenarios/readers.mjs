// Reader-pool scenario for memcheck (a writer plus N reader connections, each on its own thread:
// src/ts/async/reader-pool.ts): workers holding a `readers: 2` pool terminated mid-query on both
// readers and mid-write on the writer; a pool dropped unclosed, with a statement prepared on a
// reader and a half-read cursor there, collected by GC; and the process ending with a pool whose
// reader runs a query. Small on purpose: everything runs under valgrind.
import { Worker } from 'node:worker_threads';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { callCounter, helpersUrl, settle, watchWorker } from '../../helpers.mjs';
import { AsyncDatabase, DatabaseSync } from '../../../dist/index.js';

// gc() for the dropped pool: exposed here, since run.mjs starts node without flags.
v8.setFlagsFromString('--expose-gc');
globalThis.gc ??= vm.runInNewContext('gc');

const dist = new URL('../../../dist/index.cjs', import.meta.url).pathname;
// Endless from its first row, which started() gives: only an interrupt or teardown stops it.
const ENDLESS_COUNT = 'SELECT count(*) AS n FROM (WITH RECURSIVE c(x) AS (SELECT started() UNION ALL SELECT x + 1 FROM c) SELECT x FROM c)';
const threads = () => readdirSync('/proc/self/task').length;

const dir = mkdtempSync(join(tmpdir(), 'strand-memcheck-readers-'));
const file = join(dir, 'pool.db');
const setup = new DatabaseSync(file);
setup.exec('PRAGMA journal_mode = WAL; CREATE TABLE t(x); INSERT INTO t VALUES (1), (2), (3)');
setup.close();

// Opens a pool, registers started() (helpers.mjs callCounter, passed in: this function is also
// copied into the workers' source); running(k) resolves once k queries called it.
async function poolWithStarted(AsyncDatabaseClass, callCounterOf, readers) {
  const db = await AsyncDatabaseClass.open(file, { readers });
  const { fn, reached } = callCounterOf();
  await db.function('started', fn);
  return { db, running: reached };
}

const source = `
const { AsyncDatabase } = require(${JSON.stringify(dist)});
const { parentPort, workerData: { file, where } } = require('node:worker_threads');
${poolWithStarted.toString()}
(async () => {
  const { callCounter } = await import(${JSON.stringify(helpersUrl)});
  const { db, running } = await poolWithStarted(AsyncDatabase, callCounter, 2);
  const stmt = await db.prepare('SELECT x FROM t WHERE x > ?');
  await Promise.all([stmt.all(0), stmt.all(1)]); // prepared on both readers
  if (where === 'readers') {
    db.get(${JSON.stringify(ENDLESS_COUNT)}).catch(() => {});
    db.get(${JSON.stringify(ENDLESS_COUNT)}).catch(() => {});
    await running(2); // both readers at once
  } else {
    db.run(${JSON.stringify(`INSERT INTO t SELECT n FROM (${ENDLESS_COUNT})`)}).catch(() => {});
    await running(1);
  }
  globalThis.keep = [db, stmt];
  parentPort.postMessage('running');
})();`;

try {
  for (const where of ['readers', 'readers', 'writer']) {
    // Watched from creation: a worker that fails before 'running' fails the scenario.
    const worker = watchWorker(new Worker(source, { eval: true, execArgv: [], workerData: { file, where } }));
    if ((await worker.message()) !== 'running') throw new Error('unexpected message');
    const code = await worker.terminate();
    if (code !== 1) throw new Error('exit code ' + code);
  }

  const baseline = threads();
  await (async () => {
    const db = await AsyncDatabase.open(file, { readers: 2 });
    const stmt = await db.prepare('SELECT x FROM t');
    await Promise.all([stmt.all(), stmt.all()]);
    const cursor = db.iterate('SELECT x FROM t');
    await cursor.next();
  })();
  if (!(await settle(() => threads() === baseline, { gc: true }))) throw new Error('the dropped pool was not collected');

  // Left open with a query running on a reader: the process ends, env teardown stops it.
  const { db, running } = await poolWithStarted(AsyncDatabase, callCounter, 2);
  db.get(ENDLESS_COUNT).catch(() => {});
  await running(1);
  globalThis.keep = db;
  console.log('readers scenario done');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exit(0);
