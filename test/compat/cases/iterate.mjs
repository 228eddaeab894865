// stmt.iterate(): the iterator protocol, reset semantics, invalidation, prototypes.
import { attempt, attemptAll, keyName, keyNames, describe, IteratorPrototype, withRows } from './_util.mjs';

const iterOf = (ctx, n = 3) => withRows(ctx.open(), n).prepare('SELECT id, v FROM t ORDER BY id');

export default [
  {
    name: 'iterate: next() results, done result, and after done',
    run: (sqlite, ctx) => {
      const it = iterOf(ctx, 2).iterate();
      return [it.next(), it.next(), it.next(), it.next()];
    },
  },
  {
    name: 'iterate: result objects have a null prototype and keys done, value',
    run: (sqlite, ctx) => {
      const it = iterOf(ctx, 1).iterate();
      const a = it.next();
      const b = it.next();
      return [Object.getPrototypeOf(a), Object.keys(a), Object.getPrototypeOf(b), Object.keys(b), b.value];
    },
  },
  {
    name: 'iterate: for...of and spread',
    run: (sqlite, ctx) => {
      const st = iterOf(ctx, 3);
      const out = [];
      for (const row of st.iterate()) out.push(row.id);
      return [out, [...st.iterate()], Array.from(st.iterate(), (r) => r.v)];
    },
  },
  {
    name: 'iterate: empty result',
    run: (sqlite, ctx) => {
      const it = ctx.open().prepare('SELECT 1 WHERE 0').iterate();
      return [it.next(), it.next()];
    },
  },
  {
    name: 'iterate: return() result and state afterwards',
    run: (sqlite, ctx) => {
      const it = iterOf(ctx, 3).iterate();
      return [it.next(), it.return(), it.next(), it.return()];
    },
  },
  {
    name: 'iterate: return() with an argument ignores it',
    run: (sqlite, ctx) => {
      const it = iterOf(ctx, 1).iterate();
      return [it.return(42), it.next()];
    },
  },
  {
    name: 'iterate: return() before the first next()',
    run: (sqlite, ctx) => {
      const it = iterOf(ctx, 2).iterate();
      return [it.return(), it.next()];
    },
  },
  {
    name: 'iterate: break resets the statement so it can be re-run',
    run: (sqlite, ctx) => {
      const st = iterOf(ctx, 3);
      const out = [];
      for (const row of st.iterate()) {
        out.push(row.id);
        break;
      }
      return [out, st.all().map((r) => r.id), [...st.iterate()].map((r) => r.id)];
    },
  },
  {
    name: 'iterate: an exception inside for...of resets the statement',
    run: (sqlite, ctx) => {
      const st = iterOf(ctx, 3);
      const e = attempt(() => {
        for (const row of st.iterate()) throw new Error(`stop at ${row.id}`);
      });
      return [e, st.all().map((r) => r.id)];
    },
  },
  {
    name: 'iterate: return() releases the read lock (a writer can proceed)',
    run: (sqlite, ctx) => {
      const db = withRows(ctx.open(ctx.tmp('lock.db')), 3);
      const other = ctx.open(ctx.tmp('lock.db'));
      const it = db.prepare('SELECT id FROM t').iterate();
      it.next();
      const during = attempt(() => other.exec('DROP TABLE t'));
      it.return();
      const after = attempt(() => other.exec('CREATE TABLE u(a)'));
      return [during, after];
    },
  },
  {
    name: 'iterate: no iterator helpers or throw() on the own prototype',
    run: (sqlite, ctx) => {
      const it = iterOf(ctx, 1).iterate();
      return [typeof it.throw, Object.prototype.hasOwnProperty.call(Object.getPrototypeOf(it), 'throw')];
    },
  },
  {
    name: 'iterate: prototype chain',
    run: (sqlite, ctx) => {
      const it = iterOf(ctx, 1).iterate();
      const proto = Object.getPrototypeOf(it);
      return {
        ownKeys: keyNames(it),
        protoKeys: keyNames(proto),
        protoDescriptors: Reflect.ownKeys(proto).map((k) => [keyName(k), describe(proto, k)]),
        protoCtorName: proto.constructor.name,
        inheritsIteratorPrototype: IteratorPrototype.isPrototypeOf(proto),
        selfIterable: it[Symbol.iterator]() === it,
        notStatementProto: proto !== sqlite.StatementSync.prototype,
      };
    },
  },
  {
    name: "iterate: the prototype's parent is %IteratorPrototype%",
    run: (sqlite, ctx) => Object.getPrototypeOf(Object.getPrototypeOf(iterOf(ctx, 1).iterate())) === IteratorPrototype,
  },
  {
    name: 'iterate: Symbol.toStringTag',
    run: (sqlite, ctx) => {
      const it = iterOf(ctx, 1).iterate();
      return [Object.prototype.toString.call(it), it[Symbol.toStringTag]];
    },
  },
  {
    name: 'iterate: iterator helpers from Iterator.prototype',
    run: (sqlite, ctx) => {
      const st = iterOf(ctx, 3);
      return [st.iterate().map((r) => r.id).toArray(), st.iterate().drop(1).take(1).toArray()];
    },
  },
  {
    name: 'iterate: iterator constructor is illegal',
    run: (sqlite, ctx) => {
      const Ctor = Object.getPrototypeOf(iterOf(ctx, 1).iterate()).constructor;
      return attemptAll(() => new Ctor(), () => Ctor());
    },
  },
  {
    name: 'iterate: next()/return() with a foreign this',
    run: (sqlite, ctx) => {
      const it = iterOf(ctx, 1).iterate();
      return attemptAll(() => it.next.call({}), () => it.return.call({}), () => it.next.call(undefined));
    },
  },
  {
    name: 'iterate: each iterate() call is a new iterator sharing one prototype',
    run: (sqlite, ctx) => {
      const st = iterOf(ctx, 1);
      const a = st.iterate();
      const b = st.iterate();
      return [a === b, Object.getPrototypeOf(a) === Object.getPrototypeOf(b)];
    },
  },
  {
    name: 'iterate: a second iterate() invalidates the first',
    run: (sqlite, ctx) => {
      const st = iterOf(ctx, 3);
      const a = st.iterate();
      const first = a.next();
      const b = st.iterate();
      return attemptAll(() => first, () => b.next(), () => a.next(), () => a.return(), () => b.next());
    },
  },
  {
    name: 'iterate: get() / all() / run() on the same statement invalidate the iterator',
    run: (sqlite, ctx) => {
      const st = iterOf(ctx, 3);
      const out = [];
      for (const m of ['get', 'all', 'run']) {
        const it = st.iterate();
        it.next();
        out.push(m, attempt(() => st[m]()), attempt(() => it.next()), attempt(() => it.return()));
      }
      return out;
    },
  },
  {
    name: 'iterate: other statements do not disturb an iterator',
    run: (sqlite, ctx) => {
      const db = withRows(ctx.open(), 3);
      const it = db.prepare('SELECT id FROM t ORDER BY id').iterate();
      const a = it.next();
      db.prepare('SELECT * FROM t').all();
      db.prepare("INSERT INTO t(v) VALUES ('new')").run();
      return [a, it.next(), it.next()];
    },
  },
  {
    name: 'iterate: with parameters; bad parameters throw at iterate()',
    run: (sqlite, ctx) => {
      const st = ctx.open().prepare('SELECT ? AS x UNION ALL SELECT ?');
      return [[...st.iterate(1, 2)], [...st.iterate({}, 3)], attempt(() => st.iterate(Symbol('s'))), attempt(() => st.iterate(1, 2, 3))];
    },
  },
  {
    name: 'iterate: statement is not stepped until next()',
    run: (sqlite, ctx) => {
      const db = withRows(ctx.open(), 0);
      const it = db.prepare("INSERT INTO t(v) VALUES ('lazy') RETURNING id").iterate();
      const before = db.prepare('SELECT count(*) AS n FROM t').get();
      const first = it.next();
      const after = db.prepare('SELECT count(*) AS n FROM t').get();
      return [before, first, after, it.next()];
    },
  },
  {
    name: 'iterate: non-SELECT statement',
    run: (sqlite, ctx) => {
      const db = withRows(ctx.open(), 0);
      const it = db.prepare("INSERT INTO t(v) VALUES ('x')").iterate();
      return [it.next(), db.prepare('SELECT count(*) AS n FROM t').get()];
    },
  },
  {
    name: 'iterate: SQLite error in the middle, then next()',
    run: (sqlite, ctx) => {
      const it = ctx.open().prepare('SELECT 1 AS x UNION ALL SELECT abs(-9223372036854775807 - 1)').iterate();
      return attemptAll(() => it.next(), () => it.next(), () => it.next());
    },
  },
  {
    name: 'iterate: out-of-range integer in the middle, then next()',
    run: (sqlite, ctx) => {
      const it = ctx.open().prepare('SELECT 1 AS x UNION ALL SELECT 9223372036854775807 UNION ALL SELECT 3').iterate();
      return attemptAll(() => it.next(), () => it.next(), () => it.next(), () => it.next());
    },
  },
  {
    name: 'iterate: readBigInts / returnArrays are taken at next() time',
    run: (sqlite, ctx) => {
      const st = ctx.open().prepare('SELECT 1 AS a UNION ALL SELECT 2 UNION ALL SELECT 3');
      const it = st.iterate();
      const a = it.next();
      st.setReadBigInts(true);
      const b = attempt(() => it.next());
      st.setReturnArrays(true);
      const c = attempt(() => it.next());
      return [a, b, c];
    },
  },
  {
    name: 'iterate: closing the database while iterating',
    run: (sqlite, ctx) => {
      const db = withRows(ctx.open(), 3);
      const it = db.prepare('SELECT id FROM t').iterate();
      const first = it.next();
      const closed = attempt(() => db.close());
      return [first, closed, db.isOpen, attempt(() => it.next()), attempt(() => it.return())];
    },
  },
  {
    name: 'iterate: database closed before the first next()',
    run: (sqlite, ctx) => {
      const db = withRows(ctx.open(), 3);
      const it = db.prepare('SELECT id FROM t').iterate();
      db.close();
      return attemptAll(() => it.next(), () => it.return());
    },
  },
  {
    name: 'iterate: statement closed while iterating',
    run: (sqlite, ctx) => {
      const st = iterOf(ctx, 3);
      const it = st.iterate();
      const first = it.next();
      st.close();
      return [first, attempt(() => it.next()), attempt(() => it.return())];
    },
  },
  {
    name: 'iterate: on a closed database / finalized statement',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      const st = db.prepare('SELECT 1');
      db.close();
      return attempt(() => st.iterate());
    },
  },
  {
    name: 'iterate: database reopened after close; old iterator stays dead',
    run: (sqlite, ctx) => {
      const db = withRows(ctx.open(ctx.tmp('re.db')), 2);
      const it = db.prepare('SELECT id FROM t').iterate();
      db.close();
      db.open();
      return [attempt(() => it.next()), db.prepare('SELECT count(*) AS n FROM t').get()];
    },
  },
  {
    name: 'iterate: isTransaction while an iterator is open',
    run: (sqlite, ctx) => {
      const db = withRows(ctx.open(), 2);
      const it = db.prepare('SELECT id FROM t').iterate();
      it.next();
      return db.isTransaction;
    },
  },
];
