// Query diagnostics of AsyncDatabase (diagnostics_channel 'sqlite.db.query', docs/ASYNC.md):
// node's message — { sql (expanded on the database thread), database (the AsyncDatabase),
// duration (SQLite's nanoseconds, measured on the database thread) } — published on the JS
// thread from each job's completion, before its promise settles; the same statements as the
// DatabaseSync calls they mirror; nothing (and no native timing) without a subscriber.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import path from 'node:path';
import dc from 'node:diagnostics_channel';
import { createRequire } from 'node:module';
import { AsyncDatabase, DatabaseSync } from '../../dist/index.js';
import { projectRoot, rejection, tempDir } from '../helpers.mjs';

const CHANNEL = 'sqlite.db.query';
// Rows are null-prototype objects; compare them as plain data.
const plain = (value) => JSON.parse(JSON.stringify(value ?? null));
const binding = createRequire(import.meta.url)(path.join(projectRoot, 'build/Release/sqlite_strand.node'));
const tracedJobs = () => binding.queryTraceStats().asyncTracedJobs;

// Subscribes a recorder: events get { sql, db } (db: whether `database` is `expected`); every
// message is checked for node's shape and duration kind.
function record(expected) {
  const events = [];
  const subscriber = (m) => {
    assert.is(Object.getPrototypeOf(m), null, 'null-prototype message');
    assert.equal(Object.keys(m), ['sql', 'database', 'duration']);
    assert.ok(Number.isInteger(m.duration) && m.duration >= 0 && m.duration % 1e6 === 0, `duration ${m.duration}: whole ms in ns`);
    events.push(m.database === expected ? m.sql : `${m.sql} (other database: ${m.database?.constructor?.name})`);
  };
  dc.subscribe(CHANNEL, subscriber);
  return { events, stop: () => dc.unsubscribe(CHANNEL, subscriber) };
}

async function openWithTable() {
  const db = await AsyncDatabase.open(':memory:');
  await db.exec('CREATE TABLE t(a INTEGER PRIMARY KEY, b); INSERT INTO t VALUES (1, 10), (2, 20), (3, 30)');
  return db;
}

test('exec, run, get, all on SQL text and prepared statements: the statements, expanded', async () => {
  const db = await openWithTable();
  const { events, stop } = record(db);
  try {
    await db.exec('BEGIN; UPDATE t SET b = b + 1; COMMIT');
    await db.run('INSERT INTO t VALUES (?, ?)', 4, "it's");
    await db.get('SELECT b FROM t WHERE a = $a', { a: 2 });
    await db.all('SELECT a FROM t WHERE a > ?', 2n);
    const s = await db.prepare('SELECT b FROM t WHERE a = ?');
    await s.get(1);
    await s.all(9);
    await s.run(3);
    await (await db.prepare('SELECT ?')).with({ readBigInts: true, returnArrays: true }).get(new Uint8Array([1, 2]));
    assert.equal(events, [
      'BEGIN;',
      'UPDATE t SET b = b + 1;',
      'COMMIT',
      "INSERT INTO t VALUES (4.0, 'it''s')",
      'SELECT b FROM t WHERE a = 2.0',
      'SELECT a FROM t WHERE a > 2',
      'SELECT b FROM t WHERE a = 1.0',
      'SELECT b FROM t WHERE a = 9.0',
      'SELECT b FROM t WHERE a = 3.0',
      "SELECT x'0102'",
    ]);
  } finally {
    stop();
    await db.close();
  }
});

