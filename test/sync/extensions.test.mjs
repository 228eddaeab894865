// Extensions, authorizer lifetimes and statement counters beyond the recorded compat cases: a real
// extension compiled from test/fixtures/extension.mjs, the authorizer with garbage collection and
// workers, and the re-prepare regression of all().
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DatabaseSync, constants } from '../../dist/index.js';
import { buildExtension } from '../fixtures/extension.mjs';
import { helpersUrl, runChild, tempDir, thrown } from '../helpers.mjs';

test('a compiled extension loads, registers its functions, and reports init failures', () => {
  const tmp = tempDir();
  const library = buildExtension(tmp.dir);
  const db = new DatabaseSync(':memory:', { allowExtension: true });
  assert.is(db.loadExtension(library), undefined);
  assert.equal(db.prepare('SELECT strand_ext_answer() AS v').get(), { __proto__: null, v: 42 });
  db.loadExtension(library, 'strand_custom_init');
  assert.equal(db.prepare('SELECT strand_ext_custom() AS v').get(), { __proto__: null, v: 'custom' });
  const failed = thrown(() => db.loadExtension(library, 'strand_failing_init'));
  assert.is(failed.code, 'ERR_LOAD_SQLITE_EXTENSION');
  assert.is(failed.message, 'error during initialization: strand init refused');
  // SQL's load_extension() stays off: only the C API is enabled.
  assert.is(thrown(() => db.prepare(`SELECT load_extension('${library}')`).get()).message, 'not authorized');
  db.enableLoadExtension(false);
  assert.is(thrown(() => db.loadExtension(library)).message, 'extension loading is not allowed');
  db.close();
  tmp.remove();
});

test('without allowExtension an extension cannot be loaded', () => {
  const tmp = tempDir();
  const library = buildExtension(tmp.dir);
  const db = new DatabaseSync(':memory:');
  assert.is(thrown(() => db.loadExtension(library)).message, 'extension loading is not allowed');
  assert.is(thrown(() => db.enableLoadExtension(true)).code, 'ERR_INVALID_STATE');
  assert.is(thrown(() => db.prepare('SELECT strand_ext_answer()')).code, 'ERR_SQLITE_ERROR');
  db.close();
  tmp.remove();
});

test('all() after a schema change that adds columns returns the new columns', () => {
  const db = new DatabaseSync(':memory:');
  db.exec('CREATE TABLE t(a); INSERT INTO t VALUES (1)');
  const stmt = db.prepare('SELECT * FROM t');
  db.exec("ALTER TABLE t ADD COLUMN b DEFAULT 'bee'; ALTER TABLE t ADD COLUMN c");
  assert.equal(stmt.all(), [{ __proto__: null, a: 1, b: 'bee', c: null }]);
  db.close();
});

test('resetStats() does not make a later re-prepare look like the old column set', () => {
  const db = new DatabaseSync(':memory:');
  db.exec('CREATE TABLE t(a); INSERT INTO t VALUES (1)');
  const stmt = db.prepare('SELECT * FROM t');
  db.exec('ALTER TABLE t RENAME COLUMN a TO b');
  assert.equal(stmt.get(), { __proto__: null, b: 1 });
  stmt.resetStats();
  db.exec('ALTER TABLE t RENAME COLUMN b TO c');
  assert.equal(stmt.get(), { __proto__: null, c: 1 });
  assert.is(stmt.stat('reprepare'), 1);
  db.close();
});

test('an authorizer that closes over its database does not keep it alive', () => {
  const result = runChild(`
    import { DatabaseSync } from './dist/index.js';
    const refs = [];
    for (let i = 0; i < 20; i++) {
      const db = new DatabaseSync(':memory:');
      db.setAuthorizer(() => (db.isOpen ? 0 : 1));
      db.prepare('SELECT 1');
      refs.push(new WeakRef(db));
    }
    for (let i = 0; i < 10 && refs.some((r) => r.deref()); i++) {
      await new Promise((resolve) => setImmediate(resolve));
      globalThis.gc();
    }
    console.log(refs.filter((r) => r.deref()).length);
  `, { args: ['--expose-gc'] });
  assert.is(result.stderr, '');
  assert.is(result.stdout.trim(), '0');
});

test('a worker terminated while its authorizer runs does not crash the process', () => {
  const result = runChild(`
    import { Worker } from 'node:worker_threads';
    import { watchWorker } from ${JSON.stringify(helpersUrl)};
    const source = \`
      const { parentPort } = require('node:worker_threads');
      const { DatabaseSync } = require(\${JSON.stringify(process.cwd() + '/dist/index.cjs')});
      const db = new DatabaseSync(':memory:');
      db.setAuthorizer(() => { parentPort.postMessage('inside'); for (;;) {} });
      db.prepare('SELECT 1');
    \`;
    const worker = watchWorker(new Worker(source, { eval: true, execArgv: [] }));
    if ((await worker.message()) !== 'inside') throw new Error('unexpected message');
    const code = await worker.terminate();
    console.log('exit', code);
  `);
  assert.is(result.stderr, '');
  assert.is(result.stdout.trim(), 'exit 1');
});

test('an authorizer can deny by action code and sees the constants', () => {
  const db = new DatabaseSync(':memory:');
  db.exec('CREATE TABLE t(a)');
  const seen = new Set();
  db.setAuthorizer((code) => {
    seen.add(code);
    return code === constants.SQLITE_DROP_TABLE ? constants.SQLITE_DENY : constants.SQLITE_OK;
  });
  db.exec('INSERT INTO t VALUES (1)');
  assert.is(thrown(() => db.exec("DROP TABLE t")).errcode, 23); // SQLITE_AUTH
  assert.ok(seen.has(constants.SQLITE_INSERT));
  db.setAuthorizer(null);
  db.exec('DROP TABLE t');
  db.close();
});

test.run();
