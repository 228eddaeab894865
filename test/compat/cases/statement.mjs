// StatementSync: run, get, all, columns, sourceSQL, expandedSQL, setters, close.
import { attempt, attemptAll, withRows } from './_util.mjs';

export default [
  // ---- run ----
  {
    name: 'stmt.run(): INSERT returns changes and lastInsertRowid',
    run: (sqlite, ctx) => {
      const db = withRows(ctx.open(), 2);
      return [db.prepare("INSERT INTO t(v) VALUES ('x')").run(), db.prepare('INSERT INTO t(id, v) VALUES (100, ?)').run('y')];
    },
  },
  {
    name: 'stmt.run(): UPDATE and DELETE report changes; lastInsertRowid is the connection value',
    run: (sqlite, ctx) => {
      const db = withRows(ctx.open(), 5);
      return [db.prepare("UPDATE t SET v = 'z'").run(), db.prepare('DELETE FROM t WHERE id > 3').run()];
    },
  },
  {
    name: 'stmt.run(): on a SELECT reports the stale connection counters',
    run: (sqlite, ctx) => {
      const db = withRows(ctx.open(), 3);
      db.prepare('DELETE FROM t WHERE id = 1').run();
      return [db.prepare('SELECT * FROM t').run(), db.prepare('SELECT 1').run()];
    },
  },
  {
    name: 'stmt.run(): on DDL and on a fresh connection',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      return [db.prepare('CREATE TABLE t(a)').run(), db.prepare('SELECT 1').run()];
    },
  },
  {
    name: 'stmt.run(): with RETURNING',
    run: (sqlite, ctx) => {
      const db = withRows(ctx.open(), 1);
      return [db.prepare('INSERT INTO t(v) VALUES (?) RETURNING id').run('r'), db.prepare('SELECT count(*) AS n FROM t').get()];
    },
  },
  {
    name: 'stmt.run(): readBigInts returns bigint counters',
    run: (sqlite, ctx) => {
      const db = withRows(ctx.open(), 1);
      const st = db.prepare("INSERT INTO t(v) VALUES ('b')");
      st.setReadBigInts(true);
      return st.run();
    },
  },
  {
    name: 'stmt.run(): lastInsertRowid above 2^53 throws after the insert happened',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      db.exec('CREATE TABLE t(a)');
      return [
        attempt(() => db.prepare('INSERT INTO t(rowid, a) VALUES (9223372036854775807, 1)').run()),
        db.prepare('SELECT count(*) AS n FROM t').get(),
        attempt(() => db.prepare('INSERT INTO t(rowid, a) VALUES (?, 2)').run(2 ** 53 + 2)),
      ];
    },
  },
  {
    name: 'stmt.run(): lastInsertRowid above 2^53 with readBigInts',
    run: (sqlite, ctx) => {
      const db = ctx.open(':memory:', { readBigInts: true });
      db.exec('CREATE TABLE t(a)');
      return db.prepare('INSERT INTO t(rowid, a) VALUES (9223372036854775807, 1)').run();
    },
  },
  {
    name: 'stmt.run(): repeated runs of one statement',
    run: (sqlite, ctx) => {
      const db = withRows(ctx.open(), 0);
      const st = db.prepare('INSERT INTO t(v) VALUES (?)');
      return [st.run('a'), st.run('b'), st.run('c'), db.prepare('SELECT v FROM t').all()];
    },
  },
  // ---- get / all ----
  {
    name: 'stmt.get(): first row, undefined when no rows',
    run: (sqlite, ctx) => {
      const db = withRows(ctx.open(), 3);
      return [db.prepare('SELECT * FROM t ORDER BY id').get(), db.prepare('SELECT * FROM t WHERE id < 0').get()];
    },
  },
  {
    name: 'stmt.get(): on a non-SELECT executes it once and returns undefined',
    run: (sqlite, ctx) => {
      const db = withRows(ctx.open(), 0);
      return [db.prepare("INSERT INTO t(v) VALUES ('x')").get(), db.prepare('SELECT count(*) AS n FROM t').get()];
    },
  },
  {
    name: 'stmt.get(): with RETURNING',
    run: (sqlite, ctx) => withRows(ctx.open(), 0).prepare("INSERT INTO t(v) VALUES ('g') RETURNING *").get(),
  },
  {
    name: 'stmt.get(): the statement is reset afterwards (second get sees first row again)',
    run: (sqlite, ctx) => {
      const st = withRows(ctx.open(), 3).prepare('SELECT id FROM t ORDER BY id');
      return [st.get(), st.get()];
    },
  },
  {
    name: 'stmt.all(): every row, empty array when none',
    run: (sqlite, ctx) => {
      const db = withRows(ctx.open(), 3);
      return [db.prepare('SELECT * FROM t ORDER BY id').all(), db.prepare('SELECT * FROM t WHERE 0').all()];
    },
  },
  {
    name: 'stmt.all(): on a non-SELECT executes it and returns []',
    run: (sqlite, ctx) => {
      const db = withRows(ctx.open(), 0);
      return [db.prepare("INSERT INTO t(v) VALUES ('x')").all(), db.prepare('SELECT count(*) AS n FROM t').get()];
    },
  },
  {
    name: 'stmt.all(): with RETURNING on a multi-row insert',
    run: (sqlite, ctx) => withRows(ctx.open(), 0).prepare("INSERT INTO t(v) VALUES ('a'), ('b') RETURNING id, v").all(),
  },
  {
    name: 'stmt.all(): SQLite runtime error',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      const st = db.prepare('SELECT abs(-9223372036854775807 - 1) AS x');
      return attemptAll(() => st.get(), () => st.all(), () => st.run(), () => [...st.iterate()]);
    },
  },
  {
    name: 'stmt.all(): runtime error after some rows',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      db.exec("CREATE TABLE t(a); INSERT INTO t VALUES (1), (2), ('x')");
      const st = db.prepare("SELECT a, CASE WHEN a = 'x' THEN abs(-9223372036854775807 - 1) ELSE a END AS b FROM t");
      return attemptAll(() => st.all(), () => st.get());
    },
  },
  // ---- columns ----
  {
    name: 'stmt.columns(): table columns, aliases, expressions, star',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, a TEXT, b)');
      return db.prepare('SELECT id, a AS x, b + 1, 5, t.* FROM t').columns();
    },
  },
  {
    name: 'stmt.columns(): subquery, aggregate, join alias, attached db',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      db.exec("CREATE TABLE t(a VARCHAR(10)); ATTACH ':memory:' AS aux; CREATE TABLE aux.u(z REAL)");
      return db.prepare('SELECT count(*) AS c, (SELECT a FROM t) AS s, t2.a, u.z FROM t AS t2, aux.u').columns();
    },
  },
  {
    name: 'stmt.columns(): non-query statements and PRAGMA',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      db.exec('CREATE TABLE t(a)');
      return [db.prepare('INSERT INTO t VALUES (1)').columns(), db.prepare('PRAGMA table_info(t)').columns()];
    },
  },
  {
    name: 'stmt.columns(): result shape (null prototype, key order)',
    run: (sqlite, ctx) => {
      const cols = ctx.open().prepare('SELECT 1 AS a').columns();
      return [Array.isArray(cols), Object.getPrototypeOf(cols[0]) === null, Object.keys(cols[0])];
    },
  },
  {
    name: 'stmt.columns(): duplicate names and RETURNING',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      db.exec('CREATE TABLE t(a)');
      return [db.prepare('SELECT 1 AS x, 2 AS x').columns(), db.prepare('INSERT INTO t VALUES (1) RETURNING a, rowid').columns()];
    },
  },
  {
    name: 'stmt.columns(): after the schema changes',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      db.exec('CREATE TABLE t(a)');
      const st = db.prepare('SELECT * FROM t');
      db.exec('ALTER TABLE t ADD COLUMN b');
      return [st.columns().map((c) => c.name), st.all(), st.columns().map((c) => c.name)];
    },
  },
  // ---- sourceSQL / expandedSQL ----
  {
    name: 'stmt.sourceSQL: verbatim, trailing statements cut, unicode',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      return [
        db.prepare('  SELECT 1  ').sourceSQL,
        db.prepare('SELECT 1; SELECT 2').sourceSQL,
        db.prepare("SELECT 'é😀' -- comment\n").sourceSQL,
      ];
    },
  },
  {
    name: 'stmt.sourceSQL / expandedSQL: read-only accessors',
    run: (sqlite, ctx) => {
      const st = ctx.open().prepare('SELECT 1');
      return attemptAll(
        () => { st.sourceSQL = 'x'; },
        () => { st.expandedSQL = 'x'; },
        () => st.sourceSQL,
      );
    },
  },
  {
    name: 'stmt.expandedSQL: before any binding',
    run: (sqlite, ctx) => ctx.open().prepare('SELECT ?, $x, :y, @z, ?9').expandedSQL,
  },
  {
    name: 'stmt.expandedSQL: after binding each type',
    run: (sqlite, ctx) => {
      const st = ctx.open().prepare('SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?');
      st.get(1, -2, 1.5, 1e300, 2 ** 53, -0, "it's", Buffer.from('ab'), 10n);
      return st.expandedSQL;
    },
  },
  {
    name: 'stmt.expandedSQL: null, undefined, NaN, booleans, infinities',
    run: (sqlite, ctx) => {
      const st = ctx.open().prepare('SELECT ?, ?, ?, ?, ?, ?, ?');
      st.get(null, undefined, NaN, true, false, Infinity, -Infinity);
      return st.expandedSQL;
    },
  },
  {
    name: 'stmt.expandedSQL: named parameters',
    run: (sqlite, ctx) => {
      const st = ctx.open().prepare('SELECT $a, :b, @c, $d');
      st.get({ a: 'x', b: 2n, c: null });
      return st.expandedSQL;
    },
  },
  {
    name: 'stmt.expandedSQL: reflects the latest binding, cleared between calls',
    run: (sqlite, ctx) => {
      const st = ctx.open().prepare('SELECT ? AS a, ? AS b');
      st.get(1, 2);
      const first = st.expandedSQL;
      st.get(3);
      return [first, st.expandedSQL];
    },
  },
  {
    name: 'stmt.expandedSQL: longer than the length limit',
    run: (sqlite, ctx) => {
      const st = ctx.open(':memory:', { limits: { length: 50 } }).prepare('SELECT ?');
      st.get('x'.repeat(45));
      return attempt(() => st.expandedSQL);
    },
  },
  // ---- setters ----
  {
    name: 'stmt.setReadBigInts(): toggles integer reads, returns undefined',
    run: (sqlite, ctx) => {
      const st = ctx.open().prepare('SELECT 1 AS a, 1.5 AS b, 9007199254740993 AS c');
      const r = [st.setReadBigInts(true), st.get()];
      st.setReadBigInts(false);
      r.push(attempt(() => st.get()));
      return r;
    },
  },
  {
    name: 'stmt.setReadBigInts(): invalid arguments',
    run: (sqlite, ctx) => {
      const st = ctx.open().prepare('SELECT 1');
      return [[], [1], ['true'], [null], [undefined], [0n]].map((args) => attempt(() => st.setReadBigInts(...args)));
    },
  },
  {
    name: 'stmt.setReturnArrays(): toggles row shape',
    run: (sqlite, ctx) => {
      const st = ctx.open().prepare('SELECT 1 AS a, 2 AS b');
      const r = [st.setReturnArrays(true), st.get(), st.all(), [...st.iterate()]];
      st.setReturnArrays(false);
      r.push(st.get());
      return r;
    },
  },
  {
    name: 'stmt.setReturnArrays(): invalid arguments',
    run: (sqlite, ctx) => {
      const st = ctx.open().prepare('SELECT 1');
      return [[], [1], ['yes'], [null]].map((args) => attempt(() => st.setReturnArrays(...args)));
    },
  },
  {
    name: 'stmt.setAllowBareNamedParameters(): false requires prefixes',
    run: (sqlite, ctx) => {
      const st = ctx.open().prepare('SELECT $a AS x');
      return [st.setAllowBareNamedParameters(false), attempt(() => st.get({ a: 1 })), st.get({ $a: 2 }), st.setAllowBareNamedParameters(true), st.get({ a: 3 })];
    },
  },
  {
    name: 'stmt.setAllowBareNamedParameters(): invalid arguments',
    run: (sqlite, ctx) => {
      const st = ctx.open().prepare('SELECT 1');
      return [[], [0], ['false'], [null]].map((args) => attempt(() => st.setAllowBareNamedParameters(...args)));
    },
  },
  {
    name: 'stmt.setAllowUnknownNamedParameters(): true ignores unknown keys',
    run: (sqlite, ctx) => {
      const st = ctx.open().prepare('SELECT $a AS x');
      return [
        attempt(() => st.get({ a: 1, b: 2 })),
        st.setAllowUnknownNamedParameters(true),
        st.get({ a: 1, b: 2, $c: 3 }),
        st.setAllowUnknownNamedParameters(false),
        attempt(() => st.get({ a: 1, b: 2 })),
      ];
    },
  },
  {
    name: 'stmt.setAllowUnknownNamedParameters(): invalid arguments',
    run: (sqlite, ctx) => {
      const st = ctx.open().prepare('SELECT 1');
      return [[], [1], ['true'], [null]].map((args) => attempt(() => st.setAllowUnknownNamedParameters(...args)));
    },
  },
  {
    name: 'stmt setters: extra arguments are ignored',
    run: (sqlite, ctx) => {
      const st = ctx.open().prepare('SELECT 1 AS x');
      return [st.setReadBigInts(true, 1), st.setReturnArrays(true, 'x'), st.get()];
    },
  },
  // ---- close ----
  {
    name: 'stmt.close(): then every method throws',
    run: (sqlite, ctx) => {
      const st = ctx.open().prepare('SELECT ? AS x');
      return attemptAll(
        () => st.close(),
        () => st.get(1),
        () => st.all(),
        () => st.run(),
        () => st.iterate(),
        () => st.columns(),
        () => st.sourceSQL,
        () => st.expandedSQL,
        () => st.setReadBigInts(true),
        () => st.setReturnArrays(true),
        () => st.setAllowBareNamedParameters(true),
        () => st.setAllowUnknownNamedParameters(true),
        () => st.close(),
      );
    },
  },
  {
    name: 'stmt.close(): finalized check precedes argument validation',
    run: (sqlite, ctx) => {
      const st = ctx.open().prepare('SELECT ? AS x');
      st.close();
      return attemptAll(() => st.get(Symbol('s')), () => st.setReadBigInts(1), () => st.setReturnArrays(), () => st.setAllowUnknownNamedParameters(2));
    },
  },
  {
    name: 'stmt[Symbol.dispose](): finalizes; idempotent',
    run: (sqlite, ctx) => {
      const st = ctx.open().prepare('SELECT 1');
      return attemptAll(() => st[Symbol.dispose](), () => st.get(), () => st[Symbol.dispose](), () => st.close());
    },
  },
  {
    name: 'stmt.close(): does not affect other statements or the database',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      const a = db.prepare('SELECT 1 AS a');
      const b = db.prepare('SELECT 2 AS b');
      a.close();
      return [b.get(), db.isOpen, db.prepare('SELECT 3 AS c').get()];
    },
  },
];