test('the same messages as DatabaseSync for the same calls (sessions, changesets, serialize)', async () => {
  const script = async (db) => {
    await db.exec('CREATE TABLE t(a INTEGER PRIMARY KEY, b); INSERT INTO t VALUES (1, 10)');
    const session = await db.createSession();
    await db.run('INSERT INTO t VALUES (?, ?)', 2, 20);
    const changes = await session.changeset();
    await session.patchset();
    await session.close();
    await db.exec('DELETE FROM t WHERE a = 2');
    await db.applyChangeset(changes);
    const bytes = await db.serialize();
    await db.deserialize(bytes);
    await db.get('SELECT count(*) AS n FROM t');
  };
  const syncDb = new DatabaseSync(':memory:');
  const viaSync = {
    exec: (sql) => syncDb.exec(sql),
    run: (sql, ...p) => syncDb.prepare(sql).run(...p),
    get: (sql, ...p) => syncDb.prepare(sql).get(...p),
    createSession: () => syncDb.createSession(),
    applyChangeset: (c) => syncDb.applyChangeset(c),
    serialize: () => syncDb.serialize(),
    deserialize: (b) => syncDb.deserialize(b),
  };
  const syncEvents = record(syncDb);
  try {
    await script(viaSync);
  } finally {
    syncEvents.stop();
    syncDb.close();
  }
  const db = await AsyncDatabase.open(':memory:');
  const asyncEvents = record(db);
  try {
    await script(db);
  } finally {
    asyncEvents.stop();
    await db.close();
  }
  assert.ok(syncEvents.events.includes('SAVEPOINT changeset') && syncEvents.events.includes('ATTACH x AS \'main\''), 'the script reaches SQLite-internal statements');
  assert.equal(asyncEvents.events, syncEvents.events);
});

test('iterate: the query is published with the batch that ends it, by return() (break), or with its error', async () => {
  const db = await openWithTable();
  await db.exec('WITH RECURSIVE c(x) AS (SELECT 4 UNION ALL SELECT x + 1 FROM c WHERE x < 100) INSERT INTO t(a) SELECT x FROM c');
  const { events, stop } = record(db);
  try {
    // Rows come in batches (16, 32, 64): the statement ends with the third fetch, and that
    // job's completion publishes it — before the consumer has read all the rows delivered.
    const seenAt = [];
    let rows = 0;
    for await (const row of db.with({ batchSize: 64 }).iterate('SELECT a FROM t WHERE a > ?', 0)) {
      void row;
      rows++;
      if (events.length > 0 && seenAt.length === 0) seenAt.push(rows);
    }
    assert.is(rows, 100);
    assert.equal(events, ['SELECT a FROM t WHERE a > 0.0']);
    assert.ok(seenAt[0] > 48 && seenAt[0] <= 100, `published while the last batch is consumed (at row ${seenAt[0]})`);

    // break: the IterClose job resets (ad hoc: finalizes) the statement, and publishes it.
    events.length = 0;
    for await (const row of db.iterate('SELECT a FROM t')) {
      assert.equal(events, [], 'not while rows remain');
      void row;
      break;
    }
    const s = await db.prepare('SELECT b FROM t WHERE a < ?');
    for await (const row of s.iterate(50)) {
      void row;
      break;
    }
    assert.equal(events, ['SELECT a FROM t', 'SELECT b FROM t WHERE a < 50.0']);

    // An error part-way: the rows before it are delivered, the query is published once.
    events.length = 0;
    const failing = db.iterate('SELECT a, CASE WHEN a = 3 THEN abs(-9223372036854775808) END FROM t');
    const error = await rejection((async () => {
      for await (const row of failing) void row;
    })());
    assert.is(error.message, 'integer overflow');
    assert.equal(events, ['SELECT a, CASE WHEN a = 3 THEN abs(-9223372036854775808) END FROM t']);
  } finally {
    stop();
    await db.close();
  }
});

