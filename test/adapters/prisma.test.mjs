// sqlite-strand/prisma against the real Prisma Client (7.10): the client of prisma/schema.prisma
// is generated into the suite's temp dir first (prisma/generate-client.mjs: nothing downloaded),
// then each case runs on a fresh database with readers: 0 and with readers: 2 (a WAL file).
// The tables come from prisma/schema.sql: `prisma db push` / `migrate` need Prisma's native
// schema engine, which is downloaded from binaries.prisma.sh (docs/ORMS.md, "Prisma").
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AsyncDatabase, DatabaseSync } from 'sqlite-strand';
import { PrismaSqliteStrand } from 'sqlite-strand/prisma';
import { rejection, tempDir, thrown } from '../helpers.mjs';
import { generatePrismaClient, schemaSql } from './prisma/generate-client.mjs';

const tmp = tempDir('strand-prisma-');
let client; // { PrismaClient, Prisma, schemaEngineRan }
let serial = 0;

test.before(async () => {
  try {
    client = await generatePrismaClient(tmp.dir);
  } catch (error) {
    tmp.remove(); // uvu skips `after` when `before` fails
    throw error;
  }
});
test.after(() => tmp.remove());

const SETUPS = [
  { name: 'readers: 0', readers: 0 },
  { name: 'readers: 2', readers: 2 },
];

// A fresh database file with the schema's tables, opened with `readers`.
async function openDatabase(readers) {
  const file = tmp.path(`db-${++serial}.sqlite`);
  const setup = new DatabaseSync(file);
  if (readers > 0) setup.exec('PRAGMA journal_mode = WAL');
  setup.exec(schemaSql);
  setup.close();
  return { db: await AsyncDatabase.open(file, { readers }), file };
}

// The adapter factory wrapped so that a test can see each query reach the adapter.
function observed(factory, onQuery) {
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    async connect() {
      const adapter = await factory.connect();
      for (const method of ['queryRaw', 'executeRaw']) {
        const original = adapter[method].bind(adapter);
        adapter[method] = (query) => {
          onQuery(query);
          return original(query);
        };
      }
      return adapter;
    },
  };
}

// Runs `fn({ prisma, db, Prisma })` on a fresh database, then disconnects and closes it.
async function withPrisma(setup, fn, { adapter = (db) => new PrismaSqliteStrand(db) } = {}) {
  const { db, file } = await openDatabase(setup.readers);
  const prisma = new client.PrismaClient({ adapter: adapter(db) });
  try {
    await fn({ prisma, db, file, Prisma: client.Prisma });
  } finally {
    await prisma.$disconnect();
    await db.close();
  }
}

const emails = async (prisma) => (await prisma.user.findMany({ orderBy: { email: 'asc' }, select: { email: true } })).map((u) => u.email);

test('the client was generated without running (or downloading) the schema engine', () => {
  assert.type(client.PrismaClient, 'function');
  assert.is(client.schemaEngineRan(), false);
});

