// Query-diagnostics scenarios: what node:sqlite (Node 26) publishes on diagnostics_channel
// 'sqlite.db.query', for which calls, and when relative to their results. Each scenario is
// { name, run(t) } (t: harness.mjs); its log is recorded from Node 26 into
// ../golden/diagnostics.json by record.mjs, and replayed on our DatabaseSync by
// test/sync/diagnostics.test.mjs.
//
// The subscriber is synchronous and runs inside the call: marks made with t.mark() before and
// after a call show where each message lands.

const setup = (t, tag = 'db') => {
  const db = t.open(tag);
  db.exec('CREATE TABLE t(a INTEGER PRIMARY KEY, b); INSERT INTO t VALUES (1, 10), (2, 20), (3, 30)');
  return db;
};

export const scenarios = [
  // --- the message --------------------------------------------------------------------------
  {
    name: 'message: one null-prototype object, shared by every subscriber and mutable',
    run(t) {
      const db = t.open();
      const seen = [];
      const first = (m) => {
        seen.push(m);
        m.sql = `changed: ${m.sql}`;
        m.extra = 1;
      };
      const second = (m) => seen.push(m);
      t.dc.subscribe('sqlite.db.query', first);
      t.dc.subscribe('sqlite.db.query', second);
      db.prepare('SELECT 1').get();
      t.dc.unsubscribe('sqlite.db.query', first);
      t.dc.unsubscribe('sqlite.db.query', second);
      const [message, other] = seen;
      const descriptors = Object.fromEntries(
        Object.entries(Object.getOwnPropertyDescriptors(message)).map(([k, d]) => [k, { writable: d.writable, enumerable: d.enumerable, configurable: d.configurable, type: typeof d.value }]),
      );
      t.mark(`messages: ${seen.length}, same object: ${message === other}, prototype: ${Object.getPrototypeOf(message)}`);
      t.mark(`second subscriber saw: ${other.sql} extra=${other.extra}`);
      t.mark(`frozen: ${Object.isFrozen(message)}, extensible: ${Object.isExtensible(message)}, database is the DatabaseSync: ${message.database === db}`);
      t.mark(`descriptors: ${JSON.stringify(descriptors)}`);
    },
  },
  {
    name: 'message: duration is SQLite profile time in nanoseconds (whole milliseconds)',
    run(t) {
      t.subscribe();
      const db = t.open();
      db.prepare('WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 300000) SELECT count(*) AS n FROM c').get();
    },
  },
  {
    name: 'channel: no other sqlite channel is used',
    run(t) {
      const names = [
        'tracing:sqlite.db.query:start',
        'tracing:sqlite.db.query:end',
        'tracing:sqlite.db.query:asyncStart',
        'tracing:sqlite.db.query:asyncEnd',
        'tracing:sqlite.db.query:error',
        'tracing:sqlite.query:start',
        'tracing:node:sqlite:start',
        'sqlite.db.open',
        'sqlite.db.close',
        'sqlite.db.prepare',
        'sqlite.db.exec',
        'sqlite.db.error',
        'sqlite.query',
        'sqlite.statement.run',
        'node:sqlite',
      ];
      for (const name of names) t.subscribe(undefined, name);
      const db = t.open();
      db.exec('CREATE TABLE x(a)');
      db.prepare('INSERT INTO x VALUES (?)').run(1);
      db.prepare('SELECT * FROM x').all();
      try {
        db.exec('SELECT * FROM nope');
      } catch {}
      db.close();
      t.mark('done');
    },
  },
  {
    name: 'channel: nothing before the first subscriber; dc.channel().subscribe works too',
    run(t) {
      const db = t.open();
      db.exec('CREATE TABLE x(a)');
      db.prepare('SELECT 1').get();
      t.mark('subscribe via channel object');
      const channel = t.dc.channel('sqlite.db.query');
      const fn = (m) => t.mark(`channel subscriber: ${m.sql}`);
      channel.subscribe(fn);
      db.prepare('SELECT 2').get();
      channel.unsubscribe(fn);
      t.mark('unsubscribed');
      db.prepare('SELECT 3').get();
    },
  },

  // --- exec -----------------------------------------------------------------------------------
  {
    name: 'exec: one message per statement, with its own text (trailing semicolon included)',
    run(t) {
      const db = t.open();
      t.subscribe();
      t.mark('exec');
      db.exec('CREATE TABLE x(a); BEGIN; INSERT INTO x VALUES (1);\nINSERT INTO x VALUES (2) ; COMMIT; -- done\n SELECT 1');
      t.mark('returned');
    },
  },
  {
    name: 'exec: empty and comment-only SQL publish nothing',
    run(t) {
      const db = t.open();
      t.subscribe();
      db.exec('');
      db.exec('  -- nothing\n ;; ');
      t.mark('done');
    },
  },
  {
    name: 'exec: a statement that fails to compile is not published, earlier ones are',
    run(t) {
      const db = t.open();
      t.subscribe();
      t.call('exec', () => db.exec('SELECT 1; SELEC 2; SELECT 3'));
      t.call('exec', () => db.exec('SELECT 1; SELECT * FROM nope; SELECT 3'));
    },
  },
  {
    name: 'exec: a statement that fails while running is published before the throw',
    run(t) {
      const db = setup(t);
      t.subscribe();
      t.call('exec', () => db.exec('INSERT INTO t VALUES (4, 40); INSERT INTO t VALUES (1, 0); INSERT INTO t VALUES (5, 50)'));
      t.call('count', () => db.prepare('SELECT count(*) AS n FROM t').get());
    },
  },
  {
    name: 'exec: the subscriber of each statement runs before the next statement',
    run(t) {
      const db = setup(t);
      t.subscribe(() => t.mark(`rows now ${db.prepare('SELECT count(*) AS n FROM t').get().n}`));
      db.exec('INSERT INTO t VALUES (4, 40); INSERT INTO t VALUES (5, 50)');
    },
  },
  {
    name: 'exec: DDL, PRAGMA, VACUUM, ALTER, ATTACH and DETACH',
    run(t) {
      const db = setup(t);
      t.subscribe();
      db.exec('PRAGMA user_version = 3');
      db.exec('ALTER TABLE t ADD COLUMN c');
      db.exec('CREATE INDEX ti ON t(b)');
      db.exec('VACUUM');
      db.exec(`ATTACH ':memory:' AS aux`);
      db.exec('CREATE TABLE aux.y(a)');
      db.exec('DETACH aux');
      db.exec('DROP INDEX ti');
    },
  },
  {
    name: 'exec: transactions, and isTransaction inside the subscriber',
    run(t) {
      const db = setup(t);
      t.subscribe(() => t.mark(`isTransaction ${db.isTransaction}`));
      db.exec('BEGIN');
      db.exec('UPDATE t SET b = 0');
      db.exec('ROLLBACK');
      db.exec('BEGIN IMMEDIATE; SAVEPOINT s; RELEASE s; COMMIT');
    },
  },

  // --- statements -----------------------------------------------------------------------------
  {
    name: 'prepare and statement accessors publish nothing',
    run(t) {
      const db = setup(t);
      t.subscribe();
      const s = db.prepare('SELECT * FROM t WHERE a = ?');
      s.columns();
      t.mark(`${s.sourceSQL} | ${s.expandedSQL}`);
      s.setReadBigInts(true);
      s.stat('vmStep');
      t.call('prepare error', () => db.prepare('SELECT nope'));
      t.mark('done');
    },
  },
  {
    name: 'get: published before it returns, with and without a row',
    run(t) {
      const db = setup(t);
      t.subscribe();
      const s = db.prepare('SELECT b FROM t WHERE a = ?');
      t.call('get 2', () => s.get(2));
      t.call('get 9', () => s.get(9));
      t.call('get none', () => db.prepare('SELECT 1 WHERE 0').get());
    },
  },
  {
    name: 'all and run: published before they return',
    run(t) {
      const db = setup(t);
      t.subscribe();
      t.call('all', () => db.prepare('SELECT a FROM t WHERE a > ?').all(1));
      t.call('all empty', () => db.prepare('SELECT a FROM t WHERE a > ?').all(5));
      t.call('run', () => db.prepare('INSERT INTO t VALUES (?, ?)').run(4, 'x'));
      t.call('run select', () => db.prepare('SELECT * FROM t').run());
      t.call('run ddl', () => db.prepare('CREATE TABLE y(a)').run());
    },
  },
  {
    name: 'sql: bound values are expanded (numbers as REAL, like expandedSQL)',
    run(t) {
      const db = t.open();
      t.subscribe();
      const s = db.prepare('SELECT ? AS a, ? AS b, ? AS c, ? AS d, ? AS e, ? AS f, ? AS g, ? AS h');
      s.get(1, 2.5, -0, 2 ** 60, 4611686018427n, "it's", new Uint8Array([1, 255]), null);
      s.get(undefined, 1e300, -1e-300, Number.MAX_SAFE_INTEGER, -5n, '', new Uint8Array(0), 'é\u0000x');
      const named = db.prepare('SELECT $a, :b, @c');
      named.get({ $a: 1, ':b': 'two', '@c': 3n });
      named.get({ a: 'bare', b: 2, c: null });
      const numbered = db.prepare('SELECT ?2, ?1, ?');
      numbered.get(1, 2, 3);
      t.call('boolean', () => db.prepare('SELECT ?').get(true));
    },
  },
  {
    name: 'sql: text too long to expand is published as the source SQL',
    run(t) {
      const db = t.open();
      db.limits.length = 60;
      t.subscribe();
      const s = db.prepare('SELECT ? AS v');
      t.call('short', () => s.get('x'));
      t.call('long', () => s.get('y'.repeat(55)));
      t.call('expandedSQL', () => s.expandedSQL);
    },
  },
  {
    name: 'binding errors: nothing is published',
    run(t) {
      const db = setup(t);
      t.subscribe();
      const s = db.prepare('SELECT * FROM t WHERE a = $a');
      t.call('unknown name', () => s.get({ nope: 1 }));
      t.call('bad type', () => s.get({ $a: {} }));
      t.call('too many', () => db.prepare('SELECT ?').get(1, 2));
      t.call('bigint too large', () => db.prepare('SELECT ?').get(2n ** 64n));
      t.call('ok', () => s.get({ $a: 1 }));
    },
  },
  {
    name: 'errors while running: published before the throw',
    run(t) {
      const db = setup(t);
      t.subscribe();
      t.call('constraint', () => db.prepare('INSERT INTO t VALUES (1, 0)').run());
      t.call('overflow get', () => db.prepare('SELECT abs(-9223372036854775808)').get());
      t.call('overflow all', () => db.prepare('SELECT a, abs(-9223372036854775808) FROM t').all());
      t.call('not null', () => db.prepare('INSERT INTO t VALUES (NULL, 1), (1, 1)').run());
    },
  },
  {
    name: 'a row that cannot be converted (integer beyond 2^53): the call still throws',
    run(t) {
      const db = t.open();
      t.call('without subscriber', () => db.prepare('SELECT 1 AS a, ? AS e').get(1234567890123456789n));
      t.subscribe();
      t.call('get', () => db.prepare('SELECT 1 AS a, ? AS e').get(1234567890123456789n));
      t.call('all', () => db.prepare('SELECT 1 AS a, ? AS e').all(1234567890123456789n));
      const it = db.prepare('SELECT 1 AS a, ? AS e').iterate(1234567890123456789n);
      t.call('next', () => it.next());
      t.call('next', () => it.next());
    },
  },
  {
    name: 'run: changes and lastInsertRowid are read after the subscriber ran',
    run(t) {
      const db = setup(t);
      const other = db.prepare('INSERT INTO t(b) VALUES (1000)');
      t.subscribe((m) => {
        if (m.sql.includes('555')) {
          other.run();
          other.run();
        }
      });
      t.call('run', () => db.prepare('INSERT INTO t(b) VALUES (555)').run());
      t.call('rows', () => db.prepare('SELECT a, b FROM t WHERE a > 3 ORDER BY a').all());
    },
  },
  {
    name: 'statement options do not change what is published',
    run(t) {
      const db = t.open('db', ':memory:');
      t.subscribe();
      const s = db.prepare('SELECT ? AS v', { readBigInts: true, returnArrays: true });
      t.call('get', () => s.get(7));
      const p = db.prepare('SELECT $v AS v', { allowBareNamedParameters: false, allowUnknownNamedParameters: true });
      t.call('get', () => p.get({ $v: 1, other: 2 }));
    },
  },
  {
    name: 'tag store: get, all, run and iterate publish like statements',
    run(t) {
      const db = setup(t);
      const sql = db.createTagStore();
      t.subscribe();
      t.call('get', () => sql.get`SELECT b FROM t WHERE a = ${1}`);
      t.call('all', () => sql.all`SELECT a FROM t WHERE a > ${1}`);
      t.call('run', () => sql.run`UPDATE t SET b = ${'z'} WHERE a = ${3}`);
      for (const row of sql.iterate`SELECT a FROM t WHERE a < ${3}`) t.mark(`row ${row.a}`);
      t.call('get again (cached)', () => sql.get`SELECT b FROM t WHERE a = ${2}`);
    },
  },

  // --- iterate --------------------------------------------------------------------------------
  {
    name: 'iterate: published by the next() that finds the end',
    run(t) {
      const db = setup(t);
      t.subscribe();
      const it = db.prepare('SELECT a FROM t WHERE a >= ?').iterate(2);
      t.mark('iterate() returned');
      t.call('next', () => it.next());
      t.call('next', () => it.next());
      t.call('next', () => it.next());
      t.call('next after end', () => it.next());
      t.call('empty', () => db.prepare('SELECT 1 WHERE 0').iterate().next());
    },
  },
  {
    name: 'iterate: return() publishes an unfinished iteration; a second return() nothing',
    run(t) {
      const db = setup(t);
      t.subscribe();
      const it = db.prepare('SELECT a FROM t').iterate();
      t.call('next', () => it.next());
      t.call('return', () => it.return());
      t.call('return again', () => it.return());
      const unstarted = db.prepare('SELECT a FROM t').iterate();
      t.call('return before next', () => unstarted.return());
      for (const row of db.prepare('SELECT a FROM t').iterate()) {
        t.mark(`row ${row.a}, break`);
        break;
      }
      t.mark('after break');
    },
  },
  {
    name: 'iterate: running the statement again publishes the unfinished iteration first',
    run(t) {
      const db = setup(t);
      t.subscribe();
      const s = db.prepare('SELECT a FROM t WHERE a >= ?');
      const it = s.iterate(1);
      it.next();
      t.call('get', () => s.get(3));
      t.call('old iterator', () => it.next());
      const it2 = s.iterate(1);
      it2.next();
      t.call('iterate again', () => s.iterate(2).next());
    },
  },
  {
    name: 'iterate: an error part-way is published before the throw',
    run(t) {
      const db = setup(t);
      t.subscribe();
      const it = db.prepare('SELECT a, CASE WHEN a = 2 THEN abs(-9223372036854775808) END AS x FROM t').iterate();
      t.call('next', () => it.next());
      t.call('next', () => it.next());
      t.call('next', () => it.next());
    },
  },
  {
    name: 'iterate: closing the statement or the database mid-iteration publishes nothing',
    run(t) {
      const db = setup(t);
      t.subscribe();
      const s = db.prepare('SELECT a FROM t');
      const it = s.iterate();
      it.next();
      t.call('stmt.close', () => s.close());
      const it2 = db.prepare('SELECT b FROM t').iterate();
      it2.next();
      t.call('db.close', () => db.close());
    },
  },
  {
    name: 'iterate: an unfinished iteration collected by the GC publishes nothing',
    async run(t) {
      const db = setup(t);
      t.subscribe();
      (() => {
        const it = db.prepare('SELECT a FROM t').iterate();
        it.next();
      })();
      t.gc();
      await t.settle();
      t.gc();
      t.mark('collected');
      db.prepare('SELECT 1').get();
    },
  },
  {
    name: 'iterate: subscribing after the first row is not enough; before it is',
    run(t) {
      const db = setup(t);
      const started = db.prepare('SELECT a FROM t').iterate();
      started.next();
      const created = db.prepare('SELECT b FROM t').iterate();
      t.subscribe();
      t.mark('subscribed');
      for (const row of started) t.mark(`started: row ${row.a}`);
      for (const row of created) t.mark(`created: row ${row.b}`);
    },
  },
  {
    name: 'iterate: unsubscribing before the end publishes nothing',
    run(t) {
      const db = setup(t);
      const subscriber = t.subscribe();
      const it = db.prepare('SELECT a FROM t').iterate();
      it.next();
      t.unsubscribe(subscriber);
      t.mark('unsubscribed');
      for (const row of it) t.mark(`row ${row.a}`);
      t.subscribe();
      db.prepare('SELECT 1').get();
    },
  },

  // --- statements SQLite runs for callbacks and internally ----------------------------------
  {
    name: 'a query inside a user function is published before the outer one',
    run(t) {
      const db = setup(t);
      db.function('lookup', (a) => db.prepare('SELECT b FROM t WHERE a = ?').get(a).b);
      t.subscribe();
      t.call('get', () => db.prepare('SELECT lookup(2) AS v').get());
      t.call('all', () => db.prepare('SELECT lookup(a) AS v FROM t WHERE a < 3').all());
    },
  },
  {
    name: 'a query inside an aggregate is published before the outer one',
    run(t) {
      const db = setup(t);
      db.aggregate('total', {
        start: 0,
        step: (acc, a) => acc + db.prepare('SELECT b FROM t WHERE a = ?').get(a).b,
      });
      t.subscribe();
      t.call('get', () => db.prepare('SELECT total(a) AS v FROM t').get());
    },
  },
  {
    name: 'a user function that throws: the caller still sees its error',
    run(t) {
      const db = t.open();
      db.function('bad', () => {
        throw new TypeError('from the function');
      });
      t.call('without subscriber', () => db.prepare('SELECT bad()').get());
      t.subscribe();
      t.call('get', () => db.prepare('SELECT bad()').get());
      t.call('exec', () => db.exec('SELECT bad()'));
    },
  },
  {
    name: 'virtual table rows() running a query',
    run(t) {
      const db = setup(t);
      if (typeof db.createModule !== 'function') {
        t.mark('no createModule');
        return;
      }
      db.createModule('numbers', {
        columns: [{ name: 'n', type: 'INTEGER' }],
        *rows() {
          const { n } = db.prepare('SELECT count(*) AS n FROM t').get();
          for (let i = 1; i <= n; i++) yield [i];
        },
      });
      t.subscribe();
      t.call('all', () => db.prepare('SELECT n FROM numbers').all());
    },
  },
  {
    name: 'session: changeset() and patchset() publish the statements SQLite runs for them',
    run(t) {
      const db = setup(t);
      t.subscribe();
      const session = db.createSession();
      t.mark('session created');
      db.exec('INSERT INTO t VALUES (4, 40)');
      db.prepare('UPDATE t SET b = 0 WHERE a = 1').run();
      t.mark('changeset');
      session.changeset();
      t.mark('patchset');
      session.patchset();
      session.close();
      t.mark('closed');
    },
  },
  {
    name: 'session: changeset() as the first call after subscribing',
    run(t) {
      const db = setup(t);
      const session = db.createSession();
      db.exec('INSERT INTO t VALUES (4, 40)');
      t.subscribe();
      t.call('changeset bytes', () => session.changeset().length > 0);
      t.call('patchset bytes', () => session.patchset().length > 0);
    },
  },
  {
    name: 'applyChangeset publishes its statements on the target database',
    run(t) {
      const source = setup(t, 'source');
      const target = setup(t, 'target');
      const session = source.createSession();
      source.exec('INSERT INTO t VALUES (4, 40); UPDATE t SET b = 0 WHERE a = 2; DELETE FROM t WHERE a = 3');
      const changes = session.changeset();
      t.subscribe();
      t.call('apply', () => target.applyChangeset(changes, { filter: () => true }));
      t.call('apply again (conflicts)', () => target.applyChangeset(changes, { onConflict: () => 2 }));
    },
  },
  {
    name: 'serialize and deserialize publish the statements SQLite runs for them',
    run(t) {
      const db = setup(t);
      const other = t.open('other');
      t.subscribe();
      const bytes = db.serialize();
      t.mark('serialized');
      other.deserialize(bytes);
      t.mark('deserialized');
      t.call('count', () => other.prepare('SELECT count(*) AS n FROM t').get());
    },
  },
  {
    name: 'backup() publishes nothing',
    async run(t) {
      const db = setup(t);
      t.subscribe();
      db.prepare('SELECT 1').get();
      await t.callAsync('backup', () => t.sqlite.backup(db, t.tmp('copy.db')));
      const file = t.open('file', t.tmp('source.db'));
      file.exec('CREATE TABLE x(a); INSERT INTO x VALUES (1)');
      await t.callAsync('backup of a file', () => t.sqlite.backup(file, t.tmp('copy2.db')));
      const copy = t.open('copy', t.tmp('copy.db'));
      t.call('count', () => copy.prepare('SELECT count(*) AS n FROM t').get());
    },
  },
  {
    name: 'database methods that run no statement publish nothing',
    run(t) {
      const db = setup(t);
      t.subscribe();
      db.prepare('SELECT 0').get();
      t.mark('subscribed and used');
      db.location();
      db.limits.length = 1000000;
      db.function('f', () => 1);
      db.aggregate('g', { start: 0, step: (a) => a });
      db.enableDefensive(true);
      db.setAuthorizer(() => 0);
      db.setAuthorizer(null);
      db.createTagStore();
      db.createSession().close();
      db.prepare('SELECT 1').columns();
      db.createModule('empty', { columns: [{ name: 'x', type: 'INTEGER' }], rows: () => [] });
      t.mark(`isOpen ${db.isOpen} isTransaction ${db.isTransaction}`);
      db.close();
      db.open();
      t.mark('reopened');
      db.prepare('SELECT 1').get();
    },
  },
  {
    name: 'a user function deserializes the database: refused while in a callback',
    run(t) {
      const db = setup(t);
      const bytes = db.serialize();
      db.function('reload', () => {
        try {
          db.deserialize(bytes);
          return 'deserialized';
        } catch (e) {
          return `${e.code}: ${e.message}`;
        }
      });
      t.subscribe();
      t.call('all', () => db.prepare('SELECT reload() AS r FROM t WHERE a < 3').all());
      t.call('count', () => db.prepare('SELECT count(*) AS n FROM t').get());
    },
  },
  {
    name: 'an authorizer does not change what is published',
    run(t) {
      const db = setup(t);
      const { SQLITE_OK, SQLITE_DENY } = t.sqlite.constants;
      db.setAuthorizer((action) => (action === t.sqlite.constants.SQLITE_DELETE ? SQLITE_DENY : SQLITE_OK));
      t.subscribe();
      t.call('select', () => db.prepare('SELECT count(*) AS n FROM t').get());
      t.call('denied', () => db.prepare('DELETE FROM t'));
    },
  },
  {
    name: 'database: the object the query ran on',
    run(t) {
      const a = setup(t, 'a');
      const b = setup(t, 'b');
      t.subscribe();
      a.prepare('SELECT 1').get();
      b.prepare('SELECT 2').get();
      a.exec('SELECT 3');
      b.createTagStore().get`SELECT ${4}`;
    },
  },

  // --- the subscriber ---------------------------------------------------------------------------
  {
    name: 'subscriber throws: the query succeeds, uncaughtException comes after the call',
    run(t) {
      const db = setup(t);
      t.subscribe(() => {
        throw new Error('subscriber failed');
      });
      const after = t.subscribe();
      t.call('get', () => db.prepare('SELECT b FROM t WHERE a = 1').get());
      t.unsubscribe(after);
      t.call('exec', () => db.exec('SELECT 1; SELECT 2'));
      t.mark('end of synchronous code');
    },
  },
  {
    name: 'subscriber throws during a failing query: the query error is thrown',
    run(t) {
      const db = t.open();
      t.subscribe(() => {
        throw new Error('subscriber failed');
      });
      t.call('get', () => db.prepare('SELECT abs(-9223372036854775808)').get());
    },
  },
  {
    name: 'subscriber runs other statements, before get()/all()/run() return',
    run(t) {
      const db = setup(t);
      const count = db.prepare('SELECT count(*) AS n FROM t');
      t.subscribe(() => t.mark(`inner ${JSON.stringify(count.get())} ${JSON.stringify(db.prepare('SELECT a FROM t WHERE a < 3').all())}`));
      t.call('get', () => db.prepare('SELECT b FROM t WHERE a = ?').get(2));
      t.call('all', () => db.prepare('SELECT b FROM t WHERE a > ?').all(1));
      t.call('run', () => db.prepare('UPDATE t SET b = ? WHERE a = 1').run('u'));
      const it = db.prepare('SELECT a FROM t').iterate();
      t.call('next', () => it.next());
      t.call('return', () => it.return());
    },
  },
  {
    name: 'subscriber uses a tag store and runs exec',
    run(t) {
      const db = setup(t);
      const sql = db.createTagStore();
      t.subscribe(() => {
        t.mark(`tag ${JSON.stringify(sql.get`SELECT count(*) AS n FROM t`)}`);
        db.exec('INSERT INTO t(b) VALUES (0)');
      });
      t.call('get', () => db.prepare('SELECT 1 AS one').get());
      t.call('count', () => db.prepare('SELECT count(*) AS n FROM t').get());
    },
  },
  {
    name: 'subscriber re-runs the statement being published: ERR_INVALID_STATE',
    run(t) {
      const db = setup(t);
      const s = db.prepare('SELECT a FROM t WHERE a >= ?');
      t.subscribe(() => s.get(3));
      t.call('get', () => s.get(2));
      t.call('all', () => s.all(2));
      for (const row of s.iterate(3)) t.mark(`row ${row.a}`);
      const ins = db.prepare('INSERT INTO t(b) VALUES (?)');
      t.unsubscribe();
      t.subscribe(() => ins.run('inner'));
      t.call('run', () => ins.run('outer'));
    },
  },
  {
    name: 'subscriber iterates with the iterator being published: ERR_INVALID_STATE',
    run(t) {
      const db = setup(t);
      let it;
      t.subscribe(() => t.call('inner next', () => it.next()));
      it = db.prepare('SELECT a FROM t').iterate();
      t.call('next', () => it.next());
      t.call('return', () => it.return());
      t.unsubscribe();
      t.subscribe(() => t.call('inner return', () => it.return()));
      it = db.prepare('SELECT a FROM t WHERE a > 2').iterate();
      t.call('next', () => it.next());
      t.call('next', () => it.next());
      t.call('next', () => it.next());
    },
  },
  {
    name: 'subscriber closes the statement being published: ERR_INVALID_STATE',
    run(t) {
      const db = setup(t);
      const s = db.prepare('SELECT a FROM t');
      t.subscribe(() => s.close());
      t.call('get', () => s.get());
      for (const row of s.iterate()) t.mark(`row ${row.a}`);
      t.call('get after', () => s.get());
    },
  },
  {
    name: 'subscriber closes another statement',
    run(t) {
      const db = setup(t);
      const other = db.prepare('SELECT 1');
      t.subscribe(() => other.close());
      t.call('get', () => db.prepare('SELECT a FROM t').get());
      t.call('other', () => other.get());
    },
  },
  {
    name: 'subscriber closes the database: refused while in a callback',
    run(t) {
      const db = setup(t);
      t.subscribe(() => db.close());
      t.call('get', () => db.prepare('SELECT a FROM t').get());
      t.call('exec', () => db.exec('SELECT 1; SELECT 2'));
      t.mark(`isOpen ${db.isOpen}`);
    },
  },
  {
    name: 'subscriber closes another database',
    run(t) {
      const db = setup(t);
      const other = setup(t, 'other');
      t.subscribe(() => other.close());
      t.call('get', () => db.prepare('SELECT a FROM t').get());
      t.mark(`other isOpen ${other.isOpen}`);
    },
  },
  {
    name: 'subscriber deserializes the database: refused while in a callback',
    run(t) {
      const db = setup(t);
      const bytes = db.serialize();
      t.subscribe(() => db.deserialize(bytes));
      t.call('get', () => db.prepare('SELECT a FROM t').get());
    },
  },
  {
    name: 'subscriber inside a user function closes the database: refused',
    run(t) {
      const db = setup(t);
      db.function('inner', () => db.prepare('SELECT 1 AS x').get().x);
      t.subscribe(() => db.close());
      t.call('get', () => db.prepare('SELECT inner() AS v').get());
      t.mark(`isOpen ${db.isOpen}`);
    },
  },
  {
    name: 'subscriber runs a query that fails',
    run(t) {
      const db = setup(t);
      t.subscribe(() => db.prepare('INSERT INTO t VALUES (1, 1)').run());
      t.call('get', () => db.prepare('SELECT b FROM t WHERE a = 1').get());
    },
  },
  {
    name: 'subscriber runs a query during a failing statement: the original error is thrown',
    run(t) {
      const db = setup(t);
      t.subscribe(() => db.prepare('SELECT 1').get());
      t.call('constraint', () => db.prepare('INSERT INTO t VALUES (1, 0)').run());
      t.call('overflow', () => db.prepare('SELECT abs(-9223372036854775808)').get());
      t.call('exec', () => db.exec('INSERT INTO t VALUES (2, 0)'));
    },
  },
  {
    name: 'subscriber reads the statement: sourceSQL and expandedSQL',
    run(t) {
      const db = setup(t);
      const s = db.prepare('SELECT b FROM t WHERE a = ?');
      t.subscribe(() => t.mark(`${s.sourceSQL} | ${s.expandedSQL}`));
      s.get(2);
    },
  },
  {
    name: 'subscriber changes the statement\'s settings during get() and all()',
    run(t) {
      const db = setup(t);
      const s = db.prepare('SELECT a, b FROM t WHERE a < 3');
      let arrays = false;
      t.subscribe(() => {
        arrays = !arrays;
        s.setReturnArrays(arrays);
        s.setReadBigInts(arrays);
      });
      t.call('get', () => s.get());
      t.call('get', () => s.get());
      t.call('all', () => s.all());
      t.call('all', () => s.all());
      t.call('run', () => s.run());
      t.call('run', () => s.run());
    },
  },
  {
    name: 'subscriber unsubscribes itself and subscribes another',
    run(t) {
      const db = setup(t);
      const first = t.subscribe(() => {
        t.unsubscribe(first);
        t.subscribe();
        t.mark('swapped');
      });
      db.exec('SELECT 1; SELECT 2');
      db.prepare('SELECT 3').get();
    },
  },
];