test('transactions: BEGIN, the scope’s statements, COMMIT or ROLLBACK; nothing for the read batching', async () => {
  const dir = tempDir();
  try {
    const db = await AsyncDatabase.open(dir.path('t.db'));
    await db.exec('CREATE TABLE t(a INTEGER PRIMARY KEY, b); INSERT INTO t VALUES (1, 10), (2, 20)');
    const count = await db.prepare('SELECT count(*) AS n FROM t');
    const { events, stop } = record(db);
    try {
      await db.transaction(async (tx) => {
        await tx.run('UPDATE t SET b = 0 WHERE a = ?', 1);
        await tx.statement(count).get();
      }, { mode: 'immediate' });
      await rejection(db.transaction(async (tx) => {
        await tx.exec('DELETE FROM t');
        throw new Error('undo');
      }));
      // Back-to-back reads of a prepared read-only statement run inside one read transaction
      // (docs/ASYNC.md): its BEGIN/COMMIT are ours, not the user's, and are not published.
      await Promise.all([count.get(), count.get(), count.get(), count.get()]);
      assert.equal(events, [
        'BEGIN IMMEDIATE',
        'UPDATE t SET b = 0 WHERE a = 1.0',
        'SELECT count(*) AS n FROM t',
        'COMMIT',
        'BEGIN DEFERRED',
        'DELETE FROM t',
        'ROLLBACK',
        'SELECT count(*) AS n FROM t',
        'SELECT count(*) AS n FROM t',
        'SELECT count(*) AS n FROM t',
        'SELECT count(*) AS n FROM t',
      ]);
    } finally {
      stop();
      await db.close();
    }
  } finally {
    dir.remove();
  }
});

test('errors: a failing statement is published before the rejection; binding and compile errors are not', async () => {
  const db = await openWithTable();
  const { events, stop } = record(db);
  const order = [];
  const mark = (m) => order.push(`published ${m.sql}`);
  dc.subscribe(CHANNEL, mark);
  try {
    const e1 = await rejection(db.run('INSERT INTO t VALUES (1, 0)').catch((e) => {
      order.push('rejected');
      throw e;
    }));
    assert.is(e1.errcode, 1555);
    assert.equal(order, ['published INSERT INTO t VALUES (1, 0)', 'rejected']);
    await rejection(db.get('SELECT nope'));
    await rejection(db.get('SELECT ?', Symbol('not bindable')));
    await rejection(db.all('SELECT $a', { b: 1 }));
    const s = await db.prepare('SELECT abs(?)');
    await rejection(s.get(-9223372036854775808n));
    await rejection(db.exec('SELECT 1; SELEC 2'));
    assert.equal(events, ['INSERT INTO t VALUES (1, 0)', 'SELECT abs(-9223372036854775808)', 'SELECT 1;']);
  } finally {
    stop();
    dc.unsubscribe(CHANNEL, mark);
    await db.close();
  }
});

test('an aborted running statement is published (with the interrupt); a job removed before it ran is not', async () => {
  const db = await AsyncDatabase.open(':memory:');
  const controller = new AbortController();
  // Called by the running statement: aborts it from inside, so it is surely running.
  await db.function('started', () => {
    controller.abort();
    return 1;
  });
  const { events, stop } = record(db);
  try {
    const endless = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c WHERE started()';
    const running = db.with({ signal: controller.signal }).get(endless);
    const queuedController = new AbortController();
    const queued = rejection(db.with({ signal: queuedController.signal }).get('SELECT 2'));
    queuedController.abort();
    assert.is((await rejection(running)).name, 'AbortError');
    assert.is((await queued).name, 'AbortError');
    assert.equal(events, [endless]);
  } finally {
    stop();
    await db.close();
  }
});

test('published before the awaiting code resumes, and not before the job ran', async () => {
  const db = await openWithTable();
  let resumed = false;
  const seen = [];
  const subscriber = (m) => seen.push({ sql: m.sql, resumed });
  dc.subscribe(CHANNEL, subscriber);
  try {
    const pending = db.get('SELECT b FROM t WHERE a = 1');
    assert.equal(seen, [], 'nothing at submission');
    const row = await pending;
    resumed = true;
    assert.equal(plain(row), { b: 10 });
    assert.equal(seen, [{ sql: 'SELECT b FROM t WHERE a = 1', resumed: false }]);
    // A rejection too.
    await rejection(db.run('INSERT INTO t VALUES (1, 1)'));
    assert.is(seen.length, 2);
  } finally {
    dc.unsubscribe(CHANNEL, subscriber);
    await db.close();
  }
});

