// Portable suite (Node, Bun, Deno — test/runtimes/README.md): the node:sqlite API, DatabaseSync.
// Plain uvu and node: built-ins only, so the same file runs under `node`, `bun run` and
// `deno run`; `npm test` runs it under Node, `npm run test:runtimes` under the others too.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import diagnostics_channel from 'node:diagnostics_channel';
import { createRequire } from 'node:module';
import { DatabaseSync, SqliteError, backup, constants } from '../../../dist/index.js';
import { tempDir, thrown } from '../../helpers.mjs';

function items() {
  const db = new DatabaseSync(':memory:');
  db.exec('CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL, price REAL, data BLOB)');
  const insert = db.prepare('INSERT INTO items(name, price, data) VALUES (?, ?, ?)');
  for (const [name, price] of [['apple', 1.5], ['pear', 2], ['plum', 0.25]]) insert.run(name, price, null);
  return db;
}

test('prepare / run / get / all: results, changes and row shapes', () => {
  const db = items();
  const insert = db.prepare('INSERT INTO items(name, price) VALUES ($name, $price)');
  assert.equal(insert.run({ name: 'fig', price: 3 }), { changes: 1, lastInsertRowid: 4 });
  const row = db.prepare('SELECT id, name, price FROM items WHERE name = ?').get('fig');
  assert.is(Object.getPrototypeOf(row), null, 'rows have a null prototype, as node:sqlite');
  assert.equal({ ...row }, { id: 4, name: 'fig', price: 3 });
  assert.is(db.prepare('SELECT * FROM items WHERE id = ?').get(99), undefined);
  const all = db.prepare('SELECT name FROM items WHERE price > :min ORDER BY name').all({ min: 1 });
  assert.equal(all.map((r) => r.name), ['apple', 'fig', 'pear']);
  assert.equal(db.prepare('UPDATE items SET price = price * 2').run(), { changes: 4, lastInsertRowid: 4 });
  db.close();
});

test('values: integers, bigints, blobs, null; readBigInts and returnArrays', () => {
  const db = new DatabaseSync(':memory:');
  const row = db.prepare('SELECT ? AS i, ? AS blob, ? AS nul, ? AS flag, ? AS real').get(42, new Uint8Array([1, 2, 3]), null, true, 0.5);
  assert.equal({ ...row, blob: [...row.blob] }, { i: 42, blob: [1, 2, 3], nul: null, flag: 1, real: 0.5 });
  assert.instance(row.blob, Uint8Array);
  const big = db.prepare('SELECT ? AS big');
  const error = thrown(() => big.get(2n ** 62n));
  assert.is(error.code, 'ERR_OUT_OF_RANGE', 'an INTEGER beyond 2^53 does not read as a number');
  big.setReadBigInts(true);
  assert.is(big.get(2n ** 62n).big, 2n ** 62n);
  const wide = db.prepare('SELECT 1 AS a, 2 AS b');
  wide.setReturnArrays(true);
  assert.equal(wide.get(), [1, 2]);
  wide.setReadBigInts(true);
  assert.equal(wide.all(), [[1n, 2n]]);
  db.close();
});

test('iterate(): rows one at a time, break resets the statement', () => {
  const db = items();
  const names = db.prepare('SELECT name FROM items ORDER BY id');
  const seen = [];
  for (const row of names.iterate()) seen.push(row.name);
  assert.equal(seen, ['apple', 'pear', 'plum']);
  for (const row of names.iterate()) {
    assert.is(row.name, 'apple');
    break;
  }
  // Broken off: the statement was reset, so the database is not busy and the next run starts over.
  db.exec('DELETE FROM items WHERE name = \'pear\'');
  assert.equal(names.all().map((r) => r.name), ['apple', 'plum']);
  db.close();
});

test('user functions and aggregates', () => {
  const db = items();
  db.function('shout', { deterministic: true }, (text) => `${String(text).toUpperCase()}!`);
  assert.is(db.prepare('SELECT shout(name) AS s FROM items WHERE id = 1').get().s, 'APPLE!');
  db.function('total', { varargs: true }, (...xs) => xs.reduce((a, b) => a + b, 0));
  assert.is(db.prepare('SELECT total(1, 2, 3, 4) AS t').get().t, 10);
  db.aggregate('product', { start: 1, step: (acc, x) => acc * x });
  assert.is(db.prepare('SELECT product(price) AS p FROM items').get().p, 1.5 * 2 * 0.25);
  const boom = new RangeError('from the function');
  db.function('boom', () => {
    throw boom;
  });
  assert.is(thrown(() => db.prepare('SELECT boom()').get()), boom, 'the error a function throws reaches the caller unchanged');
  db.close();
});

