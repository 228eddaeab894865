// Main-thread scenario for memcheck: every async and sync surface once, an aborted query, a
// transaction, user functions, and a database left open at exit.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AsyncDatabase, DatabaseSync, backup } from '../../../dist/index.js';

const db = await AsyncDatabase.open(':memory:');
await db.exec("CREATE TABLE t(a, b); INSERT INTO t VALUES (1, 'x'), (2, x'0102'), (3, NULL)");
await Promise.all([db.all('SELECT * FROM t'), db.get('SELECT * FROM t WHERE a = ?', 2), db.run('INSERT INTO t VALUES (?, ?)', 4, 'y')]);
for await (const r of db.iterate('SELECT * FROM t')) if (r.a === 2) break;
const st = await db.prepare('SELECT * FROM t WHERE a > ?');
await st.all(0);
await st.columns();
const controller = new AbortController();
const before = db.get('SELECT 0');
const endless = db.with({ signal: controller.signal }).get('WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c');
await before;
controller.abort();
await endless.catch(() => {});
await db.transaction(async (tx) => {
  await tx.run('INSERT INTO t VALUES (5, 5)');
});
await Promise.all(Array.from({ length: 100 }, (_, i) => st.get(i % 5)));
// Async user functions: values both ways, a throwing one, an aggregate, a window function.
await db.function('twice', (x) => (typeof x === 'number' ? x * 2 : x));
await db.function('fails', () => {
  throw new Error('expected');
});
await db.aggregate('total', { start: 0, step: (acc, x) => acc + x, inverse: (acc, x) => acc - x });
await db.all("SELECT twice(a), twice(b), total(a) OVER (ORDER BY a ROWS 1 PRECEDING) FROM t");
await db.get('SELECT fails()').catch(() => {});
await db.get('SELECT total(a) FROM t');
// Async sessions: record, apply back with callbacks (conflicts included), and one left open.
await db.exec('CREATE TABLE kv2(k PRIMARY KEY, v)');
const recorder = await db.createSession();
await db.run('INSERT INTO kv2 VALUES (?, ?)', 'a', 1);
const recorded = await recorder.changeset();
await recorder.close();
await db.applyChangeset(recorded, { filter: () => true, onConflict: () => 1 });
globalThis.openSession = await db.createSession();

const sync = new DatabaseSync(':memory:');
sync.exec('CREATE TABLE u(x)');
sync.prepare('INSERT INTO u VALUES (?)').run('abc');
sync.prepare('SELECT * FROM u').all();
for (const row of sync.prepare('SELECT * FROM u').iterate()) void row;
// User functions: conversions both ways, a throwing one, an aggregate, a window function, a
// function replaced, and functions freed by close().
sync.function('echo', { varargs: true }, (...args) => args[0]);
sync.function('fails', () => {
  throw new Error('expected');
});
sync.aggregate('total', { start: 0, step: (acc, x) => acc + x, inverse: (acc, x) => acc - x, result: (acc) => String(acc) });
sync.prepare("SELECT echo(1), echo(1.5), echo('s'), echo(x'01'), echo(NULL)").get();
try {
  sync.prepare('SELECT echo(9007199254740993)').get();
} catch {}
try {
  sync.prepare('SELECT fails()').get();
} catch {}
sync.exec('INSERT INTO u VALUES (1), (2), (3)');
sync.prepare('SELECT total(x) FROM u WHERE typeof(x) = \'integer\'').get();
sync.prepare('SELECT total(x) OVER (ORDER BY x ROWS 1 PRECEDING) FROM u WHERE typeof(x) = \'integer\'').all();
sync.function('echo', (x) => x);
// Sessions, a changeset applied with callbacks, serialize/deserialize, a tag store, a JS
// virtual table, an authorizer and a backup, all finished.
sync.exec('CREATE TABLE kv(k PRIMARY KEY, v)');
const session = sync.createSession();
sync.prepare('INSERT INTO kv VALUES (?, ?)').run('a', 1);
const changes = session.changeset();
session.close();
const target = new DatabaseSync(':memory:');
target.exec('CREATE TABLE kv(k PRIMARY KEY, v)');
target.applyChangeset(changes, { filter: () => true, onConflict: () => 1 });
const copy = new DatabaseSync(':memory:');
copy.deserialize(sync.serialize());
const sql = copy.createTagStore(2);
sql.get`SELECT ${1} AS one`;
sql.all`SELECT ${2} AS two`;
sql.get`SELECT ${3} AS three`;
copy.createModule('series', { columns: [{ name: 'n', type: 'INTEGER' }], rows: function* () { yield [1]; yield [2]; } });
copy.prepare('SELECT n FROM series').all();
copy.setAuthorizer(() => 0);
copy.prepare('SELECT 1').get();
copy.setAuthorizer(null);
const backupDir = mkdtempSync(join(tmpdir(), 'strand-memcheck-'));
await backup(copy, join(backupDir, 'copy.db'), { rate: 1, progress: () => {} });
rmSync(backupDir, { recursive: true, force: true });
globalThis.leftOpenToo = [target, copy];
const closed = new DatabaseSync(':memory:');
closed.function('f', () => 1);
closed.aggregate('a', { start: {}, step: (acc) => acc });
closed.close();

globalThis.leftOpen = [await AsyncDatabase.open(':memory:'), new DatabaseSync(':memory:')];
await db.close();
console.log('main-thread scenario done');