test('database: the AsyncDatabase open() returned, whichever view, scope or statement ran the query', async () => {
  const db = await openWithTable();
  const other = await openWithTable();
  const { events, stop } = record(db);
  try {
    await db.with({ readBigInts: true }).get('SELECT 1');
    await db.transaction((tx) => tx.with({ returnArrays: true }).get('SELECT 2'));
    await (await db.prepare('SELECT 3')).get();
    await other.get('SELECT 4');
    assert.equal(events, ['SELECT 1', 'BEGIN DEFERRED', 'SELECT 2', 'COMMIT', 'SELECT 3', 'SELECT 4 (other database: AsyncDatabase)']);
  } finally {
    stop();
    await db.close();
    await other.close();
  }
});

test('calls that run no statement publish nothing: prepare, columns, function, backup, finalize, close', async () => {
  const dir = tempDir();
  const db = await openWithTable();
  const { events, stop } = record(db);
  try {
    const s = await db.prepare('SELECT * FROM t');
    await s.columns();
    await db.function('f', () => 1);
    await db.aggregate('g', { start: 0, step: (a) => a });
    const session = await db.createSession();
    await session.close();
    assert.is(await db.backup(dir.path('copy.db')), 2);
    // Finalizing or closing mid-iteration publishes nothing (as DatabaseSync's close()). One
    // row per batch, so that the statements are surely unfinished.
    const it = s.with({ batchSize: 1 }).iterate();
    await it.next();
    await s.finalize();
    const it2 = db.with({ batchSize: 1 }).iterate('SELECT * FROM t');
    await it2.next();
    await db.close();
    assert.equal(events, []);
  } finally {
    stop();
    dir.remove();
  }
});

test('without a subscriber: nothing published, no job asks for native timing', async () => {
  const db = await openWithTable();
  const before = tracedJobs();
  try {
    const s = await db.prepare('SELECT b FROM t WHERE a = ?');
    await Promise.all([s.get(1), s.all(2), db.run('UPDATE t SET b = 1'), db.exec('SELECT 1; SELECT 2')]);
    for await (const row of db.iterate('SELECT * FROM t')) void row;
    await db.transaction((tx) => tx.get('SELECT 1'));
    assert.is(tracedJobs(), before, 'no traced job');
    const { events, stop } = record(db);
    await s.get(1);
    stop();
    assert.is(tracedJobs(), before + 1, 'the counter counts traced jobs');
    assert.equal(events, ['SELECT b FROM t WHERE a = 1.0']);
    await s.get(2);
    assert.is(tracedJobs(), before + 1, 'off again after the last unsubscribe');
  } finally {
    await db.close();
  }
});

test('subscribing and unsubscribing while jobs are in flight', async () => {
  const db = await openWithTable();
  const seen = [];
  const subscriber = (m) => seen.push(m.sql);
  const values = (rows) => rows.map((r) => r && Object.values(r)[0]);
  try {
    // Submitted before anyone subscribed: not traced, so not published.
    const untraced = db.get('SELECT 1');
    dc.subscribe(CHANNEL, subscriber);
    const traced = [db.get('SELECT 2'), db.exec('SELECT 3; SELECT 4')];
    assert.equal(values(await Promise.all([untraced, ...traced])), [1, 2, undefined]);
    assert.equal(seen, ['SELECT 2', 'SELECT 3;', 'SELECT 4']);
    // Traced, but nobody subscribes any more when it completes: nothing, and no error.
    seen.length = 0;
    const orphan = db.get('SELECT 5');
    dc.unsubscribe(CHANNEL, subscriber);
    assert.equal(values([await orphan]), [5]);
    // Not traced (nobody at submission), subscribed by the time it completes: nothing.
    const late = db.get('SELECT 6');
    dc.subscribe(CHANNEL, subscriber);
    assert.equal(values([await late]), [6]);
    assert.equal(seen, []);

    // A subscriber that unsubscribes itself mid-batch, and one that subscribes another.
    seen.length = 0;
    const once = (m) => {
      seen.push(`once ${m.sql}`);
      dc.unsubscribe(CHANNEL, once);
      dc.unsubscribe(CHANNEL, subscriber);
    };
    dc.subscribe(CHANNEL, once);
    await Promise.all([db.get('SELECT 9'), db.get('SELECT 10'), db.exec('SELECT 11; SELECT 12')]);
    assert.equal(seen, ['SELECT 9', 'once SELECT 9']);
  } finally {
    dc.unsubscribe(CHANNEL, subscriber);
    await db.close();
  }
});

