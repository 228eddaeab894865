// The basics inside worker_threads: a worker written as an ES module and one written as CommonJS
// each open a file database synchronously and asynchronously, query it, close it and exit on their
// own; and a database object cannot be posted to a worker (it is refused, never half-copied).
// Each scenario runs in a child process, so a crash fails the test instead of the runner.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { pathToFileURL } from 'node:url';
import { runChild, distCjs, distEsm, helpersUrl, tempDir } from '../helpers.mjs';

// The worker's body, shared by both module systems; `DatabaseSync`, `AsyncDatabase`, `file` and
// `parentPort` are in scope.
const WORKER_BODY = `
  const sync = new DatabaseSync(file);
  sync.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT)');
  sync.prepare('INSERT INTO t(name) VALUES (?), (?)').run('ada', 'grace');
  const syncRows = sync.prepare('SELECT id, name FROM t ORDER BY id').all();
  sync.close();
  const adb = await AsyncDatabase.open(file);
  await adb.run('INSERT INTO t(name) VALUES (?)', 'edsger');
  const asyncRows = [];
  for await (const row of adb.iterate('SELECT id, name FROM t ORDER BY id')) asyncRows.push({ ...row });
  const count = (await adb.get('SELECT count(*) AS n FROM t')).n;
  await adb.close();
  parentPort.postMessage({ syncRows: syncRows.map((r) => ({ ...r })), asyncRows, count, closed: !adb.isOpen });
`;

const EXPECTED = {
  syncRows: [{ id: 1, name: 'ada' }, { id: 2, name: 'grace' }],
  asyncRows: [{ id: 1, name: 'ada' }, { id: 2, name: 'grace' }, { id: 3, name: 'edsger' }],
  count: 3,
  closed: true,
};

// Runs `workerFile` (written by the child, in a temp directory removed afterwards) and reports
// its message, exit code and the rows a fresh connection sees afterwards.
function runWorkerScenario(workerFileName, workerSource) {
  const tmp = tempDir('strand-simple-');
  try {
    return runChild(`
      import { Worker } from 'node:worker_threads';
      import { writeFileSync } from 'node:fs';
      import { join } from 'node:path';
      import { DatabaseSync } from ${JSON.stringify(pathToFileURL(distEsm).href)};
      import { watchWorker } from ${JSON.stringify(helpersUrl)};
      const dir = ${JSON.stringify(tmp.dir)};
      const workerFile = join(dir, ${JSON.stringify(workerFileName)});
      writeFileSync(workerFile, ${JSON.stringify(workerSource)});
      const file = join(dir, 'db.db');
      const worker = watchWorker(new Worker(workerFile, { workerData: { file }, execArgv: [] }));
      const code = await worker.exited;
      if (worker.error) throw worker.error;
      const check = new DatabaseSync(file);
      const after = check.prepare('SELECT count(*) AS n FROM t').get().n;
      check.close();
      console.log(JSON.stringify({ message: worker.messages[0], code, after }));
    `);
  } finally {
    tmp.remove();
  }
}

test('an ES module worker opens, queries and closes sync and async databases', () => {
  const source = `
    import { DatabaseSync, AsyncDatabase } from ${JSON.stringify(pathToFileURL(distEsm).href)};
    import { workerData, parentPort } from 'node:worker_threads';
    const { file } = workerData;
    ${WORKER_BODY}
  `;
  const r = runWorkerScenario('worker.mjs', source);
  assert.is(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout), { message: EXPECTED, code: 0, after: 3 });
});

test('a CommonJS worker opens, queries and closes sync and async databases', () => {
  const source = `
    const { DatabaseSync, AsyncDatabase } = require(${JSON.stringify(distCjs)});
    const { workerData, parentPort } = require('node:worker_threads');
    const { file } = workerData;
    (async () => { ${WORKER_BODY} })();
  `;
  const r = runWorkerScenario('worker.cjs', source);
  assert.is(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout), { message: EXPECTED, code: 0, after: 3 });
});

