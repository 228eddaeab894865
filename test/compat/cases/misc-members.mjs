// DatabaseSync: serialize, deserialize, enableDefensive, enableLoadExtension, loadExtension,
// setAuthorizer; StatementSync: stat, resetStats.
import { buildExtension } from '../../fixtures/extension.mjs';
import { attempt, attemptAll } from './_util.mjs';

// What a serialized database looks like, without its bytes (page contents differ by SQLite
// version only in header fields nobody asserts on).
const shape = (bytes) => ({
  type: Object.prototype.toString.call(bytes),
  proto: Object.getPrototypeOf(bytes) === Uint8Array.prototype,
  buffer: typeof Buffer !== 'undefined' && Buffer.isBuffer(bytes),
  length: bytes.length,
  byteOffset: bytes.byteOffset,
  bufferLength: bytes.buffer.byteLength,
  header: new TextDecoder().decode(bytes.subarray(0, 15)),
});

const filled = (sqlite) => {
  const db = new sqlite.DatabaseSync(':memory:');
  db.exec("CREATE TABLE t(a, b); INSERT INTO t VALUES (1, 'one'), (2, x'ff00')");
  const bytes = db.serialize();
  db.close();
  return bytes;
};

const WRITE_SCHEMA =
  "PRAGMA writable_schema = 1; UPDATE sqlite_master SET sql = 'CREATE TABLE x(a, b)' WHERE name = 'x'";

// Runs `use(db)` from inside an authorizer callback (its first call) and records the outcome.
const fromAuthorizer = (db, use) => {
  let outcome;
  db.setAuthorizer(() => {
    if (outcome === undefined) outcome = attempt(use);
    return 0;
  });
  const outer = attempt(() => db.prepare('SELECT 2'));
  if (db.isOpen) db.setAuthorizer(null);
  return { inside: outcome, outer: 'threw' in outer ? outer : 'ok' };
};

