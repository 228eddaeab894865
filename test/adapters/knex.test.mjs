// sqlite-strand/knex against the real knex (the pinned dev dependency): the query builder, raw
// queries, streams, transactions, the schema builder, migrations and seeds, on users / posts /
// tags / post_tags — the query paths once with readers: 0 and once with readers: 2 (WAL) — and the
// adapter's own rules: configuration checks, who closes the database, exclusivity of a knex
// transaction on its AsyncDatabase, cancellation, and knex.destroy() letting the process exit.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import knex from 'knex';
import { AsyncDatabase, DatabaseSync, SqliteError } from 'sqlite-strand';
import { SqliteStrandClient, StrandConnection, databaseConnection } from 'sqlite-strand/knex';
import { rejection, runChild, settle, tempDir, useWal } from '../helpers.mjs';

const migrations = fileURLToPath(new URL('fixtures/knex-migrations', import.meta.url));
const seeds = fileURLToPath(new URL('fixtures/knex-seeds', import.meta.url));

// A knex on a fresh database file (WAL first when it has readers); `connection()` is the pool's
// StrandConnection (captured by afterCreate), `close()` destroys knex and removes the files.
function openKnex({ readers = 0, connection = {}, ...config } = {}) {
  const tmp = tempDir('strand-knex-');
  const file = tmp.path('app.db');
  if (readers > 0) useWal(DatabaseSync, file);
  let raw;
  const db = knex({
    client: SqliteStrandClient,
    connection: { filename: file, readers, ...connection },
    useNullAsDefault: true,
    pool: { afterCreate: (conn, done) => done(null, (raw = conn)) },
    ...config,
  });
  const close = async () => {
    await db.destroy();
    tmp.remove();
  };
  return { db, file, tmp, connection: () => raw, close };
}

