// Parameter binding: JS -> SQLite conversions, anonymous and named parameters.
import { attempt } from './_util.mjs';

// Binds each value to "SELECT ? AS v, typeof(?) AS t" and reports the outcome per value.
const bindEach = (ctx, values) => {
  const st = ctx.open().prepare('SELECT ? AS v, typeof(?) AS t');
  return values.map((v) => attempt(() => st.get(v, v)));
};

const get = (ctx, sql, ...args) => ctx.open().prepare(sql).get(...args);

export default [
  // ---- value conversions ----
  {
    name: 'bind: numbers are bound as REAL (integers too)',
    run: (sqlite, ctx) => bindEach(ctx, [0, 1, -1, 5, 2 ** 31, 2 ** 53, 2 ** 53 + 2, 1.5, -2.25, 1e300, Number.MIN_VALUE, Number.MAX_VALUE]),
  },
  {
    name: 'bind: -0, NaN, Infinity, -Infinity',
    run: (sqlite, ctx) => bindEach(ctx, [-0, NaN, Infinity, -Infinity]),
  },
  {
    name: 'bind: integer-valued number stored in an INTEGER column',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      db.exec('CREATE TABLE t(i INTEGER, r REAL, a ANY, n)');
      db.prepare('INSERT INTO t VALUES (?, ?, ?, ?)').run(5, 5, 5, 5);
      return db.prepare('SELECT i, typeof(i) AS ti, r, typeof(r) AS tr, a, typeof(a) AS ta, n, typeof(n) AS tn FROM t').get();
    },
  },
  {
    name: 'bind: bigint within int64',
    run: (sqlite, ctx) => bindEach(ctx, [0n, 1n, -1n, 2n ** 53n, 2n ** 63n - 1n, -(2n ** 63n)]),
  },
  {
    name: 'bind: bigint within int64, read back with readBigInts',
    run: (sqlite, ctx) => {
      const st = ctx.open(':memory:', { readBigInts: true }).prepare('SELECT ? AS v, typeof(?) AS t');
      return [0n, 2n ** 53n + 1n, 2n ** 63n - 1n, -(2n ** 63n)].map((v) => st.get(v, v));
    },
  },
  {
    name: 'bind: bigint outside int64',
    run: (sqlite, ctx) => bindEach(ctx, [2n ** 63n, -(2n ** 63n) - 1n, 2n ** 64n, -(2n ** 100n)]),
  },
  {
    name: 'bind: strings (ascii, unicode, emoji, empty)',
    run: (sqlite, ctx) => {
      const st = ctx.open().prepare('SELECT ? AS v, typeof(?) AS t, length(?) AS len, hex(?) AS hex');
      return ['abc', 'héllo', '日本語', '😀', ''].map((s) => st.get(s, s, s, s));
    },
  },
  {
    name: 'bind: string with embedded NUL',
    run: (sqlite, ctx) => {
      const s = 'a\0b\0';
      return get(ctx, 'SELECT ? AS v, length(?) AS len, hex(?) AS hex, typeof(?) AS t', s, s, s, s);
    },
  },
  {
    name: 'bind: lone surrogates become U+FFFD',
    run: (sqlite, ctx) => {
      const st = ctx.open().prepare('SELECT ? AS v, hex(?) AS hex');
      return ['a\ud800b', '\udc00', 'x\ud83d', '\ud83d\ude00'].map((s) => st.get(s, s));
    },
  },
  {
    name: 'bind: null and undefined are NULL',
    run: (sqlite, ctx) => bindEach(ctx, [null, undefined]),
  },
  {
    name: 'bind: booleans are INTEGER 1 / 0',
    run: (sqlite, ctx) => bindEach(ctx, [true, false]),
  },
  {
    name: 'bind: symbols are rejected with the parameter index',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      return [
        attempt(() => db.prepare('SELECT ?').get(Symbol('x'))),
        attempt(() => db.prepare('SELECT ?, ?, ?').get(1, 2, Symbol.iterator)),
      ];
    },
  },
  {
    name: 'bind: objects, functions, arrays, Dates in a non-first position are rejected',
    run: (sqlite, ctx) => {
      const st = ctx.open().prepare('SELECT ? AS a, ? AS b');
      return [{}, () => 1, [1], new Date(0), new String('s'), new Number(1), new Map(), Promise.resolve(1)].map((v) =>
        attempt(() => st.get(1, v)),
      );
    },
  },
  {
    name: 'bind: a non-view object in first position is a named-parameter object',
    run: (sqlite, ctx) => {
      const st = ctx.open().prepare('SELECT ? AS a');
      return [{}, () => 1, new Date(0), new Number(5), new Boolean(false), new Map([[1, 2]]), [1], ['x', 'y']].map((v) =>
        attempt(() => st.get(v)),
      );
    },
  },
  {
    name: 'bind: Uint8Array and Buffer are BLOBs',
    run: (sqlite, ctx) => bindEach(ctx, [new Uint8Array([1, 2, 255]), Buffer.from('hi'), new Uint8Array(0), Buffer.alloc(0)]),
  },
  {
    name: 'bind: Uint8Array views honour byteOffset/byteLength',
    run: (sqlite, ctx) => {
      const u = new Uint8Array([1, 2, 3, 4, 5]);
      return get(ctx, 'SELECT hex(?) AS a, hex(?) AS b', u.subarray(1, 3), Buffer.from(u.buffer, 3, 2));
    },
  },
  {
    name: 'bind: DataView is a BLOB',
    run: (sqlite, ctx) => {
      const buf = new Uint8Array([9, 8, 7, 6]).buffer;
      return bindEach(ctx, [new DataView(buf), new DataView(buf, 1, 2), new DataView(new ArrayBuffer(0))]);
    },
  },
  {
    name: 'bind: other typed arrays are BLOBs of their bytes',
    run: (sqlite, ctx) => {
      const st = ctx.open().prepare('SELECT hex(?) AS hex, typeof(?) AS t, length(?) AS len');
      return [
        new Int8Array([-1, 1]),
        new Uint8ClampedArray([300, 2]),
        new Int16Array([1, -1]),
        new Uint16Array([258]),
        new Int32Array([-2]),
        new Uint32Array([1]),
        new Float32Array([1.5]),
        new Float64Array([1]),
        new BigInt64Array([-1n]),
        new BigUint64Array([2n]),
      ].map((v) => [v.constructor.name, attempt(() => st.get(v, v, v))]);
    },
  },
  {
    name: 'bind: ArrayBuffer and SharedArrayBuffer',
    run: (sqlite, ctx) => {
      const ab = new Uint8Array([1, 2]).buffer;
      const sab = new SharedArrayBuffer(2);
      new Uint8Array(sab)[1] = 7;
      return bindEach(ctx, [ab, sab, new ArrayBuffer(0)]);
    },
  },
  {
    name: 'bind: a view over a SharedArrayBuffer',
    run: (sqlite, ctx) => {
      const sab = new SharedArrayBuffer(3);
      new Uint8Array(sab).set([4, 5, 6]);
      return bindEach(ctx, [new Uint8Array(sab), new Uint8Array(sab, 1)]);
    },
  },
  // ---- anonymous parameters ----
  {
    name: 'bind anon: too few arguments leave NULLs',
    run: (sqlite, ctx) => get(ctx, 'SELECT ? AS a, ? AS b, ? AS c', 1),
  },
  {
    name: 'bind anon: too many arguments',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      return [attempt(() => db.prepare('SELECT ? AS a').get(1, 2)), attempt(() => db.prepare('SELECT 1 AS a').get(1))];
    },
  },
  {
    name: 'bind anon: bindings are cleared between calls',
    run: (sqlite, ctx) => {
      const st = ctx.open().prepare('SELECT ? AS a, ? AS b');
      return [st.get(1, 2), st.get(3), st.get()];
    },
  },
  {
    name: 'bind anon: failed binding does not leak into the next call',
    run: (sqlite, ctx) => {
      const st = ctx.open().prepare('SELECT ? AS a, ? AS b');
      return [attempt(() => st.get(1, Symbol('x'))), st.get()];
    },
  },
  {
    name: 'bind anon: ?NNN parameters',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      return [
        db.prepare('SELECT ?2 AS a, ?1 AS b').get('x', 'y'),
        db.prepare('SELECT ?1 AS a, ?1 AS b').get(5),
        db.prepare('SELECT ?3 AS a').get('x', 'y', 'z'),
        db.prepare('SELECT ?3 AS a').get('x'),
        db.prepare('SELECT ?5 AS a, ? AS b').get(1, 2),
        db.prepare('SELECT ?2 AS a, ? AS b').get(1, 2, 3),
      ];
    },
  },
  {
    name: 'bind anon: ? then ?1 refer to the same parameter',
    run: (sqlite, ctx) => get(ctx, 'SELECT ? AS a, ?1 AS b', 5, 6),
  },
  {
    name: 'bind anon: positional arguments skip named parameters',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      return [
        attempt(() => db.prepare('SELECT :a AS x, ? AS y, :b AS z').get(1, 2)),
        attempt(() => db.prepare('SELECT :a AS x, ? AS y, :b AS z').get(1)),
        attempt(() => db.prepare('SELECT $a AS x').get(Buffer.from('a'))),
        attempt(() => db.prepare('SELECT $a AS x').get(null)),
      ];
    },
  },
  {
    name: 'bind anon: many parameters',
    run: (sqlite, ctx) => {
      const n = 500;
      const sql = 'SELECT ' + Array.from({ length: n }, (_, i) => `?${i ? '' : ' AS first'}`).join(', ');
      const row = ctx.open().prepare(sql).get(...Array.from({ length: n }, (_, i) => i));
      return [row.first, Object.keys(row).length];
    },
  },
  {
    name: 'bind anon: more parameters than the variable limit',
    run: (sqlite, ctx) => ctx.open().prepare('SELECT ?32767'),
  },
  // ---- named parameters ----
  {
    name: 'bind named: $, : and @ prefixes with prefixed keys',
    run: (sqlite, ctx) => get(ctx, 'SELECT $a AS x, :b AS y, @c AS z', { $a: 1, ':b': 2, '@c': 3 }),
  },
  {
    name: 'bind named: bare keys',
    run: (sqlite, ctx) => get(ctx, 'SELECT $a AS x, :b AS y, @c AS z', { a: 1, b: 2, c: 3 }),
  },
  {
    name: 'bind named: prefixed and bare key for the same parameter',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      return [db.prepare('SELECT $a AS x').get({ a: 1, $a: 2 }), db.prepare('SELECT $a AS x').get({ $a: 2, a: 1 })];
    },
  },
  {
    name: 'bind named: wrong prefix or case is unknown',
    run: (sqlite, ctx) => {
      const st = ctx.open().prepare('SELECT $a AS x');
      return [{ '@a': 1 }, { ':a': 1 }, { $A: 1 }, { A: 1 }].map((o) => attempt(() => st.get(o)));
    },
  },
  {
    name: 'bind named: missing parameters are NULL',
    run: (sqlite, ctx) => get(ctx, 'SELECT $a AS x, $b AS y', { a: 1 }),
  },
  {
    name: 'bind named: unknown parameter (first unknown key in key order)',
    run: (sqlite, ctx) => {
      const st = ctx.open().prepare('SELECT $a AS x, $b AS y');
      return [attempt(() => st.get({ b: 2, q: 5, a: 1, r: 6 })), attempt(() => st.get({ zz: 1 }))];
    },
  },
  {
    name: 'bind named: ambiguous bare name',
    run: (sqlite, ctx) => {
      const st = ctx.open().prepare('SELECT $a AS x, :a AS y, @a AS z');
      return [attempt(() => st.get({ a: 1 })), attempt(() => st.get({ $a: 1, ':a': 2, '@a': 3 })), attempt(() => st.get({}))];
    },
  },
  {
    name: 'bind named: ambiguous bare name between two prefixes only',
    run: (sqlite, ctx) => attempt(() => get(ctx, 'SELECT :n AS x, @n AS y', { n: 1 })),
  },
  {
    name: 'bind named: same name used twice',
    run: (sqlite, ctx) => get(ctx, 'SELECT $a AS x, $a AS y, $a + 1 AS z', { a: 5 }),
  },
  {
    name: 'bind named: numeric-looking names',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      return [attempt(() => db.prepare('SELECT :1 AS x').get({ 1: 5 })), attempt(() => db.prepare('SELECT ? AS x').get({ 1: 5 }))];
    },
  },
  {
    name: 'bind named: only own enumerable string keys are read',
    run: (sqlite, ctx) => {
      const st = ctx.open().prepare('SELECT $a AS x');
      return [
        st.get(Object.create({ a: 1 })),
        st.get(Object.defineProperty({}, 'a', { value: 2, enumerable: false })),
        st.get({ [Symbol('a')]: 3 }),
        st.get(Object.assign(Object.create(null), { a: 4 })),
        st.get({ get a() { return 5; } }),
      ];
    },
  },
  {
    name: 'bind named: a throwing getter propagates',
    run: (sqlite, ctx) => get(ctx, 'SELECT $a AS x', { get a() { throw new TypeError('getter boom'); } }),
  },
  {
    name: 'bind named: Proxy object (ownKeys trap)',
    run: (sqlite, ctx) => {
      const traps = [];
      const target = { a: 7 };
      const p = new Proxy(target, {
        ownKeys(t) { traps.push('ownKeys'); return Reflect.ownKeys(t); },
        get(t, k) { traps.push('get ' + String(k)); return Reflect.get(t, k); },
        getOwnPropertyDescriptor(t, k) { traps.push('gopd ' + String(k)); return Reflect.getOwnPropertyDescriptor(t, k); },
      });
      const row = get(ctx, 'SELECT $a AS x', p);
      return [row, traps];
    },
  },
  {
    name: 'bind named: invalid values report the parameter index',
    run: (sqlite, ctx) => {
      const st = ctx.open().prepare('SELECT $a AS x, $b AS y');
      return [
        { a: Symbol('s') },
        { a: 1, b: Symbol('s') },
        { b: Symbol('s'), a: 1 },
        { a: 2n ** 64n },
        { a: {} },
        { a: [1] },
        { a: () => 1 },
        { a: undefined, b: null },
        { a: true, b: new Uint8Array([1]) },
      ].map((o) => attempt(() => st.get(o)));
    },
  },
  {
    name: 'bind named: bare names disabled',
    run: (sqlite, ctx) => {
      const st = ctx.open().prepare('SELECT $a AS x, :a AS y');
      st.setAllowBareNamedParameters(false);
      return [attempt(() => st.get({ a: 1 })), st.get({ $a: 1, ':a': 2 })];
    },
  },
  {
    name: 'bind named: unknown allowed',
    run: (sqlite, ctx) => {
      const st = ctx.open().prepare('SELECT $a AS x');
      st.setAllowUnknownNamedParameters(true);
      return [st.get({ a: 1, zz: 2 }), st.get({ zz: 2 }), attempt(() => st.get({ zz: Symbol('s') }))];
    },
  },
  {
    name: 'bind named: bindings are cleared between calls',
    run: (sqlite, ctx) => {
      const st = ctx.open().prepare('SELECT $a AS a, $b AS b');
      return [st.get({ a: 1, b: 2 }), st.get({ a: 3 }), st.get()];
    },
  },
  // ---- mixing ----
  {
    name: 'bind mixed: named object first, then positional values',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      return [
        db.prepare('SELECT $a AS x, ? AS y').get({ a: 1 }, 2),
        db.prepare('SELECT ? AS y, $a AS x').get({ a: 1 }, 2),
        db.prepare('SELECT ? AS y, $a AS x').get(2),
        attempt(() => db.prepare('SELECT ? AS y, $a AS x').get(2, { a: 1 })),
      ];
    },
  },
  {
    name: 'bind mixed: object for a statement with only anonymous parameters',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      return [attempt(() => db.prepare('SELECT ? AS y').get({ a: 1 })), db.prepare('SELECT ? AS y').get({}), db.prepare('SELECT ? AS y').get({}, 5)];
    },
  },
  {
    name: 'bind mixed: two objects',
    run: (sqlite, ctx) => attempt(() => get(ctx, 'SELECT $a AS x, ? AS y', { a: 1 }, { a: 2 })),
  },
  {
    name: 'bind mixed: typed array first is positional, not named',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      return [db.prepare('SELECT ? AS x, ? AS y').get(new Uint8Array([1]), 2), attempt(() => db.prepare('SELECT ? AS x').get(new Uint8Array([1]), {}))];
    },
  },
  {
    name: 'bind: same rules for run(), all() and iterate()',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      db.exec('CREATE TABLE t(a, b)');
      return [
        db.prepare('INSERT INTO t VALUES ($a, ?)').run({ a: 1 }, 2),
        attempt(() => db.prepare('INSERT INTO t VALUES (?, ?)').run(1, Symbol('s'))),
        db.prepare('SELECT * FROM t WHERE a = $a').all({ a: 1 }),
        [...db.prepare('SELECT * FROM t WHERE b = ?').iterate(2)],
        attempt(() => db.prepare('SELECT * FROM t WHERE b = $b').iterate({ zz: 1 })),
        attempt(() => db.prepare('SELECT * FROM t WHERE b = ?').all(1, 2)),
      ];
    },
  },
];
