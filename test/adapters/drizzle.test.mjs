// sqlite-strand/drizzle against the real drizzle-orm (the pinned dev dependency): the query paths
// on a schema of users, posts, tags and post_tags (fixtures/drizzle-schema.mjs, created by the
// drizzle-kit migrations in fixtures/drizzle-migrations/), with readers: 0 (a rollback-journal
// file) and readers: 2 (a WAL file); prepared statements, column types, transactions (including
// the proof that an outside query never lands inside one), batch, the lazy database, the migrator.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { AsyncDatabase, AsyncStatement, DatabaseSync, SqliteError } from 'sqlite-strand';
import { drizzle, migrate, StrandTransaction } from 'sqlite-strand/drizzle';
import { and, asc, count, desc, DrizzleQueryError, eq, gt, sql, TransactionRollbackError } from 'drizzle-orm';
import { rejection, settle, tempDir, useWal, writeLockProbe } from '../helpers.mjs';
import * as schema from './fixtures/drizzle-schema.mjs';

const { users, posts, tags, postTags, attachments } = schema;
const migrationsFolder = fileURLToPath(new URL('./fixtures/drizzle-migrations', import.meta.url));
const CREATED = new Date('2025-01-02T03:04:05.000Z'); // whole seconds: the `timestamp` mode stores seconds

// A database file (WAL when it has readers), opened as an AsyncDatabase, wrapped by drizzle() and
// migrated. `close()` closes the database and removes the file.
async function open({ readers = 0, options = {}, config = {} } = {}) {
  const tmp = tempDir('strand-drizzle-');
  const file = tmp.path('app.db');
  if (readers > 0) useWal(DatabaseSync, file);
  const raw = await AsyncDatabase.open(file, { readers, timeout: 5000, ...options });
  const db = drizzle(raw, { schema, ...config });
  await migrate(db, { migrationsFolder });
  return {
    tmp,
    file,
    raw,
    db,
    async close() {
      await raw.close();
      tmp.remove();
    },
  };
}

const withDb = (setup, fn) => async () => {
  const context = await open(setup);
  try {
    await fn(context);
  } finally {
    await context.close();
  }
};

// alice (2 posts: "hello" tagged news+tech, "draft" untagged), bob (1 post tagged tech), carol (none).
async function seed(db) {
  const [alice, bob, carol] = await db
    .insert(users)
    .values([
      { name: 'alice', email: 'alice@example.com', isAdmin: true, createdAt: CREATED },
      { name: 'bob', email: 'bob@example.com', createdAt: CREATED },
      { name: 'carol', email: 'carol@example.com', createdAt: CREATED },
    ])
    .returning();
  const [hello, draft, bobs] = await db
    .insert(posts)
    .values([
      { authorId: alice.id, title: 'hello', body: 'first', publishedAt: new Date('2025-02-03T04:05:06.789Z'), views: 10 },
      { authorId: alice.id, title: 'draft' },
      { authorId: bob.id, title: 'bobs post', views: 3 },
    ])
    .returning();
  const [news, tech] = await db.insert(tags).values([{ name: 'news' }, { name: 'tech' }]).returning();
  await db.insert(postTags).values([
    { postId: hello.id, tagId: news.id },
    { postId: hello.id, tagId: tech.id },
    { postId: bobs.id, tagId: tech.id },
  ]);
  return { alice, bob, carol, hello, draft, bobs, news, tech };
}

const deferred = () => {
  let resolve;
  const promise = new Promise((r) => (resolve = r));
  return { promise, resolve };
};

// The SQLite error a drizzle query failed with: drizzle wraps it in a DrizzleQueryError.
async function sqliteCause(promise) {
  const error = await rejection(promise);
  assert.instance(error, DrizzleQueryError);
  assert.instance(error.cause, SqliteError);
  assert.is(error.cause.code, 'ERR_SQLITE_ERROR');
  return error.cause;
}

// Counts calls of `Class.prototype[method]` for each method while `fn` runs.
async function countCalls(targets, fn) {
  const counts = {};
  const restore = [];
  for (const [label, object, method] of targets) {
    const original = object[method];
    counts[label] = 0;
    object[method] = function (...args) {
      counts[label]++;
      return original.apply(this, args);
    };
    restore.push(() => (object[method] = original));
  }
  try {
    await fn();
  } finally {
    for (const undo of restore) undo();
  }
  return counts;
}