// Each kind of JS callback SQLite calls while a statement runs (each enters JS through its own
// native path: user_functions.cc, js_module.cc, database_authorizer.cc, changeset_apply.cc,
// database_trace.cc).
test('callbacks: window function, virtual table, authorizer, changeset filters, diagnostics_channel', () => {
  const db = items();
  db.aggregate('running', { start: 0, step: (acc, x) => acc + x, inverse: (acc, x) => acc - x });
  const windows = db.prepare('SELECT running(id) OVER (ORDER BY id ROWS 1 PRECEDING) AS r FROM items').all();
  assert.equal(windows.map((r) => r.r), [1, 3, 5]);

  db.createModule('countdown', {
    columns: [{ name: 'n', type: 'INTEGER' }, { name: 'start', type: 'INTEGER', hidden: true }],
    rows: function* (start) {
      for (let n = Number(start ?? 3); n > 0; n--) yield [n];
    },
  });
  assert.equal(db.prepare('SELECT n FROM countdown(4)').all().map((r) => r.n), [4, 3, 2, 1]);

  db.exec('CREATE TABLE secret(x)');
  const seen = [];
  db.setAuthorizer((action, table) => {
    if (action === constants.SQLITE_READ) seen.push(table);
    return table === 'secret' ? constants.SQLITE_DENY : constants.SQLITE_OK;
  });
  assert.is(thrown(() => db.prepare('SELECT x FROM secret')).errcode, 23); // SQLITE_AUTH
  db.prepare('SELECT name FROM items');
  assert.ok(seen.includes('items'), JSON.stringify(seen));
  db.setAuthorizer(null);

  const session = db.createSession();
  db.exec("UPDATE items SET price = 9 WHERE name = 'apple'; INSERT INTO items(name) VALUES ('kiwi')");
  const changes = session.changeset();
  session.close();
  const copy = items();
  copy.exec("INSERT INTO items(name) VALUES ('kiwi')"); // makes the insert conflict
  const filtered = [];
  const conflicts = [];
  const applied = copy.applyChangeset(changes, {
    filter: (table) => (filtered.push(table), true),
    onConflict: (kind) => (conflicts.push(kind), constants.SQLITE_CHANGESET_OMIT),
  });
  assert.is(applied, true);
  assert.ok(filtered.includes('items'));
  assert.ok(conflicts.length > 0, 'the conflicting insert reached onConflict');
  assert.is(copy.prepare("SELECT price FROM items WHERE name = 'apple'").get().price, 9);
  copy.close();

  const published = [];
  const onQuery = ({ sql, database }) => published.push([sql, database === db]);
  diagnostics_channel.subscribe('sqlite.db.query', onQuery);
  try {
    db.prepare('SELECT count(*) AS n FROM items WHERE price > ?').get(1);
  } finally {
    diagnostics_channel.unsubscribe('sqlite.db.query', onQuery);
  }
  assert.equal(published, [['SELECT count(*) AS n FROM items WHERE price > 1.0', true]]);
  db.close();
});

test('backup(): a file copy with progress', async () => {
  const tmp = tempDir('strand-portable-backup-');
  try {
    const db = items();
    db.exec('CREATE TABLE filler(x); WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 2000) INSERT INTO filler SELECT randomblob(500) FROM c');
    const progress = [];
    const pages = await backup(db, tmp.path('copy.db'), { rate: 50, progress: (p) => progress.push(p.remainingPages) });
    assert.ok(pages > 100, String(pages));
    assert.ok(progress.length > 0, 'progress was reported');
    const copy = new DatabaseSync(tmp.path('copy.db'));
    assert.equal(copy.prepare('SELECT (SELECT count(*) FROM items) AS i, (SELECT count(*) FROM filler) AS f').get(), db.prepare('SELECT (SELECT count(*) FROM items) AS i, (SELECT count(*) FROM filler) AS f').get());
    copy.close();
    db.close();
  } finally {
    tmp.remove();
  }
});

test('errors carry node-style codes', () => {
  const db = items();
  const syntax = thrown(() => db.exec('SELEC 1'));
  assert.instance(syntax, SqliteError);
  assert.equal(
    { code: syntax.code, errcode: syntax.errcode, errstr: syntax.errstr, message: syntax.message },
    { code: 'ERR_SQLITE_ERROR', errcode: 1, errstr: 'SQL logic error', message: 'near "SELEC": syntax error' },
  );
  const unique = thrown(() => db.prepare('INSERT INTO items(name) VALUES (?)').run('apple'));
  assert.equal(
    { code: unique.code, errcode: unique.errcode, message: unique.message },
    { code: 'ERR_SQLITE_ERROR', errcode: 2067 /* SQLITE_CONSTRAINT_UNIQUE */, message: 'UNIQUE constraint failed: items.name' },
  );
  const badType = thrown(() => db.prepare(1));
  assert.instance(badType, TypeError);
  assert.equal({ code: badType.code, message: badType.message }, { code: 'ERR_INVALID_ARG_TYPE', message: 'The "sql" argument must be a string.' });
  const unbindable = thrown(() => db.prepare('SELECT ?').get(Symbol('x')));
  assert.is(unbindable.code, 'ERR_INVALID_ARG_TYPE');
  const statement = db.prepare('SELECT 1');
  db.close();
  const closed = thrown(() => db.exec('SELECT 1'));
  assert.equal({ code: closed.code, message: closed.message }, { code: 'ERR_INVALID_STATE', message: 'database is not open' });
  assert.is(thrown(() => statement.get()).code, 'ERR_INVALID_STATE');
});

test('a file database: reopened, read-only, and its files removed after close', () => {
  const tmp = tempDir('strand-portable-sync-');
  try {
    const file = tmp.path('file.db');
    const db = new DatabaseSync(file);
    db.exec('PRAGMA journal_mode = WAL; CREATE TABLE t(x); INSERT INTO t VALUES (1), (2)');
    db.close();
    const reader = new DatabaseSync(file, { readOnly: true });
    assert.is(reader.prepare('SELECT sum(x) AS s FROM t').get().s, 3);
    assert.is(thrown(() => reader.exec('INSERT INTO t VALUES (3)')).errcode, 8); // SQLITE_READONLY
    assert.is(reader.location(), file);
    reader.close();
  } finally {
    tmp.remove();
  }
});

test('require() loads the CommonJS build; SqliteError is shared by both builds', () => {
  const cjs = createRequire(import.meta.url)('../../../dist/index.cjs');
  const db = new cjs.DatabaseSync(':memory:');
  assert.is(db.prepare('SELECT 6 * 7 AS x').get().x, 42);
  const error = thrown(() => db.exec('SELEC'));
  assert.ok(error instanceof SqliteError && error instanceof cjs.SqliteError);
  db.close();
});

test.run();