async function createSchema(db) {
  await db.schema.createTable('users', (t) => {
    t.increments('id');
    t.string('name').notNullable().unique();
    t.string('email');
  });
  await db.schema.createTable('posts', (t) => {
    t.increments('id');
    t.integer('author_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.string('title').notNullable();
    t.integer('views').notNullable().defaultTo(0);
  });
  await db.schema.createTable('tags', (t) => {
    t.increments('id');
    t.string('name').notNullable().unique();
  });
  await db.schema.createTable('post_tags', (t) => {
    t.integer('post_id').notNullable().references('id').inTable('posts').onDelete('CASCADE');
    t.integer('tag_id').notNullable().references('id').inTable('tags');
    t.primary(['post_id', 'tag_id']);
  });
}

async function seed(db) {
  await db('users').insert([
    { name: 'ada', email: 'ada@example.org' },
    { name: 'alan', email: 'alan@example.org' },
    { name: 'grace', email: null },
  ]);
  await db('posts').insert([
    { author_id: 1, title: 'Notes', views: 10 },
    { author_id: 1, title: 'Engines', views: 5 },
    { author_id: 2, title: 'Numbers', views: 7 },
  ]);
  await db('tags').insert([{ name: 'math' }, { name: 'history' }]);
  await db('post_tags').insert([
    { post_id: 1, tag_id: 1 },
    { post_id: 1, tag_id: 2 },
    { post_id: 3, tag_id: 1 },
  ]);
}

// The query paths, on a fresh database with foreign keys on, for each reader count.
for (const readers of [0, 2]) {
  const name = (what) => `readers: ${readers}: ${what}`;
  const withKnex = async (fn) => {
    const k = openKnex({ readers, connection: { enableForeignKeyConstraints: true } });
    try {
      await createSchema(k.db);
      await seed(k.db);
      await fn(k.db, k);
    } finally {
      await k.close();
    }
  };

  test(name('select, joins through the join table, grouping, first and pluck'), () =>
    withKnex(async (db) => {
      const rows = await db('posts')
        .join('users', 'users.id', 'posts.author_id')
        .select('posts.title', 'users.name as author')
        .orderBy('posts.id');
      assert.equal(rows, [
        { title: 'Notes', author: 'ada' },
        { title: 'Engines', author: 'ada' },
        { title: 'Numbers', author: 'alan' },
      ]);
      assert.is(Object.getPrototypeOf(rows[0]), Object.prototype, 'rows are plain objects, as with knex\'s sqlite3 client');
      const tagged = await db('tags')
        .join('post_tags', 'post_tags.tag_id', 'tags.id')
        .join('posts', 'posts.id', 'post_tags.post_id')
        .where('tags.name', 'math')
        .orderBy('posts.title')
        .pluck('posts.title');
      assert.equal(tagged, ['Notes', 'Numbers']);
      const perAuthor = await db('users')
        .leftJoin('posts', 'posts.author_id', 'users.id')
        .groupBy('users.id')
        .orderBy('users.id')
        .select('users.name')
        .count('posts.id as posts')
        .sum('posts.views as views');
      assert.equal(perAuthor, [
        { name: 'ada', posts: 2, views: 15 },
        { name: 'alan', posts: 1, views: 7 },
        { name: 'grace', posts: 0, views: null },
      ]);
      assert.equal(await db('users').where({ name: 'alan' }).first('id', 'email'), { id: 2, email: 'alan@example.org' });
      assert.is(await db('users').where({ name: 'nobody' }).first(), undefined);
      assert.equal(await db('users').whereNull('email').pluck('name'), ['grace']);
      assert.equal(await db('posts').whereIn('author_id', [1, 2]).where('views', '>', 6).orderBy('id').pluck('id'), [1, 3]);
      assert.equal(await db('users').count('* as n').first(), { n: 3 });
    }));

  test(name('insert gives [lastID] or returning() rows; update, del and increment give counts'), () =>
    withKnex(async (db) => {
      assert.equal(await db('tags').insert({ name: 'logic' }), [3]);
      assert.equal(await db('tags').insert([{ name: 'a' }, { name: 'b' }]), [5], 'a multi-row insert: the last rowid');
      assert.equal(await db('tags').insert({ name: 'c' }).returning('id'), [{ id: 6 }]);
      assert.equal(await db('tags').insert([{ name: 'd' }, { name: 'e' }]).returning(['id', 'name']), [
        { id: 7, name: 'd' },
        { id: 8, name: 'e' },
      ]);
      assert.is(await db('posts').where({ author_id: 1 }).update({ views: 0 }), 2);
      assert.equal(await db('posts').where({ id: 3 }).update({ title: 'Computable' }, ['id', 'title']), [{ id: 3, title: 'Computable' }]);
      assert.is(await db('posts').where({ id: 3 }).increment('views', 3), 1);
      assert.is(await db('posts').where({ id: 3 }).first().then((p) => p.views), 10);
      assert.is(await db('posts').where({ author_id: 99 }).update({ views: 1 }), 0);
      // Upsert: on conflict, merge.
      await db('users').insert({ name: 'ada', email: 'countess@example.org' }).onConflict('name').merge(['email']);
      assert.is((await db('users').where({ name: 'ada' }).first()).email, 'countess@example.org');
      await db('users').insert({ name: 'ada', email: 'ignored' }).onConflict('name').ignore();
      assert.is(await db('users').count('* as n').first().then((r) => r.n), 3);
      assert.is(await db('tags').whereIn('name', ['a', 'b']).del(), 2);
      assert.is(await db('tags').where('name', 'none').del(), 0);
    }));

  test(name('raw: positional and named bindings; Date, boolean, Buffer and bigint values; .options({ readBigInts })'), () =>
    withKnex(async (db, { connection }) => {
      assert.equal(await db.raw('SELECT ? AS a, ? AS b', [1, 'two']), [{ a: 1, b: 'two' }]);
      assert.equal(await db.raw('SELECT :x AS x, :y AS y', { x: 3, y: null }), [{ x: 3, y: null }]);
      assert.equal(await db.raw('SELECT name FROM :table: WHERE id = :id', { table: 'users', id: 2 }), [{ name: 'alan' }]);
      assert.equal(await db.raw('SELECT ?? FROM users WHERE id = ?', ['email', 1]), [{ email: 'ada@example.org' }]);
      const when = new Date(Date.UTC(2024, 0, 2));
      const [values] = await db.raw('SELECT ? AS d, ? AS t, ? AS f, ? AS blob, ? AS big', [when, true, false, Buffer.from([1, 2]), 2n ** 40n]);
      assert.equal(values.d, when.valueOf(), 'a Date binds as its milliseconds');
      assert.equal([values.t, values.f], [1, 0]);
      assert.equal([...values.blob], [1, 2]);
      assert.is(values.big, 2 ** 40);
      const [big] = await db.raw('SELECT ? AS big', [2n ** 60n]).options({ readBigInts: true });
      assert.is(big.big, 2n ** 60n);
      // A write through raw gives [] — as knex's sqlite3 client (node-sqlite3's all()) does.
      assert.equal(await db.raw('UPDATE posts SET views = views + 1'), []);
      // An object as the first binding is a value, not named parameters: refused as one. (knex
      // cannot print such a binding into the error message: compileSqlOnError: false.)
      const plain = knex({ client: SqliteStrandClient, connection: { database: connection().database }, useNullAsDefault: true, compileSqlOnError: false });
      const objectValue = await rejection(plain.raw('SELECT ? AS v', [{ a: 1 }]));
      await plain.destroy();
      assert.is(objectValue.code, 'ERR_INVALID_ARG_TYPE');
      assert.match(objectValue.message, /cannot be bound to SQLite parameter 1/);
    }));

  test(name('SQL errors surface as SqliteError (ERR_SQLITE_ERROR, errcode, errstr) behind the SQL'), () =>
    withKnex(async (db) => {
      const unique = await rejection(db('users').insert({ name: 'ada' }));
      assert.ok(unique instanceof SqliteError);
      assert.is(unique.code, 'ERR_SQLITE_ERROR');
      assert.is(unique.errcode, 2067); // SQLITE_CONSTRAINT_UNIQUE
      assert.is(unique.errstr, 'constraint failed');
      assert.is(unique.message, "insert into `users` (`name`) values ('ada') - UNIQUE constraint failed: users.name");
      const foreign = await rejection(db('posts').insert({ author_id: 42, title: 'orphan' }));
      assert.is(foreign.errcode, 787); // SQLITE_CONSTRAINT_FOREIGNKEY
      const syntax = await rejection(db.raw('SELEC 1'));
      assert.is(syntax.code, 'ERR_SQLITE_ERROR');
      assert.is(syntax.errcode, 1);
      assert.match(syntax.message, /^SELEC 1 - near "SELEC": syntax error/);
      const empty = await rejection(db('users').insert([]).then((x) => x));
      assert.is(empty.message, 'The query is empty');
    }));

  test(name('transactions: commit, rollback on throw, a constraint violation rolls back, nested savepoints'), () =>
    withKnex(async (db, { connection }) => {
      const result = await db.transaction(async (trx) => {
        await trx('tags').insert({ name: 'committed' });
        return 'value';
      });
      assert.is(result, 'value');
      const thrown = await rejection(
        db.transaction(async (trx) => {
          await trx('tags').insert({ name: 'thrown away' });
          throw new Error('boom');
        }),
      );
      assert.is(thrown.message, 'boom');
      const violation = await rejection(
        db.transaction(async (trx) => {
          await trx('tags').insert({ name: 'before the violation' });
          await trx('users').insert({ name: 'ada' });
        }),
      );
      assert.is(violation.errcode, 2067);
      // Nested: an inner failure rolls back to its savepoint only.
      await db.transaction(async (trx) => {
        await trx('tags').insert({ name: 'outer' });
        await rejection(
          trx.transaction(async (inner) => {
            await inner('tags').insert({ name: 'inner, rolled back' });
            throw new Error('inner');
          }),
        );
        await trx.transaction(async (inner) => {
          await inner('tags').insert({ name: 'inner, kept' });
        });
      });
      assert.equal(await db('tags').orderBy('id').pluck('name'), ['math', 'history', 'committed', 'outer', 'inner, kept']);
      assert.is(connection().database.isTransaction, false);
    }));

  test(name('transactions: const trx = await knex.transaction(); commit, rollback; a concurrent query outside waits'), async () =>
    withKnex(async (db, { connection }) => {
      const trx = await db.transaction();
      try {
        await trx('tags').insert({ name: 'inside' });
        assert.equal(await trx('tags').where({ name: 'inside' }).pluck('name'), ['inside'], 'a read inside sees the write');
        // Issued while the transaction is open, on another connection of the pool: it waits for the
        // transaction to end (the gate of the database counts it), so it cannot run inside it, and
        // survives its rollback.
        const outside = db('tags').insert({ name: 'outside' }).then((ids) => ids);
        const settled = Promise.allSettled([outside]);
        assert.ok(await settle(() => connection().gate.waiting === 1), 'the query waits for the transaction');
        await trx.rollback();
        assert.equal((await settled).map((r) => r.reason?.message ?? r.value), [[3]]);
      } finally {
        if (!trx.isCompleted()) await trx.rollback();
      }
      assert.equal(await db('tags').orderBy('id').pluck('name'), ['math', 'history', 'outside']);
      const committed = await db.transaction();
      await committed('tags').insert({ name: 'committed' });
      await committed.commit();
      assert.ok(committed.isCompleted());
      assert.equal(await db('tags').where({ name: 'committed' }).pluck('id'), [4]);
    }));

  test(name('stream: every row in order, .stream(cb) with pipe, an early break closes the cursor'), () =>
    withKnex(async (db, { connection }) => {
      await db.raw("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000) INSERT INTO tags(name) SELECT 'tag ' || x FROM c");
      const ids = [];
      for await (const row of db('tags').orderBy('id').select('id').stream()) ids.push(row.id);
      assert.equal(ids, Array.from({ length: 3002 }, (_, i) => i + 1));
      const piped = [];
      await db('users')
        .orderBy('id')
        .stream((stream) =>
          stream.pipe(
            new Writable({
              objectMode: true,
              write(row, _, done) {
                piped.push(row.name);
                done();
              },
            }),
          ),
        );
      assert.equal(piped, ['ada', 'alan', 'grace']);
      let seen = 0;
      for await (const row of db('tags').where('id', '>', 2).stream()) {
        assert.is(typeof row.name, 'string');
        if (++seen === 3) break;
      }
      // The broken-off cursor must be closed. On the writer, an open one keeps the table locked
      // (DROP TABLE: "database table is locked"); on a reader, it keeps a WAL snapshot, and a
      // checkpoint would report busy.
      if (readers === 0) {
        await db.schema.dropTable('post_tags');
        await db.schema.dropTable('tags');
        assert.is(await db.schema.hasTable('tags'), false);
      } else {
        assert.is((await db.raw('PRAGMA wal_checkpoint(TRUNCATE)'))[0].busy, 0);
      }
      // An error in the stream reaches it; the connection goes on serving.
      const stream = db.raw('SELECT nope FROM users').stream().resume();
      const error = await finished(stream).then(() => null, (reason) => reason);
      assert.is(error?.code, 'ERR_SQLITE_ERROR');
      assert.equal(await db('users').count('* as n'), [{ n: 3 }]);
      assert.is(connection().database.isTransaction, false);
    }));

  test(name('queries issued together are in flight together: one completes while a stream holds another connection'), async () => {
    // A pool of one connection would keep the count waiting for the stream: with this timeout it
    // would fail (KnexTimeoutError) instead of hanging.
    const k = openKnex({ readers, acquireConnectionTimeout: 2000 });
    try {
      await createSchema(k.db);
      await seed(k.db);
      const rows = k.db('users').orderBy('id').stream()[Symbol.asyncIterator]();
      try {
        assert.is((await rows.next()).value.name, 'ada');
        assert.equal(await k.db('posts').count('* as n'), [{ n: 3 }]);
        assert.equal(await k.db('tags').insert({ name: 'while streaming' }), [3]);
        assert.is((await rows.next()).value.name, 'alan');
      } finally {
        await rows.return(); // gives the stream's connection back, also when an assertion failed
      }
      if (readers > 0) {
        // Two long reads at once run on the two readers.
        const routed = k.connection().database.core.pool.routed;
        const before = [...routed.readers];
        const LONG_READ = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 400000) SELECT count(*) AS n FROM c';
        assert.equal(await Promise.all([k.db.raw(LONG_READ), k.db.raw(LONG_READ)]), [[{ n: 400000 }], [{ n: 400000 }]]);
        assert.equal(routed.readers.map((n, i) => (n ?? 0) - (before[i] ?? 0)), [1, 1]);
      }
    } finally {
      await k.close();
    }
  });

  test(name('where queries run: reads on readers, the transaction\'s reads on the writer'), () =>
    withKnex(async (db, { connection }) => {
      const database = connection().database;
      assert.is(database.readers, readers);
      if (readers === 0) {
        assert.is(database.core.pool, undefined);
        return;
      }
      const routed = database.core.pool.routed;
      const onReaders = () => routed.readers.reduce((sum, n) => sum + (n ?? 0), 0);
      const before = onReaders();
      await Promise.all([db('users').select(), db('posts').select(), db('tags').select()]);
      assert.ok(onReaders() > before, 'selects went to readers');
      const inside = onReaders();
      await db.transaction(async (trx) => {
        await trx('tags').insert({ name: 'new' });
        assert.equal(await trx('tags').where({ name: 'new' }).pluck('id'), [3]);
        await trx('users').select();
      });
      assert.is(onReaders(), inside, 'reads inside the transaction stayed on the writer');
    }));
}