for (const readers of [0, 2]) {
  const mode = `readers: ${readers}`;

  test(`${mode}: insert/select/update/delete with returning, run(), all(), get(), values()`, withDb({ readers }, async ({ db }) => {
    const { alice, bob, carol } = await seed(db);
    assert.equal(alice, { id: 1, name: 'alice', email: 'alice@example.com', isAdmin: true, createdAt: CREATED });
    assert.is(bob.isAdmin, false);

    const run = await db.insert(tags).values({ name: 'misc' }).run();
    assert.equal(run, { changes: 1, lastInsertRowid: 3 });

    const all = await db.select({ id: users.id, name: users.name }).from(users).orderBy(desc(users.id)).all();
    assert.equal(all, [{ id: 3, name: 'carol' }, { id: 2, name: 'bob' }, { id: 1, name: 'alice' }]);
    assert.equal(await db.select().from(users).where(eq(users.name, 'bob')).get(), bob);
    assert.is(await db.select().from(users).where(eq(users.name, 'nobody')).get(), undefined);
    assert.equal(await db.select({ name: users.name, admin: users.isAdmin }).from(users).orderBy(asc(users.id)).values(), [
      ['alice', 1],
      ['bob', 0],
      ['carol', 0],
    ]);
    assert.equal(await db.select().from(users).where(eq(users.id, carol.id)), [carol]); // awaited builder: execute()

    const updated = await db.update(posts).set({ views: sql`${posts.views} + 1` }).where(eq(posts.authorId, alice.id)).returning({ id: posts.id, views: posts.views });
    assert.equal(updated.sort((a, b) => a.id - b.id), [{ id: 1, views: 11 }, { id: 2, views: 1 }]);
    assert.equal(await db.update(users).set({ name: 'robert' }).where(eq(users.id, bob.id)).run(), { changes: 1, lastInsertRowid: 3 });

    const deleted = await db.delete(tags).where(eq(tags.name, 'misc')).returning();
    assert.equal(deleted, [{ id: 3, name: 'misc' }]);
    assert.is((await db.delete(users).where(eq(users.id, carol.id)).run()).changes, 1);
    assert.is(await db.$count(users), 2);
    assert.equal(await db.select({ n: count() }).from(posts).where(gt(posts.views, 2)), [{ n: 2 }]);
  }));

  test(`${mode}: joins map nested objects and nullify the missing side`, withDb({ readers }, async ({ db }) => {
    await seed(db);
    const rows = await db
      .select({ user: users.name, post: { title: posts.title, views: posts.views } })
      .from(users)
      .leftJoin(posts, eq(posts.authorId, users.id))
      .orderBy(asc(users.id), asc(posts.id));
    assert.equal(rows, [
      { user: 'alice', post: { title: 'hello', views: 10 } },
      { user: 'alice', post: { title: 'draft', views: 0 } },
      { user: 'bob', post: { title: 'bobs post', views: 3 } },
      { user: 'carol', post: null },
    ]);
    const full = await db.select().from(posts).innerJoin(users, eq(users.id, posts.authorId)).where(eq(posts.title, 'bobs post'));
    assert.is(full.length, 1);
    assert.is(full[0].users.name, 'bob');
    assert.is(full[0].posts.title, 'bobs post');
  }));

  test(`${mode}: relational queries, nested three deep over the join table`, withDb({ readers }, async ({ db }) => {
    await seed(db);
    const found = await db.query.users.findMany({
      columns: { name: true },
      orderBy: [asc(users.id)],
      with: { posts: { columns: { title: true }, orderBy: [asc(posts.id)], with: { postTags: { columns: {}, with: { tag: { columns: { name: true } } } } } } },
    });
    assert.equal(found, [
      { name: 'alice', posts: [{ title: 'hello', postTags: [{ tag: { name: 'news' } }, { tag: { name: 'tech' } }] }, { title: 'draft', postTags: [] }] },
      { name: 'bob', posts: [{ title: 'bobs post', postTags: [{ tag: { name: 'tech' } }] }] },
      { name: 'carol', posts: [] },
    ]);
    const post = await db.query.posts.findFirst({ where: eq(posts.title, 'hello'), with: { author: true } });
    assert.equal(post.author, { id: 1, name: 'alice', email: 'alice@example.com', isAdmin: true, createdAt: CREATED });
    assert.equal(post.publishedAt, new Date('2025-02-03T04:05:06.789Z'));
    assert.is(await db.query.posts.findFirst({ where: eq(posts.title, 'none') }), undefined);
    const tagged = await db.query.tags.findMany({ where: eq(tags.name, 'tech'), with: { postTags: { with: { post: { with: { author: { columns: { name: true } } } } } } } });
    assert.equal(tagged[0].postTags.map((pt) => `${pt.post.author.name}: ${pt.post.title}`).sort(), ['alice: hello', 'bob: bobs post']);
  }));

  test(`${mode}: a prepared query with placeholders runs one AsyncStatement, prepared once`, withDb({ readers }, async ({ raw, db }) => {
    await seed(db);
    const byName = db.select({ id: users.id, email: users.email }).from(users).where(eq(users.name, sql.placeholder('name'))).prepare();
    const insertTag = db.insert(tags).values({ name: sql.placeholder('name') }).prepare();
    const relational = db.query.users.findFirst({ where: eq(users.id, sql.placeholder('id')), with: { posts: { columns: { title: true } } } }).prepare();
    const results = [];
    const counts = await countCalls(
      [
        ['prepare', raw, 'prepare'],
        ['statementGet', AsyncStatement.prototype, 'get'],
        ['statementRun', AsyncStatement.prototype, 'run'],
        ['textGet', AsyncDatabase.prototype, 'get'],
        ['textRun', AsyncDatabase.prototype, 'run'],
      ],
      async () => {
        for (const name of ['alice', 'bob', 'carol', 'nobody', 'alice']) results.push(await byName.get({ name }));
        for (const name of ['t1', 't2', 't3']) results.push((await insertTag.run({ name })).changes);
        for (const id of [2, 3]) results.push(await relational.execute({ id }));
      },
    );
    assert.equal(results, [
      { id: 1, email: 'alice@example.com' },
      { id: 2, email: 'bob@example.com' },
      { id: 3, email: 'carol@example.com' },
      undefined,
      { id: 1, email: 'alice@example.com' },
      1,
      1,
      1,
      { id: 2, name: 'bob', email: 'bob@example.com', isAdmin: false, createdAt: CREATED, posts: [{ title: 'bobs post' }] },
      { id: 3, name: 'carol', email: 'carol@example.com', isAdmin: false, createdAt: CREATED, posts: [] },
    ]);
    // Each query: its first run on SQL text, then one statement prepared and run from then on.
    assert.equal(counts, { prepare: 3, statementGet: 4 + 1, statementRun: 2, textGet: 1 + 1, textRun: 1 });
    assert.equal((await db.select().from(tags).orderBy(asc(tags.id))).map((t) => t.name), ['news', 'tech', 't1', 't2', 't3']);
  }));

  test(`${mode}: queries run once prepare nothing (one job each, on SQL text)`, withDb({ readers }, async ({ raw, db }) => {
    await seed(db);
    const counts = await countCalls([['prepare', raw, 'prepare']], async () => {
      for (let i = 0; i < 3; i++) {
        await db.query.users.findMany({ with: { posts: true } });
        await db.select().from(users).where(eq(users.id, 1));
        await db.all(sql`SELECT ${1} AS one`);
      }
    });
    assert.equal(counts, { prepare: 0 });
  }));

  test(`${mode}: db.run/all/get/values on raw SQL`, withDb({ readers }, async ({ db }) => {
    await seed(db);
    assert.equal(await db.all(sql`SELECT name FROM users WHERE id <= ${2} ORDER BY id`), [{ name: 'alice' }, { name: 'bob' }].map((r) => Object.assign(Object.create(null), r)));
    assert.equal({ ...(await db.get(sql`SELECT count(*) AS n FROM posts`)) }, { n: 3 });
    assert.equal(await db.values(sql`SELECT id, name FROM tags ORDER BY id`), [[1, 'news'], [2, 'tech']]);
    assert.equal(await db.run(sql`UPDATE posts SET views = 0`), { changes: 3, lastInsertRowid: 3 });
    assert.equal(await db.run('DELETE FROM post_tags'), { changes: 3, lastInsertRowid: 3 });
    // Drizzle's parameters are positional: an object first is refused, never read as named parameters.
    for (const value of [new Date(0), { a: 1 }]) {
      const refused = await rejection(db.values(sql`SELECT ${value}, ${2}`));
      assert.is(refused.cause.code, 'ERR_INVALID_ARG_TYPE');
      assert.match(refused.cause.message, /parameter 1/);
    }
    const byName = db.select().from(tags).where(eq(tags.name, sql.placeholder('name'))).prepare();
    for (let i = 0; i < 3; i++) assert.is((await rejection(byName.all({ name: { name: 'news' } }))).cause.code, 'ERR_INVALID_ARG_TYPE'); // text, then statement
    assert.equal(await byName.all({ name: 'news' }), [{ id: 1, name: 'news' }]);
  }));

  test(`${mode}: SQL errors reject with DrizzleQueryError whose cause is our SqliteError`, withDb({ readers }, async ({ db }) => {
    const { alice } = await seed(db);
    const syntax = await sqliteCause(db.run(sql`SELEC 1`));
    assert.is(syntax.errcode, 1);
    assert.match(syntax.message, /syntax error/);
    const unique = await sqliteCause(db.insert(users).values({ name: 'again', email: alice.email, createdAt: CREATED }));
    assert.is(unique.errcode, 2067); // SQLITE_CONSTRAINT_UNIQUE
    assert.match(unique.message, /UNIQUE constraint failed: users.email/);
    const foreign = await sqliteCause(db.insert(posts).values({ authorId: 999, title: 'orphan' }));
    assert.is(foreign.errcode, 787); // SQLITE_CONSTRAINT_FOREIGNKEY
    const missing = await sqliteCause(db.all(sql`SELECT * FROM nowhere`));
    assert.match(missing.message, /no such table: nowhere/);
    // A failing prepared query fails each time, and the query still works once the cause is gone.
    const byId = db.select().from(tags).where(eq(tags.id, sql.placeholder('id'))).prepare();
    await db.run(sql`ALTER TABLE tags RENAME TO tags_away`);
    for (let i = 0; i < 3; i++) assert.match((await sqliteCause(byId.get({ id: 1 }))).message, /no such table: tags/);
    await db.run(sql`ALTER TABLE tags_away RENAME TO tags`);
    assert.equal(await byId.get({ id: 1 }), { id: 1, name: 'news' });
    assert.equal(await db.select().from(users).where(eq(users.id, alice.id)), [alice]); // the database goes on
  }));

  test(`${mode}: transactions commit, roll back on tx.rollback() and on errors, and see their own writes`, withDb({ readers }, async ({ raw, db }) => {
    const { alice } = await seed(db);
    const result = await db.transaction(async (tx) => {
      assert.instance(tx, StrandTransaction);
      await tx.insert(tags).values({ name: 'committed' });
      const inside = await tx.query.tags.findMany({ columns: { name: true }, orderBy: [asc(tags.id)] });
      assert.equal(inside.map((t) => t.name), ['news', 'tech', 'committed']);
      assert.is(raw.isTransaction, true);
      return 'done';
    });
    assert.is(result, 'done');
    assert.is(raw.isTransaction, false);

    const rolledBack = await rejection(
      db.transaction(async (tx) => {
        await tx.update(users).set({ name: 'changed' }).where(eq(users.id, alice.id));
        tx.rollback();
      }),
    );
    assert.instance(rolledBack, TransactionRollbackError);

    const boom = new Error('boom');
    assert.is(await rejection(db.transaction(async (tx) => {
      await tx.delete(posts);
      throw boom;
    })), boom);

    // A constraint violation inside rolls the whole transaction back.
    const violation = await rejection(db.transaction(async (tx) => {
      await tx.insert(tags).values({ name: 'lost' });
      await tx.insert(tags).values({ name: 'news' });
    }));
    assert.instance(violation, DrizzleQueryError);
    assert.is(violation.cause.errcode, 2067);

    assert.equal((await db.select().from(tags)).map((t) => t.name), ['news', 'tech', 'committed']);
    assert.is((await db.select().from(users).where(eq(users.id, alice.id)).get()).name, 'alice');
    assert.is(await db.$count(posts), 3);
    assert.is(raw.isTransaction, false);
  }));

  test(`${mode}: nested transactions are savepoints`, withDb({ readers }, async ({ db }) => {
    await seed(db);
    await db.transaction(async (tx) => {
      await tx.insert(tags).values({ name: 'outer' });
      await tx.transaction(async (inner) => {
        await inner.insert(tags).values({ name: 'inner kept' });
        await inner.transaction(async (deepest) => deepest.insert(tags).values({ name: 'deepest kept' }));
      });
      const error = await rejection(tx.transaction(async (inner) => {
        await inner.insert(tags).values({ name: 'inner rolled back' });
        inner.rollback();
      }));
      assert.instance(error, TransactionRollbackError);
      const failed = await rejection(tx.transaction(async (inner) => {
        await inner.insert(tags).values({ name: 'inner failed' });
        await inner.insert(tags).values({ name: 'outer' }); // unique violation
      }));
      assert.is(failed.cause.errcode, 2067);
      assert.equal((await tx.select({ name: tags.name }).from(tags).orderBy(asc(tags.id))).map((t) => t.name), ['news', 'tech', 'outer', 'inner kept', 'deepest kept']);
    });
    assert.equal((await db.select().from(tags).orderBy(asc(tags.id))).map((t) => t.name), ['news', 'tech', 'outer', 'inner kept', 'deepest kept']);
    // An inner failure that is not caught rolls everything back.
    await rejection(db.transaction(async (tx) => {
      await tx.insert(tags).values({ name: 'gone' });
      await tx.transaction(async (inner) => inner.rollback());
    }));
    assert.is(await db.$count(tags), 5);
  }));

  test(`${mode}: an outside query issued during a transaction waits for it and is not rolled back with it`, withDb({ readers }, async ({ raw, db }) => {
    await seed(db);
    const entered = deferred();
    const release = deferred();
    const transaction = db.transaction(async (tx) => {
      await tx.insert(tags).values({ name: 'inside' });
      entered.resolve();
      await release.promise;
      // The outside queries were issued before this point; none of them ran in here.
      assert.equal((await tx.select({ name: tags.name }).from(tags).orderBy(asc(tags.id))).map((t) => t.name), ['news', 'tech', 'inside']);
      tx.rollback();
    }).then(() => 'committed', (error) => error);
    await entered.promise;
    // Another request's queries: through this drizzle instance, another one, the database itself.
    const settled = [];
    const outside = [
      db.insert(tags).values({ name: 'outside drizzle' }).execute(),
      drizzle(raw).insert(tags).values({ name: 'outside other drizzle' }).execute(),
      raw.run("INSERT INTO tags(name) VALUES ('outside raw')"),
      db.select({ n: count() }).from(tags).execute(),
    ].map((promise, i) => promise.then((value) => (settled.push(i), value)));
    try {
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(settled, [], 'nothing outside completes while the transaction holds the database');
    } finally {
      release.resolve(); // also when an assertion failed: the transaction must end
    }
    assert.instance(await transaction, TransactionRollbackError);
    const [, , , counted] = await Promise.all(outside);
    assert.equal(counted, [{ n: 5 }], 'the outside queries ran after the rollback, in call order');
    assert.equal((await db.select({ name: tags.name }).from(tags).orderBy(asc(tags.id))).map((t) => t.name), ['news', 'tech', 'outside drizzle', 'outside other drizzle', 'outside raw']);
  }));

  test(`${mode}: a tx kept after its transaction refuses queries instead of running inside another one`, withDb({ readers }, async ({ db }) => {
    await seed(db);
    let kept;
    let keptInner;
    await db.transaction(async (tx) => {
      kept = tx;
      await tx.transaction(async (inner) => {
        keptInner = inner;
      });
      assert.is((await rejection(keptInner.select().from(tags))).cause.code, 'ERR_INVALID_STATE', 'a released savepoint');
      await tx.insert(tags).values({ name: 'committed' });
    });
    const entered = deferred();
    const release = deferred();
    const other = db.transaction(async (tx) => {
      await tx.insert(tags).values({ name: 'rolled back' });
      entered.resolve();
      await release.promise;
      tx.rollback();
    }).then(() => 'committed', (error) => error);
    await entered.promise;
    try {
      const refused = await rejection(kept.insert(tags).values({ name: 'kept tx' }));
      assert.is(refused.cause.code, 'ERR_INVALID_STATE');
      assert.match(refused.cause.message, /transaction has ended/);
    } finally {
      release.resolve(); // also when an assertion failed: the other transaction must end
    }
    assert.instance(await other, TransactionRollbackError);
    assert.is((await rejection(kept.select().from(tags))).cause.code, 'ERR_INVALID_STATE');
    assert.equal((await db.select().from(tags)).map((t) => t.name), ['news', 'tech', 'committed']);
    // A query the callback returns (drizzle's queries are thenables) runs inside, before the end.
    assert.equal(await db.transaction((tx) => tx.select({ name: tags.name }).from(tags).where(eq(tags.id, 1))), [{ name: 'news' }]);
  }));

  test(`${mode}: calling the outer db inside a transaction rejects with ERR_INVALID_STATE instead of deadlocking`, withDb({ readers }, async ({ db }) => {
    await seed(db);
    const prepared = db.select().from(tags).where(eq(tags.id, sql.placeholder('id'))).prepare();
    await prepared.get({ id: 1 });
    await prepared.get({ id: 1 }); // now on its statement
    await db.transaction(async (tx) => {
      const direct = await rejection(db.select().from(tags));
      assert.is(direct.cause.code, 'ERR_INVALID_STATE');
      assert.match(direct.cause.message, /tx/);
      assert.is((await rejection(prepared.get({ id: 1 }))).cause.code, 'ERR_INVALID_STATE');
      assert.is((await rejection(db.transaction(async () => {}))).code, 'ERR_INVALID_STATE');
      await tx.insert(tags).values({ name: 'still fine' });
    });
    assert.is(await db.$count(tags), 3);
  }));

  test(`${mode}: transaction behavior: deferred takes no lock, immediate takes the write lock at BEGIN`, withDb({ readers }, async ({ db, file }) => {
    const locked = writeLockProbe(DatabaseSync, file);
    try {
      await db.transaction(async () => assert.is(locked(), false, 'deferred'));
      await db.transaction(async () => assert.is(locked(), false, 'default is deferred'), { behavior: 'deferred' });
      await db.transaction(async () => assert.is(locked(), true, 'immediate'), { behavior: 'immediate' });
      await db.transaction(async () => assert.is(locked(), true, 'exclusive'), { behavior: 'exclusive' });
      assert.is(locked(), false);
      assert.is((await rejection(db.transaction(async () => {}, { behavior: 'sometimes' }))).code, 'ERR_INVALID_ARG_VALUE');
    } finally {
      locked.close();
    }
  }));

  test(`${mode}: batch() runs its queries in one transaction, in order`, withDb({ readers }, async ({ db }) => {
    await seed(db);
    const [inserted, selected, raw, relational] = await db.batch([
      db.insert(tags).values({ name: 'batched' }).returning({ id: tags.id }),
      db.select({ name: tags.name }).from(tags).orderBy(asc(tags.id)),
      db.run(sql`UPDATE posts SET views = views + 1`),
      db.query.users.findFirst({ columns: { name: true }, with: { posts: { columns: { views: true } } } }),
    ]);
    assert.equal(inserted, [{ id: 3 }]);
    assert.equal(selected.map((t) => t.name), ['news', 'tech', 'batched']);
    assert.is(raw.changes, 3);
    assert.equal(relational, { name: 'alice', posts: [{ views: 11 }, { views: 1 }] });
    const failed = await rejection(db.batch([db.insert(tags).values({ name: 'lost' }), db.insert(tags).values({ name: 'news' }), db.insert(tags).values({ name: 'after' })]));
    assert.is(failed.cause.errcode, 2067);
    assert.equal((await db.select().from(tags)).map((t) => t.name), ['news', 'tech', 'batched']);
  }));
}

