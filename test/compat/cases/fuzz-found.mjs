// Classes of difference the differential fuzzer (test/fuzz/sync) found, each pinned by a case
// recorded from Node 26 so that a regression shows up by name, not only as a changed seed.
import { attempt } from './_util.mjs';

const INT32_EDGES = [-0, 0, 1, 1.5, -1, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), -(2 ** 31) - 1, NaN, Infinity, -Infinity, '5', 5n, null, undefined];

export default [
  {
    name: 'fuzz: timeout accepts int32 only (-0 and 2^31 are not)',
    run: (sqlite) => INT32_EDGES.map((timeout) => attempt(() => {
      const db = new sqlite.DatabaseSync(':memory:', { timeout });
      db.close();
      return true;
    })),
  },
  {
    name: 'fuzz: options.limits accept int32 only (-0 is not)',
    run: (sqlite) => INT32_EDGES.map((attach) => attempt(() => {
      const db = new sqlite.DatabaseSync(':memory:', { limits: { attach } });
      const value = db.limits.attach;
      db.close();
      return value;
    })),
  },
  {
    name: 'fuzz: limits setter checks open first, then Infinity or int32, then sign',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      const open = INT32_EDGES.map((value) => attempt(() => {
        db.limits.attach = value;
        return db.limits.attach;
      }));
      db.close();
      const closed = [5, -1, 1.5, -0, Infinity].map((value) => attempt(() => {
        db.limits.attach = value;
      }));
      return { open, closed };
    },
  },
  {
    name: 'fuzz: backup rate is an int32 (-0 is a type error)',
    run: async (sqlite, ctx) => {
      const db = ctx.open();
      const out = [];
      for (const rate of [-0, 0, 1.5, 2 ** 31]) {
        try {
          out.push({ value: await sqlite.backup(db, ctx.tmp('copy.db'), { rate }) });
        } catch (e) {
          out.push({ threw: e });
        }
      }
      return out;
    },
  },
  {
    name: 'fuzz: function() reads options (even junk ones) before checking the function',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      const fn = (a) => a;
      return [
        () => db.function('f', { deterministic: 1 }, 5),
        () => db.function('f', { varargs: 'x' }, 'junk'),
        () => db.function('f', { deterministic: 1 }),
        () => db.function('f', fn, {}),
        () => db.function('f', fn, 5),
        () => db.function('f', {}, fn, 5),
        () => db.function('f', undefined, fn),
        () => db.function('f', undefined),
        () => db.function('f', { useBigIntArguments: 1, varargs: 2, directOnly: 3, deterministic: 4 }, fn),
        () => db.function(1, { deterministic: 1 }, 5),
      ].map(attempt);
    },
  },
  {
    name: 'fuzz: a failed iteration leaves its error for the next call on the statement',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      db.exec('CREATE TABLE t(a PRIMARY KEY); INSERT INTO t VALUES (1), (2), (3)');
      const insert = db.prepare('INSERT INTO t VALUES (?)');
      const out = [attempt(() => insert.iterate(1).next()), attempt(() => insert.run(10)), attempt(() => insert.run(11))];
      out.push(attempt(() => insert.iterate(1).next()), attempt(() => insert.get(12)), attempt(() => insert.all(13)));
      out.push(attempt(() => insert.iterate(1).next()), attempt(() => insert.iterate(14).next()), attempt(() => insert.run(15)));
      db.function('late', (x) => {
        if (x > 1) throw new Error('late');
        return x;
      });
      const select = db.prepare('SELECT late(a) AS v FROM t ORDER BY a');
      const it = select.iterate();
      out.push(attempt(() => it.next()), attempt(() => it.next()), attempt(() => it.next()), attempt(() => select.all()), attempt(() => select.get()));
      // A run/get/all that fails resets at once: nothing is left for the next call.
      out.push(attempt(() => insert.run(1)), attempt(() => insert.run(16)));
      return out;
    },
  },
  {
    name: 'fuzz: option objects may be functions (V8 IsObject), for aggregate() too',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      const step = (acc, x) => acc + x;
      return [
        () => db.aggregate('a', function () {}),
        () => db.aggregate('a', Object.assign(function () {}, { start: 0, step })),
        () => db.aggregate('a', []),
        () => db.prepare('SELECT 1 AS one', Object.assign(function () {}, { returnArrays: true })).get(),
        () => db.deserialize(db.serialize(), Object.assign(function () {}, { dbName: 'main' })),
        () => db.createSession(Object.assign(function () {}, { table: 5 })),
      ].map(attempt);
    },
  },
  {
    name: 'fuzz: createModule checks directOnly and useBigIntArguments before the columns',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      const rows = () => [];
      return [
        () => db.createModule('m1', { columns: [{ name: 'n', type: 'BOGUS' }], rows, directOnly: 1 }),
        () => db.createModule('m2', { columns: [{ name: 'n', type: 'BOGUS' }], rows, useBigIntArguments: 1 }),
        () => db.createModule('m3', { columns: [{ name: 1, type: 'TEXT' }], rows, directOnly: 1 }),
        () => db.createModule('m4', { columns: [5], rows, directOnly: 1 }),
        () => db.createModule('m5', { columns: [{ name: 'a', type: 'BOGUS', hidden: 'x' }], rows }),
      ].map(attempt);
    },
  },
  {
    name: 'fuzz: limits set on a database are applied again by open() after close()',
    run: (sqlite, ctx) => {
      const db = ctx.open(':memory:', { limits: { column: 50 } });
      const read = () => [db.limits.sqlLength, db.limits.attach, db.limits.column];
      db.limits.sqlLength = 100;
      db.limits.attach = 3;
      const out = [read()];
      db.close();
      db.open();
      out.push(read());
      db.limits.sqlLength = Infinity;
      db.close();
      db.open();
      out.push(read(), attempt(() => db.exec('SELECT 1')));
      return out;
    },
  },
  {
    name: 'fuzz: authorizer errors during applyChangeset: it keeps being asked, SQLite\'s result is thrown',
    run: (sqlite, ctx) => {
      const source = ctx.open();
      source.exec('CREATE TABLE t(a PRIMARY KEY, b)');
      const session = source.createSession();
      source.exec('INSERT INTO t VALUES (1, 2)');
      const changeset = session.changeset();
      const target = ctx.open();
      target.exec('CREATE TABLE t(a PRIMARY KEY, b)');
      const out = [];
      for (const answer of [() => undefined, () => { throw new Error('authorizer threw'); }, (action) => (action === 18 ? 5 : 0)]) {
        const calls = [];
        target.setAuthorizer((...args) => {
          calls.push(args.slice(0, 2));
          return answer(...args);
        });
        out.push(attempt(() => target.applyChangeset(changeset)), calls);
        target.setAuthorizer(null);
        out.push(attempt(() => target.exec('SELEC 1')));
      }
      return out;
    },
  },
  {
    name: 'fuzz: next() of a finished iterator still reports a finalized statement',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      db.exec('CREATE TABLE t(a); INSERT INTO t VALUES (1), (2)');
      const out = [];
      let stmt = db.prepare('SELECT a FROM t');
      let it = stmt.iterate();
      out.push(Array.from(it));
      stmt.close();
      out.push(attempt(() => it.next()), attempt(() => it.return()));
      stmt = db.prepare('SELECT a FROM t');
      it = stmt.iterate();
      it.return();
      stmt.close();
      out.push(attempt(() => it.next()));
      stmt = db.prepare('SELECT a FROM t');
      it = stmt.iterate();
      Array.from(it);
      stmt.all();
      out.push(attempt(() => it.next()), attempt(() => it.return()));
      stmt = db.prepare('SELECT a FROM t');
      it = stmt.iterate();
      it.next();
      db.close();
      out.push(attempt(() => it.next()), attempt(() => it.return()));
      return out;
    },
  },
  {
    name: 'fuzz: the bare-name map is built once, before the keys, and kept as far as it got',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      const make = () => db.prepare('SELECT :b AS x, $b AS y, :a AS z');
      const out = [{}, { ':b': 1 }, { $unknown: 1 }, { a: 1 }].map((params) => attempt(() => make().get(params)));
      let stmt = make();
      out.push(attempt(() => stmt.get({ b: 1 })), attempt(() => stmt.get({ b: 2 })), attempt(() => stmt.get({ a: 3 })));
      stmt = make();
      stmt.setAllowBareNamedParameters(false);
      out.push(attempt(() => stmt.get({ b: 1 })), attempt(() => stmt.get({ ':b': 1 })));
      stmt.setAllowBareNamedParameters(true);
      out.push(attempt(() => stmt.get({ b: 1 })), attempt(() => make().get({ ':b': 1 }, 2)));
      out.push(attempt(() => db.prepare('SELECT ?1 AS a').get({ 1: 5 })), attempt(() => db.prepare('SELECT ?1 AS a, :1 AS b').get({ 1: 5 })));
      return out;
    },
  },
  {
    name: 'fuzz: inside the authorizer, runs are refused before the statement state; a finished iterator may return()',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      db.exec('CREATE TABLE t(a); INSERT INTO t VALUES (1), (2)');
      const stmt = db.prepare('SELECT a FROM t');
      const finished = db.prepare('SELECT a FROM t').iterate();
      Array.from(finished);
      const running = db.prepare('SELECT a FROM t').iterate();
      running.next();
      const seen = [];
      db.setAuthorizer(() => {
        if (seen.length === 0) {
          seen.push(attempt(() => stmt.get()), attempt(() => finished.return()), attempt(() => finished.next()), attempt(() => running.return()));
        }
        return 0;
      });
      const outer = attempt(() => db.prepare('SELECT 1 AS one').get());
      db.setAuthorizer(null);
      return { seen, outer, after: attempt(() => running.next()) };
    },
  },
];
