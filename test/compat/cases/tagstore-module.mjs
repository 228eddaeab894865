// DatabaseSync#createTagStore (SQLTagStore) and DatabaseSync#createModule (JS virtual tables).
import { attempt, attemptAll, describe } from './_util.mjs';

function withTable(ctx) {
  const db = ctx.open();
  db.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t(v) VALUES ('a'), ('b'), ('c')");
  return db;
}

const COLS = [{ name: 'x', type: 'ANY' }];
const SERIES = {
  columns: [
    { name: 'value', type: 'INTEGER' },
    { name: 'start', type: 'INTEGER', hidden: true },
    { name: 'stop', type: 'INTEGER', hidden: true },
  ],
  *rows(start, stop) {
    for (let i = start; i <= stop; i++) yield [i];
  },
};

// Registers a one-column module whose rows() returns `result`, then reads it.
function moduleReturning(ctx, rows) {
  const db = ctx.open();
  db.createModule('m', { columns: COLS, rows });
  return attempt(() => db.prepare('SELECT x, typeof(x) AS t FROM m').all());
}

export default [
  // ---- createTagStore ----
  {
    name: 'tagstore: shape (class name, prototype, own accessors, defaults)',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      const t = db.createTagStore();
      const proto = Object.getPrototypeOf(t);
      return {
        className: proto.constructor.name,
        protoNames: Object.getOwnPropertyNames(proto),
        protoDescriptors: Object.getOwnPropertyNames(proto).map((k) => describe(proto, k)),
        own: Object.keys(t),
        ownDescriptors: ['capacity', 'db', 'size'].map((k) => describe(t, k)),
        getterNames: ['capacity', 'db', 'size'].map((k) => Object.getOwnPropertyDescriptor(t, k).get.name),
        forIn: (() => { const k = []; for (const x in t) k.push(x); return k; })(),
        capacity: t.capacity,
        size: t.size,
        dbIsDb: t.db === db,
        parent: Object.getPrototypeOf(proto) === Object.prototype,
        exported: 'SQLTagStore' in sqlite,
        method: describe(sqlite.DatabaseSync.prototype, 'createTagStore'),
      };
    },
  },
  {
    name: 'tagstore: the constructor is illegal',
    run: (sqlite, ctx) => {
      const C = Object.getPrototypeOf(ctx.open().createTagStore()).constructor;
      return attemptAll(() => new C(), () => C(), () => C.length);
    },
  },
  {
    name: 'tagstore: maxSize values',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      return [undefined, null, 0, -1, 1.5, NaN, Infinity, '5', 2 ** 31, 2 ** 31 - 1, 1, true, {}, 1n].map((v) =>
        attempt(() => db.createTagStore(v).capacity),
      );
    },
  },
  {
    name: 'tagstore: closed database',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      const t = db.createTagStore(2);
      t.get`SELECT 1 AS a`;
      db.close();
      return attemptAll(
        () => db.createTagStore(),
        () => db.createTagStore(-1),
        () => t.get`SELECT 1 AS a`,
        () => t.get('not an array'),
        () => t.all([1]),
        () => t.size,
        () => t.capacity,
        () => t.db === db,
        () => t.clear(),
        () => t.size,
      );
    },
  },
  {
    name: 'tagstore: reopened database prepares cached statements again',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      const t = db.createTagStore(2);
      t.get`SELECT 1 AS a`;
      t.get`SELECT 2 AS a`;
      db.close();
      db.open();
      return attemptAll(() => t.size, () => t.get`SELECT 1 AS a`, () => t.size, () => t.all`SELECT 3 AS a`, () => t.size);
    },
  },
  {
    name: 'tagstore: get / all / iterate / run results',
    run: (sqlite, ctx) => {
      const db = withTable(ctx);
      const t = db.createTagStore();
      const id = 2;
      return attemptAll(
        () => t.get`SELECT * FROM t WHERE id = ${id}`,
        () => t.get`SELECT * FROM t WHERE id = ${99}`,
        () => t.all`SELECT * FROM t WHERE id > ${1} ORDER BY id`,
        () => t.all`SELECT * FROM t WHERE 0`,
        () => [...t.iterate`SELECT v FROM t WHERE id <= ${2}`],
        () => t.run`INSERT INTO t(v) VALUES (${'d'})`,
        () => t.run`UPDATE t SET v = ${'z'} WHERE id > ${2}`,
        () => t.get`SELECT ${null} AS n, ${undefined} AS u, ${true} AS b, ${5n} AS big, ${1.5} AS r, ${new Uint8Array([1, 2])} AS blob`,
        () => t.size,
      );
    },
  },
  {
    name: 'tagstore: inherits the database defaults (readBigInts, returnArrays)',
    run: (sqlite, ctx) => {
      const db = ctx.open(':memory:', { readBigInts: true, returnArrays: true });
      const t = db.createTagStore();
      return attemptAll(() => t.get`SELECT 1 AS a, ${2} AS b`, () => t.run`SELECT 1`, () => t.all`SELECT 3 AS c`);
    },
  },
  {
    name: 'tagstore: caching by SQL text, LRU eviction, clear()',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      const t = db.createTagStore(2);
      const out = [];
      const q = (n) => t.get`SELECT ${n} AS n`;
      q(1); q(2);
      out.push(t.size);
      t.get`SELECT 1 AS a`; t.get`SELECT 1 AS a`;
      out.push(t.size);
      t.get(['SELECT 1 AS a']);
      out.push(t.size);
      t.get`SELECT 2 AS a`;
      out.push(t.size, t.capacity);
      attempt(() => t.get`SELEC 1`);
      out.push(t.size);
      out.push(t.clear(), t.size);
      attempt(() => t.get`SELECT $a`);
      out.push(t.size);
      return out;
    },
  },
  {
    name: 'tagstore: evicted and cleared statements keep running iterators',
    run: (sqlite, ctx) => {
      const db = withTable(ctx);
      const t = db.createTagStore(1);
      const it = t.iterate`SELECT id FROM t`;
      const first = it.next();
      t.get`SELECT 1`;
      const afterEviction = it.next();
      const it2 = t.iterate`SELECT id FROM t`;
      it2.next();
      t.clear();
      const it3 = t.iterate`SELECT id FROM t`;
      return [first, afterEviction, attempt(() => it2.next()), it3.next(), t.size];
    },
  },
  {
    name: 'tagstore: re-running a cached statement invalidates its iterator',
    run: (sqlite, ctx) => {
      const db = withTable(ctx);
      const t = db.createTagStore();
      const it = t.iterate`SELECT id FROM t`;
      it.next();
      t.all`SELECT id FROM t`;
      return attempt(() => it.next());
    },
  },
  {
    name: 'tagstore: template and parameter errors',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      const t = db.createTagStore();
      const sparse = ['SELECT ', ' '];
      sparse.length = 3;
      return attemptAll(
        () => t.get(),
        () => t.get('SELECT 1'),
        () => t.get({ 0: 'SELECT 1', length: 1 }),
        () => t.get(new Proxy(['SELECT 1'], {})),
        () => t.get([]),
        () => t.get([1]),
        () => t.get(['SELECT ', 2], 1),
        () => t.get([new String('SELECT 1')]),
        () => t.get(sparse, 1, 2),
        () => t.get(Object.freeze(['SELECT 3 AS a'])),
        () => t.get(['SELECT ', ''], 1, 2),
        () => t.get(['SELECT ', ' AS a, ', ' AS b'], 1),
        () => t.get(['SELECT ?']),
        () => t.get(['SELECT :a AS x -- ', ''], 1),
        () => t.get(['SELECT ?1 AS x -- ', ''], 1),
        () => t.get(['SELECT ?2 AS x, ', ' AS y'], 1),
        () => t.get(['SELECT ', ' AS x, ?1 AS y'], 7),
        () => t.get(['SELECT ', ' AS a -- ', ''], Symbol('s'), 1),
        () => t.get`SELECT $a`,
        () => t.get`SELECT ${{ a: 1 }} AS x`,
        () => t.get`SELECT ${1}, ${Symbol('s')} AS x`,
        () => t.get`SELECT ${2n ** 70n} AS x`,
        () => t.run`   `,
        () => t.get`SELECT 1 AS a; SELECT 2`,
      );
    },
  },
  {
    name: 'tagstore: wrong this',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      const t = db.createTagStore();
      const proto = Object.getPrototypeOf(t);
      return [
        ...['get', 'all', 'iterate', 'run', 'clear'].map((m) => attempt(() => proto[m].call({}, ['SELECT 1']))),
        ...['capacity', 'db', 'size'].map((k) => attempt(() => Object.getOwnPropertyDescriptor(t, k).get.call({}))),
        attempt(() => sqlite.DatabaseSync.prototype.createTagStore.call({})),
        attempt(() => { t.size = 5; return t.size; }),
      ];
    },
  },

  // ---- createModule ----
  {
    name: 'createModule: eponymous table, CREATE VIRTUAL TABLE, rowid, read-only',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      const cols = [{ name: 'a', type: 'INTEGER' }, { name: 'b', type: 'TEXT' }];
      return attemptAll(
        () => db.createModule('m1', { columns: cols, rows: () => [[1, 'x'], [2, 'y']] }),
        () => db.prepare('SELECT * FROM m1').all(),
        () => db.prepare('SELECT rowid, * FROM m1 WHERE rowid = 2').all(),
        () => db.exec('CREATE VIRTUAL TABLE v1 USING m1'),
        () => db.exec('CREATE VIRTUAL TABLE v2 USING m1(foo, bar)'),
        () => db.prepare('SELECT * FROM v2').all(),
        () => db.exec("INSERT INTO m1 VALUES (1, 'z')"),
        () => db.exec("INSERT INTO v1 VALUES (1, 'z')"),
        () => db.exec('DROP TABLE v1'),
        () => db.prepare('SELECT * FROM m1').columns().map((c) => [c.name, c.type]),
      );
    },
  },
  {
    name: 'createModule: hidden columns are table-valued function arguments',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      const calls = [];
      db.createModule('series', {
        ...SERIES,
        rows(...args) {
          calls.push(args);
          return SERIES.rows(...args);
        },
      });
      const out = attemptAll(
        () => db.prepare('SELECT * FROM series(1, 3)').all(),
        () => db.prepare('SELECT value, start, stop FROM series(1, 2)').all(),
        () => db.prepare('SELECT * FROM series(2)').all(),
        () => db.prepare('SELECT * FROM series').all(),
        () => db.prepare('SELECT * FROM series WHERE start = 1 AND stop = 2').all(),
        () => db.prepare('SELECT * FROM series(?, ?)').all(4, 5),
        () => db.prepare("SELECT * FROM series('1', 2.5)").all(),
        () => db.prepare('SELECT * FROM series(1, 2, 3)').all(),
        () => db.prepare('SELECT * FROM series(1, 5) WHERE value > 3').all(),
        () => db.prepare('SELECT value, start FROM series WHERE start > 5').all(),
        () => db.prepare('SELECT value FROM series WHERE start IN (1, 2) AND stop = 2').all(),
        () => db.prepare('SELECT k, value FROM (SELECT 7 AS k) JOIN series ON series.start = k AND series.stop = k').all(),
        () => db.prepare('SELECT * FROM series(x\'0102\', 0)').all(),
        () => db.prepare('SELECT * FROM series(?, 0)').all(2n ** 62n),
      );
      return { out, calls };
    },
  },
  {
    name: 'createModule: useBigIntArguments and directOnly',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      const seen = [];
      const columns = [{ name: 'v', type: 'ANY' }, { name: 'h', type: 'INTEGER', hidden: true }];
      db.createModule('hb', { columns, useBigIntArguments: true, rows: (h) => (seen.push(typeof h), [[h]]) });
      db.createModule('hd', { columns, directOnly: true, rows: (h) => [[h]] });
      return attemptAll(
        () => db.prepare('SELECT v FROM hb(5)').all(),
        () => db.prepare('SELECT v FROM hb(?)').all(2n ** 62n),
        () => db.prepare('SELECT v FROM hb(2.5)').all(),
        () => db.prepare('SELECT v FROM hd(1)').all(),
        () => db.exec('CREATE VIEW vw AS SELECT * FROM hd(1)'),
        () => db.prepare('SELECT * FROM vw').all(),
        () => seen,
      );
    },
  },
  {
    name: 'createModule: generator rows and value conversions',
    run: (sqlite, ctx) =>
      moduleReturning(ctx, function* () {
        yield [1];
        yield [2.5];
        yield ['s'];
        yield [null];
        yield [undefined];
        yield [new Uint8Array([1, 2])];
        yield [10n];
        yield [];
        yield 5;
        yield 'str';
        yield [1, 2, 3];
        yield new Set([[1]]);
      }),
  },
  {
    name: 'createModule: rows() iterables (Set, arrays, this)',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      let self;
      db.createModule('s', { columns: COLS, rows() { self = this; return new Set([[1], [2]]); } });
      return [attempt(() => db.prepare('SELECT * FROM s').all()), self === globalThis];
    },
  },
  {
    name: 'createModule: declared types apply no affinity',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      db.createModule('ty', {
        columns: ['INTEGER', 'REAL', 'BLOB', 'ANY', 'TEXT'].map((type, i) => ({ name: `c${i}`, type })),
        rows: () => [['1', '2', '3', '4', 5]],
      });
      return attempt(() => db.prepare('SELECT typeof(c0), typeof(c1), typeof(c2), typeof(c3), typeof(c4), c0 FROM ty').all());
    },
  },
  {
    name: 'createModule: column names are quoted; duplicates fail at query time',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      return attemptAll(
        () => db.createModule('wn', { columns: [{ name: 'a"b', type: 'ANY' }, { name: '', type: 'TEXT' }, { name: 'x); DROP TABLE y; --', type: 'ANY' }], rows: () => [[1, 2, 3]] }),
        () => db.prepare('SELECT * FROM wn').all(),
        () => db.createModule('dc', { columns: [{ name: 'a', type: 'ANY' }, { name: 'a', type: 'ANY' }], rows: () => [[1, 2]] }),
        () => db.prepare('SELECT * FROM dc').all(),
      );
    },
  },
  {
    name: 'createModule: errors thrown by rows() and the iterator propagate unchanged',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      const boom = new RangeError('boom');
      boom.extra = 1;
      db.createModule('th', { columns: COLS, rows() { throw boom; } });
      db.createModule('th2', { columns: COLS, *rows() { yield [1]; throw new TypeError('mid'); } });
      db.createModule('th3', { columns: COLS, rows: () => [{ get 0() { throw new Error('getter'); } }] });
      db.createModule('cls', { columns: COLS, rows: class {} });
      const r = attempt(() => db.prepare('SELECT * FROM th').all());
      return [
        r,
        r.threw === boom,
        attempt(() => db.prepare('SELECT * FROM th2').all()),
        attempt(() => [...db.prepare('SELECT * FROM th2').iterate()]),
        attempt(() => db.exec('SELECT * FROM th2')),
        attempt(() => db.prepare('SELECT * FROM th3').get()),
        attempt(() => db.prepare('SELECT * FROM cls').get()),
        attempt(() => db.prepare('SELECT 1 AS still_usable').get()),
      ];
    },
  },
  {
    name: 'createModule: bad rows() results',
    run: (sqlite, ctx) => [
      moduleReturning(ctx, () => 5),
      moduleReturning(ctx, () => 'ab'),
      moduleReturning(ctx, () => ({})),
      moduleReturning(ctx, async () => [[1]]),
      moduleReturning(ctx, () => ({ [Symbol.iterator]: () => 5 })),
      moduleReturning(ctx, () => ({ [Symbol.iterator]: () => ({}) })),
      moduleReturning(ctx, () => ({ [Symbol.iterator]: () => ({ next: () => 1 }) })),
      moduleReturning(ctx, () => ({ next: () => ({ done: true }) })),
      moduleReturning(ctx, () => [[{}]]),
      moduleReturning(ctx, () => [[true]]),
      moduleReturning(ctx, () => [[Symbol('s')]]),
      moduleReturning(ctx, () => [[2n ** 70n]]),
    ],
  },
  {
    name: 'createModule: bad arguments and options',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      const R = () => [];
      const C = [{ name: 'x', type: 'ANY' }];
      const cm = (...args) => attempt(() => db.createModule(...args));
      return [
        cm(),
        cm('x'),
        cm(1, {}),
        cm(Symbol('s'), {}),
        cm('a', null),
        cm('a', 5),
        cm('a', () => {}),
        cm('a', []),
        cm('a', { rows: R }),
        cm('a', { columns: {}, rows: R }),
        cm('a', { columns: { length: 1, 0: C[0] }, rows: R }),
        cm('a', { columns: [], rows: R }),
        cm('a', { columns: C }),
        cm('a', { columns: C, rows: 1 }),
        cm('a', { columns: [1], rows: R }),
        cm('a', { columns: [null], rows: R }),
        cm('a', { columns: [{ type: 'ANY' }], rows: R }),
        cm('a', { columns: [{ name: 'x' }], rows: R }),
        cm('a', { columns: [{ name: 'x', type: 1 }], rows: R }),
        cm('a', { columns: [{ name: 'x', type: 'integer' }], rows: R }),
        cm('a', { columns: [{ name: 'x', type: 'ANY', hidden: 'y' }], rows: R }),
        cm('a', { columns: [{ name: 'x', type: 'ANY', hidden: undefined }], rows: R }),
        cm('a', { columns: [{ name: 'x', type: 'FOO', hidden: 1 }], rows: R }),
        cm('a', { columns: C, rows: R, directOnly: 1 }),
        cm('a', { columns: C, rows: R, useBigIntArguments: null }),
        cm('a', { columns: C, rows: 1, directOnly: 1, useBigIntArguments: 1 }),
        cm('a', { columns: C, rows: R, directOnly: 1, useBigIntArguments: 1 }),
        cm('a', { columns: 1, rows: 1 }),
        cm('a', { columns: [C[0], 5], rows: 1 }),
        cm('a', Object.create({ columns: C, rows: R })),
        (() => {
          const seen = [];
          const o = new Proxy({ columns: C, rows: R }, { get: (t, k) => (seen.push(String(k)), t[k]) });
          const col = new Proxy({ name: 'x', type: 'ANY' }, { get: (t, k) => (seen.push(String(k)), t[k]) });
          db.createModule('p', o);
          db.createModule('p2', { columns: [col], rows: R });
          return seen;
        })(),
        attempt(() => sqlite.DatabaseSync.prototype.createModule.call({}, 'a', {})),
        describe(sqlite.DatabaseSync.prototype, 'createModule'),
      ];
    },
  },
  {
    name: 'createModule: closed database',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      db.close();
      return attemptAll(() => db.createModule(1, 2), () => db.createModule('a', { columns: COLS, rows: () => [] }));
    },
  },
  {
    name: 'createModule: re-creating a name replaces the module (names are case-insensitive)',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      const out = [];
      db.createModule('t1', { columns: [{ name: 'x', type: 'ANY' }], rows: () => [[1]] });
      out.push(attempt(() => db.prepare('SELECT * FROM t1').all()));
      db.createModule('t1', { columns: [{ name: 'y', type: 'ANY' }], rows: () => [[2]] });
      out.push(attempt(() => db.prepare('SELECT * FROM t1').all()));
      db.exec('CREATE VIRTUAL TABLE vv USING t1');
      db.createModule('T1', { columns: [{ name: 'z', type: 'ANY' }], rows: () => [[3]] });
      out.push(attempt(() => db.prepare('SELECT * FROM vv').all()));
      out.push(attempt(() => db.prepare('SELECT * FROM t1').all()));
      return out;
    },
  },
  {
    name: 'createModule: close() inside rows() is refused; the statement finishes',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      let inner;
      db.createModule('c', { columns: COLS, rows() { inner = attempt(() => db.close()); return [[1]]; } });
      db.createModule('c2', { columns: COLS, rows() { db.close(); } });
      return [attempt(() => db.prepare('SELECT * FROM c').all()), inner, attempt(() => db.prepare('SELECT * FROM c2').all()), db.isOpen];
    },
  },
  {
    name: 'createModule: other statements inside rows()',
    run: (sqlite, ctx) => {
      const db = withTable(ctx);
      db.createModule('nested', { columns: COLS, rows: () => db.prepare('SELECT v FROM t ORDER BY id').all().map((r) => [r.v]) });
      return attempt(() => db.prepare('SELECT x FROM nested').all());
    },
  },
];
