// Worker scenario for memcheck: workers terminated while holding open async and sync databases,
// statements, user functions, a half-read iterator (of an aggregate), a session, an authorizer, a
// JS virtual table mid-scan and a backup mid-copy, and while an async query runs.
import { Worker } from 'node:worker_threads';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { watchWorker } from '../../helpers.mjs';

const dist = new URL('../../../dist/index.cjs', import.meta.url).pathname;
const source = `
const { AsyncDatabase, DatabaseSync, backup } = require(${JSON.stringify(dist)});
const { parentPort } = require('node:worker_threads');
(async () => {
  const db = await AsyncDatabase.open(':memory:');
  await db.exec('CREATE TABLE t(a); INSERT INTO t VALUES (1), (2)');
  const st = await db.prepare('SELECT * FROM t');
  const it = st.iterate();
  await it.next();
  const sync = new DatabaseSync(':memory:');
  sync.prepare('SELECT 1').get();
  // User functions and an aggregate with a live accumulator, freed by the connection at teardown.
  sync.function('twice', (x) => x * 2);
  sync.aggregate('collect', { start: () => [], step: (acc, x) => (acc.push(x), acc), result: (acc) => acc.length });
  sync.prepare('SELECT twice(2) AS a, collect(x) AS b FROM (SELECT 1 AS x UNION ALL SELECT 2)').get();
  const halfDone = sync.prepare('SELECT g, collect(x) AS n FROM (SELECT 1 AS x, 1 AS g UNION ALL SELECT 2, 2 UNION ALL SELECT 3, 2) GROUP BY g').iterate();
  halfDone.next();
  // A session with recorded changes, an authorizer, a JS virtual table mid-scan, and a backup
  // thread mid-copy: all owned by the env that ends.
  sync.exec('CREATE TABLE s(id INTEGER PRIMARY KEY, v)');
  const session = sync.createSession();
  sync.prepare('INSERT INTO s(v) VALUES (?)').run('recorded');
  sync.setAuthorizer(() => 0);
  sync.createModule('numbers', { columns: [{ name: 'n', type: 'INTEGER' }], rows: function* () { for (let n = 0; ; n++) yield [n]; } });
  const scan = sync.prepare('SELECT n FROM numbers').iterate();
  scan.next();
  sync.exec("CREATE TABLE big(b); WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000) INSERT INTO big SELECT randomblob(512) FROM c");
  await new Promise((resolve) => {
    backup(sync, require('node:path').join(require('node:worker_threads').workerData, 'copy.db'), { rate: 1, progress: resolve }).catch(() => {});
  });
  globalThis.keep = [db, st, it, sync, halfDone, session, scan];
  // A second async database whose thread is (most likely) waiting inside a JS function call
  // when the worker is terminated.
  const calling = await AsyncDatabase.open(':memory:');
  await calling.function('echo', (x) => x);
  await calling.aggregate('total', { start: 0, step: (acc, x) => acc + x });
  await calling.get('SELECT total(echo(x)) FROM (SELECT 1 AS x UNION ALL SELECT 2)');
  calling.get('WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(echo(x)) FROM c').catch(() => {});
  globalThis.keepCalling = calling;
  const before = db.get('SELECT 0');
  db.get('WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c');
  await before;
  parentPort.postMessage('running');
})();`;
for (let i = 0; i < 3; i++) {
  const dir = mkdtempSync(join(tmpdir(), 'strand-memcheck-'));
  // Watched from creation: a worker that fails before 'running' rejects message() (and so
  // fails the scenario) instead of leaving it waiting for ever.
  const worker = watchWorker(new Worker(source, { eval: true, execArgv: [], workerData: dir }));
  try {
    if ((await worker.message()) !== 'running') throw new Error('unexpected message');
    const code = await worker.terminate();
    if (code !== 1) throw new Error('exit code ' + code);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
console.log('workers scenario done');