test('readers: 2: drizzle reads run on the reader connections, writes and transactions on the writer', withDb({ readers: 2 }, async ({ raw, db }) => {
  await seed(db);
  const routed = raw.core.pool.routed;
  const before = { readers: routed.readers.reduce((sum, n) => sum + (n ?? 0), 0) };
  const reads = await Promise.all(Array.from({ length: 20 }, (_, i) => db.query.users.findFirst({ where: eq(users.id, (i % 3) + 1), with: { posts: true } })));
  assert.equal(reads.map((u) => u.name).slice(0, 3), ['alice', 'bob', 'carol']);
  const after = routed.readers.reduce((sum, n) => sum + (n ?? 0), 0);
  assert.ok(after - before.readers >= 20, `reads on readers: ${after - before.readers}`);
  await db.transaction(async (tx) => {
    await tx.select().from(users);
    await tx.select().from(posts);
  });
  assert.is(routed.readers.reduce((sum, n) => sum + (n ?? 0), 0), after, 'reads in a transaction stay on the writer');
}));

test('a prepared query keeps its statement only as long as the query itself: dropped, both can be collected', withDb({}, async ({ raw, db }) => {
  await seed(db);
  // Every object that reaches the statement — the one prepare() gives, the with() views of it — is
  // registered here (a FinalizationRegistry, not WeakRefs: deref() would keep them alive for the job).
  const collected = [];
  const registry = new FinalizationRegistry((label) => collected.push(label));
  let prepared = db.select().from(tags).where(eq(tags.id, sql.placeholder('id'))).prepare();
  const { prepare } = raw;
  const { with: withOptions } = AsyncStatement.prototype;
  let registered = 0;
  raw.prepare = async (...args) => {
    const statement = await prepare.apply(raw, args);
    registry.register(statement, 'statement');
    registered++;
    return statement;
  };
  AsyncStatement.prototype.with = function (...args) {
    const view = withOptions.apply(this, args);
    registry.register(view, 'view');
    registered++;
    return view;
  };
  try {
    for (const id of [1, 2, 1]) await prepared.get({ id });
  } finally {
    delete raw.prepare;
    AsyncStatement.prototype.with = withOptions;
  }
  assert.is(registered, 3, 'one statement and its two views');
  await settle(() => collected.length > 0, { gc: true, limitMs: 200 }); // the first object may go: the query keeps only the views
  assert.ok(!collected.includes('view'), 'the views the query runs stay alive as long as it does');
  assert.equal(await prepared.get({ id: 2 }), { id: 2, name: 'tech' });
  prepared = undefined;
  assert.ok(await settle(() => collected.length === 3, { gc: true }), `collected with the query: ${collected}`);
}));