for (const setup of SETUPS) {
  test(`${setup.name}: CRUD with relations, nested writes and the m:n join table`, () =>
    withPrisma(setup, async ({ prisma, db, Prisma }) => {
      const createdAt = new Date('2024-02-29T12:34:56.789Z');
      const alice = await prisma.user.create({
        data: {
          email: 'alice@example.com',
          name: 'Alice',
          createdAt,
          karma: 2n ** 60n + 1n,
          posts: {
            create: [
              {
                title: 'Hello',
                published: true,
                score: 4.25,
                price: new Prisma.Decimal('19.99'),
                body: new Uint8Array([0, 1, 254, 255]),
                tags: { create: [{ tag: { create: { name: 'intro' } } }, { tag: { create: { name: 'sqlite' } } }] },
              },
              { title: 'Draft' },
            ],
          },
        },
        include: { posts: { orderBy: { id: 'asc' }, include: { tags: { include: { tag: true }, orderBy: { tagId: 'asc' } } } } },
      });
      assert.is(alice.email, 'alice@example.com');
      assert.equal(alice.createdAt, createdAt);
      assert.is(alice.karma, 2n ** 60n + 1n);
      assert.is(alice.posts.length, 2);
      const [hello, draft] = alice.posts;
      assert.equal(
        { title: hello.title, published: hello.published, score: hello.score, price: hello.price.toString(), body: [...hello.body] },
        { title: 'Hello', published: true, score: 4.25, price: '19.99', body: [0, 1, 254, 255] },
      );
      assert.equal(hello.tags.map((t) => t.tag.name).sort(), ['intro', 'sqlite']);
      assert.equal({ published: draft.published, score: draft.score, price: draft.price, body: draft.body }, { published: false, score: null, price: null, body: null });

      // connectOrCreate reuses the existing tag; createMany goes through executeRaw.
      const bob = await prisma.user.create({
        data: {
          email: 'bob@example.com',
          posts: { create: { title: 'On SQLite', tags: { create: { tag: { connectOrCreate: { where: { name: 'sqlite' }, create: { name: 'sqlite' } } } } } } },
        },
      });
      assert.equal(await prisma.tag.count(), 2);
      assert.equal(await prisma.user.createMany({ data: [{ email: 'carol@example.com' }, { email: 'dave@example.com' }] }), { count: 2 });

      // Reads across the relation, both ways.
      const taggedSqlite = await prisma.user.findMany({
        where: { posts: { some: { tags: { some: { tag: { name: 'sqlite' } } } } } },
        orderBy: { email: 'asc' },
        select: { email: true, _count: { select: { posts: true } } },
      });
      assert.equal(taggedSqlite, [
        { email: 'alice@example.com', _count: { posts: 2 } },
        { email: 'bob@example.com', _count: { posts: 1 } },
      ]);
      const sqlite = await prisma.tag.findUnique({ where: { name: 'sqlite' }, include: { posts: { include: { post: { select: { title: true } } }, orderBy: { postId: 'asc' } } } });
      assert.equal(sqlite.posts.map((p) => p.post.title), ['Hello', 'On SQLite']);

      // Nested update: publish a post, untag it, tag it anew; updateMany / upsert.
      await prisma.user.update({
        where: { id: alice.id },
        data: {
          name: 'Alice A.',
          posts: {
            update: { where: { id: draft.id }, data: { published: true, tags: { create: { tag: { connect: { name: 'intro' } } } } } },
          },
        },
      });
      const introOfHello = hello.tags.find((t) => t.tag.name === 'intro');
      await prisma.postTag.delete({ where: { postId_tagId: { postId: hello.id, tagId: introOfHello.tagId } } });
      assert.equal(await prisma.post.updateMany({ where: { published: false }, data: { score: 1 } }), { count: 1 });
      const upserted = await prisma.user.upsert({ where: { email: 'bob@example.com' }, create: { email: 'bob@example.com' }, update: { name: 'Bob' } });
      assert.is(upserted.id, bob.id);
      assert.is(upserted.name, 'Bob');
      const intro = await prisma.tag.findUnique({ where: { name: 'intro' }, include: { posts: true } });
      assert.equal(intro.posts.map((p) => p.postId), [draft.id]);

      // Deleting a user cascades to its posts and their join rows (the schema's ON DELETE CASCADE).
      await prisma.user.delete({ where: { id: alice.id } });
      assert.is(await prisma.post.count(), 1);
      const bobsPosts = (await prisma.post.findMany({ where: { authorId: bob.id } })).map((p) => p.id);
      assert.equal((await db.all('SELECT post_id FROM post_tags')).map((r) => r.post_id), bobsPosts);
      assert.equal(await emails(prisma), ['bob@example.com', 'carol@example.com', 'dave@example.com']);
      assert.equal(await prisma.user.deleteMany({ where: { email: { startsWith: 'd' } } }), { count: 1 });
    }));

  test(`${setup.name}: $transaction([...]) commits together, or not at all`, () =>
    withPrisma(setup, async ({ prisma, Prisma }) => {
      const [a, b, count] = await prisma.$transaction([
        prisma.user.create({ data: { email: 'a@example.com' } }),
        prisma.user.create({ data: { email: 'b@example.com' } }),
        prisma.user.count(),
      ]);
      assert.equal([a.email, b.email, count], ['a@example.com', 'b@example.com', 2]);
      const error = await rejection(
        prisma.$transaction([prisma.user.create({ data: { email: 'c@example.com' } }), prisma.user.create({ data: { email: 'a@example.com' } })]),
      );
      assert.instance(error, Prisma.PrismaClientKnownRequestError);
      assert.is(error.code, 'P2002');
      assert.equal(await emails(prisma), ['a@example.com', 'b@example.com']);
    }));

  test(`${setup.name}: an interactive $transaction commits, and rolls back when its callback throws`, () =>
    withPrisma(setup, async ({ prisma }) => {
      const made = await prisma.$transaction(async (tx) => {
        const user = await tx.user.create({ data: { email: 'kept@example.com', posts: { create: { title: 'T' } } } });
        // Reads inside see the transaction's writes.
        assert.is(await tx.post.count({ where: { authorId: user.id } }), 1);
        return user;
      });
      assert.is(made.email, 'kept@example.com');
      const error = await rejection(
        prisma.$transaction(async (tx) => {
          await tx.user.create({ data: { email: 'gone@example.com', posts: { create: { title: 'G' } } } });
          assert.is(await tx.user.count(), 2);
          throw new Error('changed my mind');
        }),
      );
      assert.is(error.message, 'changed my mind');
      assert.equal(await emails(prisma), ['kept@example.com']);
      assert.is(await prisma.post.count(), 1);

      // A nested $transaction is a savepoint: its failure undoes only its own writes.
      await prisma.$transaction(async (tx) => {
        await tx.user.create({ data: { email: 'outer@example.com' } });
        const inner = await rejection(
          tx.$transaction(async (inner) => {
            await inner.user.create({ data: { email: 'inner@example.com' } });
            throw new Error('inner fails');
          }),
        );
        assert.is(inner.message, 'inner fails');
      });
      assert.equal(await emails(prisma), ['kept@example.com', 'outer@example.com']);
    }));

  test(`${setup.name}: queries from outside an open transaction wait for it and are not rolled back with it`, async () => {
    let reachedAdapter;
    const outsideReached = new Promise((resolve) => (reachedAdapter = resolve));
    await withPrisma(
      setup,
      async ({ prisma, db }) => {
        let outside;
        const error = await rejection(
          prisma.$transaction(async (tx) => {
            await tx.user.create({ data: { email: 'inside@example.com' } });
            // Another request's query through the same client, and a plain query on the database.
            outside = Promise.all([prisma.user.create({ data: { email: 'outside-prisma@example.com' } }), db.run(`INSERT INTO users(email) VALUES ('outside-raw@example.com')`)]);
            await outsideReached; // the outside INSERT has been handed to the adapter
            // Issued after both outside writes: on one connection, they would have run first.
            assert.is(await tx.user.count(), 1);
            throw new Error('roll back');
          }),
        );
        assert.is(error.message, 'roll back');
        await outside;
        assert.equal(await emails(prisma), ['outside-prisma@example.com', 'outside-raw@example.com']);
      },
      {
        adapter: (db) =>
          observed(new PrismaSqliteStrand(db), (query) => {
            if (query.sql.startsWith('INSERT') && query.args.includes('outside-prisma@example.com')) reachedAdapter();
          }),
      },
    );
  });

  test(`${setup.name}: $queryRaw and $executeRaw, with SQLite's types read back as Prisma's`, () =>
    withPrisma(setup, async ({ prisma, Prisma }) => {
      await prisma.user.create({ data: { email: 'raw@example.com', createdAt: new Date('2020-01-02T03:04:05.006Z'), karma: 7n } });
      const email = 'raw@example.com';
      const [row] = await prisma.$queryRaw`SELECT id, email, created_at, karma FROM users WHERE email = ${email}`;
      // Declared types: DATETIME comes back as a Date, BIGINT as a bigint.
      assert.equal(row.email, email);
      assert.equal(row.created_at, new Date('2020-01-02T03:04:05.006Z'));
      assert.is(row.karma, 7n);
      // No declared type: the type of the value (an integer is a bigint, as COUNT(*) is in Prisma).
      const [exprs] = await prisma.$queryRawUnsafe(`SELECT count(*) AS n, 1.5 AS f, 'x' AS s, x'00ff' AS b, NULL AS z, ? AS p FROM users`, 'param');
      assert.equal({ ...exprs, b: [...exprs.b] }, { n: 1n, f: 1.5, s: 'x', b: [0, 255], z: null, p: 'param' });
      assert.is(await prisma.$executeRaw`UPDATE users SET name = ${'Raw'} WHERE email = ${email}`, 1);
      assert.is(await prisma.$executeRawUnsafe('DELETE FROM users WHERE id < 0'), 0);
      const sqlError = await rejection(prisma.$queryRawUnsafe('SELEC 1'));
      assert.instance(sqlError, Prisma.PrismaClientKnownRequestError);
      assert.is(sqlError.code, 'P2010');
      assert.match(sqlError.message, 'near "SELEC": syntax error');
    }));

  test(`${setup.name}: a cached statement reports the columns after a schema change`, () =>
    withPrisma(setup, async ({ prisma, db }) => {
      await prisma.$executeRawUnsafe('CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)');
      await prisma.$executeRawUnsafe(`INSERT INTO notes (text) VALUES ('a')`);
      assert.equal(await prisma.$queryRawUnsafe('SELECT * FROM notes'), [{ id: 1, text: 'a' }]);
      await prisma.$executeRawUnsafe('ALTER TABLE notes ADD COLUMN at DATETIME');
      await prisma.$executeRawUnsafe(`UPDATE notes SET at = '2021-05-06T07:08:09.000+00:00'`);
      assert.equal(await prisma.$queryRawUnsafe('SELECT * FROM notes'), [{ id: 1, text: 'a', at: new Date('2021-05-06T07:08:09.000Z') }]);
      // As many columns as before, one renamed: only the DDL having run through the adapter tells.
      await prisma.$executeRawUnsafe('ALTER TABLE notes RENAME COLUMN text TO body');
      assert.equal(await prisma.$queryRawUnsafe('SELECT * FROM notes'), [{ id: 1, body: 'a', at: new Date('2021-05-06T07:08:09.000Z') }]);
      // A schema change made outside the adapter: the rows have more values than the cached columns.
      await db.exec('ALTER TABLE notes ADD COLUMN n BIGINT');
      assert.equal(await prisma.$queryRawUnsafe('SELECT * FROM notes'), [{ id: 1, body: 'a', at: new Date('2021-05-06T07:08:09.000Z'), n: null }]);
      await db.exec('UPDATE notes SET n = 5');
      assert.equal(await prisma.$queryRawUnsafe('SELECT n FROM notes'), [{ n: 5n }]);
    }));

  test(`${setup.name}: constraint violations surface as Prisma's errors, and roll back their transaction`, () =>
    withPrisma(setup, async ({ prisma, db, Prisma }) => {
      await prisma.user.create({ data: { email: 'taken@example.com' } });
      const unique = await rejection(prisma.user.create({ data: { email: 'taken@example.com' } }));
      assert.instance(unique, Prisma.PrismaClientKnownRequestError);
      assert.is(unique.code, 'P2002');
      assert.equal(unique.meta.driverAdapterError.cause.constraint, { fields: ['email'] });
      assert.is(unique.meta.driverAdapterError.cause.originalMessage, 'UNIQUE constraint failed: users.email');

      const foreignKey = await rejection(prisma.post.create({ data: { title: 'orphan', authorId: 999 } }));
      assert.is(foreignKey.code, 'P2003');

      const inTransaction = await rejection(
        prisma.$transaction(async (tx) => {
          await tx.user.create({ data: { email: 'first@example.com' } });
          await tx.user.create({ data: { email: 'taken@example.com' } });
        }),
      );
      assert.is(inTransaction.code, 'P2002');
      assert.equal(await emails(prisma), ['taken@example.com']);

      await db.exec('DROP TABLE post_tags; DROP TABLE tags');
      const noTable = await rejection(prisma.tag.findMany());
      assert.is(noTable.code, 'P2021');
    }));

  test(`${setup.name}: reads run where the database sends them`, () =>
    withPrisma(setup, async ({ prisma, db }) => {
      await prisma.user.createMany({ data: [{ email: 'r1@example.com' }, { email: 'r2@example.com' }] });
      const routed = db.core.pool?.routed; // test-only peek, as test/async/readers.test.mjs does
      const before = routed ? routed.readers.reduce((sum, n) => sum + (n ?? 0), 0) : 0;
      const found = await Promise.all([1, 2, 3, 4].map(() => prisma.user.findMany({ where: { email: { endsWith: '@example.com' } } })));
      assert.equal(found.map((users) => users.length), [2, 2, 2, 2]);
      if (setup.readers === 0) assert.is(routed, undefined);
      else assert.ok(routed.readers.reduce((sum, n) => sum + (n ?? 0), 0) - before >= 4, 'the reads ran on the reader connections');
    }));
}