export default [
  // ---- serialize ----
  {
    name: 'serialize: empty and filled databases, round trip into a new database',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      const empty = db.serialize();
      db.exec("CREATE TABLE t(a, b); INSERT INTO t VALUES (1, 'one'), (2, x'ff00')");
      const bytes = db.serialize();
      const copy = ctx.open();
      return {
        empty: shape(empty),
        filled: shape(bytes),
        deserialize: copy.deserialize(bytes),
        rows: copy.prepare('SELECT * FROM t').all(),
        again: shape(copy.serialize()),
      };
    },
  },
  {
    name: 'serialize: dbName argument',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      db.exec("ATTACH ':memory:' AS aux");
      const out = attemptAll(
        () => shape(db.serialize(undefined)),
        () => shape(db.serialize('main')),
        () => db.serialize('temp'),
        () => db.serialize('nope'),
        () => db.serialize(1),
        () => db.serialize(null),
        () => db.serialize({}),
        () => shape(db.serialize('aux')),
        () => shape(db.serialize('main', 'extra')),
      );
      db.exec('CREATE TABLE aux.x(a); CREATE TEMP TABLE tt(a)');
      out.push(attempt(() => shape(db.serialize('aux'))), attempt(() => shape(db.serialize('temp'))));
      return out;
    },
  },
  {
    name: 'serialize: closed database, checked before the argument',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      db.close();
      return attemptAll(() => db.serialize(), () => db.serialize(1));
    },
  },
  {
    name: 'serialize: a read-only empty database gives an empty array',
    run: (sqlite, ctx) => shape(ctx.open(':memory:', { readOnly: true }).serialize()),
  },
  {
    name: 'serialize: a file database',
    run: (sqlite, ctx) => {
      const db = ctx.open(ctx.tmp('file.db'));
      db.exec('CREATE TABLE t(a); INSERT INTO t VALUES (7)');
      const copy = ctx.open();
      copy.deserialize(db.serialize());
      return [shape(db.serialize()), copy.prepare('SELECT a FROM t').get(), copy.location()];
    },
  },

  // ---- deserialize ----
  {
    name: 'deserialize: argument validation, in order',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      const bytes = filled(sqlite);
      return attemptAll(
        () => db.deserialize(),
        () => db.deserialize('abc'),
        () => db.deserialize(bytes.buffer),
        () => db.deserialize(new DataView(bytes.buffer)),
        () => db.deserialize(new Int16Array(bytes.buffer)),
        () => db.deserialize(new Uint8ClampedArray(bytes)),
        () => db.deserialize(new Uint8Array(0)),
        () => db.deserialize(new Uint8Array(0), 1),
        () => db.deserialize(1, 1),
        () => db.deserialize(bytes, null),
        () => db.deserialize(bytes, 1),
        () => db.deserialize(bytes, 'main'),
        () => db.deserialize(bytes, { dbName: 1 }),
        () => db.deserialize(bytes, { dbName: null }),
        () => db.deserialize(bytes, { dbName: 'nope' }),
        () => db.deserialize(bytes, { dbName: 'temp' }),
        () => db.deserialize(bytes, undefined),
        () => db.deserialize(bytes, {}),
        () => db.deserialize(bytes, { dbName: undefined }),
        () => db.deserialize(bytes, []),
        () => db.deserialize(bytes, () => 1),
        () => db.deserialize(bytes, { dbName: 'main' }),
        () => db.prepare('SELECT count(*) AS n FROM t').get(),
      );
    },
  },
  {
    name: 'deserialize: Buffer and offset views',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      const bytes = filled(sqlite);
      const padded = Buffer.alloc(bytes.length + 10);
      Buffer.from(bytes).copy(padded, 10);
      return [
        db.deserialize(Buffer.from(bytes)),
        db.prepare('SELECT count(*) AS n FROM t').get(),
        db.deserialize(padded.subarray(10)),
        db.prepare('SELECT a FROM t ORDER BY a').all(),
      ];
    },
  },
  {
    name: 'deserialize: finalizes every statement, even when it fails',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      const bytes = filled(sqlite);
      const a = db.prepare('SELECT 1 AS x');
      const out = [attempt(() => db.deserialize(bytes, { dbName: 'nope' })), attempt(() => a.get())];
      const b = db.prepare('SELECT 2 AS x');
      out.push(attempt(() => db.deserialize(new Uint8Array(0))), attempt(() => b.get()));
      const c = db.prepare('SELECT 3 AS x');
      out.push(attempt(() => db.deserialize(bytes)), attempt(() => c.get()), attempt(() => c.sourceSQL));
      return out;
    },
  },
  {
    name: 'deserialize: garbage bytes',
    run: (sqlite, ctx) => {
      const small = ctx.open();
      const page = ctx.open();
      return attemptAll(
        () => small.deserialize(new Uint8Array(100).fill(7)),
        () => small.prepare('SELECT 1').get(),
        () => small.exec('CREATE TABLE t(a)'),
        () => small.deserialize(filled(sqlite)),
        () => page.deserialize(new Uint8Array(4096).fill(7)),
        () => page.prepare('SELECT name FROM sqlite_master').all(),
        () => small.isOpen,
      );
    },
  },
  {
    name: 'deserialize: a private, growable copy of the buffer',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      const source = new Uint8Array(filled(sqlite));
      db.deserialize(source);
      source.fill(0);
      db.exec("INSERT INTO t VALUES (3, 'three')");
      db.exec('CREATE TABLE big(x); INSERT INTO big SELECT randomblob(1000) FROM generate_series(1, 50)');
      return [
        db.prepare('SELECT a FROM t ORDER BY a').all(),
        db.prepare('SELECT count(*) AS n FROM big').get(),
        db.serialize().length > source.length,
        db.location(),
      ];
    },
  },
  {
    name: 'deserialize: into an attached database, inside a transaction, into a read-only database',
    run: (sqlite, ctx) => {
      const bytes = filled(sqlite);
      const db = ctx.open();
      db.exec("ATTACH ':memory:' AS aux");
      const ro = ctx.open(':memory:', { readOnly: true });
      const tx = ctx.open();
      tx.exec('BEGIN');
      return attemptAll(
        () => db.deserialize(bytes, { dbName: 'aux' }),
        () => db.prepare('SELECT count(*) AS n FROM aux.t').get(),
        () => db.prepare("SELECT count(*) AS n FROM main.sqlite_master WHERE name = 't'").get(),
        () => tx.deserialize(bytes),
        () => tx.isTransaction,
        () => ro.deserialize(bytes),
        () => ro.exec("INSERT INTO t VALUES (9, 'nine')"),
        () => ro.prepare('SELECT count(*) AS n FROM t').get(),
      );
    },
  },
  {
    name: 'deserialize: closed database, checked before the arguments',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      db.close();
      return attemptAll(() => db.deserialize(), () => db.deserialize(filled(sqlite)));
    },
  },

  // ---- enableDefensive ----
  {
    name: 'enableDefensive: validation and closed database',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      const out = attemptAll(
        () => db.enableDefensive(),
        () => db.enableDefensive(1),
        () => db.enableDefensive('true'),
        () => db.enableDefensive(null),
        () => db.enableDefensive(true, 'extra'),
        () => db.enableDefensive(false),
      );
      db.close();
      out.push(attempt(() => db.enableDefensive(true)), attempt(() => db.enableDefensive(1)));
      return out;
    },
  },
  {
    name: 'enableDefensive: blocks writable_schema writes when on',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      db.exec('CREATE TABLE x(a)');
      return attemptAll(
        () => db.exec(WRITE_SCHEMA),
        () => db.enableDefensive(false),
        () => db.exec(WRITE_SCHEMA),
        () => db.exec('PRAGMA writable_schema = 0'),
        () => db.enableDefensive(true),
        () => db.exec(WRITE_SCHEMA),
      );
    },
  },
  {
    name: 'enableDefensive: the setting survives close() and open()',
    run: (sqlite, ctx) => {
      const off = ctx.open(':memory:', { defensive: false });
      off.enableDefensive(true);
      off.close();
      off.open();
      const on = ctx.open();
      on.enableDefensive(false);
      on.close();
      on.open();
      return attemptAll(
        () => off.exec('CREATE TABLE x(a);' + WRITE_SCHEMA),
        () => on.exec('CREATE TABLE x(a);' + WRITE_SCHEMA),
      );
    },
  },

  // ---- enableLoadExtension / loadExtension ----
  {
    name: 'loadExtension: checks in order',
    run: (sqlite, ctx) => {
      const plain = ctx.open();
      const allowed = ctx.open(':memory:', { allowExtension: true });
      const closed = ctx.open(':memory:', { allowExtension: true });
      closed.close();
      return attemptAll(
        () => closed.loadExtension(1),
        () => closed.enableLoadExtension(1),
        () => plain.loadExtension(1),
        () => plain.loadExtension(),
        () => allowed.loadExtension(),
        () => allowed.loadExtension(1),
        () => allowed.loadExtension(Buffer.from('x')),
        () => allowed.loadExtension(ctx.tmp('missing')),
        () => allowed.loadExtension(ctx.tmp('missing'), 'entry'),
        () => allowed.loadExtension(ctx.tmp('missing'), 1),
        () => allowed.enableLoadExtension(),
        () => allowed.enableLoadExtension('yes'),
        () => plain.enableLoadExtension(true),
        () => plain.enableLoadExtension(false),
        () => plain.enableLoadExtension(false, 'extra'),
      );
    },
  },
  {
    name: 'loadExtension: a compiled extension, entry points, a failing init',
    run: (sqlite, ctx) => {
      const library = buildExtension(ctx.dir);
      const db = ctx.open(':memory:', { allowExtension: true });
      const plain = ctx.open();
      return attemptAll(
        () => plain.loadExtension(library),
        () => db.prepare('SELECT strand_ext_answer() AS v').get(),
        () => db.loadExtension(library),
        () => db.prepare('SELECT strand_ext_answer() AS v').get(),
        () => db.loadExtension(library, 'strand_custom_init'),
        () => db.prepare('SELECT strand_ext_custom() AS v').get(),
        () => db.loadExtension(library, undefined),
        () => db.loadExtension(library, null),
        () => db.loadExtension(library, 'strand_failing_init'),
        () => db.loadExtension(library, 'no_such_entry'),
        () => db.prepare(`SELECT load_extension('${library}') AS v`).get(),
        () => db.enableLoadExtension(false),
        () => db.loadExtension(library),
        () => db.prepare('SELECT strand_ext_answer() AS v').get(),
        () => db.enableLoadExtension(true),
        () => db.loadExtension(library, 'strand_custom_init'),
      );
    },
  },
  {
    name: 'enableLoadExtension: the setting survives close() and open()',
    run: (sqlite, ctx) => {
      const library = buildExtension(ctx.dir);
      const off = ctx.open(':memory:', { allowExtension: true });
      off.enableLoadExtension(false);
      off.close();
      off.open();
      const on = ctx.open(':memory:', { allowExtension: true });
      on.close();
      on.open();
      return attemptAll(
        () => off.loadExtension(library),
        () => on.loadExtension(library),
        () => on.prepare('SELECT strand_ext_answer() AS v').get(),
      );
    },
  },

  // ---- setAuthorizer ----
  {
    name: 'setAuthorizer: validation and closed database',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      const out = attemptAll(
        () => db.setAuthorizer(),
        () => db.setAuthorizer(undefined),
        () => db.setAuthorizer(1),
        () => db.setAuthorizer({}),
        () => db.setAuthorizer(null),
        () => db.setAuthorizer(() => 0, 'extra'),
        () => db.setAuthorizer(null),
      );
      db.close();
      out.push(...attemptAll(() => db.setAuthorizer(() => 0), () => db.setAuthorizer(null), () => db.setAuthorizer(1)));
      return out;
    },
  },
  {
    name: 'setAuthorizer: callback arguments',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      const calls = [];
      db.setAuthorizer((...args) => {
        calls.push(args);
        return sqlite.constants.SQLITE_OK;
      });
      db.exec(
        'CREATE TABLE t(a); INSERT INTO t VALUES (1); CREATE VIEW v AS SELECT a FROM t;' +
          'CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END;',
      );
      const rows = db.prepare('SELECT * FROM v').all();
      db.exec(
        "CREATE TEMP TABLE x(a); CREATE TEMP TRIGGER trg AFTER INSERT ON x BEGIN SELECT 1; END; ATTACH ':memory:' AS aux;" +
          'INSERT INTO x VALUES (1); PRAGMA user_version; SELECT abs(1); BEGIN; SAVEPOINT s; RELEASE s; COMMIT;' +
          'DELETE FROM t; UPDATE t SET a = 2; DROP VIEW v; CREATE INDEX i ON t(a); ANALYZE; REINDEX; DETACH aux;' +
          'ALTER TABLE t ADD COLUMN b; WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 2) SELECT * FROM c',
      );
      return { rows, calls };
    },
  },
  {
    name: 'setAuthorizer: this inside the callback',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      const seen = [];
      db.setAuthorizer(function () {
        seen.push(this === globalThis);
        return 0;
      });
      db.prepare('SELECT 1');
      db.setAuthorizer(function () {
        'use strict';
        seen.push(this === undefined);
        return 0;
      });
      db.prepare('SELECT 1');
      return seen;
    },
  },
  {
    name: 'setAuthorizer: return values',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      db.exec('CREATE TABLE t(a); INSERT INTO t VALUES (1)');
      const values = [undefined, null, '0', 0.5, -0, 3, -1, 1n, true, {}, 2 ** 31, NaN, 0, 1, 2, 2.0];
      return values.map((value) => {
        db.setAuthorizer(() => value);
        const outcome = attempt(() => db.prepare('SELECT a FROM t').all());
        db.setAuthorizer(null);
        return outcome;
      });
    },
  },
  {
    name: 'setAuthorizer: SQLITE_IGNORE on a column read gives null, SQLITE_DENY fails',
    run: (sqlite, ctx) => {
      const { SQLITE_READ, SQLITE_IGNORE, SQLITE_DENY, SQLITE_OK, SQLITE_INSERT } = sqlite.constants;
      const db = ctx.open();
      db.exec('CREATE TABLE t(a, b); INSERT INTO t VALUES (1, 2)');
      db.setAuthorizer((code, table, column) => (code === SQLITE_READ && column === 'b' ? SQLITE_IGNORE : SQLITE_OK));
      const ignored = db.prepare('SELECT a, b FROM t').all();
      db.setAuthorizer((code) => (code === SQLITE_INSERT ? SQLITE_DENY : SQLITE_OK));
      return [ignored, attempt(() => db.exec('INSERT INTO t VALUES (3, 4)')), attempt(() => db.prepare('SELECT * FROM t').all())];
    },
  },
  {
    name: 'setAuthorizer: a throwing callback propagates its own error',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      db.exec('CREATE TABLE t(a)');
      const error = new RangeError('boom');
      db.setAuthorizer(() => {
        throw error;
      });
      const same = (fn) => {
        try {
          fn();
          return 'no throw';
        } catch (e) {
          return e === error;
        }
      };
      const out = [same(() => db.prepare('SELECT a FROM t')), same(() => db.exec('SELECT 1')), attempt(() => db.exec('SELECT 1'))];
      db.setAuthorizer(() => {
        throw 42;
      });
      out.push(attempt(() => db.exec('SELECT 1')));
      db.setAuthorizer(null);
      out.push(attempt(() => db.prepare('SELECT a FROM t').all()), db.isOpen);
      return out;
    },
  },
  {
    name: 'setAuthorizer: runs again when a statement is re-prepared',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      db.exec('CREATE TABLE t(a); INSERT INTO t VALUES (1)');
      const stmt = db.prepare('SELECT * FROM t');
      db.exec('ALTER TABLE t ADD COLUMN b');
      db.setAuthorizer(() => {
        throw new Error('during step');
      });
      const out = [attempt(() => stmt.all())];
      db.setAuthorizer(() => 1);
      out.push(attempt(() => stmt.all()), attempt(() => stmt.get()), attempt(() => stmt.iterate().next()));
      // The failed iteration left its error in the statement: the next call's reset throws it
      // once more, then the statement runs again.
      db.setAuthorizer(null);
      out.push(attempt(() => stmt.all()), attempt(() => stmt.all()));
      return out;
    },
  },
  {
    name: 'setAuthorizer: survives close()/open() and deserialize(); null removes it',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      let calls = 0;
      db.setAuthorizer(() => {
        calls++;
        return 0;
      });
      db.close();
      db.open();
      db.prepare('SELECT 1');
      const afterReopen = calls;
      db.deserialize(filled(sqlite));
      calls = 0;
      db.prepare('SELECT 1');
      const afterDeserialize = calls;
      db.setAuthorizer(null);
      calls = 0;
      db.prepare('SELECT 1');
      return { afterReopen, afterDeserialize, afterNull: calls };
    },
  },
  {
    name: 'setAuthorizer: using the database from inside the callback',
    run: (sqlite, ctx) => {
      const db = ctx.open(':memory:', { allowExtension: true });
      db.exec('CREATE TABLE t(a); INSERT INTO t VALUES (1)');
      const stmt = db.prepare('SELECT a FROM t');
      const iterating = db.prepare('SELECT a FROM t').iterate();
      iterating.next();
      const bytes = db.serialize();
      const ops = {
        close: () => db.close(),
        exec: () => db.exec('SELECT 1'),
        prepare: () => db.prepare('SELECT 1'),
        location: () => db.location(),
        isOpen: () => db.isOpen,
        isTransaction: () => db.isTransaction,
        readLimit: () => db.limits.length,
        setLimit: () => {
          db.limits.length = 100;
        },
        serialize: () => db.serialize().length,
        deserialize: () => db.deserialize(bytes),
        deserializeBadArgs: () => db.deserialize(1),
        enableDefensive: () => db.enableDefensive(true),
        enableDefensiveBadArgs: () => db.enableDefensive(1),
        enableLoadExtension: () => db.enableLoadExtension(true),
        loadExtension: () => db.loadExtension(ctx.tmp('missing')),
        setAuthorizer: () => db.setAuthorizer(null),
        setAuthorizerBadArgs: () => db.setAuthorizer(1),
        open: () => db.open(),
        all: () => stmt.all(),
        get: () => stmt.get(),
        run: () => stmt.run(),
        iterate: () => stmt.iterate(),
        iteratorNext: () => iterating.next(),
        columns: () => stmt.columns().length,
        stat: () => stmt.stat('run'),
        resetStats: () => stmt.resetStats(),
        setReadBigInts: () => stmt.setReadBigInts(true),
        sourceSQL: () => stmt.sourceSQL,
        expandedSQL: () => stmt.expandedSQL,
        dispose: () => db[Symbol.dispose](),
      };
      const out = {};
      for (const [name, use] of Object.entries(ops)) {
        out[name] = fromAuthorizer(db, use);
      }
      out.isOpenAfter = db.isOpen;
      out.statementClose = fromAuthorizer(db, () => stmt.close());
      return out;
    },
  },
  {
    name: 'setAuthorizer: closing statements from inside the callback',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      db.exec('CREATE TABLE t(a); INSERT INTO t VALUES (1), (2)');
      const self = db.prepare('SELECT * FROM t');
      db.exec('ALTER TABLE t ADD COLUMN b');
      let selfClose;
      db.setAuthorizer(() => {
        if (selfClose === undefined) selfClose = attempt(() => self.close());
        return 0;
      });
      const rows = attempt(() => self.all());
      db.setAuthorizer(null);
      const busy = db.prepare('SELECT a FROM t');
      const iterator = busy.iterate();
      iterator.next();
      const idle = db.prepare('SELECT a FROM t');
      const busyClose = fromAuthorizer(db, () => busy.close());
      const afterBusy = attempt(() => iterator.next());
      const idleClose = fromAuthorizer(db, () => idle.close());
      return { selfClose, rows, selfAfter: attempt(() => self.all()), busyClose, afterBusy, idleClose, idleAfter: attempt(() => idle.all()) };
    },
  },
  {
    name: 'setAuthorizer: serialize and deserialize under throwing, denying and ignoring callbacks',
    run: (sqlite, ctx) => {
      const callbacks = {
        throws: () => {
          throw new Error('x');
        },
        denies: () => 1,
        ignores: () => 2,
        invalid: () => 'z',
      };
      const out = {};
      for (const [name, callback] of Object.entries(callbacks)) {
        const db = ctx.open();
        db.exec('CREATE TABLE t(a)');
        db.setAuthorizer(callback);
        out[name] = attemptAll(
          () => db.serialize().length,
          () => db.exec('SELECT 1'),
          () => db.deserialize(filled(sqlite)),
          () => db.serialize().length,
        );
      }
      const logged = ctx.open();
      const calls = [];
      logged.setAuthorizer((...args) => {
        calls.push(args);
        return 0;
      });
      logged.serialize();
      logged.deserialize(filled(sqlite));
      logged.serialize();
      out.calls = calls;
      return out;
    },
  },

  // ---- stat / resetStats ----
  {
    name: 'stat: validation and finalized statements',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      const stmt = db.prepare('SELECT 1');
      const out = attemptAll(
        () => stmt.stat(),
        () => stmt.stat(1),
        () => stmt.stat(null),
        () => stmt.stat({}),
        () => stmt.stat('nope'),
        () => stmt.stat('VMSTEP'),
        () => stmt.stat('run', 'extra'),
        () => stmt.resetStats('extra'),
      );
      stmt.close();
      out.push(...attemptAll(() => stmt.stat('run'), () => stmt.stat(1), () => stmt.resetStats()));
      const other = db.prepare('SELECT 1');
      db.close();
      out.push(...attemptAll(() => other.stat('run'), () => other.resetStats()));
      return out;
    },
  },
  {
    name: 'stat: counters after running statements',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      db.exec('CREATE TABLE data(key INTEGER PRIMARY KEY, val TEXT) STRICT');
      const insert = db.prepare('INSERT INTO data (key, val) VALUES (?, ?)');
      for (let i = 1; i <= 10; i++) insert.run(i, `val-${i}`);
      const scan = db.prepare('SELECT * FROM data WHERE val = ? ORDER BY val');
      const fresh = ['fullscanStep', 'sort', 'autoindex', 'vmStep', 'reprepare', 'run', 'filterMiss', 'filterHit'].map(
        (c) => [c, scan.stat(c)],
      );
      scan.all('val-5');
      scan.all('val-6');
      const indexed = db.prepare('SELECT * FROM data WHERE key = ?');
      indexed.all(5);
      return {
        fresh,
        insertRuns: insert.stat('run'),
        scanRuns: scan.stat('run'),
        scanFullscan: scan.stat('fullscanStep') > 0,
        scanVmStep: scan.stat('vmStep') > 0,
        scanMemused: scan.stat('memused') > 0,
        scanSort: scan.stat('sort'),
        indexedFullscan: indexed.stat('fullscanStep'),
        types: ['fullscanStep', 'sort', 'autoindex', 'vmStep', 'reprepare', 'run', 'filterMiss', 'filterHit', 'memused'].map(
          (c) => typeof indexed.stat(c),
        ),
      };
    },
  },
  {
    name: 'resetStats: zeroes the counters but memused; counting resumes',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      db.exec('CREATE TABLE t(a); INSERT INTO t VALUES (3), (1), (2)');
      const stmt = db.prepare('SELECT * FROM t WHERE a > 0 ORDER BY a');
      stmt.all();
      const before = [stmt.stat('run'), stmt.stat('vmStep') > 0, stmt.stat('fullscanStep') > 0, stmt.stat('sort')];
      const memused = stmt.stat('memused');
      const reset = stmt.resetStats();
      const after = [stmt.stat('run'), stmt.stat('vmStep'), stmt.stat('fullscanStep'), stmt.stat('sort')];
      const sameMemused = stmt.stat('memused') === memused;
      stmt.all();
      return { before, reset, after, sameMemused, again: stmt.stat('run') };
    },
  },
  {
    name: 'resetStats: column names stay right across re-prepares',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      db.exec('CREATE TABLE data(a); INSERT INTO data VALUES (1)');
      const stmt = db.prepare('SELECT * FROM data');
      db.exec('ALTER TABLE data RENAME COLUMN a TO b');
      const first = [...stmt.iterate()];
      stmt.resetStats();
      db.exec('ALTER TABLE data RENAME COLUMN b TO c');
      const second = [...stmt.iterate()];
      const all = stmt.all();
      stmt.resetStats();
      db.exec("ALTER TABLE data ADD COLUMN d DEFAULT 'dd'");
      return { first, second, all, grown: stmt.all(), reprepares: stmt.stat('reprepare') };
    },
  },
];