test('readers: 0: exclusive behavior keeps other connections from reading (rollback journal)', withDb({}, async ({ db, file }) => {
  const other = new DatabaseSync(file, { timeout: 0 });
  const read = () => {
    try {
      other.prepare('SELECT count(*) FROM users').get();
      return 'read';
    } catch (error) {
      return error.errcode === 5 ? 'busy' : error;
    }
  };
  try {
    await db.transaction(async () => assert.is(read(), 'read'), { behavior: 'immediate' });
    await db.transaction(async () => assert.is(read(), 'busy'), { behavior: 'exclusive' });
    assert.is(read(), 'read');
  } finally {
    other.close();
  }
}));

test('column modes round-trip: boolean, timestamp, timestamp_ms, blob buffer/json/bigint, text json', withDb({}, async ({ db }) => {
  const { hello } = await seed(db);
  const bytes = Buffer.from([0, 1, 2, 254, 255]);
  const big = 2n ** 70n + 1n;
  const [row] = await db
    .insert(attachments)
    .values({ postId: hello.id, data: bytes, meta: { a: [1, 'x', null], b: { c: true } }, big, settings: { theme: 'dark' }, counter: 7 })
    .returning();
  const check = (r) => {
    assert.ok(Buffer.isBuffer(r.data));
    assert.equal([...r.data], [...bytes]);
    assert.equal(r.meta, { a: [1, 'x', null], b: { c: true } });
    assert.is(r.big, big);
    assert.equal(r.settings, { theme: 'dark' });
    assert.is(r.counter, 7);
  };
  check(row);
  check(await db.select().from(attachments).get());
  check((await db.query.attachments.findMany())[0]);
  // What is stored: a BLOB of the bytes, the JSON and the decimal digits as BLOBs; whole seconds, milliseconds.
  const stored = await db.get(sql`SELECT typeof(data) AS d, typeof(meta) AS m, typeof(big) AS b, CAST(big AS TEXT) AS digits FROM attachments`);
  assert.equal({ ...stored }, { d: 'blob', m: 'blob', b: 'blob', digits: String(big) });
  const times = await db.get(sql`SELECT created_at AS s FROM users WHERE id = 1`);
  assert.is(times.s, CREATED.getTime() / 1000);
  assert.is((await db.get(sql`SELECT published_at AS ms FROM posts WHERE id = ${hello.id}`)).ms, Date.parse('2025-02-03T04:05:06.789Z'));
  // The blob of a raw query comes back as our Uint8Array; drizzle's buffer mode made a Buffer of it.
  const blob = (await db.get(sql`SELECT data FROM attachments`)).data;
  assert.instance(blob, Uint8Array);
  const nulls = await db.insert(attachments).values({ postId: hello.id }).returning();
  assert.equal(nulls[0], { id: 2, postId: hello.id, data: null, meta: null, big: null, settings: null, counter: null });
}));

