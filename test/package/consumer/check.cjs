// CommonJS consumer: require() resolves the package's "require" export (dist/index.cjs).
const assert = require('node:assert/strict');
const { Worker } = require('node:worker_threads');
const { join } = require('node:path');
const { DatabaseSync, StatementSync, AsyncDatabase } = require('sqlite-strand');

async function main() {
  const db = new DatabaseSync(':memory:');
  db.exec('CREATE TABLE t(x INTEGER, y TEXT)');
  db.prepare('INSERT INTO t VALUES (?, ?)').run(1, 'one');
  const stmt = db.prepare('SELECT x, y FROM t');
  assert.ok(stmt instanceof StatementSync);
  assert.deepEqual({ ...stmt.get() }, { x: 1, y: 'one' });
  db.close();

  const adb = await AsyncDatabase.open(':memory:');
  const rows = await adb.all('SELECT 40 + 2 AS answer');
  assert.deepEqual(rows.map((r) => ({ ...r })), [{ answer: 42 }]);
  await adb.close();

  const fromWorker = await new Promise((resolve, reject) => {
    const worker = new Worker(join(__dirname, 'worker.cjs'));
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the worker exited (code ${code}) without posting`)));
  });
  assert.deepEqual(fromWorker, { sum: 6 });
  console.log('cjs ok');
}
main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