test('schema builder: createTable with foreign keys; alterTable add, rename and drop column keep rows, indexes and keys', async () => {
  const { db, close } = openKnex();
  try {
    await createSchema(db);
    await seed(db);
    assert.ok(await db.schema.hasTable('post_tags'));
    assert.equal(
      (await db.raw('PRAGMA foreign_key_list(post_tags)')).map((k) => [k.table, k.from, k.to, k.on_delete]).sort(),
      [
        ['posts', 'post_id', 'id', 'CASCADE'],
        ['tags', 'tag_id', 'id', 'NO ACTION'],
      ],
    );
    await db.schema.alterTable('posts', (t) => {
      t.string('summary').defaultTo('none');
      t.index(['author_id'], 'posts_author');
    });
    await db.schema.alterTable('posts', (t) => t.renameColumn('views', 'hits'));
    await db.schema.alterTable('posts', (t) => t.dropColumn('summary'));
    await db.schema.alterTable('users', (t) => t.dropColumn('email'));
    assert.equal(Object.keys(await db('posts').columnInfo()), ['id', 'author_id', 'title', 'hits']);
    assert.equal(await db('posts').orderBy('id').pluck('hits'), [10, 5, 7]);
    assert.equal(await db('users').orderBy('id').first(), { id: 1, name: 'ada' });
    // The rebuilt tables kept their index, their keys, and the rows that reference them.
    assert.equal((await db.raw('PRAGMA index_list(posts)')).map((i) => i.name).filter((n) => n === 'posts_author'), ['posts_author']);
    assert.equal((await db.raw('PRAGMA foreign_key_list(posts)')).map((k) => [k.table, k.on_delete]), [['users', 'CASCADE']]);
    assert.is(await db('post_tags').count('* as n').first().then((r) => r.n), 3);
    assert.ok(await db.schema.hasColumn('posts', 'hits'));
    assert.not.ok(await db.schema.hasColumn('users', 'email'));
    await db.schema.dropTable('post_tags');
    assert.not.ok(await db.schema.hasTable('post_tags'));
  } finally {
    await close();
  }
});