test('integers are numbers by default (whatever the database\'s readBigInts); readBigInts: true gives bigints', async () => {
  const context = await open({ options: { readBigInts: true } });
  try {
    const { db, raw } = context;
    const { hello, alice } = await seed(db);
    assert.is(typeof hello.id, 'number');
    assert.equal(alice.createdAt, CREATED); // timestamp mode needs a number: new Date(seconds * 1000)
    assert.is(typeof (await raw.get('SELECT id FROM users')).id, 'bigint'); // the database's own setting is untouched
    const beyond = 2n ** 60n + 3n;
    await db.insert(attachments).values({ postId: hello.id, counter: beyond });
    const tooBig = await rejection(db.select({ counter: attachments.counter }).from(attachments));
    assert.is(tooBig.cause.code, 'ERR_OUT_OF_RANGE');

    const wide = drizzle(raw, { schema, readBigInts: true });
    assert.equal(await wide.select({ counter: attachments.counter, postId: attachments.postId }).from(attachments), [{ counter: beyond, postId: BigInt(hello.id) }]);
    assert.equal(await wide.values(sql`SELECT counter FROM attachments`), [[beyond]]);
    const prepared = wide.select({ counter: attachments.counter }).from(attachments).prepare();
    for (let i = 0; i < 3; i++) assert.equal(await prepared.get(), { counter: beyond }); // text, then statement
    assert.equal((await wide.insert(tags).values({ name: 'x' }).run()).lastInsertRowid, 3n);
    await wide.transaction(async (tx) => assert.equal(await tx.select({ counter: attachments.counter }).from(attachments), [{ counter: beyond }]));
  } finally {
    await context.close();
  }
});

