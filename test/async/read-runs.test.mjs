// Read runs (docs/ASYNC.md "Ordering", src/native/async/async_database.h rule 10): prepared reads queued back to back
// share one read transaction. Only plain reads may join one: statements that SQLite calls
// read-only but that control transactions (BEGIN, COMMIT, END, ROLLBACK, SAVEPOINT, RELEASE),
// PRAGMAs and ATTACH/DETACH must run exactly as they would alone. Each scenario issues its calls
// without awaiting (so the reads around them are queued together and batched) and compares every
// outcome, and the state after, with the same calls on DatabaseSync in call order.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AsyncDatabase, DatabaseSync } from '../../dist/index.js';

const SCHEMA = 'CREATE TABLE t(a INTEGER PRIMARY KEY, b); INSERT INTO t(b) VALUES (1), (2), (3)';

// The statements a scenario uses, by name.
const STATEMENTS = {
  count: 'SELECT count(*) AS n FROM t',
  sum: 'SELECT total(b) AS s FROM t',
  insert: 'INSERT INTO t(b) VALUES (10)',
  begin: 'BEGIN',
  beginComment: '/* a comment */ -- and another\n  begin',
  commit: 'COMMIT',
  end: 'END TRANSACTION',
  rollback: 'ROLLBACK',
  savepoint: 'SAVEPOINT sp',
  release: 'RELEASE sp',
  rollbackTo: 'ROLLBACK TO sp',
  deferForeignKeys: 'PRAGMA defer_foreign_keys = ON',
  deferredForeignKeys: 'PRAGMA defer_foreign_keys',
  userVersion: 'PRAGMA user_version',
  attach: "ATTACH ':memory:' AS aux",
  detach: 'DETACH aux',
  // Reads every attached schema: inside a transaction that keeps aux's read lock until the end.
  tables: 'SELECT schema, name FROM pragma_table_list ORDER BY schema, name',
  withRead: 'WITH x(v) AS (SELECT 1) SELECT v FROM x',
  values: 'VALUES (1), (2)',
};

// A scenario: groups of calls; the calls of a group are issued together, then awaited.
// A call is "name.method" (a prepared statement) or "sql:method:SQL" (SQL text).
const SCENARIOS = [
  { name: 'BEGIN through get() between reads', groups: [['count.get', 'begin.get', 'count.get', 'insert.run', 'count.get', 'rollback.get', 'count.get']] },
  { name: 'BEGIN with leading comments, through all()', groups: [['count.get', 'beginComment.all', 'count.all', 'insert.run', 'count.get', 'commit.all', 'count.get']] },
  { name: 'COMMIT through get() with no transaction open', groups: [['count.get', 'commit.get', 'count.get']] },
  { name: 'END through all() with no transaction open', groups: [['count.get', 'end.all', 'sum.get']] },
  { name: 'ROLLBACK through get() with no transaction open', groups: [['count.get', 'rollback.get', 'count.get']] },
  {
    name: 'SAVEPOINT through get() is not committed by the run',
    groups: [['count.get', 'savepoint.get', 'count.get'], ['insert.run', 'count.get', 'count.get'], ['rollback.get', 'count.get']],
  },
  {
    name: 'SAVEPOINT, ROLLBACK TO and RELEASE through get() between reads',
    groups: [['count.get', 'savepoint.get', 'count.get', 'insert.run', 'count.get', 'rollbackTo.get', 'count.get', 'release.get', 'count.get', 'commit.get']],
  },
  { name: 'RELEASE through get() with no savepoint', groups: [['count.get', 'release.get', 'count.get']] },
  {
    name: 'PRAGMA defer_foreign_keys = ON through get() inside a transaction',
    groups: [['begin.run'], ['count.get', 'deferForeignKeys.get', 'count.get', 'deferredForeignKeys.get'], ['rollback.run']],
  },
  {
    name: 'PRAGMA defer_foreign_keys = ON through get() outside a transaction',
    groups: [['count.get', 'deferForeignKeys.get', 'count.get', 'deferredForeignKeys.get', 'userVersion.get']],
  },
  { name: 'ATTACH and DETACH through get() between reads', groups: [['count.get', 'attach.get', 'count.get', 'tables.all', 'count.get', 'detach.get', 'tables.all', 'count.get']] },
  // Siblings that must keep working: a user transaction opened by run(), SQL text, other plain reads.
  {
    name: 'reads inside a transaction opened by a prepared BEGIN run()',
    groups: [['begin.run', 'count.get', 'count.get', 'insert.run', 'count.get', 'count.get', 'rollback.run', 'count.get', 'count.get']],
  },
  {
    name: 'transaction control through SQL text between prepared reads',
    groups: [['count.get', 'sql:get:BEGIN', 'count.get', 'sql:run:INSERT INTO t(b) VALUES (5)', 'count.get', 'sql:all:ROLLBACK', 'count.get', 'sql:get:COMMIT', 'count.get']],
  },
  { name: 'WITH and VALUES are plain reads', groups: [['count.get', 'withRead.get', 'values.all', 'count.get', 'insert.run', 'values.all', 'count.get']] },
];

