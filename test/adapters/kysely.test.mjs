// sqlite-strand/kysely against the real Kysely (the pinned dev dependency): the query paths on a
// schema of users, posts, tags and post_tags built by Kysely's Migrator, run on an AsyncDatabase
// with readers: 0 and readers: 2 and on a DatabaseSync (all on a WAL file); then what is specific
// to one kind — parallel reads on the readers, the function form, the migration lock, aborts, the
// statement cache, teardown — and a TypeScript consumer of the types.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { FileMigrationProvider, Migrator } from 'kysely/migration';
import { AsyncDatabase, DatabaseSync, SqliteError } from 'sqlite-strand';
import { SqliteStrandDialect } from 'sqlite-strand/kysely';
import { callCounter, projectRoot, rejection, runChild, tempDir, thrown, useWal } from '../helpers.mjs';

const migrationFolder = fileURLToPath(new URL('./fixtures/kysely-migrations', import.meta.url));
const MIGRATIONS = ['2024-01-01-001-users-and-posts', '2024-01-02-001-tags', '2024-01-03-001-post-views'];

// The database kinds the query paths run on.
const KINDS = {
  'readers: 0': (file) => AsyncDatabase.open(file),
  'readers: 2': (file) => AsyncDatabase.open(file, { readers: 2 }),
  DatabaseSync: (file) => new DatabaseSync(file),
};

// A WAL database file in a temp dir.
function walFile() {
  const tmp = tempDir('strand-kysely-');
  const file = tmp.path('app.db');
  useWal(DatabaseSync, file);
  return { tmp, file };
}

// Runs fn({ db, database, file }) on a Kysely over a fresh database of `kind`, migrated to the
// latest schema; destroys the Kysely instance (which closes the database) and removes the files.
async function withKysely(kind, fn, { migrate = true } = {}) {
  const { tmp, file } = walFile();
  const database = await KINDS[kind](file);
  const db = new Kysely({ dialect: new SqliteStrandDialect({ database }) });
  try {
    if (migrate) {
      const { error } = await migrator(db).migrateToLatest();
      if (error !== undefined) throw error;
    }
    return await fn({ db, database, file });
  } finally {
    await db.destroy();
    tmp.remove();
  }
}

const migrator = (db) => new Migrator({ db, provider: new FileMigrationProvider({ fs, path, migrationFolder }) });

// Two users, three posts, three tags.
async function seed(db) {
  await db.insertInto('users').values([{ name: 'Alice', email: 'alice@example.com' }, { name: 'Bob', email: 'bob@example.com' }]).execute();
  await db.insertInto('posts').values([
    { author_id: 1, title: 'Hello', body: 'first' },
    { author_id: 1, title: 'Again', body: 'second' },
    { author_id: 2, title: 'Bob here', body: null },
  ]).execute();
  await db.insertInto('tags').values([{ name: 'intro' }, { name: 'sqlite' }, { name: 'misc' }]).execute();
  await db.insertInto('post_tags').values([{ post_id: 1, tag_id: 1 }, { post_id: 1, tag_id: 2 }, { post_id: 3, tag_id: 2 }]).execute();
}

const tagNames = async (db) => (await db.selectFrom('tags').select('name').orderBy('name').execute()).map((r) => r.name);
const plain = (rows) => rows.map((row) => ({ ...row }));

// Whether a connection reads an older snapshot of `file` (an open cursor does): after a write of
// its own, a TRUNCATE checkpoint on a probe connection reports busy while any reader lags.
function snapshotHeld(file) {
  const probe = new DatabaseSync(file, { timeout: 0 });
  try {
    probe.exec(`INSERT INTO tags(name) VALUES ('probe-${Math.random()}')`);
    return probe.prepare('PRAGMA wal_checkpoint(TRUNCATE)').get().busy === 1;
  } finally {
    probe.close();
  }
}

