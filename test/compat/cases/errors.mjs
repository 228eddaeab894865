// SQLite errors: shape of ERR_SQLITE_ERROR, constraints, busy/timeout, limits.
import { writeFileSync } from 'node:fs';
import { attempt, attemptAll } from './_util.mjs';

const schema = `
  CREATE TABLE p(id INTEGER PRIMARY KEY);
  CREATE TABLE t(
    a UNIQUE,
    b NOT NULL,
    c CHECK (c > 0),
    d REFERENCES p(id),
    CONSTRAINT named_check CHECK (a <> 'forbidden')
  );
  INSERT INTO p VALUES (1);
  INSERT INTO t VALUES (1, 1, 1, 1);
`;

const constraintDb = (ctx) => {
  const db = ctx.open();
  db.exec(schema);
  return db;
};

export default [
  {
    name: 'error: ERR_SQLITE_ERROR shape (syntax error)',
    run: (sqlite, ctx) => ctx.open().exec('SELEC 1'),
  },
  {
    name: 'error: ERR_SQLITE_ERROR properties and descriptors',
    run: (sqlite, ctx) => {
      try {
        ctx.open().prepare('SELECT * FROM missing');
      } catch (e) {
        return {
          ownKeys: Reflect.ownKeys(e),
          descriptors: ['message', 'code', 'errcode', 'errstr'].map((k) => {
            const d = Object.getOwnPropertyDescriptor(e, k);
            return [k, d && { enumerable: d.enumerable, writable: d.writable, configurable: d.configurable }];
          }),
          instanceofError: e instanceof Error,
          protoIsErrorPrototype: Object.getPrototypeOf(e) === Error.prototype,
          name: e.name,
          stackStartsWith: String(e.stack).split('\n')[0],
          toString: String(e),
          json: JSON.stringify(e),
        };
      }
      return 'no error';
    },
  },
  {
    name: 'error: validation errors are TypeError/RangeError with only code',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      const errs = attemptAll(
        () => db.prepare(1),
        () => db.prepare('SELECT 9223372036854775807').get(),
        () => db.prepare('SELECT ?').get(2n ** 64n),
        () => db.prepare('SELECT $a').get({ b: 1 }),
      );
      return errs.map(({ threw: e }) => ({
        ownKeys: Reflect.ownKeys(e),
        proto: Object.getPrototypeOf(e) === TypeError.prototype ? 'TypeError' : Object.getPrototypeOf(e) === RangeError.prototype ? 'RangeError' : Object.getPrototypeOf(e) === Error.prototype ? 'Error' : 'other',
        codeEnumerable: Object.getOwnPropertyDescriptor(e, 'code').enumerable,
        firstStackLine: String(e.stack).split('\n')[0],
      }));
    },
  },
  {
    name: 'error: syntax errors',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      return attemptAll(
        () => db.prepare('SELECT * FROM'),
        () => db.prepare('SELECT 1 +'),
        () => db.prepare('CREATE TABLE (a)'),
        () => db.prepare("SELECT 'x"),
        () => db.prepare('SELECT nofunc(1)'),
        () => db.prepare('SELECT abs()'),
        () => db.exec('CREATE TABLE t(a); CREATE TABLE t(b)'),
      );
    },
  },
  {
    name: 'error: UNIQUE constraint',
    run: (sqlite, ctx) => {
      const db = constraintDb(ctx);
      return attemptAll(() => db.exec('INSERT INTO t VALUES (1, 1, 1, 1)'), () => db.prepare('INSERT INTO t VALUES (?, 1, 1, 1)').run(1));
    },
  },
  {
    name: 'error: PRIMARY KEY constraint',
    run: (sqlite, ctx) => {
      const db = constraintDb(ctx);
      db.exec('CREATE TABLE k(x TEXT PRIMARY KEY)');
      db.exec("INSERT INTO k VALUES ('a')");
      return attemptAll(() => db.exec('INSERT INTO p VALUES (1)'), () => db.exec("INSERT INTO k VALUES ('a')"));
    },
  },
  {
    name: 'error: NOT NULL constraint',
    run: (sqlite, ctx) => {
      const db = constraintDb(ctx);
      return attemptAll(() => db.prepare('INSERT INTO t VALUES (2, ?, 1, 1)').run(null), () => db.prepare('INSERT INTO t VALUES (2, ?, 1, 1)').run(undefined));
    },
  },
  {
    name: 'error: CHECK constraint (expression and named)',
    run: (sqlite, ctx) => {
      const db = constraintDb(ctx);
      return attemptAll(() => db.exec('INSERT INTO t VALUES (3, 1, 0, 1)'), () => db.exec("INSERT INTO t VALUES ('forbidden', 1, 1, 1)"));
    },
  },
  {
    name: 'error: FOREIGN KEY constraint (immediate and deferred)',
    run: (sqlite, ctx) => {
      const db = constraintDb(ctx);
      db.exec('CREATE TABLE c2(pid REFERENCES p(id) DEFERRABLE INITIALLY DEFERRED)');
      return attemptAll(
        () => db.exec('INSERT INTO t VALUES (4, 1, 1, 99)'),
        () => db.exec('DELETE FROM p'),
        () => db.exec('BEGIN; INSERT INTO c2 VALUES (77)'),
        () => db.exec('COMMIT'),
        () => db.isTransaction,
        () => db.exec('ROLLBACK'),
      );
    },
  },
  {
    name: 'error: STRICT table datatype constraint and datatype mismatch',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      db.exec('CREATE TABLE s(a INTEGER) STRICT; CREATE TABLE r(id INTEGER PRIMARY KEY)');
      return attemptAll(() => db.prepare('INSERT INTO s VALUES (?)').run('abc'), () => db.prepare('INSERT INTO r VALUES (?)').run('abc'));
    },
  },
  {
    name: 'error: RAISE() in a trigger',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      db.exec(`CREATE TABLE t(a);
        CREATE TRIGGER tr BEFORE INSERT ON t WHEN NEW.a < 0 BEGIN SELECT RAISE(ABORT, 'negative not allowed'); END;
        CREATE TRIGGER tr2 BEFORE INSERT ON t WHEN NEW.a = 0 BEGIN SELECT RAISE(FAIL, 'zero'); END;`);
      return attemptAll(() => db.exec('INSERT INTO t VALUES (-1)'), () => db.exec('INSERT INTO t VALUES (0)'));
    },
  },
  {
    name: 'error: a failed statement inside a transaction keeps the transaction',
    run: (sqlite, ctx) => {
      const db = constraintDb(ctx);
      db.exec('BEGIN; INSERT INTO t VALUES (5, 1, 1, 1)');
      const e = attempt(() => db.exec('INSERT INTO t VALUES (5, 1, 1, 1)'));
      const inTx = db.isTransaction;
      db.exec('COMMIT');
      return [e, inTx, db.prepare('SELECT count(*) AS n FROM t').get()];
    },
  },
  {
    name: 'error: too many SQL variables / too many columns',
    run: (sqlite, ctx) => {
      const db = ctx.open(':memory:', { limits: { variableNumber: 3, column: 3 } });
      return attemptAll(() => db.prepare('SELECT ?, ?, ?, ?'), () => db.prepare('SELECT 1, 2, 3, 4'), () => db.prepare('SELECT ?4'));
    },
  },
  {
    name: 'error: SQLITE_FULL via max_page_count',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      db.exec('CREATE TABLE t(b); PRAGMA max_page_count = 3');
      return attempt(() => db.prepare('INSERT INTO t VALUES (?)').run(new Uint8Array(64 * 1024)));
    },
  },
  {
    name: 'error: busy — default timeout is 0',
    run: (sqlite, ctx) => {
      const file = ctx.tmp('busy.db');
      const a = ctx.open(file);
      a.exec('CREATE TABLE t(x); BEGIN EXCLUSIVE');
      const b = ctx.open(file);
      // The busy timeout SQLite has for the connection (set by sqlite3_busy_timeout, and only by
      // it): 0 means the read failed at once, without a busy handler waiting.
      return [attempt(() => b.prepare('SELECT * FROM t').all()), b.prepare('PRAGMA busy_timeout').get()];
    },
  },
  {
    name: 'error: busy — timeout 0 and 50 with BEGIN EXCLUSIVE held elsewhere',
    run: (sqlite, ctx) => {
      const file = ctx.tmp('busy.db');
      const a = ctx.open(file);
      a.exec('CREATE TABLE t(x); BEGIN EXCLUSIVE; INSERT INTO t VALUES (1)');
      const b0 = ctx.open(file, { timeout: 0 });
      const b50 = ctx.open(file, { timeout: 50 });
      const r0 = attempt(() => b0.prepare('SELECT * FROM t').all());
      const r50 = attempt(() => b50.exec('INSERT INTO t VALUES (2)'));
      const p50 = attempt(() => b50.prepare('SELECT * FROM t'));
      a.exec('COMMIT');
      return {
        t0: r0.threw ?? r0.value,
        t50: r50.threw ?? r50.value,
        prepare50: p50.threw ?? p50.value,
        // Which busy timeout each connection has (sqlite3_busy_timeout's, as SQLite reports
        // it): 50 ms of retries before the SQLITE_BUSY above, none for timeout 0.
        busyTimeouts: [b0.prepare('PRAGMA busy_timeout').get(), b50.prepare('PRAGMA busy_timeout').get()],
        afterCommit: b0.prepare('SELECT x FROM t').all(),
      };
    },
  },
  {
    name: 'error: busy — BEGIN IMMEDIATE held elsewhere blocks writers, not readers',
    run: (sqlite, ctx) => {
      const file = ctx.tmp('busy.db');
      const a = ctx.open(file);
      a.exec('CREATE TABLE t(x); INSERT INTO t VALUES (1); BEGIN IMMEDIATE; INSERT INTO t VALUES (2)');
      const b = ctx.open(file, { timeout: 10 });
      return attemptAll(() => b.prepare('SELECT x FROM t').all(), () => b.exec('INSERT INTO t VALUES (3)'), () => b.isTransaction);
    },
  },
  {
    name: 'error: readOnly database write attempts',
    run: (sqlite, ctx) => {
      ctx.open(ctx.tmp('ro.db')).exec('CREATE TABLE t(a)');
      const db = ctx.open(ctx.tmp('ro.db'), { readOnly: true });
      return attemptAll(
        () => db.prepare('INSERT INTO t VALUES (1)').run(),
        () => db.exec('DROP TABLE t'),
        () => db.exec('BEGIN IMMEDIATE'),
        () => db.exec('BEGIN'),
        () => db.isTransaction,
        () => db.exec('ROLLBACK'),
      );
    },
  },
  {
    name: 'error: opening a non-database file',
    run: (sqlite, ctx) => {
      writeFileSync(ctx.tmp('junk.db'), 'this is not a database file, just some text that is long enough');
      const db = ctx.open(ctx.tmp('junk.db'));
      return attemptAll(() => db.isOpen, () => db.prepare('SELECT * FROM sqlite_master'), () => db.exec('CREATE TABLE t(a)'));
    },
  },
];
