// backup(sourceDb, path, options): argument checks (thrown synchronously), the resolved page
// count, the copy's content, progress reports, and SQLite errors (rejections).
import { attemptAll } from './_util.mjs';

// A source with 20 rows of 1000 bytes: 7 pages of 4096 bytes.
function filled(db) {
  db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB)');
  const ins = db.prepare('INSERT INTO t(v) VALUES (zeroblob(1000))');
  for (let i = 0; i < 20; i++) ins.run();
  return db;
}

// The copy's tables and row count, read through a fresh connection.
function contentOf(sqlite, path) {
  const copy = new sqlite.DatabaseSync(path);
  try {
    const names = copy.prepare("SELECT name FROM sqlite_schema ORDER BY name").all().map((r) => r.name);
    const rows = names.includes('t') ? copy.prepare('SELECT count(*) AS n, sum(length(v)) AS bytes FROM t').get() : null;
    return { names, rows };
  } finally {
    copy.close();
  }
}

const settle = (promise) => promise.then((value) => ({ resolved: value }), (error) => ({ rejected: error }));

export default [
  {
    name: 'backup: returns a promise of the page count; the copy has the content',
    run: async (sqlite, ctx) => {
      const db = filled(ctx.open());
      const dest = ctx.tmp('copy.db');
      const promise = sqlite.backup(db, dest);
      const isPromise = promise instanceof Promise;
      const pages = await promise;
      return { isPromise, pages, content: contentOf(sqlite, dest) };
    },
  },
  {
    name: 'backup: from a file database, options object empty',
    run: async (sqlite, ctx) => {
      const db = filled(ctx.open(ctx.tmp('src.db')));
      const dest = ctx.tmp('copy.db');
      const pages = await sqlite.backup(db, dest, {});
      return { pages, content: contentOf(sqlite, dest) };
    },
  },
  {
    name: 'backup: an empty in-memory database copies 0 pages',
    run: async (sqlite, ctx) => {
      const calls = [];
      const pages = await sqlite.backup(ctx.open(), ctx.tmp('copy.db'), { progress: (p) => calls.push(p) });
      return { pages, calls };
    },
  },
  {
    name: 'backup: progress calls with rate 1 (shape, receiver, every step but the last)',
    run: async (sqlite, ctx) => {
      const db = filled(ctx.open());
      const calls = [];
      const pages = await sqlite.backup(db, ctx.tmp('copy.db'), {
        rate: 1,
        progress(info) {
          calls.push({
            receiverIsNull: this === null,
            args: arguments.length,
            keys: Object.keys(info),
            protoIsObject: Object.getPrototypeOf(info) === Object.prototype,
            totalPages: info.totalPages,
            remainingPages: info.remainingPages,
          });
        },
      });
      return { pages, count: calls.length, calls };
    },
  },
  {
    name: 'backup: progress with rate 3 from a file database',
    run: async (sqlite, ctx) => {
      const db = filled(ctx.open(ctx.tmp('src.db')));
      const calls = [];
      const pages = await sqlite.backup(db, ctx.tmp('copy.db'), { rate: 3, progress: (p) => calls.push([p.totalPages, p.remainingPages]) });
      return { pages, calls };
    },
  },
  {
    name: 'backup: progress is not called when one step copies everything',
    run: async (sqlite, ctx) => {
      let calls = 0;
      const pages = await sqlite.backup(filled(ctx.open()), ctx.tmp('copy.db'), { progress: () => calls++ });
      return { pages, calls };
    },
  },
  {
    name: 'backup: a throwing progress rejects with its error and stops',
    run: async (sqlite, ctx) => {
      const db = filled(ctx.open());
      let calls = 0;
      const error = new TypeError('boom');
      const outcome = await settle(sqlite.backup(db, ctx.tmp('copy.db'), { rate: 2, progress: () => { calls++; throw error; } }));
      return { sameError: outcome.rejected === error, calls, outcome };
    },
  },
  {
    name: 'backup: progress throwing a non-error value',
    run: async (sqlite, ctx) => settle(sqlite.backup(filled(ctx.open()), ctx.tmp('copy.db'), { rate: 2, progress: () => { throw 42; } })),
  },
  {
    name: 'backup: progress return values are ignored',
    run: async (sqlite, ctx) => {
      let calls = 0;
      const pages = await sqlite.backup(filled(ctx.open()), ctx.tmp('copy.db'), { rate: 4, progress: () => { calls++; return false; } });
      return { pages, calls };
    },
  },
  {
    name: 'backup: options.rate validation',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      const dest = ctx.tmp('copy.db');
      return attemptAll(
        () => sqlite.backup(db, dest, { rate: '1' }),
        () => sqlite.backup(db, dest, { rate: 1.5 }),
        () => sqlite.backup(db, dest, { rate: 2 ** 31 }),
        () => sqlite.backup(db, dest, { rate: null }),
        () => sqlite.backup(db, dest, { rate: 1n }),
        () => sqlite.backup(db, dest, { rate: 0 }),
        () => sqlite.backup(db, dest, { rate: -1 }),
        () => sqlite.backup(db, dest, { rate: 0, source: 1 }),
        () => sqlite.backup(db, dest, { rate: NaN }),
      ).map((r) => (r.threw ? r : { value: typeof r.value }));
    },
  },
  {
    name: 'backup: path argument types',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      return attemptAll(
        () => sqlite.backup(db),
        () => sqlite.backup(db, 5),
        () => sqlite.backup(db, undefined),
        () => sqlite.backup(db, null),
        () => sqlite.backup(db, 'a\0b'),
        () => sqlite.backup(db, new URL('http://example.com/x.db')),
        () => sqlite.backup(db, {}),
      );
    },
  },
  {
    name: 'backup: path as Buffer and as file: URL',
    run: async (sqlite, ctx) => {
      const db = filled(ctx.open());
      const a = ctx.tmp('buffer.db');
      const b = ctx.tmp('url.db');
      const pages = [await sqlite.backup(db, Buffer.from(a)), await sqlite.backup(db, new URL(`file://${b}`))];
      return { pages, a: contentOf(sqlite, a).rows, b: contentOf(sqlite, b).rows };
    },
  },
  {
    name: 'backup: options argument and option types',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      const dest = ctx.tmp('copy.db');
      return attemptAll(
        () => sqlite.backup(db, dest, null),
        () => sqlite.backup(db, dest, undefined),
        () => sqlite.backup(db, dest, 5),
        () => sqlite.backup(db, dest, 'main'),
        () => sqlite.backup(db, dest, { source: 1 }),
        () => sqlite.backup(db, dest, { source: null }),
        () => sqlite.backup(db, dest, { target: 1 }),
        () => sqlite.backup(db, dest, { progress: 1 }),
        () => sqlite.backup(db, dest, { progress: null }),
        () => sqlite.backup(db, 5, 5),
      );
    },
  },
  {
    name: 'backup: options are read in order rate, source, target, progress',
    run: async (sqlite, ctx) => {
      const seen = [];
      const options = new Proxy({}, { get: (t, k) => { seen.push(String(k)); return undefined; } });
      const pages = await sqlite.backup(filled(ctx.open()), ctx.tmp('copy.db'), options);
      return { pages, seen };
    },
  },
  {
    name: 'backup: sourceDb argument',
    run: (sqlite) => attemptAll(
      () => sqlite.backup(),
      () => sqlite.backup(1, 'x.db'),
      () => sqlite.backup('db', 'x.db'),
      () => sqlite.backup(null, 'x.db'),
      () => sqlite.backup(undefined, 'x.db'),
    ),
  },
  {
    name: 'backup: closed database throws before checking the path',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      db.close();
      return attemptAll(() => sqlite.backup(db, ctx.tmp('copy.db')), () => sqlite.backup(db, 5, 5));
    },
  },
  {
    name: 'backup: unknown source database rejects (the destination file is created)',
    run: async (sqlite, ctx) => {
      const dest = ctx.tmp('copy.db');
      const outcome = await settle(sqlite.backup(filled(ctx.open()), dest, { source: 'nope' }));
      return { outcome, created: (await import('node:fs')).existsSync(dest) };
    },
  },
  {
    name: 'backup: unknown target database rejects',
    run: async (sqlite, ctx) => settle(sqlite.backup(filled(ctx.open()), ctx.tmp('copy.db'), { target: 'nope' })),
  },
  {
    name: "backup: target 'temp' copies into the destination's temp schema",
    run: async (sqlite, ctx) => {
      const dest = ctx.tmp('copy.db');
      const pages = await sqlite.backup(filled(ctx.open()), dest, { target: 'temp' });
      return { pages, content: contentOf(sqlite, dest) };
    },
  },
  {
    name: "backup: source 'temp' (unused, and with a table)",
    run: async (sqlite, ctx) => {
      const db = ctx.open();
      const empty = await sqlite.backup(db, ctx.tmp('a.db'), { source: 'temp' });
      db.exec('CREATE TEMP TABLE t(id INTEGER PRIMARY KEY, v BLOB); INSERT INTO temp.t(v) VALUES (zeroblob(5000))');
      const full = await sqlite.backup(db, ctx.tmp('b.db'), { source: 'TEMP' });
      return { empty, full, content: contentOf(sqlite, ctx.tmp('b.db')) };
    },
  },
  {
    name: 'backup: an attached file database as source',
    run: async (sqlite, ctx) => {
      const db = ctx.open();
      db.exec(`ATTACH DATABASE '${ctx.tmp('aux.db')}' AS aux`);
      db.exec('CREATE TABLE aux.t(id INTEGER PRIMARY KEY, v BLOB); INSERT INTO aux.t(v) VALUES (zeroblob(3000))');
      const dest = ctx.tmp('copy.db');
      const pages = await sqlite.backup(db, dest, { source: 'aux' });
      db.exec('DETACH DATABASE aux');
      return { pages, content: contentOf(sqlite, dest) };
    },
  },
  {
    name: 'backup: source in a write transaction rejects (errcode 0)',
    run: async (sqlite, ctx) => {
      const results = [];
      for (const location of [':memory:', ctx.tmp('src.db')]) {
        const db = filled(ctx.open(location));
        db.exec('BEGIN; INSERT INTO t(v) VALUES (zeroblob(10))');
        results.push(await settle(sqlite.backup(db, ctx.tmp(`copy${results.length}.db`))));
        db.exec('ROLLBACK');
      }
      return results;
    },
  },
  {
    name: 'backup: source in a read transaction copies the committed content',
    run: async (sqlite, ctx) => {
      const db = filled(ctx.open(ctx.tmp('src.db')));
      db.exec('BEGIN');
      db.prepare('SELECT count(*) FROM t').get();
      const dest = ctx.tmp('copy.db');
      const pages = await sqlite.backup(db, dest);
      db.exec('COMMIT');
      return { pages, content: contentOf(sqlite, dest) };
    },
  },
  {
    name: 'backup: destination cannot be opened',
    run: async (sqlite, ctx) => [
      await settle(sqlite.backup(filled(ctx.open()), ctx.dir)),
      await settle(sqlite.backup(filled(ctx.open()), ctx.tmp('missing/dir/copy.db'))),
    ],
  },
  {
    name: 'backup: closing the source right after the call still completes',
    run: async (sqlite, ctx) => {
      const db = filled(ctx.open(ctx.tmp('src.db')));
      const dest = ctx.tmp('copy.db');
      const promise = sqlite.backup(db, dest, { rate: 1 });
      db.close();
      return { outcome: await settle(promise), content: contentOf(sqlite, dest) };
    },
  },
  {
    name: 'backup: closing an in-memory source inside progress still completes',
    run: async (sqlite, ctx) => {
      const db = filled(ctx.open());
      let calls = 0;
      const outcome = await settle(sqlite.backup(db, ctx.tmp('copy.db'), { rate: 1, progress: () => { calls++; if (db.isOpen) db.close(); } }));
      return { outcome, calls };
    },
  },
  {
    name: 'backup: the function itself (name, length, own keys)',
    run: (sqlite) => [sqlite.backup.name, sqlite.backup.length, Reflect.ownKeys(sqlite.backup), typeof sqlite.backup.prototype],
  },
];