test('the adapter closes a database it opened from a url, and only that one', async () => {
  const file = tmp.path(`db-${++serial}.sqlite`);
  const opened = new PrismaSqliteStrand({ url: `file:${file}` });
  const connection = await opened.connect();
  await connection.executeScript(schemaSql);
  assert.equal((await connection.queryRaw({ sql: 'SELECT count(*) AS n FROM users', args: [], argTypes: [] })).rows, [[0]]);
  await connection.dispose();
  const closed = await rejection(connection.queryRaw({ sql: 'SELECT 1', args: [], argTypes: [] }));
  assert.is(closed.code, 'ERR_INVALID_STATE');

  const db = await AsyncDatabase.open(file);
  let calls = 0;
  const lazily = new PrismaSqliteStrand(async () => (calls++, db));
  for (const factory of [new PrismaSqliteStrand(db), lazily, lazily]) {
    const prisma = new client.PrismaClient({ adapter: factory });
    assert.is(await prisma.user.count(), 0);
    await prisma.$disconnect();
    assert.equal(await db.get('SELECT 1 AS one'), Object.assign(Object.create(null), { one: 1 })); // still open
  }
  assert.is(calls, 1);
  await db.close();
});

test('the adapter directly: result sets, lastInsertId, isolation levels', async () => {
  const db = await AsyncDatabase.open(':memory:');
  const connection = await new PrismaSqliteStrand(db).connect();
  await connection.executeScript('CREATE TABLE t (id INTEGER PRIMARY KEY, flag BOOLEAN, at DATETIME, n NUMERIC, v VARCHAR(20))');
  const inserted = await connection.queryRaw({
    sql: 'INSERT INTO t (flag, at, n, v) VALUES (?, ?, ?, ?)',
    args: [true, '2022-03-04T05:06:07.000Z', '12.5', 'x'],
    argTypes: [
      { scalarType: 'boolean', arity: 'scalar' },
      { scalarType: 'datetime', arity: 'scalar' },
      { scalarType: 'decimal', arity: 'scalar' },
      { scalarType: 'string', arity: 'scalar' },
    ],
  });
  assert.equal(inserted, { columnNames: [], columnTypes: [], rows: [], lastInsertId: '1' });
  const result = await connection.queryRaw({ sql: 'SELECT id, flag, at, n, v, id AS id FROM t', args: [], argTypes: [] });
  // ColumnTypeEnum: Int32 0, Boolean 5, DateTime 10, Double 3, Text 7; a repeated name stays.
  assert.equal(result, { columnNames: ['id', 'flag', 'at', 'n', 'v', 'id'], columnTypes: [0, 5, 10, 3, 7, 0], rows: [[1, 1, '2022-03-04T05:06:07.000+00:00', 12.5, 'x', 1]] });
  assert.is(await connection.executeRaw({ sql: 'UPDATE t SET v = ?', args: ['y'], argTypes: [{ scalarType: 'string', arity: 'scalar' }] }), 1);
  const badLevel = await rejection(connection.startTransaction('READ COMMITTED'));
  assert.is(badLevel.name, 'DriverAdapterError');
  assert.equal(badLevel.cause, { kind: 'InvalidIsolationLevel', level: 'READ COMMITTED' });
  const tx = await connection.startTransaction('SERIALIZABLE');
  assert.equal(tx.options, { usePhantomQuery: true });
  await tx.executeRaw({ sql: 'DELETE FROM t', args: [], argTypes: [] });
  await tx.rollback();
  const afterRollback = await rejection(tx.queryRaw({ sql: 'SELECT 1', args: [], argTypes: [] }));
  assert.equal(afterRollback.cause.kind, 'TransactionAlreadyClosed');
  assert.equal((await connection.queryRaw({ sql: 'SELECT count(*) FROM t', args: [], argTypes: [] })).rows, [[1]]);
  assert.equal(connection.getConnectionInfo(), { maxBindValues: 32766, supportsRelationJoins: false });
  await connection.dispose();
  assert.ok(db.isOpen);
  await db.close();
});

