// DatabaseSync#function() and #aggregate(): validation, arity, conversions both ways, errors
// thrown by callbacks, window functions and re-entrancy.
import { attempt, attemptAll } from './_util.mjs';

const withNumbers = (db) => {
  db.exec("CREATE TABLE t(x INTEGER, g TEXT); INSERT INTO t VALUES (1, 'a'), (2, 'a'), (3, 'b'), (4, 'b'), (5, 'b')");
  return db;
};

// Records the order in which callbacks run: s(tart) t(step) i(nverse) r(esult).
const tracedAggregate = (db, name, calls, withInverse) =>
  db.aggregate(name, {
    start: () => {
      calls.push('s');
      return 0;
    },
    step: (acc, x) => {
      calls.push('t');
      return acc + x;
    },
    ...(withInverse && {
      inverse: (acc, x) => {
        calls.push('i');
        return acc - x;
      },
    }),
    result: (acc) => {
      calls.push('r');
      return acc;
    },
  });

export default [
  {
    name: 'function(): argument validation',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      const f = () => 1;
      return attemptAll(
        () => db.function(),
        () => db.function(1, f),
        () => db.function('a'),
        () => db.function('a', 1),
        () => db.function('a', {}, 1),
        () => db.function('a', null, f),
        () => db.function('a', 'x', f),
        () => db.function('a', undefined, f),
        () => db.function('a', { deterministic: 1 }, f),
        () => db.function('a', { directOnly: 'yes' }, f),
        () => db.function('a', { varargs: null }, f),
        () => db.function('a', { useBigIntArguments: 0 }, f),
        () => db.function('a', f),
        () => db.function('', f),
      );
    },
  },
  {
    name: 'function(): options are read in node order',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      const seen = [];
      const options = {};
      for (const key of ['deterministic', 'directOnly', 'varargs', 'useBigIntArguments', 'other']) {
        Object.defineProperty(options, key, { get: () => (seen.push(key), undefined), enumerable: true });
      }
      db.function('ordered', options, () => 1);
      return seen;
    },
  },
  {
    name: 'function(): closed database is checked before the arguments',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      db.close();
      return attemptAll(() => db.function(), () => db.function('a', () => 1));
    },
  },
  {
    name: 'function(): arity is fn.length unless varargs',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      db.function('two', (a, b) => a + b);
      db.function('none', () => 'n');
      db.function('rest', (...a) => a.length);
      db.function('any', { varargs: true }, (a, b) => `${a}|${b}`);
      return attemptAll(
        () => db.prepare('SELECT two(1, 2) AS v').get(),
        () => db.prepare('SELECT two(1) AS v').get(),
        () => db.prepare('SELECT none() AS v').get(),
        () => db.prepare('SELECT none(1) AS v').get(),
        () => db.prepare('SELECT rest() AS v').get(),
        () => db.prepare('SELECT any() AS a, any(1) AS b, any(1, 2, 3) AS c').get(),
      );
    },
  },
  {
    name: 'function(): argument conversions',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      const describeArg = (x) => [typeof x, Object.prototype.toString.call(x), x instanceof Uint8Array ? [...x] : x];
      db.function('d', describeArg);
      db.function('db', { useBigIntArguments: true }, describeArg);
      return attemptAll(
        () => db.prepare("SELECT d(1) AS i, d(1.5) AS r, d('s') AS s, d(x'0102') AS b, d(NULL) AS n, d(x'') AS e").get(),
        () => db.prepare('SELECT d(-0.0) AS z').get(),
        () => db.prepare('SELECT d(9007199254740991) AS max').get(),
        () => db.prepare('SELECT d(9007199254740993) AS big').get(),
        () => db.prepare('SELECT db(9007199254740993) AS big, db(1) AS small, db(1.5) AS real').get(),
        () => db.prepare("SELECT d(CAST(x'ff61' AS TEXT)) AS bad_utf8").get(),
      );
    },
  },
  {
    name: 'function(): result conversions',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      const values = {
        int: 3,
        real: 1.5,
        negzero: -0,
        inf: Infinity,
        nan: NaN,
        big: 3n,
        bigmin: -(2n ** 63n),
        toobig: 2n ** 63n,
        str: 'a\0b',
        empty: '',
        u8: new Uint8Array([1, 2]),
        f64: new Float64Array([1]),
        view: new DataView(new ArrayBuffer(3)),
        buf: new ArrayBuffer(2),
        sab: new SharedArrayBuffer(2),
        nul: null,
        undef: undefined,
        bool: false,
        obj: {},
        arr: [1],
        numobj: new Number(1),
        date: new Date(0),
        fn: () => 1,
        sym: Symbol('x'),
        promise: Promise.resolve(1),
      };
      db.function('ret', (key) => values[key]);
      return Object.keys(values).map((key) => [
        key,
        attempt(() => db.prepare('SELECT typeof(ret(?)) AS type, quote(ret(?)) AS quoted').get(key, key)),
      ]);
    },
  },
  {
    name: 'function(): this is undefined (sloppy functions see the global object)',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      db.function('strict_this', function () {
        'use strict';
        return String(this);
      });
      return db.prepare('SELECT strict_this() AS v').get();
    },
  },
  {
    name: 'function(): throwing null, undefined and primitives propagates them',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      for (const [name, value] of [['tnull', null], ['tundef', undefined], ['tnum', 42], ['tsym', 'sym']]) {
        db.function(name, () => {
          throw value;
        });
      }
      return ['tnull', 'tundef', 'tnum', 'tsym'].map((name) => attempt(() => db.prepare(`SELECT ${name}()`).get()));
    },
  },
  {
    name: 'function(): replacing a function, and replacing it while a statement uses it',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      db.function('v', () => 1);
      const first = db.prepare('SELECT v() AS v').get();
      db.function('v', () => 2);
      let inner;
      db.function('swap', () => {
        inner = attempt(() => db.function('swap', () => 3));
        return 0;
      });
      return [first, db.prepare('SELECT v() AS v').get(), db.prepare('SELECT swap() AS s').get(), inner];
    },
  },
  {
    name: 'function(): deterministic and directOnly flags',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      db.exec('CREATE TABLE u(a)');
      db.function('nd', () => 1);
      db.function('det', { deterministic: true }, () => 1);
      db.function('direct', { directOnly: true }, () => 1);
      return attemptAll(
        () => db.exec('CREATE INDEX i1 ON u(nd())'),
        () => db.exec('CREATE INDEX i2 ON u(det())'),
        () => db.prepare('SELECT direct() AS v').get(),
        () => db.exec('CREATE VIEW vw AS SELECT direct() AS v'),
        () => db.prepare('SELECT * FROM vw').get(),
      );
    },
  },
  {
    name: 'function(): a statement finalized, reused or closed inside its own function',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      let st;
      let inner;
      db.function('meddle', () => {
        inner = attemptAll(() => st.close(), () => st.columns().length, () => st.sourceSQL, () => st.setReadBigInts(true));
        return 1;
      });
      st = db.prepare('SELECT meddle() AS x');
      return [attempt(() => st.get()), inner, attempt(() => st.get())];
    },
  },
  {
    name: 'function(): recursion through nested statements',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      db.function('depth', (n) => (n <= 0 ? 0 : db.prepare('SELECT depth(?) AS v').get(n - 1).v + 1));
      return db.prepare('SELECT depth(40) AS v').get();
    },
  },
  {
    name: 'function(): all() keeps going over many rows',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      db.function('sq', (x) => x * x);
      const rows = db
        .prepare('WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 20000) SELECT sq(x) AS v FROM c')
        .all();
      return [rows.length, rows[0].v, rows[19999].v];
    },
  },
  {
    name: 'aggregate(): argument validation',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      const step = (a) => a;
      return attemptAll(
        () => db.aggregate(),
        () => db.aggregate(1, { start: 0, step }),
        () => db.aggregate('a'),
        () => db.aggregate('a', 1),
        () => db.aggregate('a', null),
        () => db.aggregate('a', {}),
        () => db.aggregate('a', { start: undefined, step }),
        () => db.aggregate('a', { start: 0 }),
        () => db.aggregate('a', { start: 0, step: 1 }),
        () => db.aggregate('a', { start: 0, step, result: 1 }),
        () => db.aggregate('a', { start: 0, step, inverse: 1 }),
        () => db.aggregate('a', { start: 0, step, deterministic: 1 }),
        () => db.aggregate('a', { start: 0, step, directOnly: 1 }),
        () => db.aggregate('a', { start: 0, step, varargs: 1 }),
        () => db.aggregate('a', { start: 0, step, useBigIntArguments: 1 }),
        () => db.aggregate('a', { start: 0, step }, 'extra'),
        () => db.aggregate('', { start: 0, step }),
      );
    },
  },
  {
    name: 'aggregate(): options are read in node order; closed database first',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      const seen = [];
      const options = {};
      for (const key of ['start', 'step', 'result', 'inverse', 'deterministic', 'directOnly', 'varargs', 'useBigIntArguments']) {
        Object.defineProperty(options, key, {
          get: () => (seen.push(key), key === 'step' ? (a) => a : key === 'start' ? 0 : undefined),
          enumerable: true,
        });
      }
      db.aggregate('ordered', options);
      db.close();
      return [seen, attempt(() => db.aggregate())];
    },
  },
  {
    name: 'aggregate(): sums, groups, empty input and start functions',
    run: (sqlite, ctx) => {
      const db = withNumbers(ctx.open());
      db.aggregate('mysum', { start: 0, step: (acc, x) => acc + x });
      let starts = 0;
      db.aggregate('joined', {
        start: () => {
          starts++;
          return [];
        },
        step: (acc, x) => {
          acc.push(x);
          return acc;
        },
        result: (acc) => acc.join(','),
      });
      return [
        db.prepare('SELECT mysum(x) AS s FROM t').get(),
        db.prepare('SELECT g, mysum(x) AS s FROM t GROUP BY g').all(),
        db.prepare('SELECT mysum(x) AS s FROM t WHERE 0').get(),
        db.prepare('SELECT g, joined(x) AS s FROM t GROUP BY g').all(),
        db.prepare('SELECT joined(x) AS s FROM t WHERE 0').get(),
        starts,
      ];
    },
  },
  {
    name: 'aggregate(): a start object is shared by every group and call',
    run: (sqlite, ctx) => {
      const db = withNumbers(ctx.open());
      db.aggregate('arr', {
        start: [],
        step: (acc, x) => {
          acc.push(x);
          return acc;
        },
        result: (acc) => acc.length,
      });
      return [db.prepare('SELECT arr(x) AS n FROM t').get(), db.prepare('SELECT g, arr(x) AS n FROM t GROUP BY g').all()];
    },
  },
  {
    name: 'aggregate(): start values of every type',
    run: (sqlite, ctx) => {
      const db = withNumbers(ctx.open());
      const starts = [['null', null], ['obj', {}], ['arr', []], ['str', 'str'], ['big', 1n], ['bool', true], ['num', 2.5]];
      return starts.map(([label, start]) => {
        db.aggregate(`s_${label}`, { start, step: (acc) => acc });
        return [label, attempt(() => db.prepare(`SELECT s_${label}(x) AS v FROM t`).get())];
      });
    },
  },
  {
    name: 'aggregate(): arity from step and inverse, and varargs',
    run: (sqlite, ctx) => {
      const db = withNumbers(ctx.open());
      db.aggregate('zero', { start: 5, step: () => 7 });
      db.aggregate('one', { start: 5, step: (acc) => acc + 1 });
      db.aggregate('two', { start: 0, step: (acc, x, y) => acc + x * y });
      db.aggregate('inv', { start: 0, step: (acc, x) => acc + x, inverse: (acc, x, y, z) => acc - x });
      db.aggregate('va', { start: 0, step: (acc, x, y) => acc + 1, varargs: true });
      return attemptAll(
        () => db.prepare('SELECT zero() AS v FROM t').get(),
        () => db.prepare('SELECT zero(x) AS v FROM t').get(),
        () => db.prepare('SELECT one() AS v FROM t').get(),
        () => db.prepare('SELECT two(x, 2) AS v FROM t').get(),
        () => db.prepare('SELECT two(x) AS v FROM t').get(),
        () => db.prepare('SELECT inv(x) AS v FROM t').get(),
        () => db.prepare('SELECT inv(x, 1, 2) AS v FROM t').get(),
        () => db.prepare('SELECT va() AS a, va(1) AS b, va(1, 2, 3) AS c FROM t').get(),
      );
    },
  },
  {
    name: 'aggregate(): errors from start, step and result, and bad results',
    run: (sqlite, ctx) => {
      const db = withNumbers(ctx.open());
      const boom = (where) => () => {
        throw new Error(`${where} boom`);
      };
      db.aggregate('e_start', { start: boom('start'), step: (acc, x) => acc });
      db.aggregate('e_step', { start: 0, step: (acc, x) => (x === 3 ? boom('step')() : acc + x) });
      db.aggregate('e_result', { start: 0, step: (acc, x) => acc, result: boom('result') });
      db.aggregate('e_null', { start: 0, step: (acc, x) => {
        throw null;
      } });
      db.aggregate('bad_result', { start: 0, step: (acc, x) => acc, result: () => ({}) });
      db.aggregate('bad_acc', { start: 0, step: (acc, x) => ({}) });
      db.aggregate('async_step', { start: 0, step: (acc, x) => Promise.resolve(1) });
      db.aggregate('async_result', { start: 0, step: (acc, x) => 1, result: async () => 1 });
      db.aggregate('too_big', { start: 0, step: (acc, x) => acc, result: () => 2n ** 64n });
      db.aggregate('undef_result', { start: 0, step: (acc, x) => acc, result: () => undefined });
      db.aggregate('mysum', { start: 0, step: (acc, x) => acc + x });
      return [
        ...['e_start', 'e_step', 'e_result', 'e_null', 'bad_result', 'bad_acc', 'async_step', 'async_result', 'too_big', 'undef_result'].map(
          (name) => [name, attempt(() => db.prepare(`SELECT ${name}(x) AS v FROM t`).get())],
        ),
        ['grouped error', attempt(() => db.prepare('SELECT g, e_step(x) AS v FROM t GROUP BY g').all())],
        ['still usable', db.prepare('SELECT mysum(x) AS v FROM t').get()],
      ];
    },
  },
  {
    name: 'aggregate(): window functions need inverse; callback order',
    run: (sqlite, ctx) => {
      const db = withNumbers(ctx.open());
      db.aggregate('plain', { start: 0, step: (acc, x) => acc + x });
      const traces = {};
      const run = (label, sql, withInverse) => {
        const calls = [];
        tracedAggregate(db, `w_${label}`, calls, withInverse);
        const rows = attempt(() => db.prepare(sql.replace('FN', `w_${label}`)).all());
        traces[label] = [rows, calls.join('')];
      };
      run('sliding', 'SELECT x, FN(x) OVER (ORDER BY x ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS s FROM t', true);
      run('partition', 'SELECT g, FN(x) OVER (PARTITION BY g) AS s FROM t', true);
      run('running', 'SELECT g, FN(x) OVER (PARTITION BY g ORDER BY x) AS s FROM t', true);
      run('empty_window', 'SELECT FN(x) OVER () AS s FROM t WHERE 0', true);
      run('as_aggregate', 'SELECT FN(x) AS s FROM t', true);
      run('as_aggregate_empty', 'SELECT FN(x) AS s FROM t WHERE 0', true);
      run('grouped', 'SELECT g, FN(x) AS s FROM t GROUP BY g', false);
      return [attempt(() => db.prepare('SELECT plain(x) OVER (ORDER BY x) AS s FROM t').all()), traces];
    },
  },
  {
    name: 'aggregate(): a step error inside a window, then the database still works',
    run: (sqlite, ctx) => {
      const db = withNumbers(ctx.open());
      db.aggregate('w', { start: 0, step: (acc, x) => (x === 3 ? (() => { throw new Error('w at 3'); })() : acc + x), inverse: (acc, x) => acc - x });
      return [
        attempt(() => db.prepare('SELECT w(x) OVER (ORDER BY x ROWS 1 PRECEDING) AS s FROM t').all()),
        db.prepare('SELECT w(x) OVER (ORDER BY x ROWS 1 PRECEDING) AS s FROM t WHERE x < 3').all(),
      ];
    },
  },
  {
    name: 'aggregate(): bigint arguments and results, this, re-entrancy',
    run: (sqlite, ctx) => {
      const db = withNumbers(ctx.open());
      db.aggregate('bsum', { start: 0n, step: (acc, x) => acc + x, useBigIntArguments: true });
      db.aggregate('self', {
        start: 0,
        step: function (acc, x) {
          'use strict';
          return String(this);
        },
      });
      let st;
      db.aggregate('meddle', {
        start: 0,
        step: (acc, x) => [attempt(() => db.close()), attempt(() => st.get()), attempt(() => db.prepare('SELECT count(*) AS n FROM t').get())].map((r) => r.threw?.message ?? r.value?.n).join('|'),
      });
      st = db.prepare('SELECT meddle(x) AS v FROM t');
      return [db.prepare('SELECT bsum(x) AS v FROM t').get(), db.prepare('SELECT self(x) AS v FROM t').get(), st.get(), db.isOpen];
    },
  },
];