test('logger, casing and cache options are drizzle\'s', async () => {
  const tmp = tempDir('strand-drizzle-');
  const raw = await AsyncDatabase.open(tmp.path('options.db'));
  try {
    const logged = [];
    const { sqliteTable, integer, text } = await import('drizzle-orm/sqlite-core');
    const people = sqliteTable('people', { personId: integer().primaryKey(), fullName: text().notNull() });
    const db = drizzle(raw, { logger: { logQuery: (query, params) => logged.push([query, params]) }, casing: 'snake_case' });
    await db.run(sql`CREATE TABLE people (person_id INTEGER PRIMARY KEY, full_name TEXT NOT NULL)`);
    await db.insert(people).values({ fullName: 'Ada' });
    assert.equal(await db.select().from(people), [{ personId: 1, fullName: 'Ada' }]);
    assert.equal(logged[1], ['insert into "people" ("person_id", "full_name") values (null, ?)', ['Ada']]);
    assert.is(logged.length, 3);

    // A cache that answers every select from memory: no query reaches the database.
    const { Cache } = await import('drizzle-orm/cache/core');
    const store = new Map();
    class MemoryCache extends Cache {
      strategy() { return 'all'; }
      async get(key) { return store.get(key); }
      async put(key, response) { store.set(key, response); }
      async onMutate() { store.clear(); }
    }
    const cached = drizzle(raw, { cache: new MemoryCache(), casing: 'snake_case' });
    assert.equal(await cached.select().from(people), [{ personId: 1, fullName: 'Ada' }]);
    await raw.run("UPDATE people SET full_name = 'changed behind the cache'");
    assert.equal(await cached.select().from(people), [{ personId: 1, fullName: 'Ada' }]);
    await cached.insert(people).values({ fullName: 'Grace' }); // a mutation invalidates
    assert.equal((await cached.select().from(people)).map((p) => p.fullName), ['changed behind the cache', 'Grace']);
  } finally {
    await raw.close();
    tmp.remove();
  }
});

