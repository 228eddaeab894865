// SQLite -> JS conversions and row shapes.
import { createHash } from 'node:crypto';
import { attempt, attemptAll } from './_util.mjs';

const get = (ctx, sql, options) => ctx.open(':memory:', options).prepare(sql).get();

export default [
  // ---- integers ----
  {
    name: 'read: integers within the safe range',
    run: (sqlite, ctx) => get(ctx, 'SELECT 0 AS a, -1 AS b, 9007199254740991 AS c, -9007199254740991 AS d, 2147483648 AS e'),
  },
  {
    name: 'read: integers beyond ±2^53 throw ERR_OUT_OF_RANGE',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      return ['9007199254740992', '9007199254740993', '-9007199254740992', '9223372036854775807', '-9223372036854775808'].map((n) =>
        attempt(() => db.prepare(`SELECT ${n} AS v`).get()),
      );
    },
  },
  {
    name: 'read: integers beyond ±2^53 in all() and with returnArrays',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      const st = db.prepare('SELECT 1 AS a UNION ALL SELECT 9223372036854775807');
      const r = [attempt(() => st.all())];
      st.setReturnArrays(true);
      r.push(attempt(() => st.all()));
      return r;
    },
  },
  {
    name: 'read: readBigInts returns bigint for every INTEGER, not REAL',
    run: (sqlite, ctx) =>
      get(ctx, 'SELECT 0 AS a, -1 AS b, 9223372036854775807 AS c, -9223372036854775808 AS d, 1.0 AS e, 2.5 AS f, NULL AS g, \'1\' AS h', { readBigInts: true }),
  },
  {
    name: 'read: readBigInts together with returnArrays',
    run: (sqlite, ctx) => {
      const st = ctx.open(':memory:', { readBigInts: true, returnArrays: true }).prepare('SELECT 1 AS a, 9007199254740993 AS b');
      return [st.get(), st.all()];
    },
  },
  // ---- reals ----
  {
    name: 'read: REAL values incl. integral reals and huge magnitudes',
    run: (sqlite, ctx) => get(ctx, 'SELECT 1.0 AS a, 2e20 AS b, -0.0 AS c, 1e308 * 10 AS d, -1e308 * 10 AS e, 0.1 + 0.2 AS f, 1.5e-320 AS g'),
  },
  {
    name: 'read: REAL column storing integer values',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      db.exec('CREATE TABLE t(r REAL); INSERT INTO t VALUES (3), (9223372036854775807)');
      return db.prepare('SELECT r, typeof(r) AS t FROM t').all();
    },
  },
  {
    name: 'read: NaN produced by SQL is NULL',
    run: (sqlite, ctx) => get(ctx, "SELECT 0.0 / 0.0 AS a, typeof(0.0 / 0.0) AS t, ln(-1) AS l"),
  },
  // ---- text ----
  {
    name: 'read: text (ascii, unicode, emoji, empty)',
    run: (sqlite, ctx) => get(ctx, "SELECT 'abc' AS a, 'héllo wörld' AS b, '日本語' AS c, '😀👍🏽' AS d, '' AS e, char(0x10FFFF) AS f"),
  },
  {
    name: 'read: text with embedded NUL',
    run: (sqlite, ctx) => get(ctx, "SELECT CAST(x'610062' AS TEXT) AS a, char(97, 0, 98) AS b, length(char(97, 0, 98)) AS len"),
  },
  {
    name: 'read: invalid UTF-8 in text is replaced with U+FFFD',
    run: (sqlite, ctx) =>
      get(
        ctx,
        "SELECT CAST(x'ff' AS TEXT) AS a, CAST(x'61ff62' AS TEXT) AS b, CAST(x'c0af' AS TEXT) AS c, CAST(x'eda080' AS TEXT) AS d, CAST(x'f09f98' AS TEXT) AS e, CAST(x'e282' AS TEXT) AS f",
      ),
  },
  {
    name: 'read: invalid UTF-8 round trip through a table',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      db.exec("CREATE TABLE t(s TEXT); INSERT INTO t VALUES (CAST(x'80818283' AS TEXT))");
      return db.prepare('SELECT s, hex(s) AS h, length(s) AS len FROM t').get();
    },
  },
  {
    name: 'read: long text (1 MB, multi-byte)',
    run: (sqlite, ctx) => {
      const s = 'é😀'.repeat(250000);
      const row = ctx.open().prepare('SELECT ? AS v, length(?) AS len').get(s, s);
      return [row.v === s, row.v.length, row.len];
    },
  },
  // ---- blobs ----
  {
    name: 'read: BLOBs are Uint8Array (not Buffer)',
    run: (sqlite, ctx) => {
      const row = get(ctx, "SELECT x'0102ff' AS a, x'' AS b, zeroblob(3) AS c");
      return [row, row.a.constructor.name, Buffer.isBuffer(row.a), row.a.byteOffset, row.a.buffer.byteLength === row.a.byteLength];
    },
  },
  {
    name: 'read: BLOB results are independent copies',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      db.exec("CREATE TABLE t(b); INSERT INTO t VALUES (x'010203')");
      const st = db.prepare('SELECT b FROM t');
      const a = st.get().b;
      a[0] = 99;
      return [a, st.get().b];
    },
  },
  {
    name: 'read: 100 MB BLOB round trip (length and sha256)',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      const size = 100 * 1024 * 1024;
      const data = new Uint8Array(size);
      for (let i = 0; i < size; i += 997) data[i] = i & 0xff;
      const inHash = createHash('sha256').update(data).digest('hex');
      db.exec('CREATE TABLE b(x BLOB)');
      const ins = db.prepare('INSERT INTO b VALUES (?)').run(data);
      const row = db.prepare('SELECT x, length(x) AS len, typeof(x) AS t FROM b').get();
      return {
        ins,
        len: row.len,
        t: row.t,
        ctor: row.x.constructor.name,
        byteLength: row.x.byteLength,
        same: createHash('sha256').update(row.x).digest('hex') === inHash,
        sha256: inHash,
      };
    },
  },
  {
    name: 'read: BLOB larger than the length limit',
    run: (sqlite, ctx) => {
      const db = ctx.open(':memory:', { limits: { length: 1000 } });
      return attemptAll(
        () => db.prepare('SELECT ? AS b').get(new Uint8Array(1001)),
        () => db.prepare('SELECT zeroblob(2000) AS b').get(),
        () => db.prepare('SELECT ? AS s').get('x'.repeat(1001)),
      );
    },
  },
  // ---- NULL, typeof mix ----
  {
    name: 'read: NULL is null; column affinity mix',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      db.exec("CREATE TABLE t(a INTEGER, b TEXT, c REAL, d BLOB, e); INSERT INTO t VALUES ('12', 34, '5.5', 'txt', NULL)");
      return db.prepare('SELECT a, b, c, d, e, typeof(a) AS ta, typeof(b) AS tb, typeof(c) AS tc, typeof(d) AS td FROM t').get();
    },
  },
  // ---- row shapes ----
  {
    name: 'rows: objects have a null prototype',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      const st = db.prepare('SELECT 1 AS a');
      return [Object.getPrototypeOf(st.get()), Object.getPrototypeOf(st.all()[0]), Object.getPrototypeOf(st.iterate().next().value), Object.getPrototypeOf(st.all())  === Array.prototype];
    },
  },
  {
    name: 'rows: key order follows column order (except integer-like names)',
    run: (sqlite, ctx) => Object.keys(get(ctx, "SELECT 1 AS b, 2 AS '2', 3 AS a, 4 AS '1', 5 AS '-1', 6 AS '01', 7 AS '4294967295', 8 AS '1.5'")),
  },
  {
    name: 'rows: duplicate column names (last value wins, first position kept)',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      db.exec('CREATE TABLE a(id, v); CREATE TABLE b(id, w); INSERT INTO a VALUES (1, 10); INSERT INTO b VALUES (2, 20)');
      return [db.prepare('SELECT 1 AS x, 2 AS y, 3 AS x').get(), db.prepare('SELECT * FROM a, b').get(), db.prepare('SELECT * FROM a, b').all()];
    },
  },
  {
    name: 'rows: duplicate column names with returnArrays keep every value',
    run: (sqlite, ctx) => {
      const st = ctx.open().prepare('SELECT 1 AS x, 2 AS x');
      st.setReturnArrays(true);
      return st.get();
    },
  },
  {
    name: 'rows: a column named __proto__ is an own property',
    run: (sqlite, ctx) => {
      const row = get(ctx, 'SELECT 1 AS __proto__, 2 AS b');
      return [Object.getPrototypeOf(row), Object.keys(row), row.__proto__, Object.getOwnPropertyDescriptor(row, '__proto__')];
    },
  },
  {
    name: 'rows: columns named constructor, toString, hasOwnProperty',
    run: (sqlite, ctx) => get(ctx, 'SELECT 1 AS constructor, 2 AS toString, 3 AS hasOwnProperty, 4 AS valueOf'),
  },
  {
    name: 'rows: empty, unicode and expression column names',
    run: (sqlite, ctx) => get(ctx, "SELECT 1 AS '', 2 AS 'é 😀', 3 + 4, 'lit', NULL"),
  },
  {
    name: 'rows: property descriptors of a row',
    run: (sqlite, ctx) => Object.getOwnPropertyDescriptors(get(ctx, 'SELECT 1 AS a, NULL AS b')),
  },
  {
    name: 'rows: returnArrays rows are plain arrays',
    run: (sqlite, ctx) => {
      const st = ctx.open(':memory:', { returnArrays: true }).prepare('SELECT 1 AS a, NULL AS b');
      const r = st.get();
      return [r, Array.isArray(r), Object.getPrototypeOf(r) === Array.prototype, Object.keys(r)];
    },
  },
  {
    name: 'rows: many columns',
    run: (sqlite, ctx) => {
      const cols = Array.from({ length: 300 }, (_, i) => `${i} AS c${i}`).join(', ');
      const row = ctx.open().prepare(`SELECT ${cols}`).get();
      return [Object.keys(row).length, row.c0, row.c299, Object.keys(row).slice(0, 3)];
    },
  },
  {
    name: 'rows: each row is a fresh object',
    run: (sqlite, ctx) => {
      const st = ctx.open().prepare('SELECT 1 AS a UNION ALL SELECT 2');
      const rows = st.all();
      const again = st.all();
      return [rows[0] === rows[1], rows[0] === again[0], rows[0] === st.get()];
    },
  },
];
