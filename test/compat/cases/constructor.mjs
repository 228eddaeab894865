// new DatabaseSync(path, options): path kinds, every option, validation.
import { pathToFileURL } from 'node:url';
import { attempt, attemptAll } from './_util.mjs';

const BOOLEAN_OPTIONS = [
  'open',
  'readOnly',
  'enableForeignKeyConstraints',
  'enableDoubleQuotedStringLiterals',
  'allowExtension',
  'readBigInts',
  'returnArrays',
  'allowBareNamedParameters',
  'allowUnknownNamedParameters',
  'defensive',
];

// Opens a throwaway database with the given options and reports what can be observed.
const create = (sqlite, ctx, path, options) => {
  const db = ctx.open(path, options);
  return { isOpen: db.isOpen, location: db.isOpen ? db.location() : 'closed' };
};

const pathCases = [
  {
    name: "ctor path: ':memory:'",
    run: (sqlite, ctx) => create(sqlite, ctx, ':memory:'),
  },
  {
    name: "ctor path: '' (private temporary database)",
    run: (sqlite, ctx) => {
      const db = ctx.open('');
      db.exec('CREATE TABLE t(a); INSERT INTO t VALUES (1)');
      return [db.location(), db.prepare('SELECT a FROM t').get()];
    },
  },
  {
    name: 'ctor path: absolute file path string',
    run: (sqlite, ctx) => create(sqlite, ctx, ctx.tmp('a.db')),
  },
  {
    name: 'ctor path: file is created and persists after close',
    run: (sqlite, ctx) => {
      const db = ctx.open(ctx.tmp('p.db'));
      db.exec('CREATE TABLE t(a); INSERT INTO t VALUES (42)');
      db.close();
      const db2 = ctx.open(ctx.tmp('p.db'));
      return db2.prepare('SELECT a FROM t').all();
    },
  },
  {
    name: 'ctor path: Buffer',
    run: (sqlite, ctx) => create(sqlite, ctx, Buffer.from(ctx.tmp('buf.db'))),
  },
  {
    name: 'ctor path: plain Uint8Array',
    run: (sqlite, ctx) => create(sqlite, ctx, new TextEncoder().encode(ctx.tmp('u8.db'))),
  },
  {
    name: "ctor path: Buffer ':memory:'",
    run: (sqlite, ctx) => create(sqlite, ctx, Buffer.from(':memory:')),
  },
  {
    name: 'ctor path: file: URL object',
    run: (sqlite, ctx) => create(sqlite, ctx, pathToFileURL(ctx.tmp('url.db'))),
  },
  {
    name: 'ctor path: file: URL object with percent-encoded space',
    run: (sqlite, ctx) => create(sqlite, ctx, new URL(pathToFileURL(ctx.dir).href + '/with%20space.db')),
  },
  {
    name: 'ctor path: file: URL object with ?mode=ro rejects writes',
    run: (sqlite, ctx) => {
      ctx.open(ctx.tmp('ro.db')).exec('CREATE TABLE t(a)');
      const url = pathToFileURL(ctx.tmp('ro.db'));
      url.searchParams.set('mode', 'ro');
      const db = ctx.open(url);
      return [db.location(), attempt(() => db.exec('INSERT INTO t VALUES (1)')), db.prepare('SELECT count(*) AS n FROM t').get()];
    },
  },
  {
    name: 'ctor path: file: URL object with ?mode=memory',
    run: (sqlite, ctx) => create(sqlite, ctx, new URL(pathToFileURL(ctx.tmp('m.db')).href + '?mode=memory')),
  },
  {
    name: 'ctor path: file: URL object with a fragment',
    run: (sqlite, ctx) => create(sqlite, ctx, new URL(pathToFileURL(ctx.tmp('frag.db')).href + '#frag')),
  },
  {
    name: 'ctor path: file: URL object with encoded ? and #',
    run: (sqlite, ctx) => [
      create(sqlite, ctx, new URL(pathToFileURL(ctx.dir).href + '/q%3Fx.db')),
      create(sqlite, ctx, new URL(pathToFileURL(ctx.dir).href + '/h%23x.db')),
    ],
  },
  {
    name: 'ctor path: file: URL object with %00 (passed to SQLite as a URI)',
    run: (sqlite, ctx) => create(sqlite, ctx, new URL(pathToFileURL(ctx.dir).href + '/nul%00suffix.db')),
  },
  {
    name: 'ctor path: file: URL object with a host',
    run: (sqlite, ctx) => create(sqlite, ctx, new URL('file://somehost' + ctx.tmp('h.db'))),
  },
  {
    name: 'ctor path: http: URL object',
    run: (sqlite, ctx) => create(sqlite, ctx, new URL('http://example.com/x.db')),
  },
  {
    name: 'ctor path: URL-like object with string href',
    run: (sqlite, ctx) => create(sqlite, ctx, { href: pathToFileURL(ctx.tmp('like.db')).href }),
  },
  {
    name: 'ctor path: URL-like object with a non-file href',
    run: (sqlite, ctx) => create(sqlite, ctx, { href: 'http://x/y', protocol: 'file:' }),
  },
  {
    name: 'ctor path: URL-like object with an unparsable href',
    run: (sqlite, ctx) => create(sqlite, ctx, { href: ctx.tmp('rel.db') }),
  },
  {
    name: 'ctor path: URL-like object with a non-string href',
    run: (sqlite, ctx) => create(sqlite, ctx, { href: 5 }),
  },
  {
    name: "ctor path: 'file:' URI string",
    run: (sqlite, ctx) => create(sqlite, ctx, 'file:' + ctx.tmp('uri.db')),
  },
  {
    name: "ctor path: 'file://' URI string with percent escapes",
    run: (sqlite, ctx) => create(sqlite, ctx, pathToFileURL(ctx.dir).href + '/p%3Fy.db'),
  },
  {
    name: "ctor path: 'file:' URI string with ?mode=ro rejects writes",
    run: (sqlite, ctx) => {
      ctx.open(ctx.tmp('ro.db')).exec('CREATE TABLE t(a)');
      const db = ctx.open('file:' + ctx.tmp('ro.db') + '?mode=ro');
      return [db.location(), attempt(() => db.exec('INSERT INTO t VALUES (1)'))];
    },
  },
  {
    name: "ctor path: 'file:' URI mode=rwc combined with readOnly: true",
    run: (sqlite, ctx) => {
      ctx.open(ctx.tmp('x.db')).exec('CREATE TABLE t(a)');
      return create(sqlite, ctx, 'file:' + ctx.tmp('x.db') + '?mode=rwc', { readOnly: true });
    },
  },
  {
    name: "ctor path: 'file:' URI mode=ro combined with readOnly: false",
    run: (sqlite, ctx) => {
      ctx.open(ctx.tmp('x.db')).exec('CREATE TABLE t(a)');
      const db = ctx.open('file:' + ctx.tmp('x.db') + '?mode=ro', { readOnly: false });
      return attempt(() => db.exec('INSERT INTO t VALUES (1)'));
    },
  },
  {
    name: "ctor path: 'file:' URI with immutable=1 and with an unknown vfs",
    run: (sqlite, ctx) => {
      ctx.open(ctx.tmp('x.db')).exec('CREATE TABLE t(a)');
      const db = ctx.open('file:' + ctx.tmp('x.db') + '?immutable=1');
      return [db.location(), attempt(() => db.exec('INSERT INTO t VALUES (1)')), attempt(() => create(sqlite, ctx, 'file:' + ctx.tmp('x.db') + '?vfs=nope'))];
    },
  },
  {
    name: "ctor path: 'file:' URI string with ?mode=rw on a missing file",
    run: (sqlite, ctx) => create(sqlite, ctx, 'file:' + ctx.tmp('missing.db') + '?mode=rw'),
  },
  {
    name: "ctor path: 'file:' URI string with an invalid mode",
    run: (sqlite, ctx) => create(sqlite, ctx, 'file:' + ctx.tmp('x.db') + '?mode=bogus'),
  },
  {
    name: "ctor path: 'file::memory:' and shared-cache memory URIs",
    run: (sqlite, ctx) => [
      create(sqlite, ctx, 'file::memory:'),
      create(sqlite, ctx, 'file:memdb_compat?mode=memory&cache=shared'),
    ],
  },
  {
    name: "ctor path: Buffer holding a 'file:' URI",
    run: (sqlite, ctx) => create(sqlite, ctx, Buffer.from('file:' + ctx.tmp('b.db') + '?mode=memory')),
  },
  {
    name: 'ctor path: plain path containing ?mode=ro is a literal file name',
    run: (sqlite, ctx) => create(sqlite, ctx, ctx.tmp('plain?mode=ro')),
  },
  {
    name: 'ctor path: missing directory',
    run: (sqlite, ctx) => create(sqlite, ctx, ctx.tmp('no/such/dir.db')),
  },
  {
    name: 'ctor path: string with NUL byte',
    run: (sqlite, ctx) => create(sqlite, ctx, ctx.tmp('a\0b.db')),
  },
  {
    name: 'ctor path: Buffer with NUL byte',
    run: (sqlite, ctx) => create(sqlite, ctx, Buffer.from(ctx.tmp('a\0b.db'))),
  },
  {
    name: 'ctor path: missing argument',
    run: (sqlite) => new sqlite.DatabaseSync(),
  },
  {
    name: 'ctor path: wrong types',
    run: (sqlite) =>
      [undefined, null, 1, 5n, true, Symbol('p'), {}, [], () => 1, new String(':memory:')].map((p) =>
        attempt(() => new sqlite.DatabaseSync(p)),
      ),
  },
];