test('bad arguments get node-style errors', () => {
  assert.is(thrown(() => new PrismaSqliteStrand({})).code, 'ERR_INVALID_ARG_TYPE');
  assert.is(thrown(() => new PrismaSqliteStrand('file:x.db')).code, 'ERR_INVALID_ARG_TYPE');
  assert.is(thrown(() => new PrismaSqliteStrand({ url: ':memory:' }, { timestampFormat: 'unix' })).code, 'ERR_INVALID_ARG_VALUE');
  assert.is(thrown(() => new PrismaSqliteStrand({ url: ':memory:' }, { transactionMode: 'later' })).code, 'ERR_INVALID_ARG_VALUE');
  assert.is(thrown(() => new PrismaSqliteStrand({ url: ':memory:' }, { statementCacheSize: -1 })).code, 'ERR_OUT_OF_RANGE');
});

test('a database function that does not return an AsyncDatabase is reported, and tried again', async () => {
  let calls = 0;
  const db = await AsyncDatabase.open(':memory:');
  const factory = new PrismaSqliteStrand(async () => (calls++ === 0 ? {} : db));
  assert.is((await rejection(factory.connect())).code, 'ERR_INVALID_RETURN_VALUE');
  const connection = await factory.connect();
  assert.equal((await connection.queryRaw({ sql: 'SELECT 2 AS two', args: [], argTypes: [] })).rows, [[2]]);
  assert.is(calls, 2);
  await db.close();
});

test.run();