test('a database cannot be posted to a worker: DataCloneError, and the database still works', () => {
  const r = runChild(`
    import { Worker, MessageChannel } from 'node:worker_threads';
    import { DatabaseSync, AsyncDatabase } from ${JSON.stringify(pathToFileURL(distEsm).href)};
    const sync = new DatabaseSync(':memory:');
    const adb = await AsyncDatabase.open(':memory:');
    const statement = await adb.prepare('SELECT 41 + 1 AS answer');
    const refusals = {};
    const refuse = (name, post) => {
      try {
        post();
        refusals[name] = 'posted';
      } catch (error) {
        refusals[name] = { name: error.name, code: error.code, message: error.message };
      }
    };
    const { port1, port2 } = new MessageChannel();
    refuse('postMessage(DatabaseSync)', () => port1.postMessage(sync));
    refuse('postMessage({ db: DatabaseSync })', () => port1.postMessage({ db: sync }));
    refuse('postMessage(AsyncDatabase)', () => port1.postMessage(adb));
    refuse('postMessage(AsyncStatement)', () => port1.postMessage(statement));
    refuse('postMessage(AsyncDatabase.with())', () => port1.postMessage(adb.with({ readBigInts: true })));
    refuse('structuredClone(DatabaseSync)', () => structuredClone(sync));
    refuse('workerData: DatabaseSync', () => new Worker('', { eval: true, execArgv: [], workerData: { db: sync } }));
    port1.close();
    port2.close();
    console.log(JSON.stringify({
      refusals,
      stillWorks: [sync.prepare('SELECT 1 AS one').get().one, (await statement.get()).answer],
    }));
    await adb.close();
  `);
  assert.is(r.status, 0, r.stderr);
  const { refusals, stillWorks } = JSON.parse(r.stdout);
  const refused = (className) => ({ name: 'DataCloneError', code: 25, message: `#<${className}> could not be cloned.` });
  assert.equal(refusals, {
    'postMessage(DatabaseSync)': refused('Database'),
    'postMessage({ db: DatabaseSync })': refused('Database'),
    'postMessage(AsyncDatabase)': refused('AsyncDatabase'),
    'postMessage(AsyncStatement)': refused('AsyncStatement'),
    'postMessage(AsyncDatabase.with())': refused('AsyncDatabase'),
    'structuredClone(DatabaseSync)': refused('Database'),
    'workerData: DatabaseSync': refused('Database'),
  });
  assert.equal(stillWorks, [1, 42]);
});

test('native methods refuse an object of another loaded copy of the addon (Illegal invocation), touching nothing', () => {
  // The only way a native object can reach code of another env: two copies of the addon loaded in
  // one thread. V8's receiver check on every native method rejects it before any C++ runs.
  const tmp = tempDir('strand-copy-');
  const r = runChild(`
    import { createRequire } from 'node:module';
    import { copyFileSync } from 'node:fs';
    import { join } from 'node:path';
    const require = createRequire(import.meta.url);
    const original = require('node-gyp-build').path(${JSON.stringify(new URL('../..', import.meta.url).pathname)});
    const copy = join(${JSON.stringify(tmp.dir)}, 'copy.node');
    copyFileSync(original, copy);
    const a = require(original);
    const b = require(copy);
    const { DatabaseSync } = require(${JSON.stringify(distCjs)});
    const config = { location: ':memory:', readOnly: false, enableForeignKeyConstraints: true,
      enableDoubleQuotedStringLiterals: false, allowExtension: false, defensive: true, timeout: 0,
      readBigInts: false, returnArrays: false, allowBareNamedParameters: true,
      allowUnknownNamedParameters: false, limits: new Array(12).fill(-1) };
    const db = new a.NativeDatabase(config);
    db.open();
    db.exec('CREATE TABLE t(x); INSERT INTO t VALUES (1)');
    const statement = db.prepare('SELECT x FROM t');
    const outcome = (fn) => { try { fn(); return 'ran'; } catch (e) { return e.constructor.name + ': ' + e.message; } };
    console.log(JSON.stringify({
      sameModule: a === b,
      exec: outcome(() => b.NativeDatabase.prototype.exec.call(db, 'DROP TABLE t')),
      close: outcome(() => b.NativeDatabase.prototype.close.call(db)),
      get: outcome(() => b.NativeStatement.prototype.get.call(statement)),
      foreignReceiver: outcome(() => DatabaseSync.prototype.exec.call(db, 'DROP TABLE t')),
      tableStillThere: db.prepare('SELECT count(*) FROM t').columnNames(),
      open: db.isOpen(),
    }));
  `);
  tmp.remove();
  assert.is(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout), {
    sameModule: false,
    exec: 'TypeError: Illegal invocation',
    close: 'TypeError: Illegal invocation',
    get: 'TypeError: Illegal invocation',
    foreignReceiver: 'TypeError: Illegal invocation',
    tableStillThere: ['count(*)'],
    open: true,
  });
});

test.run();