for (const kind of Object.keys(KINDS)) {
  test(`${kind}: Migrator over a migrations folder; introspection shows the schema; migrateDown reverts the last one`, async () => {
    await withKysely(kind, async ({ db }) => {
      const up = await migrator(db).migrateToLatest();
      assert.is(up.error, undefined);
      assert.equal(up.results.map((r) => [r.migrationName, r.direction, r.status]), MIGRATIONS.map((name) => [name, 'Up', 'Success']));

      const tables = await db.introspection.getTables();
      assert.equal(tables.map((t) => t.name).sort(), ['post_tags', 'posts', 'tags', 'users']);
      const posts = tables.find((t) => t.name === 'posts');
      assert.equal(posts.columns.map((c) => c.name), ['id', 'author_id', 'title', 'body', 'views']);
      const column = (name) => posts.columns.find((c) => c.name === name);
      assert.is(column('author_id').isNullable, false);
      assert.is(column('body').isNullable, true);
      assert.is(column('views').hasDefaultValue, true);
      assert.is(column('id').isAutoIncrementing, true);
      const internal = await db.introspection.getTables({ withInternalKyselyTables: true });
      assert.equal(internal.map((t) => t.name).filter((name) => name.startsWith('kysely_')).sort(), ['kysely_migration', 'kysely_migration_lock']);
      const indexes = async () => (await sql`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'posts' AND sql IS NOT NULL`.execute(db)).rows.map((r) => r.name);
      assert.equal(await indexes(), ['posts_author_id_index']);

      const down = await migrator(db).migrateDown();
      assert.is(down.error, undefined);
      assert.equal(down.results.map((r) => [r.migrationName, r.direction, r.status]), [[MIGRATIONS[2], 'Down', 'Success']]);
      const after = (await db.introspection.getTables()).find((t) => t.name === 'posts');
      assert.equal(after.columns.map((c) => c.name), ['id', 'author_id', 'title', 'body']);
      assert.equal(await indexes(), []);
      const again = await migrator(db).migrateToLatest();
      assert.equal(again.results.map((r) => r.migrationName), [MIGRATIONS[2]]);
    }, { migrate: false });
  });

  test(`${kind}: insert … returning, insertId, numAffectedRows of update and delete, selects with joins`, async () => {
    await withKysely(kind, async ({ db }) => {
      const alice = await db.insertInto('users').values({ name: 'Alice', email: 'alice@example.com' }).returning(['id', 'name']).executeTakeFirstOrThrow();
      assert.equal({ ...alice }, { id: 1, name: 'Alice' });
      const bob = await db.insertInto('users').values({ name: 'Bob', email: 'bob@example.com' }).executeTakeFirst();
      assert.is(bob.insertId, 2n);
      assert.is(bob.numInsertedOrUpdatedRows, 1n);
      const posts = await db.insertInto('posts').values([
        { author_id: 1, title: 'Hello', body: 'first' },
        { author_id: 1, title: 'Again', body: 'second' },
        { author_id: 2, title: 'Bob here', body: null },
      ]).executeTakeFirst();
      assert.is(posts.insertId, 3n);
      assert.is(posts.numInsertedOrUpdatedRows, 3n);
      const tags = await db.insertInto('tags').values([{ name: 'intro' }, { name: 'sqlite' }]).returningAll().execute();
      assert.equal(plain(tags), [{ id: 1, name: 'intro' }, { id: 2, name: 'sqlite' }]);
      await db.insertInto('post_tags').values([{ post_id: 1, tag_id: 1 }, { post_id: 1, tag_id: 2 }, { post_id: 3, tag_id: 2 }]).execute();

      const listing = await db
        .selectFrom('posts')
        .innerJoin('users', 'users.id', 'posts.author_id')
        .leftJoin('post_tags', 'post_tags.post_id', 'posts.id')
        .leftJoin('tags', 'tags.id', 'post_tags.tag_id')
        .select(['posts.id', 'posts.title', 'users.name as author', sql`group_concat(tags.name, ',')`.as('tags')])
        .groupBy('posts.id')
        .orderBy('posts.id')
        .execute();
      assert.equal(plain(listing), [
        { id: 1, title: 'Hello', author: 'Alice', tags: 'intro,sqlite' },
        { id: 2, title: 'Again', author: 'Alice', tags: null },
        { id: 3, title: 'Bob here', author: 'Bob', tags: 'sqlite' },
      ]);
      const tagged = await db
        .selectFrom('users')
        .where((eb) => eb.exists(eb.selectFrom('posts').innerJoin('post_tags', 'post_tags.post_id', 'posts.id').select('posts.id').whereRef('posts.author_id', '=', 'users.id').where('post_tags.tag_id', '=', 2)))
        .select('name')
        .orderBy('name')
        .execute();
      assert.equal(tagged.map((r) => r.name), ['Alice', 'Bob']);

      const updated = await db.updateTable('posts').set({ views: sql`views + 10` }).where('author_id', '=', 1).executeTakeFirst();
      assert.is(updated.numUpdatedRows, 2n);
      const none = await db.updateTable('posts').set({ views: 0 }).where('id', '=', 99).executeTakeFirst();
      assert.is(none.numUpdatedRows, 0n);
      const deleted = await db.deleteFrom('post_tags').where('tag_id', '=', 2).executeTakeFirst();
      assert.is(deleted.numDeletedRows, 2n);
      const gone = await db.deleteFrom('posts').where('id', '=', 2).returning(['id', 'views']).execute();
      assert.equal(plain(gone), [{ id: 2, views: 10 }]);
      const upsert = await db.insertInto('tags').values({ name: 'intro' }).onConflict((oc) => oc.column('name').doUpdateSet({ name: 'intro!' })).returning('name').execute();
      assert.equal(upsert.map((r) => r.name), ['intro!']);

      // Raw SQL: rows for what returns rows, numAffectedRows for the rest.
      const raw = await sql`UPDATE posts SET views = views + 1`.execute(db);
      assert.is(raw.numAffectedRows, 2n);
      assert.equal(raw.rows, []);
      const cte = await sql`WITH recent(id) AS (SELECT id FROM posts ORDER BY id DESC LIMIT 1) SELECT title FROM posts JOIN recent USING (id)`.execute(db);
      assert.equal(plain(cte.rows), [{ title: 'Bob here' }]);
      const cteWrite = await sql`WITH old(id) AS (SELECT id FROM posts WHERE views > 5) UPDATE posts SET body = 'old' WHERE id IN old`.execute(db);
      assert.is(cteWrite.numAffectedRows, 1n);
      const returning = await sql`/* a comment */ DELETE FROM tags WHERE name = ${'sqlite'} RETURNING id`.execute(db);
      assert.equal(plain(returning.rows), [{ id: 2 }]);
      const pragma = await sql`PRAGMA foreign_keys`.execute(db);
      assert.equal(plain(pragma.rows), [{ foreign_keys: 1 }]);
    });
  });

  test(`${kind}: raw SQL returns its rows, or numAffectedRows, by SQLite's grammar`, async () => {
    await withKysely(kind, async ({ db }) => {
      await seed(db);
      const rows = async (query) => {
        const result = await query.execute(db);
        return result.numAffectedRows === undefined ? plain(result.rows) : { affected: result.numAffectedRows, rows: result.rows };
      };
      assert.equal(await rows(sql`values (1, 'a')`), [{ column1: 1, column2: 'a' }]);
      assert.equal(await rows(sql`  -- leading comment
        select 1 as one`), [{ one: 1 }]);
      // Words in strings, quoted names and comments are not keywords.
      assert.equal(await rows(sql`UPDATE tags SET name = 'returning' || name WHERE id = 3 /* RETURNING */`), { affected: 1n, rows: [] });
      assert.equal(await rows(sql`UPDATE "tags" SET "name" = "name" WHERE name = ${'returningmisc'}`), { affected: 1n, rows: [] });
      assert.equal(await rows(sql`replace INTO tags(id, name) VALUES (3, 'misc') returning *`), [{ id: 3, name: 'misc' }]);
      assert.equal(await rows(sql`WITH x(n) AS (SELECT 'w') INSERT INTO tags(name) SELECT n FROM x RETURNING name`), [{ name: 'w' }]);
      assert.equal(await rows(sql`WITH RECURSIVE x(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM x WHERE n < 3) DELETE FROM post_tags WHERE post_id IN (SELECT n FROM x)`), { affected: 3n, rows: [] });
      assert.equal((await rows(sql`EXPLAIN QUERY PLAN SELECT * FROM posts WHERE author_id = 1`)).length > 0, true);
      assert.equal(await rows(sql`CREATE TRIGGER touch AFTER UPDATE ON posts BEGIN UPDATE posts SET views = views + 1 WHERE id = NEW.id; END`).then((r) => r.rows), []);
      assert.equal(await rows(sql`PRAGMA user_version = 5`), []);
      assert.equal(await rows(sql`PRAGMA user_version`), [{ user_version: 5 }]);
    });
  });

  test(`${kind}: transactions commit, roll back on an error, and a constraint violation rolls back its writes`, async () => {
    await withKysely(kind, async ({ db }) => {
      await seed(db);
      const inside = await db.transaction().execute(async (trx) => {
        await trx.insertInto('tags').values({ name: 'committed' }).execute();
        return (await trx.selectFrom('tags').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n;
      });
      assert.is(inside, 4); // its own write, read inside it
      assert.ok((await tagNames(db)).includes('committed'));

      const violation = await rejection(db.transaction().execute(async (trx) => {
        await trx.insertInto('users').values({ name: 'Carol', email: 'carol@example.com' }).execute();
        await trx.insertInto('posts').values({ author_id: 3, title: 'Carol writes' }).execute();
        await trx.insertInto('users').values({ name: 'Impostor', email: 'alice@example.com' }).execute();
      }));
      assert.instance(violation, SqliteError);
      assert.is(violation.code, 'ERR_SQLITE_ERROR');
      assert.is(violation.errcode, 2067); // SQLITE_CONSTRAINT_UNIQUE
      assert.is(violation.errstr, 'constraint failed');
      assert.match(violation.message, /UNIQUE constraint failed: users\.email/);
      assert.equal((await db.selectFrom('users').select('name').orderBy('id').execute()).map((r) => r.name), ['Alice', 'Bob']);
      assert.is((await db.selectFrom('posts').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n, 3);

      const thrownError = new Error('changed my mind');
      assert.is(await rejection(db.transaction().execute(async (trx) => {
        await trx.deleteFrom('post_tags').execute();
        throw thrownError;
      })), thrownError);
      assert.is((await db.selectFrom('post_tags').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n, 3);

      // A COMMIT that fails (a deferred foreign key) rejects, and leaves nothing behind: no write,
      // no transaction still open.
      const commitFailed = await rejection(db.transaction().execute(async (trx) => {
        await sql`PRAGMA defer_foreign_keys = ON`.execute(trx);
        await trx.insertInto('posts').values({ author_id: 99, title: 'orphan' }).execute();
        await trx.insertInto('tags').values({ name: 'with the orphan' }).execute();
      }));
      assert.instance(commitFailed, SqliteError);
      assert.is(commitFailed.errcode, 787); // SQLITE_CONSTRAINT_FOREIGNKEY, at COMMIT
      assert.not.ok((await tagNames(db)).includes('with the orphan'));
      await db.transaction().execute((trx) => trx.insertInto('tags').values({ name: 'after it' }).execute());
      assert.ok((await tagNames(db)).includes('after it'));

      // Kysely validates the settings; SQLite has one isolation level, so they change nothing.
      const serializable = await db.transaction().setIsolationLevel('serializable').setAccessMode('read write').execute(async (trx) => {
        await trx.insertInto('tags').values({ name: 'with settings' }).execute();
        return 'done';
      });
      assert.is(serializable, 'done');
      assert.ok((await tagNames(db)).includes('with settings'));
    });
  });

  test(`${kind}: controlled transactions with savepoints: rollbackToSavepoint, releaseSavepoint, commit, rollback`, async () => {
    await withKysely(kind, async ({ db }) => {
      const trx = await db.startTransaction().execute();
      await trx.insertInto('tags').values({ name: 'a' }).execute();
      const afterA = await trx.savepoint('after_a').execute();
      await afterA.insertInto('tags').values({ name: 'b' }).execute();
      assert.equal(await tagNames(afterA), ['a', 'b']);
      const backToA = await afterA.rollbackToSavepoint('after_a').execute();
      assert.equal(await tagNames(backToA), ['a']);
      // A name Kysely quotes as an identifier.
      const quoted = await backToA.savepoint(`it's "quoted"`).execute();
      await quoted.insertInto('tags').values({ name: 'c' }).execute();
      const released = await quoted.releaseSavepoint(`it's "quoted"`).execute();
      // Released: there is no such savepoint any more.
      assert.match((await rejection(released.rollbackToSavepoint(`it's "quoted"`).execute())).message, /no such savepoint/);
      await released.commit().execute();
      assert.is(released.isCommitted, true);
      assert.equal(await tagNames(db), ['a', 'c']);

      const dropped = await db.startTransaction().execute();
      await dropped.insertInto('tags').values({ name: 'never' }).execute();
      await dropped.rollback().execute();
      assert.is(dropped.isRolledBack, true);
      assert.equal(await tagNames(db), ['a', 'c']);
      // A savepoint that does not exist is SQLite's error, inside the transaction, which goes on.
      const missing = await db.startTransaction().execute();
      const error = await rejection(missing.rollbackToSavepoint('nope').execute());
      assert.is(error.code, 'ERR_SQLITE_ERROR');
      assert.match(error.message, /no such savepoint: nope/);
      await missing.insertInto('tags').values({ name: 'd' }).execute();
      await missing.commit().execute();
      assert.equal(await tagNames(db), ['a', 'c', 'd']);
    });
  });

  test(`${kind}: a query issued from outside a transaction while it is open never runs inside it`, async () => {
    await withKysely(kind, async ({ db, database }) => {
      const settled = [];
      let outside;
      let direct;
      const error = new Error('roll back');
      assert.is(await rejection(db.transaction().execute(async (trx) => {
        await trx.insertInto('tags').values({ name: 'inside' }).execute();
        // Another request's query through the same Kysely instance, and (on an AsyncDatabase,
        // whose queue the transaction holds) a plain call on the database: issued now, not awaited.
        outside = db.insertInto('tags').values({ name: 'outside kysely' }).execute().then(() => settled.push('kysely'));
        if (database instanceof AsyncDatabase) direct = database.run(`INSERT INTO tags(name) VALUES ('outside direct')`).then(() => settled.push('direct'));
        // A round trip of the transaction itself, issued after them: they have reached the
        // database by now, and must still be waiting.
        assert.equal(await tagNames(trx), ['inside']);
        assert.equal(settled, []);
        throw error;
      })), error);
      await outside;
      await direct;
      // Not rolled back with the transaction: they ran after it.
      const expected = database instanceof AsyncDatabase ? ['outside direct', 'outside kysely'] : ['outside kysely'];
      assert.equal(await tagNames(db), expected);
    });
  });

  test(`${kind}: db.connection() runs its queries on the database (a temporary table stays visible)`, async () => {
    await withKysely(kind, async ({ db }) => {
      const names = await db.connection().execute(async (conn) => {
        await sql`CREATE TEMP TABLE scratch(name TEXT)`.execute(conn);
        await conn.insertInto('scratch').values([{ name: 'one' }, { name: 'two' }]).execute();
        return (await conn.selectFrom('scratch').select('name').orderBy('name').execute()).map((r) => r.name);
      });
      assert.equal(names, ['one', 'two']);
    });
  });

  test(`${kind}: stream() yields every row in chunks, and a break closes the cursor`, async () => {
    await withKysely(kind, async ({ db, file }) => {
      await seed(db);
      const all = [];
      for await (const post of db.selectFrom('posts').select(['id', 'title']).orderBy('id').stream(2)) all.push(post.id);
      assert.equal(all, [1, 2, 3]);

      const seen = [];
      const stream = db.selectFrom('posts').selectAll().orderBy('id').stream(1);
      for await (const post of stream) {
        seen.push(post.id);
        // While the cursor is open its connection reads an older snapshot: the probe can tell.
        if (seen.length === 1) assert.is(snapshotHeld(file), true, 'the open cursor holds its snapshot');
        if (seen.length === 2) break;
      }
      assert.equal(seen, [1, 2]);
      assert.is(snapshotHeld(file), false, 'the cursor was closed by the break');

      // Anything that returns rows streams, in a transaction too (it sees the transaction's writes).
      const inserted = await db.transaction().execute(async (trx) => {
        const ids = [];
        for await (const row of trx.insertInto('tags').values([{ name: 'x' }, { name: 'y' }]).returning('id').stream()) ids.push(row.id);
        for await (const row of trx.selectFrom('tags').select('name').where('name', 'in', ['x', 'y']).stream()) ids.push(row.name);
        return ids;
      });
      assert.equal(inserted.slice(2).sort(), ['x', 'y']);
      const badChunk = await rejection((async () => {
        for await (const _ of db.selectFrom('posts').selectAll().stream(0));
      })());
      assert.is(badChunk.code, 'ERR_OUT_OF_RANGE');
    });
  });

  test(`${kind}: SQL errors are SqliteErrors (code, errcode, errstr); the instance goes on working`, async () => {
    await withKysely(kind, async ({ db }) => {
      await seed(db);
      const foreignKey = await rejection(db.insertInto('posts').values({ author_id: 99, title: 'orphan' }).execute());
      assert.instance(foreignKey, SqliteError);
      assert.is(foreignKey.code, 'ERR_SQLITE_ERROR');
      assert.is(foreignKey.errcode, 787); // SQLITE_CONSTRAINT_FOREIGNKEY
      assert.match(foreignKey.message, /FOREIGN KEY constraint failed/);
      const syntax = await rejection(sql`SELEC 1`.execute(db));
      assert.instance(syntax, SqliteError);
      assert.is(syntax.errcode, 1);
      assert.is(syntax.errstr, 'SQL logic error');
      const missing = await rejection(db.selectFrom('nope').selectAll().execute());
      assert.match(missing.message, /no such table: nope/);
      const streamed = await rejection((async () => {
        for await (const _ of db.selectFrom('nope').selectAll().stream());
      })());
      assert.instance(streamed, SqliteError);
      assert.is((await db.selectFrom('users').select('name').where('id', '=', 1).executeTakeFirstOrThrow()).name, 'Alice');
    });
  });

  test(`${kind}: destroy() closes the database; the instance is then unusable`, async () => {
    const { tmp, file } = walFile();
    try {
      const database = await KINDS[kind](file);
      const db = new Kysely({ dialect: new SqliteStrandDialect({ database }) });
      await sql`CREATE TABLE t(x)`.execute(db);
      await db.destroy();
      assert.is(database.isOpen, false);
      assert.match((await rejection(db.selectFrom('t').selectAll().execute())).message, /destroyed/);
      await db.destroy(); // twice: harmless, as in Kysely
    } finally {
      tmp.remove();
    }
  });
}

test('readers: 2: Kysely reads in flight run in parallel on the readers, not one at a time', async () => {
  await withKysely('readers: 2', async ({ db, database }) => {
    // meet(k) returns 1 once both queries have called it, 0 before: each query recurses until the
    // other one has started too — at once if they run in parallel; if they ran one at a time, the
    // first would go on alone, up to the cap.
    const cap = 20000;
    const met = new Set();
    await database.function('meet', (k) => {
      met.add(k);
      return met.size === 2 ? 1 : 0;
    });
    const read = (k) => sql`WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE meet(${k}) = 0 AND x < ${cap}) SELECT max(x) AS n FROM c`.execute(db);
    const onReaders = () => [0, 1].map((i) => database.core.pool.routed.readers[i] ?? 0);
    const before = onReaders();
    const [one, two] = await Promise.all([read(1), read(2)]);
    assert.ok(one.rows[0].n < cap && two.rows[0].n < cap, `each met the other: ${one.rows[0].n}, ${two.rows[0].n}`);
    const after = onReaders();
    assert.ok(after.every((n, i) => n > before[i]), `one on each reader: ${before} → ${after}`);
    // In a transaction reads run on the writer, and see its writes.
    const writerBefore = database.core.pool.routed.writer ?? 0;
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('tags').values({ name: 'mine' }).execute();
      assert.equal(await tagNames(trx), ['mine']);
    });
    assert.ok((database.core.pool.routed.writer ?? 0) > writerBefore);
  });
});

test('the function form is called once, lazily, by the first query; destroy() closes what it returned', async () => {
  const { tmp, file } = walFile();
  try {
    let calls = 0;
    let opened;
    const dialect = new SqliteStrandDialect({
      database: async () => {
        calls++;
        opened = await AsyncDatabase.open(file, { readers: 1 });
        return opened;
      },
    });
    const db = new Kysely({ dialect });
    assert.is(calls, 0);
    await Promise.all([sql`CREATE TABLE IF NOT EXISTS t(x)`.execute(db), sql`SELECT 1 AS one`.execute(db), db.selectFrom('sqlite_master').selectAll().execute()]);
    await db.transaction().execute((trx) => trx.selectFrom('t').selectAll().execute());
    assert.is(calls, 1);
    await db.destroy();
    assert.is(opened.isOpen, false);

    // A DatabaseSync, returned without a promise; onCreateConnection runs once, with a connection.
    let created = 0;
    const syncDb = new Kysely({
      dialect: new SqliteStrandDialect({
        database: () => new DatabaseSync(file),
        onCreateConnection: async (connection) => {
          created++;
          await connection.executeQuery({ sql: 'PRAGMA user_version = 7', parameters: [], query: { kind: 'RawNode' } });
        },
      }),
    });
    assert.equal(plain((await sql`PRAGMA user_version`.execute(syncDb)).rows), [{ user_version: 7 }]);
    await sql`SELECT 1`.execute(syncDb);
    assert.is(created, 1);
    await syncDb.destroy();
  } finally {
    tmp.remove();
  }
});

test('bad config: the dialect throws ERR_INVALID_ARG_TYPE; a function returning no database fails the query', async () => {
  for (const config of [undefined, null, {}, { database: 42 }, { database: ':memory:' }, { database: {} }]) {
    const error = thrown(() => new SqliteStrandDialect(config));
    assert.is(error.code, 'ERR_INVALID_ARG_TYPE', JSON.stringify(config));
    assert.instance(error, TypeError);
  }
  const db = new Kysely({ dialect: new SqliteStrandDialect({ database: async () => ({ prepare() {} }) }) });
  const error = await rejection(sql`SELECT 1`.execute(db));
  assert.is(error.code, 'ERR_INVALID_ARG_TYPE');
  assert.match(error.message, /must return \(a promise of\) an AsyncDatabase or a DatabaseSync/);
  await db.destroy();
});

test('DatabaseSync: Kysely\'s own SqliteDialect fails with parameters (the issue); this dialect runs the same query', async () => {
  const database = new DatabaseSync(':memory:');
  const theirs = new Kysely({ dialect: new SqliteDialect({ database }) });
  const error = await rejection(theirs.selectFrom('sqlite_master').selectAll().where('name', '=', 'x').execute());
  assert.match(error.message, /Unknown named parameter '0'/);
  const ours = new Kysely({ dialect: new SqliteStrandDialect({ database }) });
  assert.equal(await ours.selectFrom('sqlite_master').selectAll().where('name', '=', 'x').execute(), []);
  await ours.destroy();
  assert.is(database.isOpen, false);
});

test('two migrateToLatest() at once: the migration lock runs each migration once', async () => {
  for (const kind of ['readers: 0', 'DatabaseSync']) {
    await withKysely(kind, async ({ db }) => {
      const [first, second] = await Promise.all([migrator(db).migrateToLatest(), migrator(db).migrateToLatest()]);
      assert.is(first.error, undefined, String(first.error));
      assert.is(second.error, undefined, String(second.error));
      assert.equal([...first.results, ...second.results].map((r) => [r.migrationName, r.status]), MIGRATIONS.map((name) => [name, 'Success']));
      assert.is((await db.selectFrom('kysely_migration').selectAll().execute()).length, 3);
    }, { migrate: false });
  }
});

test('abort: by default Kysely stops waiting and the query completes; with "cancel query" it is stopped (ABORT_ERR)', async () => {
  await withKysely('readers: 0', async ({ database }) => {
    const errors = [];
    const db = new Kysely({ dialect: new SqliteStrandDialect({ database }), log: (event) => event.level === 'error' && errors.push(event.error) });
    const { fn, reached } = callCounter();
    await database.function('started', fn);
    const printed = [];
    const consoleError = console.error;
    console.error = (...args) => printed.push(args.join(' '));
    try {
      // 'ignore query' (the default): the insert goes on in the background, as Kysely documents.
      const ignored = new AbortController();
      const insert = sql`INSERT INTO tags(name) SELECT 'kept' WHERE started()`.execute(db, { signal: ignored.signal });
      await reached(1);
      ignored.abort(new Error('stop waiting'));
      assert.is((await rejection(insert)).message, 'stop waiting');
      assert.equal(await tagNames(db), ['kept']); // queued behind the insert: it completed
      assert.equal(errors, []);

      // 'cancel query': cancelQuery() stops the running statement (a long one: started() per row).
      const cancelled = new AbortController();
      const reason = new Error('cancel it');
      const long = sql`WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 400000) SELECT count(*) AS n FROM c WHERE started() = 1`
        .execute(db, { signal: cancelled.signal, inflightQueryAbortStrategy: 'cancel query' });
      await reached(2);
      cancelled.abort(reason);
      assert.is(await rejection(long), reason); // Kysely rejects with the signal's reason
      // Kysely logs the query's own outcome: stopped on the database thread, not run to its end. A
      // query queued behind it completes after it; a turn of the loop later its log call is made.
      await sql`SELECT 1`.execute(db);
      await new Promise((resolve) => setImmediate(resolve));
      assert.is(errors[0].code, 'ABORT_ERR');
      assert.is(errors[0].name, 'AbortError');
      assert.equal(plain((await sql`SELECT count(*) AS n FROM tags`.execute(db)).rows), [{ n: 1 }]);
      // 'kill session' is not offered: Kysely says so and points to 'cancel query'.
      const killed = await rejection(sql`SELECT 1`.execute(db, { signal: new AbortController().signal, inflightQueryAbortStrategy: 'kill session' }));
      assert.match(killed.message, /cancel query/);
    } finally {
      console.error = consoleError;
    }
    assert.ok(printed.some((line) => /failed in the background after abortion/.test(line)), printed.join('\n'));
  });
});

test('DatabaseSync: "cancel query" stops a query still waiting for another connection\'s transaction', async () => {
  await withKysely('DatabaseSync', async ({ db }) => {
    const errors = [];
    const trx = await db.startTransaction().execute();
    await trx.insertInto('tags').values({ name: 'in transaction' }).execute();
    const controller = new AbortController();
    const waiting = db.insertInto('tags').values({ name: 'never' }).execute({ signal: controller.signal, inflightQueryAbortStrategy: 'cancel query' });
    const consoleError = console.error;
    console.error = (...args) => errors.push(args.join(' '));
    try {
      // Kysely's steps to the connection are promise reactions: after a turn of the event loop the
      // query waits at the transaction gate (aborted before it gets there, Kysely would not run it).
      await new Promise((resolve) => setImmediate(resolve));
      controller.abort(new Error('give up'));
      assert.is((await rejection(waiting)).message, 'give up');
      await trx.commit().execute();
      // The query was woken by the commit and refused to run.
      await sql`SELECT 1`.execute(db);
      assert.equal(await tagNames(db), ['in transaction']);
    } finally {
      console.error = consoleError;
    }
    assert.ok(errors.some((line) => /aborted/.test(line)), errors.join('\n'));
  });
});

test('DatabaseSync: a stream reads no row while another connection\'s transaction is open', async () => {
  await withKysely('DatabaseSync', async ({ db }) => {
    await seed(db);
    const stream = db.selectFrom('tags').select('name').orderBy('id').stream(1)[Symbol.asyncIterator]();
    assert.is((await stream.next()).value.name, 'intro');
    const trx = await db.startTransaction().execute();
    await trx.updateTable('tags').set({ name: 'uncommitted' }).where('id', '=', 2).execute();
    let next;
    const pending = stream.next().then((result) => (next = result));
    // Everything here is synchronous or a promise reaction: after a turn of the event loop a read
    // that was not held back would have completed.
    await new Promise((resolve) => setImmediate(resolve));
    assert.is(next, undefined);
    await trx.rollback().execute();
    await pending;
    assert.is(next.value.name, 'sqlite');
    await stream.return();
  });
});

test('destroy() with a controlled transaction still open rolls it back and closes the database', () => {
  // In a child process: were the transaction left open, the AsyncDatabase's close() would wait for
  // it for ever (it holds the queue) — a hang, which the child's timeout turns into a failure.
  const tmp = tempDir('strand-kysely-destroy-');
  try {
    const result = runChild(`
      import { Kysely, sql } from 'kysely';
      import { AsyncDatabase, DatabaseSync } from 'sqlite-strand';
      import { SqliteStrandDialect } from 'sqlite-strand/kysely';
      const out = {};
      for (const kind of ['async', 'sync']) {
        const file = ${JSON.stringify(tmp.dir)} + '/' + kind + '.db';
        const database = kind === 'async' ? await AsyncDatabase.open(file) : new DatabaseSync(file);
        const db = new Kysely({ dialect: new SqliteStrandDialect({ database }) });
        await sql\`CREATE TABLE tags(name)\`.execute(db);
        const trx = await db.startTransaction().execute();
        await trx.insertInto('tags').values({ name: 'abandoned' }).execute();
        await db.destroy();
        const check = new DatabaseSync(file);
        out[kind] = { open: database.isOpen, rows: check.prepare('SELECT count(*) AS n FROM tags').get().n };
        check.close();
      }
      console.log(JSON.stringify(out));
    `, { timeout: 60_000 });
    assert.is(result.signal, null, `killed by ${result.signal} (a hang?): ${result.stderr}`);
    assert.is(result.status, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout.trim().split('\n').at(-1)), { async: { open: false, rows: 0 }, sync: { open: false, rows: 0 } });
  } finally {
    tmp.remove();
  }
});