test('drizzle() checks its arguments', async () => {
  for (const bad of [undefined, null, 42, 'app.db', {}, { run() {} }]) {
    let error;
    try {
      drizzle(bad);
    } catch (e) {
      error = e;
    }
    assert.instance(error, TypeError, String(bad));
    assert.is(error.code, 'ERR_INVALID_ARG_TYPE');
  }
  const raw = await AsyncDatabase.open(':memory:');
  try {
    for (const config of [null, 'x']) assert.throws(() => drizzle(raw, config), (e) => e.code === 'ERR_INVALID_ARG_TYPE');
    assert.throws(() => drizzle(raw, { readBigInts: 1 }), (e) => e.code === 'ERR_INVALID_ARG_TYPE');
    const db = drizzle(raw);
    assert.is(db.$client, raw);
    assert.equal(await db.all(sql`SELECT 1 AS one`), [Object.assign(Object.create(null), { one: 1 })]);
  } finally {
    await raw.close();
  }
  // A closed database: the library's error, wrapped by drizzle.
  const closed = drizzle(raw);
  const error = await rejection(closed.run(sql`SELECT 1`));
  assert.is(error.cause.code, 'ERR_INVALID_STATE');
});

test('the CommonJS build of the adapter takes a database of the ESM build of the library, and back', async () => {
  const require = createRequire(import.meta.url);
  const cjsAdapter = require('sqlite-strand/drizzle');
  const cjsLibrary = require('sqlite-strand');
  assert.is.not(cjsLibrary.AsyncDatabase, AsyncDatabase, 'two copies of the classes');
  const esmDatabase = await AsyncDatabase.open(':memory:');
  const cjsDatabase = await cjsLibrary.AsyncDatabase.open(':memory:');
  try {
    for (const db of [cjsAdapter.drizzle(esmDatabase), drizzle(cjsDatabase), cjsAdapter.drizzle(async () => esmDatabase)]) {
      assert.equal(await db.values(sql`SELECT ${1} + 1`), [[2]]);
      await db.transaction(async (tx) => tx.run(sql`SELECT 1`));
    }
  } finally {
    await esmDatabase.close();
    await cjsDatabase.close();
  }
});