test('foreign keys are off unless asked for, as with knex\'s sqlite3 client; a migration\'s table rebuild then keeps child rows', async () => {
  const { db, close } = openKnex();
  try {
    assert.equal(await db.raw('PRAGMA foreign_keys'), [{ foreign_keys: 0 }]);
    await createSchema(db);
    await seed(db);
    // knex rebuilds users inside the transaction (as in every migration), where it cannot turn the
    // keys off: with them on, DROP TABLE users would delete the posts that CASCADE from it.
    await db.transaction(async (trx) => {
      await trx.schema.alterTable('users', (t) => t.dropColumn('email'));
    });
    assert.is(await db('posts').count('* as n').first().then((r) => r.n), 3);
  } finally {
    await close();
  }
});

test('migrations: latest and rollback over a folder of .cjs migrations (ALTERs in their transactions); seeds', async () => {
  const { db, close } = openKnex({ migrations: { directory: migrations } });
  try {
    const [batch, applied] = await db.migrate.latest();
    assert.is(batch, 1);
    assert.equal(applied, ['20240101000000_users_and_posts.cjs', '20240102000000_tags.cjs', '20240103000000_alter_columns.cjs']);
    assert.equal(await db('knex_migrations').orderBy('id').pluck('name'), applied);
    assert.equal(Object.keys(await db('posts').columnInfo()), ['id', 'author_id', 'title', 'content']);
    assert.ok(await db.schema.hasColumn('users', 'bio'));
    const [ran] = await db.seed.run({ directory: seeds });
    assert.equal(ran.map((f) => f.replace(/.*[\\/]/, '')), ['01_users_and_posts.cjs']);
    assert.equal(await db('posts').join('users', 'users.id', 'posts.author_id').orderBy('posts.id').pluck('users.name'), ['ada', 'alan']);
    assert.equal(await db.migrate.latest(), [1, []], 'nothing left to run');
    assert.equal(await db.migrate.status(), 0);
    const [rolledBatch, rolledBack] = await db.migrate.rollback();
    assert.is(rolledBatch, 1);
    assert.equal(rolledBack, [...applied].reverse());
    assert.not.ok(await db.schema.hasTable('users'));
    assert.not.ok(await db.schema.hasTable('post_tags'));
    assert.equal(await db('knex_migrations').count('* as n'), [{ n: 0 }]);
  } finally {
    await close();
  }
});

