// Worker scenario for memcheck: workers terminated while holding open async and sync databases,
// statements, user functions, a half-read iterator (of an aggregate), and while an async
// query runs.
import { Worker } from 'node:worker_threads';

const dist = new URL('../../../dist/index.cjs', import.meta.url).pathname;
const source = `
const { AsyncDatabase, DatabaseSync } = require(${JSON.stringify(dist)});
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
  globalThis.keep = [db, st, it, sync, halfDone];
  const before = db.get('SELECT 0');
  db.get('WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c');
  await before;
  parentPort.postMessage('running');
})();`;
for (let i = 0; i < 3; i++) {
  const worker = new Worker(source, { eval: true, execArgv: [] });
  await new Promise((resolve) => worker.once('message', resolve));
  await worker.terminate();
}
console.log('workers scenario done');