// Rows as plain data (undefined → null), errors as what identifies them.
const plain = (value) => JSON.parse(JSON.stringify([value]))[0] ?? null;
const errorOf = (error) => ({ code: error.code, message: error.message, errcode: error.errcode, errstr: error.errstr });

function describe(fn) {
  try {
    return { ok: plain(fn()) };
  } catch (error) {
    return { error: errorOf(error) };
  }
}

async function describeAsync(promise) {
  try {
    return { ok: plain(await promise) };
  } catch (error) {
    return { error: errorOf(error) };
  }
}

function parseCall(call) {
  if (call.startsWith('sql:')) {
    const [, method, ...sql] = call.split(':');
    return { method, sql: sql.join(':') };
  }
  const [name, method] = call.split('.');
  return { name, method };
}

// What is left after the scenario: whether a transaction is still open, and the table's contents.
const AFTER = ['SELECT * FROM t ORDER BY a'];

function runSync(scenario) {
  const db = new DatabaseSync(':memory:');
  db.exec(SCHEMA);
  const statements = Object.fromEntries(Object.entries(STATEMENTS).map(([name, sql]) => [name, db.prepare(sql)]));
  const outcomes = [];
  for (const group of scenario.groups) {
    for (const call of group) {
      const { name, method, sql } = parseCall(call);
      outcomes.push(describe(() => (name ? statements[name][method]() : db.prepare(sql)[method]())));
    }
  }
  outcomes.push({ transactionOpen: db.isTransaction });
  for (const sql of AFTER) outcomes.push(describe(() => db.prepare(sql).all()));
  db.close();
  return outcomes;
}

async function runAsync(scenario) {
  const db = await AsyncDatabase.open(':memory:');
  await db.exec(SCHEMA);
  const statements = {};
  for (const [name, sql] of Object.entries(STATEMENTS)) statements[name] = await db.prepare(sql);
  const outcomes = [];
  for (const group of scenario.groups) {
    const pending = group.map((call) => {
      const { name, method, sql } = parseCall(call);
      return describeAsync(name ? statements[name][method]() : db[method](sql));
    });
    outcomes.push(...(await Promise.all(pending)));
  }
  // A COMMIT that succeeds tells a transaction was open (and closes it, as the sync side is
  // asked only whether one is open).
  const commit = await describeAsync(db.exec('COMMIT'));
  outcomes.push({ transactionOpen: commit.ok !== undefined });
  for (const sql of AFTER) outcomes.push(await describeAsync(db.all(sql)));
  await db.close();
  return outcomes;
}

for (const scenario of SCENARIOS) {
  test(`read runs keep DatabaseSync's meaning: ${scenario.name}`, async () => {
    assert.equal(await runAsync(scenario), runSync(scenario));
  });
}

// A read run is one snapshot: a write made by another connection between two reads of one run
// is not seen by the second. A user function called by a read in between makes that write
// deterministically. This shows that the scenarios above do run inside read runs (else they
// would guard nothing), and that every form of plain read joins them.
const PLAIN_READS = [
  'SELECT count(*) AS n FROM t',
  '  /* leading */ -- comments\n select count(*) AS n FROM t',
  'WITH c(n) AS (SELECT count(*) FROM t) SELECT n FROM c',
];

for (const sql of PLAIN_READS) {
  test(`plain reads queued together share one snapshot: ${JSON.stringify(sql)}`, async () => {
    const { tempDir } = await import('../helpers.mjs');
    const tmp = tempDir();
    const file = tmp.path('runs.db');
    const setup = new DatabaseSync(file);
    setup.exec('PRAGMA journal_mode = WAL; CREATE TABLE t(a); INSERT INTO t VALUES (1)');
    const db = await AsyncDatabase.open(file);
    await db.function('writeElsewhere', () => {
      setup.exec('INSERT INTO t VALUES (2)');
      return 1;
    });
    const write = await db.prepare('SELECT writeElsewhere() AS w');
    const count = await db.prepare(sql);
    const [before, , within] = await Promise.all([count.get(), write.get(), count.get()]);
    const after = await count.get();
    assert.equal([before.n, within.n, after.n], [1, 1, 2]);
    await db.close();
    setup.close();
    tmp.remove();
  });
}

test.run();