test('a throwing subscriber: uncaughtException on the next tick, every job still settles correctly', async () => {
  const db = await openWithTable();
  const uncaught = [];
  const onUncaught = (error) => uncaught.push(error.message);
  process.on('uncaughtException', onUncaught);
  const thrower = (m) => {
    throw new Error(`subscriber failed on ${m.sql}`);
  };
  dc.subscribe(CHANNEL, thrower);
  const seen = [];
  const after = (m) => seen.push(m.sql);
  dc.subscribe(CHANNEL, after);
  try {
    // Many completions in one delivery, each publishing, each subscriber call throwing.
    const s = await db.prepare('SELECT b FROM t WHERE a = ?');
    const results = await Promise.all([s.get(1), s.get(2), s.get(3), db.run('UPDATE t SET b = 0 WHERE a = 9'), db.exec('SELECT 1; SELECT 2')]);
    assert.equal(plain(results), [{ b: 10 }, { b: 20 }, { b: 30 }, { changes: 0, lastInsertRowid: 3 }, null]);
    assert.is(seen.length, 6, 'the other subscriber got every message');
    const rejected = await rejection(db.run('INSERT INTO t VALUES (1, 1)'));
    assert.is(rejected.errcode, 1555, 'a rejection keeps its own error');
    await new Promise((resolve) => setImmediate(resolve));
    assert.is(uncaught.length, 7);
    assert.ok(uncaught.every((m) => m.startsWith('subscriber failed on ')));
    // The database still works.
    assert.equal(plain(await db.get('SELECT count(*) AS n FROM t')), { n: 3 });
  } finally {
    dc.unsubscribe(CHANNEL, thrower);
    dc.unsubscribe(CHANNEL, after);
    await new Promise((resolve) => setImmediate(resolve));
    process.off('uncaughtException', onUncaught);
    await db.close();
  }
});

test('a subscriber that uses the database: its jobs queue behind; close() from inside is orderly', async () => {
  const db = await openWithTable();
  const seen = [];
  const inner = [];
  const subscriber = (m) => {
    seen.push(m.sql);
    if (m.sql === 'SELECT 1 AS v') inner.push(db.get('SELECT 2 AS v'));
    if (m.sql === 'SELECT 3 AS v') inner.push(db.close());
  };
  dc.subscribe(CHANNEL, subscriber);
  try {
    assert.is((await db.get('SELECT 1 AS v')).v, 1);
    assert.is((await inner[0]).v, 2);
    assert.is((await db.get('SELECT 3 AS v')).v, 3, 'the query whose subscriber closes still resolves');
    await inner[1];
    assert.is(db.isOpen, false);
    assert.is((await rejection(db.get('SELECT 4'))).code, 'ERR_INVALID_STATE');
    assert.equal(seen, ['SELECT 1 AS v', 'SELECT 2 AS v', 'SELECT 3 AS v']);
  } finally {
    dc.unsubscribe(CHANNEL, subscriber);
    await db.close();
  }
});

test.run();
