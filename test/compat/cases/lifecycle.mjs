// Closed databases, finalized statements, and re-entrant misuse.
import { attempt, attemptAll, withRows } from './_util.mjs';

export default [
  {
    name: 'closed db: every method and accessor',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      db.close();
      return {
        isOpen: attempt(() => db.isOpen),
        isTransaction: attempt(() => db.isTransaction),
        exec: attempt(() => db.exec('SELECT 1')),
        prepare: attempt(() => db.prepare('SELECT 1')),
        location: attempt(() => db.location()),
        close: attempt(() => db.close()),
        dispose: attempt(() => db[Symbol.dispose]()),
        limitsType: attempt(() => typeof db.limits),
        limitsLength: attempt(() => db.limits.length),
        function: attempt(() => db.function('f', () => 1)),
        enableLoadExtension: attempt(() => db.enableLoadExtension(false)),
      };
    },
  },
  {
    name: 'closed db: closing finalizes every statement',
    run: (sqlite, ctx) => {
      const db = withRows(ctx.open(), 2);
      const st = db.prepare('SELECT * FROM t WHERE id = ?');
      db.close();
      return attemptAll(
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
        () => st[Symbol.dispose](),
      );
    },
  },
  {
    name: 'closed db: reopening does not revive old statements',
    run: (sqlite, ctx) => {
      const db = withRows(ctx.open(ctx.tmp('x.db')), 1);
      const st = db.prepare('SELECT * FROM t');
      db.close();
      db.open();
      return [attempt(() => st.get()), db.prepare('SELECT * FROM t').get()];
    },
  },
  {
    name: 'closed db: prepare on a never-opened database',
    run: (sqlite, ctx) => attempt(() => ctx.open(':memory:', { open: false }).prepare('SELECT 1')),
  },
  {
    name: 'closed db: a closed statement does not finalize its database',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      const st = db.prepare('SELECT 1 AS x');
      st.close();
      return [db.isOpen, db.prepare('SELECT 2 AS y').get()];
    },
  },
  {
    name: 'reentrancy: statement writes while another statement is iterating',
    run: (sqlite, ctx) => {
      const db = withRows(ctx.open(), 3);
      const upd = db.prepare('UPDATE t SET v = ? WHERE id = ?');
      const seen = [];
      for (const row of db.prepare('SELECT id, v FROM t ORDER BY id').iterate()) {
        seen.push(row.v);
        upd.run(`seen${row.id}`, row.id);
      }
      return [seen, db.prepare('SELECT v FROM t ORDER BY id').all()];
    },
  },
  {
    name: 'reentrancy: exec() of multiple statements while iterating',
    run: (sqlite, ctx) => {
      const db = withRows(ctx.open(), 2);
      const it = db.prepare('SELECT id FROM t ORDER BY id').iterate();
      const a = it.next();
      const e = attempt(() => db.exec("INSERT INTO t(v) VALUES ('x'); DROP TABLE t"));
      return [a, e, attempt(() => it.next())];
    },
  },
  {
    name: 'reentrancy: close() inside a user function',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      db.function('closer', () => {
        db.close();
        return 1;
      });
      return [attempt(() => db.prepare('SELECT closer() AS x').get()), db.isOpen];
    },
  },
  {
    name: 'reentrancy: close() inside a user function, error caught inside',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      let inner;
      db.function('closer', () => {
        inner = attempt(() => db.close());
        return 2;
      });
      return [attempt(() => db.prepare('SELECT closer() AS x').get()), inner, db.isOpen];
    },
  },
  {
    name: 'reentrancy: the running statement used from inside a user function',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      let st;
      const inner = [];
      db.function('again', () => {
        inner.push(attempt(() => st.get()), attempt(() => st.all()), attempt(() => st.iterate()), attempt(() => st.run()));
        return 1;
      });
      st = db.prepare('SELECT again() AS x');
      return [attempt(() => st.get()), inner];
    },
  },
  {
    name: 'reentrancy: other statements and exec() inside a user function',
    run: (sqlite, ctx) => {
      const db = withRows(ctx.open(), 2);
      db.function('count_t', () => db.prepare('SELECT count(*) AS n FROM t').get().n);
      db.function('add_row', () => {
        db.exec("INSERT INTO t(v) VALUES ('fn')");
        return 0;
      });
      return [db.prepare('SELECT count_t() AS n').get(), db.prepare('SELECT add_row() AS z').get(), db.prepare('SELECT count(*) AS n FROM t').get()];
    },
  },
  {
    name: 'reentrancy: user function errors propagate unchanged',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      const mine = new RangeError('mine');
      mine.extra = 1;
      db.function('thrower', () => {
        throw mine;
      });
      db.function('thrower2', () => {
        throw 'a string';
      });
      let same;
      try {
        db.prepare('SELECT thrower()').get();
      } catch (e) {
        same = e === mine;
      }
      return [same, attempt(() => db.prepare('SELECT thrower()').get()), attempt(() => db.prepare('SELECT thrower2()').get())];
    },
  },
  {
    name: 'reentrancy: user function return values',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      db.function('ident', (x) => x);
      db.function('ret', (k) => ({ obj: {}, big: 2n ** 64n, small: 5n, promise: Promise.resolve(1), undef: undefined, bool: true, sym: Symbol('s'), nan: NaN })[k]);
      return [
        db.prepare("SELECT ident(1) AS a, ident(1.5) AS b, ident(NULL) AS c, ident(x'01') AS d, ident('s') AS e").get(),
        ...['obj', 'big', 'small', 'promise', 'undef', 'bool', 'sym', 'nan'].map((k) => [k, attempt(() => db.prepare('SELECT ret(?) AS v').get(k))]),
      ];
    },
  },
  {
    name: 'reentrancy: a user function error aborts the statement and keeps the connection usable',
    run: (sqlite, ctx) => {
      const db = withRows(ctx.open(), 3);
      db.function('boom', (id) => {
        if (id === 2) throw new Error('boom at 2');
        return id;
      });
      const st = db.prepare('SELECT boom(id) AS x FROM t ORDER BY id');
      return [attempt(() => st.all()), st.get(), db.prepare('SELECT count(*) AS n FROM t').get()];
    },
  },
];