test('statement cache: one prepare per SQL text; statements finalized by deserialize() are prepared again; eviction', async () => {
  for (const kind of ['readers: 0', 'DatabaseSync']) {
    await withKysely(kind, async ({ db, database }) => {
      await seed(db);
      // Counts the statements prepared, and keeps those not finalized since (by finalize(), or a
      // sync one's dispose).
      const prepare = database.prepare;
      let prepares = 0;
      const live = new Set();
      const counted = (statement) => {
        live.add(statement);
        for (const name of ['finalize', Symbol.dispose]) {
          const original = statement[name];
          if (original !== undefined) statement[name] = function (...args) {
            live.delete(statement);
            return original.apply(this, args);
          };
        }
        return statement;
      };
      database.prepare = function (...args) {
        prepares++;
        const statement = prepare.apply(this, args);
        return statement instanceof Promise ? statement.then(counted) : counted(statement);
      };
      try {
        const byId = (id) => db.selectFrom('users').select('name').where('id', '=', id).executeTakeFirstOrThrow();
        for (const id of [1, 2, 1, 2, 1]) await byId(id);
        assert.is(prepares, 1);
        // deserialize() finalizes every statement: the cached one is replaced, the query still runs.
        // (An image of a WAL database cannot be loaded into memory: a rollback journal first.)
        await sql`PRAGMA journal_mode = DELETE`.execute(db);
        if (database instanceof AsyncDatabase) await database.deserialize(await database.serialize());
        else database.deserialize(database.serialize());
        live.clear(); // all finalized
        assert.is((await byId(2)).name, 'Bob');
        assert.is((await byId(1)).name, 'Alice');
        // More texts than the cache keeps: the least recently used ones are finalized; all still run.
        const texts = Array.from({ length: 300 }, (_, i) => i);
        for (const i of texts) assert.equal(plain((await sql`SELECT ${sql.lit(i)} AS i, name FROM users WHERE id = ${1}`.execute(db)).rows), [{ i, name: 'Alice' }]);
        for (const i of texts.slice(0, 3)) assert.equal(plain((await sql`SELECT ${sql.lit(i)} AS i, name FROM users WHERE id = ${2}`.execute(db)).rows), [{ i, name: 'Bob' }]);
        // A statement prepared in the background is counted once its prepare() settles: a query
        // queued behind them all has.
        await sql`SELECT 1`.execute(db);
        assert.ok(prepares > 300, `${prepares} prepared`);
        assert.ok(live.size <= 128, `${live.size} statements not finalized: the cache keeps at most 128`);
      } finally {
        database.prepare = prepare;
      }
    });
  }
});

test('TypeScript: a consumer types Kysely<DB> over the dialect (tsc, module nodenext)', () => {
  const fixture = fileURLToPath(new URL('./fixtures/kysely-consumer.mts', import.meta.url));
  const tsc = path.join(projectRoot, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--skipLibCheck', '--types', 'node', fixture], { cwd: projectRoot, encoding: 'utf8' });
  assert.is(result.status, 0, `${result.stdout}${result.stderr}`);
});

test.run();
