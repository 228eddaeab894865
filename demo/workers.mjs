// Part 5: worker threads sharing one WAL database. Four workers insert concurrently, each with
// its own DatabaseSync; the main thread watches the row count through an AsyncDatabase while they
// write (WAL lets readers run alongside the writer). Then a worker is terminated in the middle
// of an AsyncDatabase query, with a write transaction open: its committed rows stay, the rest is
// rolled back, and the database is immediately writable again.
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { AsyncDatabase, DatabaseSync } from 'sqlite-strand';
import { heading, note, result, check, progressBar, int, ms } from './ui.mjs';

const WORKERS = 4;
const ROWS_PER_WORKER = 25_000;
const BATCH = 500;
const STUCK_COMMITTED = 1_000;

function startWorker(script, workerData) {
  const worker = new Worker(new URL(script, import.meta.url), { workerData });
  const exited = new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.once('exit', resolve);
  });
  return { worker, exited };
}

export async function workers({ path }) {
  heading('Worker threads sharing a WAL database');
  const file = path('shared-wal.db');
  const setup = new DatabaseSync(file);
  setup.exec('PRAGMA journal_mode = WAL; CREATE TABLE log(worker TEXT NOT NULL, n INTEGER NOT NULL)');
  setup.close();

  note(`${WORKERS} workers × ${int(ROWS_PER_WORKER)} rows (transactions of ${BATCH}), each with its own connection;`);
  note('the main thread reads count(*) through an AsyncDatabase meanwhile.');
  const reader = await AsyncDatabase.open(file, { timeout: 30_000 });
  const total = WORKERS * ROWS_PER_WORKER;
  const t0 = performance.now();
  const running = Array.from({ length: WORKERS }, (_, w) =>
    startWorker('./writer-worker.mjs', { file, name: `worker${w + 1}`, rows: ROWS_PER_WORKER, batch: BATCH }),
  );
  let finished = false;
  const allExited = Promise.all(running.map((r) => r.exited)).finally(() => (finished = true));
  const bar = progressBar('rows', total);
  let reads = 0;
  let seen = 0;
  while (!finished) {
    seen = (await reader.get('SELECT count(*) AS n FROM log')).n;
    reads += 1;
    bar.update(seen, `${int(seen)} rows seen by the main thread`);
    await Promise.race([allExited, sleep(20)]);
  }
  const codes = await allExited;
  const time = performance.now() - t0;
  const perWorker = await reader.all('SELECT worker, count(*) AS n FROM log GROUP BY worker ORDER BY worker');
  const counted = (await reader.get('SELECT count(*) AS n FROM log')).n;
  bar.update(counted, `${int(counted)} rows`);
  bar.done();
  result('time', `${ms(time)} (${int(total / (time / 1000))} rows/s across ${WORKERS} workers)`);
  result('count(*) reads by the main thread', `${reads} while the workers wrote`);
  result('rows per worker', perWorker.map((r) => `${r.worker}: ${int(r.n)}`).join(', '));
  check('every worker exited with code 0', codes.every((code) => code === 0));
  check(`total is ${int(counted)} = ${WORKERS} × ${int(ROWS_PER_WORKER)}`, counted === total);

  // terminate() in the middle of a worker's query.
  console.log();
  note(`A worker (with an AsyncDatabase) commits ${int(STUCK_COMMITTED)} rows, inserts ${int(STUCK_COMMITTED)} more in an open`);
  note('transaction, then runs a query that would take minutes; the main thread calls worker.terminate().');
  const stuck = startWorker('./stuck-worker.mjs', { file, committed: STUCK_COMMITTED });
  await once(stuck.worker, 'message'); // 'querying': the query starts right after this message
  await sleep(200); // let it get well into the query (illustration only; any moment works)
  const t1 = performance.now();
  const exitCode = await stuck.worker.terminate();
  result('worker.terminate() resolved', `exit code ${exitCode}, after ${ms(performance.now() - t1)}`);
  const kept = (await reader.get("SELECT count(*) AS n FROM log WHERE worker = 'stuck'")).n;
  await reader.close();

  // The terminated connection's write lock is gone: a writer that refuses to wait (timeout 0)
  // gets it at once.
  const writer = new DatabaseSync(file, { timeout: 0 });
  writer.exec("INSERT INTO log(worker, n) VALUES ('main', 0)");
  const integrity = writer.prepare('PRAGMA integrity_check').get().integrity_check;
  writer.close();
  check(`the committed rows are intact (${int(kept)}), the open transaction was rolled back`, kept === STUCK_COMMITTED);
  check('the write lock was released: a write with timeout 0 succeeds', true);
  check(`PRAGMA integrity_check: ${integrity}`, integrity === 'ok');
}
