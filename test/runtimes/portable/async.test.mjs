// Portable suite (Node, Bun, Deno — test/runtimes/README.md): AsyncDatabase, whose jobs run on a
// native thread of its own and come back through a thread-safe function — the part of Node-API
// where runtimes differ most.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AbortError, AsyncDatabase } from '../../../dist/index.js';
import { rejection, tempDir } from '../../helpers.mjs';

// Rows 1, 2, 3, ... for ever: reading them ends only by a break, an abort or an interrupt.
const ENDLESS_ROWS = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c';

async function items() {
  const db = await AsyncDatabase.open(':memory:');
  await db.exec('CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL)');
  for (const name of ['apple', 'pear', 'plum']) await db.run('INSERT INTO items(name) VALUES (?)', name);
  return db;
}

test('open / run / get / all / prepare, in call order', async () => {
  const db = await items();
  assert.equal(await db.run('INSERT INTO items(name) VALUES (?)', 'fig'), { changes: 1, lastInsertRowid: 4 });
  const row = await db.get('SELECT * FROM items WHERE name = $name', { name: 'fig' });
  assert.is(Object.getPrototypeOf(row), null);
  assert.equal({ ...row }, { id: 4, name: 'fig' });
  // Issued together, settled in call order, as on one connection.
  const [deleted, left] = await Promise.all([db.run("DELETE FROM items WHERE name = 'pear'"), db.all('SELECT name FROM items ORDER BY id')]);
  assert.is(deleted.changes, 1);
  assert.equal(left.map((r) => r.name), ['apple', 'plum', 'fig']);
  const byId = await db.prepare('SELECT name FROM items WHERE id = ?');
  assert.equal((await Promise.all([1, 3, 4].map((id) => byId.get(id)))).map((r) => r.name), ['apple', 'plum', 'fig']);
  await byId.finalize();
  const error = await rejection(db.run("INSERT INTO items(name) VALUES ('apple')"));
  assert.equal({ code: error.code, errcode: error.errcode, message: error.message }, { code: 'ERR_SQLITE_ERROR', errcode: 2067, message: 'UNIQUE constraint failed: items.name' });
  await db.close();
  assert.is((await rejection(db.get('SELECT 1'))).code, 'ERR_INVALID_STATE');
});

test('for await streams: an endless query yields rows in batches, break resets it', async () => {
  const db = await AsyncDatabase.open(':memory:');
  let n = 0;
  // Were rows collected before being handed out, this would never end.
  for await (const row of db.with({ batchSize: 64 }).iterate(ENDLESS_ROWS)) {
    assert.is(row.x, ++n);
    if (n === 1000) break;
  }
  assert.is(n, 1000);
  // The statement was reset on the database thread: the connection is free for the next job.
  assert.equal({ ...(await db.get('SELECT 42 AS answer')) }, { answer: 42 });
  await db.exec('CREATE TABLE t(x)');
  await db.close();
});

test('user functions run on the JS thread; their errors reject the statement unchanged', async () => {
  const db = await items();
  await db.function('shout', (text) => `${text.toUpperCase()}!`);
  assert.equal((await db.all('SELECT shout(name) AS s FROM items ORDER BY id')).map((r) => r.s), ['APPLE!', 'PEAR!', 'PLUM!']);
  const boom = new RangeError('from the function');
  await db.function('boom', () => {
    throw boom;
  });
  assert.is(await rejection(db.get('SELECT boom()')), boom);
  await db.close();
});

test('AbortSignal: an aborted query rejects with AbortError (ABORT_ERR) and the database goes on', async () => {
  const db = await AsyncDatabase.open(':memory:');
  let started;
  const running = new Promise((resolve) => (started = resolve));
  await db.function('started', () => (started(), 1));
  const controller = new AbortController();
  const query = db.with({ signal: controller.signal }).get(`SELECT count(*) FROM (${ENDLESS_ROWS}) WHERE started()`);
  await running; // the query is on the database thread, reading rows for ever
  controller.abort();
  const error = await rejection(query);
  assert.instance(error, AbortError);
  assert.equal({ name: error.name, code: error.code }, { name: 'AbortError', code: 'ABORT_ERR' });
  // An already aborted signal rejects without running anything.
  const early = await rejection(db.with({ signal: AbortSignal.abort() }).all('SELECT 1'));
  assert.is(early.code, 'ABORT_ERR');
  assert.equal({ ...(await db.get('SELECT 7 AS x')) }, { x: 7 });
  await db.close();
});

test('transactions: COMMIT, ROLLBACK when the function throws, nested savepoints', async () => {
  const tmp = tempDir('strand-portable-tx-');
  try {
    const db = await AsyncDatabase.open(tmp.path('tx.db'));
    await db.exec('PRAGMA journal_mode = WAL; CREATE TABLE t(x)');
    await db.transaction(async (tx) => {
      await tx.run('INSERT INTO t VALUES (1)');
      await tx.run('INSERT INTO t VALUES (2)');
    });
    const failure = new Error('undo');
    const error = await rejection(
      db.transaction(async (tx) => {
        await tx.run('INSERT INTO t VALUES (3)');
        throw failure;
      }),
    );
    assert.is(error, failure);
    await db.transaction(async (tx) => {
      await tx.run('INSERT INTO t VALUES (4)');
      await rejection(
        tx.transaction(async (inner) => {
          await inner.run('INSERT INTO t VALUES (5)');
          throw failure;
        }),
      );
    });
    assert.equal((await db.all('SELECT x FROM t ORDER BY x')).map((r) => r.x), [1, 2, 4]);
    assert.is(db.isTransaction, false);
    await db.close();
  } finally {
    tmp.remove();
  }
});

test('parallel readers on a WAL file, and close() after the queued work', async () => {
  const tmp = tempDir('strand-portable-readers-');
  try {
    const file = tmp.path('readers.db');
    const setup = await AsyncDatabase.open(file);
    await setup.exec('PRAGMA journal_mode = WAL; CREATE TABLE t(x); INSERT INTO t SELECT value FROM json_each(\'[1,2,3,4,5]\')');
    await setup.close();
    const pool = await AsyncDatabase.open(file, { readers: 2 });
    const sums = Promise.all([1, 2, 3, 4].map((k) => pool.get('SELECT sum(x) * ? AS s FROM t', k)));
    const closed = pool.close();
    assert.equal((await sums).map((r) => r.s), [15, 30, 45, 60]);
    await closed;
  } finally {
    tmp.remove();
  }
});

test.run();