test("connection: { filename: ':memory:' } is one database for every query, transaction and pool connection", async () => {
  const db = knex({ client: SqliteStrandClient, connection: { filename: ':memory:' }, useNullAsDefault: true });
  try {
    await createSchema(db);
    await seed(db);
    await db.transaction(async (trx) => trx('tags').insert({ name: 'memory' }));
    assert.equal(await db('tags').orderBy('id').pluck('name'), ['math', 'history', 'memory']);
    // Queries in flight together use several pool connections: all on the one database.
    await Promise.all(['a', 'b', 'c', 'd'].map((name) => db('tags').insert({ name })));
    const counts = await Promise.all([1, 2, 3, 4].map(() => db('tags').count('* as n').first()));
    assert.equal(counts, [{ n: 7 }, { n: 7 }, { n: 7 }, { n: 7 }]);
    assert.ok(db.client.pool.numUsed() + db.client.pool.numFree() > 1, 'more than one pool connection was made');
  } finally {
    await db.destroy();
  }
});

test('configuration: refused with node-style errors', async () => {
  const quiet = { warn() {}, error() {}, debug() {}, deprecate() {} }; // knex logs the failed connections
  const make = (config) => () => knex({ client: SqliteStrandClient, useNullAsDefault: true, log: quiet, ...config });
  const throws = (fn) => {
    try {
      fn();
    } catch (error) {
      return error;
    }
    throw new Error('expected knex() to throw');
  };
  const flags = throws(make({ connection: { filename: ':memory:', flags: ['OPEN_URI'] } }));
  assert.is(flags.code, 'ERR_INVALID_ARG_VALUE');
  const arrays = throws(make({ connection: { filename: ':memory:', returnArrays: true } }));
  assert.is(arrays.code, 'ERR_INVALID_ARG_VALUE');
  assert.match(arrays.message, /rows as objects/);
  assert.is(throws(() => databaseConnection('app.db')).code, 'ERR_INVALID_ARG_TYPE');
  assert.is(throws(make({ connection: { database: {} } })).code, 'ERR_INVALID_ARG_TYPE');
  assert.is(throws(make({ connection: {} })).code, 'ERR_INVALID_ARG_TYPE');
  const db = await AsyncDatabase.open(':memory:');
  assert.is(throws(make({ connection: { filename: 'x.db', database: db } })).code, 'ERR_INVALID_ARG_VALUE');
  await db.close();
  // What only opening can tell is the first query's error: readers need a database file.
  const memoryReaders = knex({ client: SqliteStrandClient, connection: { filename: ':memory:', readers: 2 }, useNullAsDefault: true, log: quiet });
  const opening = await rejection(memoryReaders.raw('SELECT 1'));
  assert.is(opening.code, 'ERR_INVALID_ARG_VALUE');
  assert.match(opening.message, /needs a database file/);
  await memoryReaders.destroy();
  // A factory that resolves to something else.
  const wrong = knex({ client: SqliteStrandClient, connection: { database: async () => ({}) }, useNullAsDefault: true, log: quiet });
  assert.is((await rejection(wrong.raw('SELECT 1'))).code, 'ERR_INVALID_RETURN_VALUE');
  await wrong.destroy();
});

