// The session extension: createSession(), Session (changeset/patchset/close/dispose) and
// applyChangeset() — happy paths, option validation, conflicts, callbacks, lifetimes.
import { attempt, attemptAll, describe, keyName } from './_util.mjs';

const SCHEMA = 'CREATE TABLE a(id INTEGER PRIMARY KEY, v TEXT); CREATE TABLE b(id INTEGER PRIMARY KEY, v TEXT)';

function schemaDb(ctx) {
  const db = ctx.open();
  db.exec(SCHEMA);
  return db;
}

// A changeset inserting a(1,'x'), a(2,'y') and b(1,'q').
function sampleChangeset(ctx) {
  const db = schemaDb(ctx);
  const session = db.createSession();
  db.exec("INSERT INTO a VALUES (1, 'x'), (2, 'y'); INSERT INTO b VALUES (1, 'q')");
  return session.changeset();
}

const rows = (db, table) => db.prepare(`SELECT * FROM ${table} ORDER BY id`).all();

export default [
  {
    name: 'session: Session.prototype descriptors',
    run: (sqlite) =>
      Reflect.ownKeys(sqlite.Session.prototype).map((k) => [keyName(k), describe(sqlite.Session.prototype, k)]),
  },
  {
    name: 'session: Session class shape',
    run: (sqlite) => ({
      name: sqlite.Session.name,
      length: sqlite.Session.length,
      ownKeys: Reflect.ownKeys(sqlite.Session),
      parent: Object.getPrototypeOf(sqlite.Session) === Function.prototype,
      protoParent: Object.getPrototypeOf(sqlite.Session.prototype) === Object.prototype,
      constructor: sqlite.Session.prototype.constructor === sqlite.Session,
      withoutNew: attempt(() => sqlite.Session()),
    }),
  },
  {
    name: 'session: instance shape',
    run: (sqlite, ctx) => {
      const session = ctx.open().createSession();
      return {
        ownKeys: Reflect.ownKeys(session),
        isSession: session instanceof sqlite.Session,
        proto: Object.getPrototypeOf(session) === sqlite.Session.prototype,
        tag: Object.prototype.toString.call(session),
        // name and code only: V8's message for a host object ("Cannot clone object of unsupported
        // type.") differs from the one for ours ("#<Session> could not be cloned.").
        clone: (() => {
          try {
            structuredClone(session);
            return 'cloned';
          } catch (e) {
            return [e.name, e.code];
          }
        })(),
      };
    },
  },
  {
    name: 'session: methods on a foreign this',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      const p = sqlite.Session.prototype;
      return attemptAll(
        () => p.changeset.call({}),
        () => p.patchset.call(db),
        () => p.close.call(null),
        () => p[Symbol.dispose].call(Object.create(p)),
      );
    },
  },
  {
    name: 'session: insert, update and delete are recorded (changeset and patchset)',
    run: (sqlite, ctx) => {
      const db = schemaDb(ctx);
      db.exec("INSERT INTO a VALUES (1, 'old'), (2, 'gone')");
      const session = db.createSession();
      const empty = [session.changeset(), session.patchset()];
      db.exec("INSERT INTO a VALUES (3, 'new'); UPDATE a SET v = 'changed' WHERE id = 1; DELETE FROM a WHERE id = 2");
      const changeset = session.changeset();
      const patchset = session.patchset();
      return { empty, changeset, patchset, sameBuffer: changeset.buffer === patchset.buffer, offset: changeset.byteOffset };
    },
  },
  {
    name: 'session: changeset applied to another database',
    run: (sqlite, ctx) => {
      const src = schemaDb(ctx);
      src.exec("INSERT INTO a VALUES (1, 'old'), (2, 'gone')");
      const dst = schemaDb(ctx);
      dst.exec("INSERT INTO a VALUES (1, 'old'), (2, 'gone')");
      const session = src.createSession();
      src.exec("INSERT INTO a VALUES (3, 'new'); UPDATE a SET v = 'changed' WHERE id = 1; DELETE FROM a WHERE id = 2");
      const result = dst.applyChangeset(session.changeset());
      return { result, src: rows(src, 'a'), dst: rows(dst, 'a'), inTransaction: dst.isTransaction };
    },
  },
  {
    name: 'session: patchset applied to another database',
    run: (sqlite, ctx) => {
      const src = schemaDb(ctx);
      const dst = schemaDb(ctx);
      for (const db of [src, dst]) db.exec("INSERT INTO a VALUES (1, 'old'), (2, 'gone')");
      const session = src.createSession();
      src.exec("UPDATE a SET v = 'changed' WHERE id = 1; DELETE FROM a WHERE id = 2; INSERT INTO b VALUES (7, 'b')");
      return { result: dst.applyChangeset(session.patchset()), a: rows(dst, 'a'), b: rows(dst, 'b') };
    },
  },
  {
    name: 'session: a Buffer is a Uint8Array changeset',
    run: (sqlite, ctx) => {
      const changeset = Buffer.from(sampleChangeset(ctx));
      const dst = schemaDb(ctx);
      return [dst.applyChangeset(changeset), rows(dst, 'a'), rows(dst, 'b')];
    },
  },
  {
    name: 'session: option table records one table',
    run: (sqlite, ctx) => {
      const db = schemaDb(ctx);
      const onlyA = db.createSession({ table: 'a' });
      const onlyB = db.createSession({ table: 'b' });
      const missing = db.createSession({ table: 'nosuch' });
      const all = db.createSession({ table: '' });
      db.exec("INSERT INTO a VALUES (1, 'x'); INSERT INTO b VALUES (1, 'y')");
      return { a: onlyA.changeset(), b: onlyB.changeset(), missing: missing.changeset(), all: all.changeset() };
    },
  },
  {
    name: 'session: option db records an attached database',
    run: (sqlite, ctx) => {
      const db = schemaDb(ctx);
      db.exec("ATTACH ':memory:' AS aux; CREATE TABLE aux.c(id INTEGER PRIMARY KEY, v)");
      const aux = db.createSession({ db: 'aux' });
      const main = db.createSession({ db: 'main' });
      const unknown = db.createSession({ db: 'nosuch' });
      db.exec("INSERT INTO aux.c VALUES (1, 2); INSERT INTO a VALUES (5, 'm')");
      return { aux: aux.changeset(), main: main.changeset(), unknown: unknown.changeset() };
    },
  },
  {
    name: 'session: tables without a primary key are not recorded',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      db.exec('CREATE TABLE nopk(x, y)');
      const session = db.createSession();
      db.exec("INSERT INTO nopk VALUES (5, 'm')");
      return session.changeset();
    },
  },
  {
    name: 'session: createSession options validation',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      const inherited = Object.create({ table: 5, db: 6 });
      return [
        undefined, null, 1, 'x', true, 1n, {}, [], () => {}, inherited,
        { table: 1 }, { table: null }, { table: undefined }, { table: {} },
        { db: 1 }, { db: null }, { db: undefined }, { table: 'a', db: 2 }, { table: 2, db: 2 },
      ].map((options) => attempt(() => typeof db.createSession(options)));
    },
  },
  {
    name: 'session: createSession() without arguments and with extra arguments',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      return attemptAll(
        () => typeof db.createSession(),
        () => typeof db.createSession({}, 'extra'),
      );
    },
  },
  {
    name: 'session: createSession reads options with own-property checks, in order',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      const log = [];
      const options = new Proxy(
        { table: 'a', db: 'main' },
        {
          getOwnPropertyDescriptor(target, key) {
            log.push(`has ${String(key)}`);
            return Reflect.getOwnPropertyDescriptor(target, key);
          },
          get(target, key) {
            log.push(`get ${String(key)}`);
            return Reflect.get(target, key);
          },
        },
      );
      db.createSession(options);
      return log;
    },
  },
  {
    name: 'session: closed database',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      db.close();
      return attemptAll(
        () => db.createSession(),
        () => db.createSession(1),
        () => db.createSession({ table: 1 }),
        () => db.applyChangeset(new Uint8Array()),
        () => db.applyChangeset(1),
        () => db.applyChangeset(1, 1),
      );
    },
  },
  {
    name: 'session: closed session',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      const session = db.createSession();
      return attemptAll(
        () => session.close(),
        () => session.close(),
        () => session.changeset(),
        () => session.patchset(),
        () => session[Symbol.dispose](),
        () => db.isOpen,
      );
    },
  },
  {
    name: 'session: dispose closes the session',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      const session = db.createSession();
      return attemptAll(
        () => session[Symbol.dispose](),
        () => session.changeset(),
        () => session[Symbol.dispose](),
      );
    },
  },
  {
    name: 'session: closing the database closes its sessions',
    run: (sqlite, ctx) => {
      const db = schemaDb(ctx);
      const session = db.createSession();
      db.exec("INSERT INTO a VALUES (1, 'x')");
      db.close();
      const closed = attemptAll(
        () => session.changeset(),
        () => session.patchset(),
        () => session.close(),
        () => session[Symbol.dispose](),
      );
      db.open();
      db.exec(SCHEMA);
      db.exec("INSERT INTO a VALUES (1, 'x')");
      const reopened = attemptAll(
        () => session.changeset(),
        () => session.patchset(),
        () => session.close(),
        () => session[Symbol.dispose](),
        () => db.createSession().changeset(),
      );
      return { closed, reopened };
    },
  },
  {
    name: 'session: changes made after close() are not recorded by other sessions',
    run: (sqlite, ctx) => {
      const db = schemaDb(ctx);
      const first = db.createSession();
      const second = db.createSession();
      db.exec("INSERT INTO a VALUES (1, 'x')");
      first.close();
      db.exec("INSERT INTO a VALUES (2, 'y')");
      return [attempt(() => first.changeset()), second.changeset()];
    },
  },
  {
    name: 'session: applyChangeset argument validation',
    run: (sqlite, ctx) => {
      const db = schemaDb(ctx);
      const changeset = sampleChangeset(ctx);
      const fn = () => true;
      return [
        [],
        [undefined],
        [null],
        [1],
        ['x'],
        [[1, 2]],
        [changeset.buffer],
        [new DataView(changeset.buffer)],
        [new Uint16Array(2)],
        [new Uint8ClampedArray(2)],
        [new Int8Array(2)],
        [changeset, null],
        [changeset, 1],
        [changeset, 'x'],
        [changeset, { onConflict: 1 }],
        [changeset, { onConflict: null }],
        [changeset, { onConflict: {} }],
        [changeset, { filter: 1 }],
        [changeset, { filter: undefined }],
        [changeset, { filter: null }],
        [changeset, { onConflict: 1, filter: 1 }],
        [changeset, { onConflict: fn, filter: 1 }],
        [new Uint8Array(0), { onConflict: 1 }],
        [1, { onConflict: 1 }],
        [new Uint8Array(0), undefined],
        [new Uint8Array(0), {}],
        [new Uint8Array(0), () => {}],
        [new Uint8Array(0)],
      ].map((args) => attempt(() => db.applyChangeset(...args)));
    },
  },
  {
    name: 'session: applyChangeset reads onConflict with [[Get]] and filter only when own',
    run: (sqlite, ctx) => {
      const changeset = sampleChangeset(ctx);
      const db = schemaDb(ctx);
      const log = [];
      const options = new Proxy(
        {},
        {
          getOwnPropertyDescriptor(target, key) {
            log.push(`has ${String(key)}`);
            return Reflect.getOwnPropertyDescriptor(target, key);
          },
          get(target, key) {
            log.push(`get ${String(key)}`);
            return Reflect.get(target, key);
          },
        },
      );
      const result = db.applyChangeset(changeset, options);
      const inheritedDb = schemaDb(ctx);
      const inherited = inheritedDb.applyChangeset(changeset, Object.create({ filter: () => false, onConflict: 5 }));
      return { log, result, inherited, rows: rows(db, 'a') };
    },
  },
  {
    name: 'session: malformed changesets',
    run: (sqlite, ctx) => {
      const db = schemaDb(ctx);
      return attemptAll(
        () => db.applyChangeset(new Uint8Array([1, 2, 3])),
        () => db.applyChangeset(new Uint8Array([0x54, 0xff, 0xff])),
        () => db.applyChangeset(sampleChangeset(ctx).subarray(0, 10)),
        () => db.isTransaction,
      );
    },
  },
  {
    name: 'session: changeset for a table the target lacks',
    run: (sqlite, ctx) => {
      const changeset = sampleChangeset(ctx);
      const db = ctx.open();
      db.exec('CREATE TABLE a(id INTEGER PRIMARY KEY, v TEXT)');
      return [attempt(() => db.applyChangeset(changeset)), rows(db, 'a')];
    },
  },
  {
    name: 'session: filter is called with each table name; falsy skips the table',
    run: (sqlite, ctx) => {
      const changeset = sampleChangeset(ctx);
      const db = schemaDb(ctx);
      const calls = [];
      const result = db.applyChangeset(changeset, {
        filter(name) {
          calls.push([name, typeof name, this === globalThis, arguments.length]);
          return name === 'a';
        },
      });
      return { result, calls, a: rows(db, 'a'), b: rows(db, 'b') };
    },
  },
  {
    name: 'session: filter return values are coerced to boolean',
    run: (sqlite, ctx) => {
      const changeset = sampleChangeset(ctx);
      return [0, 1, '', 'x', null, undefined, {}, 0n, 1n, NaN, [], Symbol('s')].map((value) => {
        const db = schemaDb(ctx);
        const result = db.applyChangeset(changeset, { filter: () => value });
        return [result, rows(db, 'a').length, rows(db, 'b').length];
      });
    },
  },
  {
    name: 'session: strict-mode callbacks get a null this',
    run: (sqlite, ctx) => {
      // (case files are modules: strict code)
      const changeset = sampleChangeset(ctx);
      const db = schemaDb(ctx);
      db.exec("INSERT INTO a VALUES (1, 'conflict')");
      const seen = [];
      db.applyChangeset(changeset, {
        filter() {
          seen.push(['filter', this === null]);
          return true;
        },
        onConflict() {
          seen.push(['onConflict', this === null]);
          return 0;
        },
      });
      return seen;
    },
  },
  {
    name: 'session: conflicts without onConflict abort (false) and roll back',
    run: (sqlite, ctx) => {
      const changeset = sampleChangeset(ctx);
      const db = schemaDb(ctx);
      db.exec("INSERT INTO a VALUES (1, 'conflict')");
      return [db.applyChangeset(changeset), rows(db, 'a'), rows(db, 'b'), db.isTransaction];
    },
  },
  {
    name: 'session: onConflict return values',
    run: (sqlite, ctx) => {
      const changeset = sampleChangeset(ctx);
      const c = sqlite.constants;
      const values = [
        c.SQLITE_CHANGESET_OMIT, c.SQLITE_CHANGESET_REPLACE, c.SQLITE_CHANGESET_ABORT,
        undefined, null, 3, -1, 4, 100, '1', 1.5, -0, 1.0, true, 1n, {}, NaN, 2 ** 31,
      ];
      return values.map((value) => {
        const db = schemaDb(ctx);
        db.exec("INSERT INTO a VALUES (1, 'conflict')");
        const calls = [];
        const result = attempt(() =>
          db.applyChangeset(changeset, {
            onConflict: (...args) => {
              calls.push(args);
              return value;
            },
          }),
        );
        return { result, calls, a: rows(db, 'a'), b: rows(db, 'b'), inTransaction: db.isTransaction };
      });
    },
  },
  {
    name: 'session: conflict types (data, notfound, conflict, constraint, foreign key)',
    run: (sqlite, ctx) => {
      const src = ctx.open();
      src.exec(`
        CREATE TABLE p(id INTEGER PRIMARY KEY);
        CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT UNIQUE, pid INTEGER REFERENCES p(id));
        INSERT INTO p VALUES (1);
        INSERT INTO t VALUES (1, 'one', 1), (2, 'two', 1), (3, 'three', 1);
      `);
      const dst = ctx.open();
      dst.exec(`
        CREATE TABLE p(id INTEGER PRIMARY KEY);
        CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT UNIQUE, pid INTEGER REFERENCES p(id));
        INSERT INTO p VALUES (1);
        INSERT INTO t VALUES (1, 'uno', 1), (3, 'three', 1), (4, 'dup', 1);
      `);
      const session = src.createSession({ table: 't' });
      src.exec(`
        UPDATE t SET v = 'eins' WHERE id = 1;
        DELETE FROM t WHERE id = 2;
        INSERT INTO t VALUES (4, 'four', 1);
        INSERT INTO t VALUES (5, 'dup', 1);
        INSERT INTO p VALUES (9);
        INSERT INTO t VALUES (6, 'six', 9);
      `);
      const calls = [];
      const result = dst.applyChangeset(session.changeset(), {
        onConflict: (type) => {
          calls.push(type);
          return sqlite.constants.SQLITE_CHANGESET_OMIT;
        },
      });
      return { result, calls: calls.sort(), rows: rows(dst, 't') };
    },
  },
  {
    name: 'session: onConflict REPLACE for a NOTFOUND conflict is misuse',
    run: (sqlite, ctx) => {
      const src = schemaDb(ctx);
      src.exec("INSERT INTO a VALUES (1, 'x')");
      const session = src.createSession();
      src.exec('DELETE FROM a');
      const dst = schemaDb(ctx);
      const calls = [];
      const result = attempt(() =>
        dst.applyChangeset(session.changeset(), {
          onConflict: (type) => {
            calls.push(type);
            return sqlite.constants.SQLITE_CHANGESET_REPLACE;
          },
        }),
      );
      return { result, calls };
    },
  },
  {
    name: 'session: a throwing onConflict aborts; its error propagates unchanged',
    run: (sqlite, ctx) => {
      const changeset = sampleChangeset(ctx);
      const db = schemaDb(ctx);
      db.exec("INSERT INTO a VALUES (1, 'conflict')");
      const thrown = new RangeError('boom');
      let calls = 0;
      const result = attempt(() =>
        db.applyChangeset(changeset, {
          onConflict: () => {
            calls++;
            throw thrown;
          },
        }),
      );
      return {
        result,
        same: result.threw === thrown,
        calls,
        a: rows(db, 'a'),
        b: rows(db, 'b'),
        inTransaction: db.isTransaction,
        after: attemptAll(() => db.exec('SELECT * FROM nosuch'), () => db.applyChangeset(changeset)),
      };
    },
  },
  {
    name: 'session: a throwing filter stops calling JS; its error propagates unchanged',
    run: (sqlite, ctx) => {
      const changeset = sampleChangeset(ctx);
      const db = schemaDb(ctx);
      const names = [];
      const result = attempt(() =>
        db.applyChangeset(changeset, {
          filter: (name) => {
            names.push(name);
            throw 'not an error';
          },
        }),
      );
      return {
        result,
        names,
        a: rows(db, 'a'),
        b: rows(db, 'b'),
        inTransaction: db.isTransaction,
        after: attemptAll(() => db.exec('SELECT * FROM nosuch'), () => db.applyChangeset(changeset)),
      };
    },
  },
  {
    name: 'session: close() inside applyChangeset callbacks',
    run: (sqlite, ctx) => {
      const changeset = sampleChangeset(ctx);
      const db = schemaDb(ctx);
      db.exec("INSERT INTO a VALUES (1, 'conflict')");
      const other = ctx.open();
      const otherSession = other.createSession();
      const session = db.createSession();
      const statement = db.prepare('SELECT 1');
      const seen = {};
      const result = db.applyChangeset(changeset, {
        filter: (name) => {
          if (name === 'a') {
            seen.filter = {
              dbClose: attempt(() => db.close()),
              dbDispose: attempt(() => db[Symbol.dispose]()),
              sessionClose: attempt(() => session.close()),
              sessionDispose: attempt(() => session[Symbol.dispose]()),
              sessionChangeset: attempt(() => session.changeset()),
              newSession: attempt(() => {
                const s = db.createSession();
                return [typeof s.changeset(), attempt(() => s.close())];
              }),
              otherSessionClose: attempt(() => otherSession.close()),
              otherClose: attempt(() => other.close()),
              statementClose: attempt(() => statement.close()),
              open: attempt(() => db.open()),
            };
          }
          return true;
        },
        onConflict: () => {
          seen.onConflict = attemptAll(() => db.close(), () => db.isOpen);
          return sqlite.constants.SQLITE_CHANGESET_REPLACE;
        },
      });
      return {
        result,
        seen,
        isOpen: db.isOpen,
        a: rows(db, 'a'),
        after: attemptAll(() => session.close(), () => statement.get(), () => db.close()),
      };
    },
  },
  {
    name: 'session: exec, prepare and nested applyChangeset inside callbacks',
    run: (sqlite, ctx) => {
      const changeset = sampleChangeset(ctx);
      const db = schemaDb(ctx);
      const inner = [];
      const result = db.applyChangeset(changeset, {
        filter: (name) => {
          if (name === 'a') {
            inner.push(attempt(() => db.exec("INSERT INTO b VALUES (9, 'z')")));
            inner.push(attempt(() => db.prepare('SELECT count(*) AS n FROM b').get()));
            inner.push(attempt(() => db.applyChangeset(changeset, { filter: (t) => t === 'b' })));
          }
          return true;
        },
      });
      return { result, inner, a: rows(db, 'a'), b: rows(db, 'b') };
    },
  },
  {
    name: 'session: applying a changeset is recorded by the target database sessions',
    run: (sqlite, ctx) => {
      const changeset = sampleChangeset(ctx);
      const db = schemaDb(ctx);
      const session = db.createSession();
      db.applyChangeset(changeset);
      return [session.changeset(), session.changeset().length === changeset.length];
    },
  },
  {
    name: 'session: the changeset buffer may be changed by a callback',
    run: (sqlite, ctx) => {
      const changeset = sampleChangeset(ctx);
      const copy = new Uint8Array(changeset);
      const db = schemaDb(ctx);
      const result = db.applyChangeset(copy, {
        filter: () => {
          copy.fill(0);
          return true;
        },
      });
      return { result, a: rows(db, 'a'), b: rows(db, 'b') };
    },
  },
  {
    name: 'session: changesets inside an open transaction',
    run: (sqlite, ctx) => {
      const changeset = sampleChangeset(ctx);
      const db = schemaDb(ctx);
      db.exec('BEGIN');
      const result = db.applyChangeset(changeset);
      const inTransaction = db.isTransaction;
      db.exec('ROLLBACK');
      return { result, inTransaction, a: rows(db, 'a') };
    },
  },
];