const optionCases = [
  {
    name: 'ctor options: explicit undefined is rejected',
    run: (sqlite) => new sqlite.DatabaseSync(':memory:', undefined),
  },
  {
    name: 'ctor options: non-object values',
    run: (sqlite) => [null, 1, 'x', true, Symbol('o'), 1n].map((o) => attempt(() => new sqlite.DatabaseSync(':memory:', o))),
  },
  {
    name: 'ctor options: arrays and functions are accepted',
    run: (sqlite, ctx) => [ctx.open(':memory:', []).isOpen, ctx.open(':memory:', () => 1).isOpen],
  },
  {
    name: 'ctor options: empty object and undefined members are defaults',
    run: (sqlite, ctx) => {
      const o = {};
      for (const k of BOOLEAN_OPTIONS) o[k] = undefined;
      o.timeout = undefined;
      o.limits = undefined;
      return [ctx.open(':memory:', {}).isOpen, ctx.open(':memory:', o).isOpen];
    },
  },
  ...BOOLEAN_OPTIONS.map((k) => ({
    name: `ctor options: ${k} must be a boolean`,
    run: (sqlite) => [1, 'true', null, {}].map((v) => attempt(() => new sqlite.DatabaseSync(':memory:', { [k]: v }))),
  })),
  {
    name: 'ctor options: timeout valid values',
    run: (sqlite, ctx) => [0, 1, -1, 2 ** 31 - 1, -(2 ** 31), 1000].map((t) => ctx.open(':memory:', { timeout: t }).isOpen),
  },
  {
    name: 'ctor options: timeout invalid values',
    run: (sqlite) =>
      [1.5, NaN, Infinity, -Infinity, 2 ** 31, -(2 ** 31) - 1, '5', 5n, null, true, {}].map((t) =>
        attempt(() => new sqlite.DatabaseSync(':memory:', { timeout: t })),
      ),
  },
  {
    name: 'ctor options: validation order when every option is invalid',
    run: (sqlite) => {
      const keys = [...BOOLEAN_OPTIONS, 'timeout', 'limits'];
      const order = [];
      let remaining = keys;
      while (remaining.length) {
        const o = {};
        for (const k of remaining) o[k] = 'bad';
        try {
          new sqlite.DatabaseSync(':memory:', o).close();
          order.push({ accepted: remaining });
          break;
        } catch (e) {
          const hit = remaining.find((k) => e.message.includes(`"options.${k}"`));
          order.push(e.message);
          if (!hit) break;
          remaining = remaining.filter((k) => k !== hit);
        }
      }
      return order;
    },
  },
  {
    name: 'ctor options: order of property reads (Proxy)',
    run: (sqlite, ctx) => {
      const reads = [];
      const p = new Proxy({}, {
        get(t, k) { reads.push(String(k)); return undefined; },
        has(t, k) { reads.push('has ' + String(k)); return false; },
      });
      ctx.open(':memory:', p);
      return reads;
    },
  },
  {
    name: 'ctor options: inherited option values are honoured',
    run: (sqlite, ctx) => ctx.open(':memory:', Object.create({ open: false })).isOpen,
  },
  {
    name: 'ctor options: a throwing getter propagates',
    run: (sqlite) => new sqlite.DatabaseSync(':memory:', { get readOnly() { throw new RangeError('from getter'); } }),
  },
  {
    name: 'ctor options: invalid path is reported before invalid options',
    run: (sqlite) => new sqlite.DatabaseSync(1, { open: 1 }),
  },
  {
    name: 'ctor options: valid path and non-object options',
    run: (sqlite) => new sqlite.DatabaseSync(Buffer.from(':memory:'), 'str'),
  },
  {
    name: 'ctor option open: false leaves the database closed',
    run: (sqlite, ctx) => {
      const db = ctx.open(ctx.tmp('lazy.db'), { open: false });
      return attemptAll(
        () => db.isOpen,
        () => db.isTransaction,
        () => db.location(),
        () => ({ ...db.limits }),
        () => db.prepare('SELECT 1'),
        () => db.exec('SELECT 1'),
        () => db.close(),
        () => db.open(),
        () => db.isOpen,
        () => db.location(),
      );
    },
  },
  {
    name: 'ctor option open: false does not create the file',
    run: (sqlite, ctx) => {
      ctx.open(ctx.tmp('notyet.db'), { open: false });
      return ctx.open(ctx.tmp('notyet.db'), { readOnly: true }).isOpen;
    },
  },
  {
    name: 'ctor option readOnly: writes fail, reads work',
    run: (sqlite, ctx) => {
      ctx.open(ctx.tmp('r.db')).exec('CREATE TABLE t(a); INSERT INTO t VALUES (1)');
      const db = ctx.open(ctx.tmp('r.db'), { readOnly: true });
      return attemptAll(
        () => db.exec('INSERT INTO t VALUES (2)'),
        () => db.prepare('INSERT INTO t VALUES (3)').run(),
        () => db.exec('CREATE TABLE u(b)'),
        () => db.prepare('SELECT a FROM t').all(),
        () => db.exec('PRAGMA user_version = 3'),
      );
    },
  },
  {
    name: 'ctor option readOnly: missing file',
    run: (sqlite, ctx) => create(sqlite, ctx, ctx.tmp('missing.db'), { readOnly: true }),
  },
  {
    name: 'ctor option readOnly: false is read-write',
    run: (sqlite, ctx) => {
      const db = ctx.open(ctx.tmp('rw.db'), { readOnly: false });
      db.exec('CREATE TABLE t(a)');
      return db.prepare('INSERT INTO t VALUES (1)').run();
    },
  },
  {
    name: 'ctor option enableForeignKeyConstraints: default on',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      db.exec('CREATE TABLE p(id INTEGER PRIMARY KEY); CREATE TABLE c(pid REFERENCES p(id))');
      return [db.prepare('PRAGMA foreign_keys').get(), attempt(() => db.exec('INSERT INTO c VALUES (7)'))];
    },
  },
  {
    name: 'ctor option enableForeignKeyConstraints: false',
    run: (sqlite, ctx) => {
      const db = ctx.open(':memory:', { enableForeignKeyConstraints: false });
      db.exec('CREATE TABLE p(id INTEGER PRIMARY KEY); CREATE TABLE c(pid REFERENCES p(id))');
      return [db.prepare('PRAGMA foreign_keys').get(), attempt(() => db.exec('INSERT INTO c VALUES (7)'))];
    },
  },
  {
    name: 'ctor option enableDoubleQuotedStringLiterals: default off',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      db.exec('CREATE TABLE t(a)');
      return attemptAll(
        () => db.prepare('SELECT "abc" AS x').get(),
        () => db.exec('CREATE INDEX i ON t("nocol")'),
        () => db.prepare('SELECT "a" AS x FROM t').all(),
      );
    },
  },
  {
    name: 'ctor option enableDoubleQuotedStringLiterals: true',
    run: (sqlite, ctx) => {
      const db = ctx.open(':memory:', { enableDoubleQuotedStringLiterals: true });
      db.exec('CREATE TABLE t(a)');
      return attemptAll(
        () => db.prepare('SELECT "abc" AS x').get(),
        () => db.exec('CREATE INDEX i ON t("nocol")'),
      );
    },
  },
  {
    name: 'ctor option allowExtension: default false',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      return attemptAll(
        () => db.enableLoadExtension(true),
        () => db.enableLoadExtension(false),
        () => db.loadExtension(ctx.tmp('nonexistent')),
        () => db.prepare("SELECT load_extension('x')").get(),
      );
    },
  },
  {
    name: 'ctor option allowExtension: true',
    run: (sqlite, ctx) => {
      const db = ctx.open(':memory:', { allowExtension: true });
      return attemptAll(
        () => db.loadExtension(ctx.tmp('nonexistent')),
        () => db.enableLoadExtension(1),
        () => db.enableLoadExtension(false),
        () => db.loadExtension(ctx.tmp('nonexistent')),
        () => db.enableLoadExtension(true),
        () => db.loadExtension(1),
        () => db.prepare("SELECT load_extension('x')").get(),
      );
    },
  },
  {
    name: 'ctor option readBigInts: true',
    run: (sqlite, ctx) => {
      const db = ctx.open(':memory:', { readBigInts: true });
      db.exec('CREATE TABLE t(a)');
      return [
        db.prepare('SELECT 1 AS a, 1.5 AS b, 9223372036854775807 AS c, -9223372036854775808 AS d').get(),
        db.prepare('INSERT INTO t VALUES (1)').run(),
      ];
    },
  },
  {
    name: 'ctor option returnArrays: true',
    run: (sqlite, ctx) => {
      const db = ctx.open(':memory:', { returnArrays: true });
      const st = db.prepare('SELECT 1 AS a, 2 AS b UNION ALL SELECT 3, 4');
      return [st.get(), st.all(), [...st.iterate()], db.prepare('SELECT 1 WHERE 0').get(), db.prepare('SELECT 1 WHERE 0').all()];
    },
  },
  {
    name: 'ctor option allowBareNamedParameters: false',
    run: (sqlite, ctx) => {
      const db = ctx.open(':memory:', { allowBareNamedParameters: false });
      const st = db.prepare('SELECT $a AS x');
      return attemptAll(() => st.get({ a: 1 }), () => st.get({ $a: 2 }));
    },
  },
  {
    name: 'ctor option allowUnknownNamedParameters: true',
    run: (sqlite, ctx) => {
      const db = ctx.open(':memory:', { allowUnknownNamedParameters: true });
      return db.prepare('SELECT $a AS x').get({ a: 1, nope: 2, $zz: 3 });
    },
  },
  {
    name: 'ctor option defensive: default is on',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      db.exec('PRAGMA writable_schema = 1');
      return db.prepare('PRAGMA writable_schema').get();
    },
  },
  {
    name: 'ctor option defensive: false and true',
    run: (sqlite, ctx) => {
      const off = ctx.open(':memory:', { defensive: false });
      off.exec('PRAGMA writable_schema = 1');
      const on = ctx.open(':memory:', { defensive: true });
      on.exec('PRAGMA writable_schema = 1');
      return [off.prepare('PRAGMA writable_schema').get(), on.prepare('PRAGMA writable_schema').get()];
    },
  },
  {
    name: 'ctor option limits: values are applied and visible on db.limits',
    run: (sqlite, ctx) => {
      const db = ctx.open(':memory:', { limits: { length: 100, variableNumber: 2 } });
      return [
        db.limits.length,
        db.limits.variableNumber,
        db.limits.column,
        attempt(() => db.prepare('SELECT ?').get('x'.repeat(200))),
        attempt(() => db.prepare('SELECT ?, ?, ?')),
      ];
    },
  },
  {
    name: 'ctor option limits: invalid values',
    run: (sqlite) =>
      [1, null, { length: -1 }, { length: 'x' }, { length: 1.5 }, { length: Infinity }, { length: 2 ** 31 }].map((limits) =>
        attempt(() => new sqlite.DatabaseSync(':memory:', { limits }).close()),
      ),
  },
  {
    name: 'ctor option limits: unknown keys are ignored',
    run: (sqlite, ctx) => ctx.open(':memory:', { limits: { bogus: 1 } }).limits.length,
  },
  {
    name: 'db.limits: default values',
    run: (sqlite, ctx) => ({ ...ctx.open().limits }),
  },
  {
    name: 'db.limits: setting values and validation',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      return attemptAll(
        () => { db.limits.length = 50; return db.limits.length; },
        () => { db.limits.length = -1; },
        () => { db.limits.length = 1.5; },
        () => { db.limits.length = '5'; },
        () => { db.limits.length = Infinity; return db.limits.length; },
        () => db.limits === db.limits,
        () => Object.keys(db.limits),
        () => JSON.stringify(db.limits),
        () => 'bogus' in db.limits,
      );
    },
  },
];

export default [...pathCases, ...optionCases];
