// DatabaseSync methods: open, close, isOpen, isTransaction, location, exec, prepare, Symbol.dispose.
import { attempt, attemptAll } from './_util.mjs';

export default [
  // ---- open / close / isOpen ----
  {
    name: 'db.open(): on an already open database',
    run: (sqlite, ctx) => ctx.open().open(),
  },
  {
    name: 'db.open(): extra arguments are ignored',
    run: (sqlite, ctx) => {
      const db = ctx.open(':memory:', { open: false });
      return [db.open(1, 2), db.isOpen];
    },
  },
  {
    name: 'db.close(): returns undefined, second close throws',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      return attemptAll(() => db.close(), () => db.isOpen, () => db.close());
    },
  },
  {
    name: 'db.close(): extra arguments are ignored',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      return [db.close('x'), db.isOpen];
    },
  },
  {
    name: 'db.open() after close() reopens the same file',
    run: (sqlite, ctx) => {
      const db = ctx.open(ctx.tmp('re.db'));
      db.exec('CREATE TABLE t(a); INSERT INTO t VALUES (1)');
      db.close();
      db.open();
      return [db.isOpen, db.prepare('SELECT a FROM t').all(), db.location()];
    },
  },
  {
    name: 'db.open() after close() of :memory: starts empty',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      db.exec('CREATE TABLE t(a)');
      db.close();
      db.open();
      return db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 't'").get();
    },
  },
  {
    name: 'db.isOpen: is a read-only own accessor',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      return attemptAll(
        () => { db.isOpen = false; },
        () => db.isOpen,
        () => delete db.isOpen,
      );
    },
  },
  {
    name: 'db.isOpen: after close',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      db.close();
      return db.isOpen;
    },
  },
  // ---- isTransaction ----
  {
    name: 'db.isTransaction: BEGIN / COMMIT / ROLLBACK / SAVEPOINT',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      const out = [db.isTransaction];
      db.exec('BEGIN');
      out.push(db.isTransaction);
      db.exec('COMMIT');
      out.push(db.isTransaction);
      db.exec('BEGIN IMMEDIATE');
      out.push(db.isTransaction);
      db.exec('ROLLBACK');
      out.push(db.isTransaction);
      db.exec('SAVEPOINT s1');
      out.push(db.isTransaction);
      db.exec('RELEASE s1');
      out.push(db.isTransaction);
      return out;
    },
  },
  {
    name: 'db.isTransaction: on a closed database',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      db.close();
      return db.isTransaction;
    },
  },
  {
    name: 'db.isTransaction: an open transaction is rolled back by close()',
    run: (sqlite, ctx) => {
      const db = ctx.open(ctx.tmp('tx.db'));
      db.exec('CREATE TABLE t(a); BEGIN; INSERT INTO t VALUES (1)');
      const inTx = db.isTransaction;
      db.close();
      db.open();
      return [inTx, db.isTransaction, db.prepare('SELECT count(*) AS n FROM t').get()];
    },
  },
  {
    name: 'db.isTransaction: transaction errors',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      return attemptAll(
        () => db.exec('COMMIT'),
        () => db.exec('BEGIN'),
        () => db.exec('BEGIN'),
        () => db.isTransaction,
        () => db.exec('ROLLBACK'),
        () => db.exec('RELEASE nope'),
      );
    },
  },
  // ---- location ----
  {
    name: 'db.location(): file database, main and temp',
    run: (sqlite, ctx) => {
      const db = ctx.open(ctx.tmp('loc.db'));
      return [db.location(), db.location('main'), db.location('temp'), db.location(undefined)];
    },
  },
  {
    name: 'db.location(): memory database',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      return [db.location(), db.location('main'), db.location('temp')];
    },
  },
  {
    name: 'db.location(): attached databases',
    run: (sqlite, ctx) => {
      const db = ctx.open(ctx.tmp('main.db'));
      db.exec(`ATTACH '${ctx.tmp('other.db')}' AS other; ATTACH ':memory:' AS mem`);
      return [db.location('other'), db.location('mem'), db.location('nosuch'), db.location('OTHER')];
    },
  },
  {
    name: 'db.location(): after DETACH',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      db.exec(`ATTACH '${ctx.tmp('x.db')}' AS x`);
      const before = db.location('x');
      db.exec('DETACH x');
      return [before, db.location('x')];
    },
  },
  {
    name: 'db.location(): invalid dbName types',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      return [null, 1, {}, Symbol('s'), true, Buffer.from('main')].map((n) => attempt(() => db.location(n)));
    },
  },
  {
    name: 'db.location(): on a closed database (before argument validation)',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      db.close();
      return attemptAll(() => db.location(), () => db.location(1));
    },
  },
  // ---- exec ----
  {
    name: 'db.exec(): returns undefined; runs every statement',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      const r = db.exec('CREATE TABLE t(a); INSERT INTO t VALUES (1); INSERT INTO t VALUES (2);');
      return [r, db.prepare('SELECT a FROM t').all()];
    },
  },
  {
    name: 'db.exec(): empty, whitespace and comment-only SQL',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      return attemptAll(() => db.exec(''), () => db.exec('   \n\t'), () => db.exec('-- nothing'), () => db.exec(';;;'));
    },
  },
  {
    name: 'db.exec(): SELECT results are discarded',
    run: (sqlite, ctx) => ctx.open().exec('SELECT 1; SELECT 2'),
  },
  {
    name: 'db.exec(): error in the middle keeps earlier statements',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      const r = attempt(() =>
        db.exec('CREATE TABLE t(a); INSERT INTO t VALUES (1); INSERT INTO nope VALUES (2); INSERT INTO t VALUES (3)'),
      );
      return [r, db.prepare('SELECT a FROM t').all()];
    },
  },
  {
    name: 'db.exec(): error in the middle of an explicit transaction leaves it open',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      db.exec('CREATE TABLE t(a)');
      const r = attempt(() => db.exec('BEGIN; INSERT INTO t VALUES (1); INSERT INTO t VALUES (1, 2); INSERT INTO t VALUES (3)'));
      return [r, db.isTransaction, db.prepare('SELECT a FROM t').all()];
    },
  },
  {
    name: 'db.exec(): syntax error and incomplete input',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      return attemptAll(() => db.exec('SELEC 1'), () => db.exec('SELECT 1; SELECT'), () => db.exec("SELECT 'unterminated"));
    },
  },
  {
    name: 'db.exec(): argument types',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      return [undefined, null, 1, {}, Buffer.from('SELECT 1'), new String('SELECT 1'), Symbol('s')].map((v) =>
        attempt(() => db.exec(v)),
      );
    },
  },
  {
    name: 'db.exec(): missing argument',
    run: (sqlite, ctx) => ctx.open().exec(),
  },
  {
    name: 'db.exec(): on a closed database (before argument validation)',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      db.close();
      return attemptAll(() => db.exec('SELECT 1'), () => db.exec(1));
    },
  },
  {
    name: 'db.exec(): unicode and embedded NUL in SQL text',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      db.exec("CREATE TABLE t(a); INSERT INTO t VALUES ('héllo 😀')");
      const r = attempt(() => db.exec("INSERT INTO t VALUES ('x');\0 INSERT INTO t VALUES ('y')"));
      return [r, db.prepare('SELECT a FROM t').all()];
    },
  },
  // ---- prepare ----
  {
    name: 'db.prepare(): argument types',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      return [undefined, null, 1, {}, Buffer.from('SELECT 1'), new String('SELECT 1'), Symbol('s')].map((v) =>
        attempt(() => db.prepare(v)),
      );
    },
  },
  {
    name: 'db.prepare(): empty, whitespace and comment-only SQL',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      return attemptAll(() => db.prepare(''), () => db.prepare('  \n '), () => db.prepare('-- c'), () => db.prepare(';'));
    },
  },
  {
    name: 'db.prepare(): only the first statement is prepared',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      const st = db.prepare('SELECT 1 AS x; SELECT 2 AS y');
      const st2 = db.prepare('SELECT 3 AS z;;; this is not even SQL');
      return [st.sourceSQL, st.all(), st2.sourceSQL, st2.get()];
    },
  },
  {
    name: 'db.prepare(): syntax error and unknown table',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      return attemptAll(() => db.prepare('SELEC 1'), () => db.prepare('SELECT * FROM nope'), () => db.prepare('SELECT nocol'));
    },
  },
  {
    name: 'db.prepare(): on a closed database (before argument validation)',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      db.close();
      return attemptAll(() => db.prepare('SELECT 1'), () => db.prepare(1), () => db.prepare('SELECT 1', 1));
    },
  },
  {
    name: 'db.prepare(): options argument types',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      return [undefined, {}, null, 1, 'x', []].map((o) => attempt(() => db.prepare('SELECT 1 AS x', o).get()));
    },
  },
  {
    name: 'db.prepare(): each option must be a boolean',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      return ['readBigInts', 'returnArrays', 'allowBareNamedParameters', 'allowUnknownNamedParameters', 'persistent'].map((k) =>
        attempt(() => db.prepare('SELECT 1', { [k]: 1 })),
      );
    },
  },
  {
    name: 'db.prepare(): option validation order and read order',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      const reads = [];
      const p = new Proxy({}, { get(t, k) { reads.push(String(k)); return undefined; } });
      db.prepare('SELECT 1', p);
      const all = { persistent: 1, allowUnknownNamedParameters: 1, allowBareNamedParameters: 1, readBigInts: 1, returnArrays: 1 };
      return [reads, attempt(() => db.prepare('SELECT 1', all))];
    },
  },
  {
    name: 'db.prepare(): argument checks happen before SQL compilation',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      return attemptAll(() => db.prepare(1, 1), () => db.prepare('SELEC', 1), () => db.prepare('', { readBigInts: 1 }));
    },
  },
  {
    name: 'db.prepare(): per-statement options override database options',
    run: (sqlite, ctx) => {
      const db = ctx.open(':memory:', { readBigInts: true, returnArrays: true });
      return [
        db.prepare('SELECT 1 AS x', { readBigInts: false }).get(),
        db.prepare('SELECT 1 AS x', { returnArrays: false }).get(),
        db.prepare('SELECT $a AS x', { allowBareNamedParameters: false }).get({ $a: 1 }),
        attempt(() => db.prepare('SELECT $a AS x', { allowBareNamedParameters: false }).get({ a: 1 })),
        db.prepare('SELECT $a AS x', { allowUnknownNamedParameters: true, persistent: true }).get({ a: 1, b: 2 }),
      ];
    },
  },
  // ---- Symbol.dispose ----
  {
    name: 'db[Symbol.dispose](): closes, is idempotent, works on a never-opened db',
    run: (sqlite, ctx) => {
      const a = ctx.open();
      const b = ctx.open(':memory:', { open: false });
      return attemptAll(
        () => a[Symbol.dispose](),
        () => a.isOpen,
        () => a[Symbol.dispose](),
        () => b[Symbol.dispose](),
        () => b.isOpen,
      );
    },
  },
  {
    name: 'db[Symbol.dispose](): finalizes statements',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      const st = db.prepare('SELECT 1');
      db[Symbol.dispose]();
      return attempt(() => st.get());
    },
  },
];