test('connection: { database } / databaseConnection(): knex uses the AsyncDatabase given (a factory is called once) and does not close it', async () => {
  const given = await AsyncDatabase.open(':memory:');
  const a = knex({ client: SqliteStrandClient, connection: { database: given }, useNullAsDefault: true });
  await createSchema(a);
  await seed(a);
  await a.destroy();
  assert.ok(given.isOpen, 'knex.destroy() leaves a given database open');
  assert.equal(await given.get('SELECT count(*) AS n FROM users'), { __proto__: null, n: 3 });
  let calls = 0;
  const factory = async () => {
    calls++;
    return given;
  };
  const b = knex({ client: SqliteStrandClient, connection: databaseConnection(factory), useNullAsDefault: true });
  assert.is(calls, 0, 'called lazily');
  assert.equal(await b('users').pluck('name'), ['ada', 'alan', 'grace']);
  await b.destroy();
  const c = knex({ client: SqliteStrandClient, connection: { database: factory }, useNullAsDefault: true });
  assert.equal(await c('tags').pluck('name'), ['math', 'history']);
  await c.destroy();
  assert.is(calls, 1, 'called once');
  assert.ok(given.isOpen);
  await given.close();
});

test('exclusivity: a knex transaction holds its AsyncDatabase — outside writes (db.run, another knex) wait and survive its rollback', async () => {
  const given = await AsyncDatabase.open(':memory:');
  const a = knex({ client: SqliteStrandClient, connection: { database: given }, useNullAsDefault: true });
  const b = knex({ client: SqliteStrandClient, connection: { database: given }, useNullAsDefault: true });
  let cleanup = () => undefined;
  try {
    await createSchema(a);
    const trx = await a.transaction();
    cleanup = () => !trx.isCompleted() && trx.rollback();
    await trx('tags').insert({ name: 'inside' });
    const plain = given.run("INSERT INTO tags(name) VALUES ('plain db.run')");
    const other = b('tags').insert({ name: 'other knex' }).then((ids) => ids);
    // A raw BEGIN ... COMMIT through knex is a transaction of the database too.
    const raw = b.transaction(async (t) => t.raw("INSERT INTO tags(name) VALUES ('other trx')"));
    const outside = Promise.allSettled([plain, other, raw]); // handled now: any may fail early
    await trx('tags').insert({ name: 'inside 2' });
    assert.equal(await trx('tags').orderBy('id').pluck('name'), ['inside', 'inside 2'], 'nothing outside ran inside');
    await trx.rollback();
    assert.equal((await outside).map((r) => r.reason?.message ?? r.status), ['fulfilled', 'fulfilled', 'fulfilled']);
    assert.equal((await a('tags').pluck('name')).sort(), ['other knex', 'other trx', 'plain db.run']);
    // knex.raw('BEGIN') / COMMIT hold the database in the same way.
    await a.raw('BEGIN IMMEDIATE');
    await a('tags').insert({ name: 'raw begin' });
    const waiting = given.run("INSERT INTO tags(name) VALUES ('after raw commit')");
    const waited = Promise.allSettled([waiting]);
    await a.raw('ROLLBACK');
    assert.is((await waited)[0].status, 'fulfilled');
    assert.equal(await a('tags').where('name', 'like', '%raw%').pluck('name'), ['after raw commit']);
  } finally {
    await cleanup(); // a failed assertion must not leave the transaction holding the pool
    await a.destroy();
    await b.destroy();
    await given.close();
  }
});

