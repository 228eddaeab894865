// The worker that part 5 terminates. With its own AsyncDatabase it commits workerData.committed
// rows, then opens a transaction, inserts as many more, and starts a query that would run for
// minutes. The main thread calls worker.terminate() during that query: sqlite-strand interrupts
// it on the database thread, rolls the transaction back and closes the connection.
// (A synchronous DatabaseSync query cannot be stopped halfway: V8 can only end a worker between
// JS steps, so terminate() waits for the statement to return — as with node:sqlite.)
import { parentPort, workerData } from 'node:worker_threads';
import { AsyncDatabase } from 'sqlite-strand';

const { file, committed } = workerData;
const db = await AsyncDatabase.open(file, { timeout: 30_000 });
const insert = await db.prepare("INSERT INTO log(worker, n) VALUES ('stuck', ?)");
const rows = (from) => Array.from({ length: committed }, (_, i) => from + i);

await db.transaction(async (tx) => {
  await Promise.all(rows(0).map((n) => tx.statement(insert).run(n)));
}); // committed

await db.transaction(async (tx) => {
  await Promise.all(rows(committed).map((n) => tx.statement(insert).run(n)));
  parentPort.postMessage('querying');
  // Counts to a billion: minutes of work, unless interrupted.
  await tx.get('WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1e9) SELECT count(*) FROM c');
}); // never gets here: the worker is terminated first