test('a function giving the database is called once, on the first query; $client() gives it', async () => {
  const tmp = tempDir('strand-drizzle-');
  let calls = 0;
  let opened;
  const db = drizzle(async () => {
    calls++;
    opened = await AsyncDatabase.open(tmp.path('lazy.db'));
    return opened;
  }, { schema });
  try {
    assert.is(calls, 0, 'not called by drizzle()');
    await Promise.all([migrate(db, { migrationsFolder }), db.all(sql`SELECT 1`), db.transaction(async (tx) => tx.run(sql`SELECT 1`))]);
    assert.is(calls, 1);
    await seed(db);
    assert.equal((await db.query.users.findMany({ columns: { name: true } })).map((u) => u.name), ['alice', 'bob', 'carol']);
    const prepared = db.select().from(tags).prepare();
    for (let i = 0; i < 3; i++) assert.is((await prepared.all()).length, 2);
    assert.is(await db.$client(), opened);
    assert.is(calls, 1);
  } finally {
    await opened?.close();
    tmp.remove();
  }

  const refused = new Error('cannot open');
  let tries = 0;
  const failing = drizzle(async () => {
    tries++;
    throw refused;
  });
  assert.is((await rejection(failing.all(sql`SELECT 1`))).cause, refused);
  assert.is((await rejection(failing.select().from(tags))).cause, refused);
  assert.is(await rejection(failing.transaction(async () => {})), refused);
  assert.is(tries, 1);

  const wrong = drizzle(async () => ({ all: async () => [] }));
  const error = await rejection(wrong.all(sql`SELECT 1`));
  assert.is(error.cause.code, 'ERR_INVALID_ARG_TYPE');
});

test('migrate(): applies the drizzle-kit migrations in order and records them in __drizzle_migrations', withDb({}, async ({ raw }) => {
  const tables = (await raw.all("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")).map((r) => r.name);
  assert.equal(tables, ['__drizzle_migrations', 'attachments', 'post_tags', 'posts', 'tags', 'users']);
  const indexes = (await raw.all("SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY name")).map((r) => r.name);
  assert.equal(indexes, ['posts_author_idx', 'tags_name_unique', 'users_email_unique']);
  const journal = JSON.parse(readFileSync(`${migrationsFolder}/meta/_journal.json`, 'utf8'));
  const recorded = await raw.all('SELECT hash, created_at FROM __drizzle_migrations ORDER BY created_at');
  assert.equal(
    recorded.map((r) => [r.hash, r.created_at]),
    journal.entries.map((entry) => [createHash('sha256').update(readFileSync(`${migrationsFolder}/${entry.tag}.sql`)).digest('hex'), entry.when]),
  );
}));

test('migrate(): running it again applies nothing; a new migration alone is applied', withDb({}, async ({ raw, db, tmp }) => {
  await seed(db);
  await migrate(db, { migrationsFolder }); // would fail with "table users already exists" if it re-ran 0000
  assert.is((await raw.get('SELECT count(*) AS n FROM __drizzle_migrations')).n, 2);
  assert.is(await db.$count(users), 3);

  const folder = tmp.path('migrations');
  cpSync(migrationsFolder, folder, { recursive: true });
  const journal = JSON.parse(readFileSync(`${folder}/meta/_journal.json`, 'utf8'));
  journal.entries.push({ idx: 2, version: '6', when: 1735862400000, tag: '0002_bio', breakpoints: true });
  writeFileSync(`${folder}/meta/_journal.json`, JSON.stringify(journal));
  writeFileSync(`${folder}/0002_bio.sql`, "ALTER TABLE `users` ADD `bio` text;--> statement-breakpoint\nUPDATE `users` SET `bio` = 'hi';");
  await migrate(db, { migrationsFolder: folder });
  await migrate(db, { migrationsFolder: folder });
  assert.equal((await raw.all('SELECT DISTINCT bio FROM users')).map((r) => r.bio), ['hi']);
  assert.is((await raw.get('SELECT count(*) AS n FROM __drizzle_migrations')).n, 3);
}));

test('migrate(): a failing migration rolls back all the migrations of that run, and records none', async () => {
  const tmp = tempDir('strand-drizzle-');
  const raw = await AsyncDatabase.open(tmp.path('fail.db'));
  try {
    const db = drizzle(raw);
    const folder = tmp.path('migrations');
    cpSync(migrationsFolder, folder, { recursive: true });
    writeFileSync(`${folder}/0001_attachments.sql`, 'CREATE TABLE `attachments` (`id` integer);--> statement-breakpoint\nCREATE TABLE `users` (`id` integer);');
    const error = await rejection(migrate(db, { migrationsFolder: folder }));
    assert.match(error.cause?.message ?? error.message, /table `users` already exists/);
    const tables = (await raw.all("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")).map((r) => r.name);
    assert.equal(tables, ['__drizzle_migrations']);
    assert.is((await raw.get('SELECT count(*) AS n FROM __drizzle_migrations')).n, 0);
    assert.is(raw.isTransaction, false);
    assert.match((await rejection(migrate(db, { migrationsFolder: tmp.path('nowhere') }))).message, /meta\/_journal\.json/);
  } finally {
    await raw.close();
    tmp.remove();
  }
});

test.run();