test('a query without .transacting(trx) inside a transaction fails after acquireConnectionTimeout instead of waiting forever', async () => {
  const { db, connection, close } = openKnex({ acquireConnectionTimeout: 2000 });
  try {
    await createSchema(db);
    let held;
    const outcome = Promise.allSettled([
      db.transaction(async (trx) => {
        held = trx;
        await trx('tags').insert({ name: 'inside' });
        await db('tags').insert({ name: 'forgot .transacting(trx)' }); // waits for this very transaction
      }),
    ]);
    const waits = await settle(() => connection().gate.waiting === 1);
    if (!waits) await held.rollback(); // the insert would wait for ever: end the transaction, then fail
    assert.ok(waits, 'the forgotten query waits at the gate, for at most acquireConnectionTimeout');
    const [{ reason }] = await outcome;
    assert.is(reason.code, 'ERR_INVALID_STATE');
    assert.match(reason.message, /Timeout \(2000 ms, acquireConnectionTimeout\).*Are you missing a \.transacting\(trx\) call\?$/);
    assert.equal(await db('tags').count('* as n'), [{ n: 0 }], 'the transaction rolled back');
  } finally {
    await close();
  }
});

test('foreign keys on: while knex\'s table rebuild has them off, other connections wait (and are checked after)', async () => {
  const { db, connection, close } = openKnex({ connection: { enableForeignKeyConstraints: true } });
  try {
    await createSchema(db);
    await seed(db);
    let orphan;
    const sqls = [];
    db.on('query', (query) => {
      sqls.push(query.sql);
      // In the window, from another connection: it must wait until the keys are on again.
      if (/^PRAGMA foreign_keys = OFF$/i.test(query.sql) && orphan === undefined) {
        orphan = Promise.allSettled([db('posts').insert({ author_id: 99, title: 'orphan' }).then((ids) => ids)]);
      }
    });
    await db.schema.alterTable('posts', (t) => t.dropColumn('views'));
    assert.ok(sqls.includes('PRAGMA foreign_keys = ON'), 'knex turned the keys off and on around the rebuild');
    const [result] = await orphan;
    assert.is(result.status, 'rejected', 'the insert ran with the keys on');
    assert.is(result.reason.errcode, 787);
    assert.equal(await db.raw('PRAGMA foreign_keys'), [{ foreign_keys: 1 }]);
    assert.is(connection().gate.admits({}), true, 'nothing holds the database any more');
  } finally {
    await close();
  }
});

test('transaction control: a failed COMMIT rolls back and frees the database; BEGIN inside a transaction is refused', async () => {
  const { db, connection, close } = openKnex({ connection: { enableForeignKeyConstraints: true } });
  try {
    await createSchema(db);
    await db.raw('CREATE TABLE notes (user_id INTEGER REFERENCES users(id) DEFERRABLE INITIALLY DEFERRED)');
    const deferred = await rejection(db.transaction(async (trx) => trx('notes').insert({ user_id: 7 })));
    assert.is(deferred.errcode, 787, 'the deferred foreign key fails at COMMIT');
    assert.match(deferred.message, /^COMMIT; - FOREIGN KEY constraint failed/);
    assert.is(connection().database.isTransaction, false, 'rolled back, not left open');
    assert.equal(await db('notes').count('* as n'), [{ n: 0 }]);
    const nested = await rejection(db.transaction(async (trx) => trx.raw('BEGIN')));
    assert.match(nested.message, /cannot start a transaction within a transaction/);
    const noCommit = await rejection(db.raw('COMMIT'));
    assert.match(noCommit.message, /cannot commit - no transaction is active/);
    assert.equal(await db('users').insert({ name: 'after' }), [1]);
  } finally {
    await close();
  }
});

