// Query-diagnostics scenario for memcheck: subscribers that run while SQLite is inside a
// statement (sync) — re-entering the database, refused uses of the statement or connection,
// throwing — garbage-collected unfinished iterations while subscribed, async traced jobs with
// subscribers coming and going, and a worker terminated while its subscriber runs.
import dc from 'node:diagnostics_channel';
import { Worker } from 'node:worker_threads';
import { AsyncDatabase, DatabaseSync } from '../../../dist/index.js';

// The subscribers' errors, reported by diagnostics_channel: their own, and the refusals of what
// they may not do (ERR_INVALID_STATE). Anything else fails the scenario.
process.on('uncaughtException', (e) => {
  if (e?.message !== 'subscriber failed' && e?.code !== 'ERR_INVALID_STATE') throw e;
});
const CHANNEL = 'sqlite.db.query';

const db = new DatabaseSync(':memory:');
db.exec("CREATE TABLE t(a INTEGER PRIMARY KEY, b); INSERT INTO t VALUES (1, 'x'), (2, x'0102'), (3, NULL)");
const s = db.prepare('SELECT * FROM t WHERE a >= ?');
const other = db.prepare('SELECT count(*) AS n FROM t');
const bytes = db.serialize();
let inside = false;
const reenter = () => {
  if (inside) return;
  inside = true;
  try {
    other.get();
    db.prepare('SELECT b FROM t').all();
    for (const attempt of [() => s.get(1), () => s.close(), () => db.close(), () => db.deserialize(bytes)]) {
      try {
        attempt();
      } catch {}
    }
    throw new Error('subscriber failed');
  } finally {
    inside = false;
  }
};
dc.subscribe(CHANNEL, reenter);
s.get(1);
s.all(2);
for (const r of s.iterate(1)) void r;
const it = s.iterate(1);
it.next();
it.return();
db.exec('INSERT INTO t(b) VALUES (1); INSERT INTO t(b) VALUES (2)');
db.function('nested', () => other.get().n);
db.prepare('SELECT nested() FROM t').all();
db.function('bad', () => {
  throw new Error('from the function');
});
try {
  db.prepare('SELECT bad()').get();
} catch {}
for (let i = 0; i < 20; i++) {
  const unfinished = db.prepare('SELECT * FROM t').iterate();
  unfinished.next();
}
globalThis.gc?.();
const session = db.createSession();
db.exec('INSERT INTO t(b) VALUES (3)');
db.applyChangeset(session.changeset());
dc.unsubscribe(CHANNEL, reenter);
db.prepare('SELECT 1').get(); // the hook removes itself
db.close();

const adb = await AsyncDatabase.open(':memory:');
await adb.exec('CREATE TABLE t(a INTEGER PRIMARY KEY, b); INSERT INTO t VALUES (1, 1), (2, 2)');
const seen = [];
const record = (m) => seen.push(m.sql);
const thrower = () => {
  throw new Error('subscriber failed');
};
dc.subscribe(CHANNEL, record);
dc.subscribe(CHANNEL, thrower);
const st = await adb.prepare('SELECT * FROM t WHERE a = ?');
const inFlight = Array.from({ length: 50 }, (_, i) => (i % 2 ? st.get(i % 3) : adb.exec('SELECT 1; SELECT 2')));
dc.unsubscribe(CHANNEL, thrower);
await Promise.all(inFlight);
for await (const r of adb.iterate('SELECT * FROM t')) void r;
await adb.run('INSERT INTO t VALUES (1, 1)').catch(() => {});
dc.unsubscribe(CHANNEL, record);
await adb.close();

const source = `
  const dc = require('node:diagnostics_channel');
  const { parentPort } = require('node:worker_threads');
  const { DatabaseSync } = require(${JSON.stringify(new URL('../../../dist/index.cjs', import.meta.url).pathname)});
  const db = new DatabaseSync(':memory:');
  dc.subscribe('sqlite.db.query', () => {
    parentPort.postMessage('inside');
    for (;;) db.prepare('SELECT 1 AS inner').get();
  });
  db.prepare('SELECT 1').get();`;
for (let i = 0; i < 3; i++) {
  const worker = new Worker(source, { eval: true });
  await new Promise((resolve, reject) => {
    worker.on('error', reject);
    worker.on('exit', resolve);
    worker.once('message', () => worker.terminate());
  });
}
console.log(`scenario done (${seen.length} async messages)`);
