// A worker thread of part 5: its own connection to the shared WAL database, inserting
// workerData.rows rows in transactions of workerData.batch. `timeout` makes a writer wait (up to
// 30 s) for the write lock another worker holds instead of failing with SQLITE_BUSY.
import { parentPort, workerData } from 'node:worker_threads';
import { DatabaseSync } from 'sqlite-strand';

const { file, name, rows, batch } = workerData;
const db = new DatabaseSync(file, { timeout: 30_000 });
const insert = db.prepare('INSERT INTO log(worker, n) VALUES (?, ?)');
for (let start = 0; start < rows; start += batch) {
  db.exec('BEGIN IMMEDIATE'); // take the write lock up front: no deadlock between readers turning writers
  for (let n = start; n < Math.min(start + batch, rows); n++) insert.run(name, n);
  db.exec('COMMIT');
}
db.close();
parentPort.postMessage({ name, inserted: rows });
