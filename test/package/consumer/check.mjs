// ES module consumer: import resolves the package's "import" export (dist/index.js).
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { DatabaseSync, AsyncDatabase } from 'sqlite-strand';

const db = new DatabaseSync(':memory:');
assert.deepEqual({ ...db.prepare('SELECT sqlite_version() IS NOT NULL AS ok').get() }, { ok: 1 });
db.close();

const adb = await AsyncDatabase.open(':memory:');
await adb.exec('CREATE TABLE t(x)');
await adb.run('INSERT INTO t VALUES (?), (?)', 2, 3);
assert.deepEqual({ ...(await adb.get('SELECT sum(x) AS s FROM t')) }, { s: 5 });
await adb.close();

const fromWorker = await new Promise((resolve, reject) => {
  const worker = new Worker(new URL('./worker.cjs', import.meta.url));
  worker.once('message', resolve);
  worker.once('error', reject);
  worker.once('exit', (code) => reject(new Error(`the worker exited (code ${code}) without posting`)));
});
assert.deepEqual(fromWorker, { sum: 6 });
console.log('esm ok');