test('knex.destroy() rolls back a transaction left open by knex.raw(\'BEGIN\'), then closes the database', async () => {
  const { db, file, tmp } = openKnex();
  try {
    await createSchema(db);
    await db.raw('BEGIN');
    await db('tags').insert({ name: 'never committed' });
    await db.destroy();
    const check = new DatabaseSync(file);
    assert.equal(check.prepare('SELECT count(*) AS n FROM tags').get(), { __proto__: null, n: 0 });
    check.close();
  } finally {
    tmp.remove();
  }
});

test('.timeout(ms, { cancel: true }) stops the query on the database thread', async () => {
  const { db, close } = openKnex();
  try {
    await db.schema.createTable('marks', (t) => t.integer('n'));
    // Minutes of work unless stopped: the timeout fires long before it could finish.
    const LONG = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000000) INSERT INTO marks SELECT count(*) FROM c';
    const timedOut = await rejection(db.raw(LONG).timeout(20, { cancel: true }).then((x) => x));
    assert.is(timedOut.name, 'KnexTimeoutError');
    assert.match(timedOut.message, /timeout of 20ms exceeded/);
    // The query behind it runs at once, and the cancelled insert left nothing.
    assert.equal(await db('marks').count('* as n'), [{ n: 0 }]);
  } finally {
    await close();
  }
});

test('knex.destroy() closes the databases knex opened, and the process exits (ESM and CJS builds)', () => {
  const script = (load) => `
    import { createRequire } from 'node:module';
    import { mkdtempSync, rmSync } from 'node:fs';
    import { join } from 'node:path';
    import { tmpdir } from 'node:os';
    ${load}
    const dir = mkdtempSync(join(tmpdir(), 'strand-knex-exit-'));
    let raw;
    const db = knex({ client: SqliteStrandClient, connection: { filename: join(dir, 'db.sqlite') }, useNullAsDefault: true,
      pool: { afterCreate: (conn, done) => done(null, (raw = conn)) } });
    await db.schema.createTable('t', (t) => { t.increments('id'); t.string('v'); });
    await db('t').insert([{ v: 'a' }, { v: 'b' }]);
    await db.transaction(async (trx) => trx('t').insert({ v: 'c' }));
    const trx = await db.transaction();
    await trx('t').del();
    await trx.rollback();
    let streamed = 0;
    for await (const row of db('t').stream()) if (++streamed === 1) break;
    const ok = raw instanceof StrandConnection && raw.database instanceof AsyncDatabase && raw.database.isOpen;
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
    console.log(JSON.stringify({ ok, openAfter: raw.database.isOpen, count: streamed }));
  `;
  const esm = runChild(script(`
    import knex from 'knex';
    import { AsyncDatabase } from 'sqlite-strand';
    import { SqliteStrandClient, StrandConnection, databaseConnection } from 'sqlite-strand/knex';`));
  const cjs = runChild(script(`
    const require = createRequire(import.meta.url);
    const knex = require('knex');
    const { AsyncDatabase } = require('sqlite-strand');
    const { SqliteStrandClient, StrandConnection } = require('sqlite-strand/knex');
    if (!require.resolve('sqlite-strand/knex').endsWith('knex.cjs')) throw new Error('not the CJS build');`));
  for (const [build, child] of [['esm', esm], ['cjs', cjs]]) {
    assert.is(child.signal, null, `${build}: ${child.stderr}`);
    assert.is(child.status, 0, `${build}: ${child.stderr}`);
    assert.equal(JSON.parse(child.stdout), { ok: true, openAfter: false, count: 1 }, build);
  }
});

test('StrandConnection is what the pool holds; knex reports the client as sqlite3 with driver sqlite-strand', async () => {
  const { db, connection, close } = openKnex();
  try {
    await db.raw('SELECT 1');
    assert.ok(connection() instanceof StrandConnection);
    assert.is(db.client.dialect, 'sqlite3');
    assert.is(db.client.driverName, 'sqlite-strand');
    assert.is(db.client.driver.AsyncDatabase, AsyncDatabase);
    assert.is(connection().ownsDatabase, true);
  } finally {
    await close();
  }
});

test.run();
