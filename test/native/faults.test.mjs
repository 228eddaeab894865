// Thread and exception edges (src/native/core/cpp_exceptions.h), driven by fault injection: a thread
// that cannot start, std::bad_alloc while rows are owned, an exception in a job or outside any
// job, in a backup step, in a user function's callback inside SQLite, in the TSFN delivery. Each
// scenario runs in a child process (a std::terminate is then a failing test, not a dead runner)
// on the fault-injection build, which the first test compiles (fault-build.mjs explains how, and
// why it is built once per run); the last one removes it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { distCjs, distEsm, helpersUrl, projectRoot, runChild } from '../helpers.mjs';
import { buildFaultAddon } from './fault-build.mjs';

let build;
// The build's temp directory goes even if this suite dies half-way (test.after would not run).
process.on('exit', () => build?.remove());

const prelude = `
import { AsyncDatabase, DatabaseSync, backup } from ${JSON.stringify(distEsm)};
import { createRequire } from 'node:module';
import { mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { settle, threadCount as threads } from ${JSON.stringify(helpersUrl)};
const require = createRequire(${JSON.stringify(join(projectRoot, 'package.json'))});
// The addon dist/ loads too (node-gyp-build honours SQLITE_STRAND_PREBUILD for both).
const binding = require('node-gyp-build')(${JSON.stringify(projectRoot)});
if (typeof binding.faultInjection !== 'function') throw new Error('not the fault-injection build');
const counts = () => binding.faultInjection();
const dir = mkdtempSync(join(tmpdir(), 'strand-fault-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const openFiles = () => readdirSync('/proc/self/fd').filter((fd) => {
  try { return readlinkSync('/proc/self/fd/' + fd).startsWith(dir); } catch { return false; }
}).length;
const shape = (e) => ({ name: e?.name, code: e?.code, errcode: e?.errcode, message: e?.message });
const errorOf = async (promise) => { try { await promise; return 'resolved'; } catch (e) { return shape(e); } };
const thrownBy = (fn) => { try { fn(); return 'returned'; } catch (e) { return shape(e); } };
// Collects garbage until no AsyncCore is alive (bounded: a core kept by a leaked TSFN never goes).
const collectCores = async () => {
  for (let i = 0; i < 50 && counts().liveCores > 0; i++) { globalThis.gc(); await new Promise((r) => setImmediate(r)); }
  return counts().liveCores;
};
`;

// Runs `source` on the fault build with STRAND_FAULTS=faults; returns its JSON output.
function scenario(faults, source) {
  assert.ok(build, 'the fault-injection build is missing (see the first test)');
  const r = runChild(prelude + source, {
    args: ['--expose-gc'],
    env: { SQLITE_STRAND_PREBUILD: build.dir, STRAND_FAULTS: faults },
    timeout: 60_000,
  });
  assert.is(r.signal, null, `killed by ${r.signal}\n${r.stderr}`);
  assert.is(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

const outOfMemory = { name: 'Error', code: 'ERR_SQLITE_ERROR', errcode: 7, message: 'out of memory' };

test('the fault-injection build compiles (reusing the compiled SQLite when there is one)', () => {
  build = buildFaultAddon();
  assert.ok(existsSync(build.addon));
  if (existsSync(join(projectRoot, 'build', 'Release', 'sqlite3_amalgamation.a'))) assert.ok(build.reusedSqlite);
});

test('only the fault build has hooks: STRAND_FAULTS changes nothing in the release build', () => {
  const source = `
    import { AsyncDatabase } from ${JSON.stringify(distEsm)};
    import { createRequire } from 'node:module';
    const binding = createRequire(${JSON.stringify(distCjs)})('node-gyp-build')(${JSON.stringify(projectRoot)});
    const db = await AsyncDatabase.open(':memory:');
    const rows = await db.all('SELECT 1 AS one');
    await db.close();
    console.log(JSON.stringify({ hook: typeof binding.faultInjection, rows: rows.length }));
  `;
  const r = runChild(source, { env: { STRAND_FAULTS: 'thread-start=1,row-alloc=1' } });
  assert.is(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout), { hook: 'undefined', rows: 1 });
  assert.equal(scenario('', `console.log(JSON.stringify(typeof binding.faultInjection));`), 'function');
});

test('a database thread that cannot start rejects open() with ERR_OPERATION_FAILED and leaves nothing behind', () => {
  const out = scenario('thread-start=3', `
    const baseline = threads();
    const failures = [];
    for (let i = 0; i < 3; i++) failures.push(await errorOf(AsyncDatabase.open(join(dir, 'a.db'))));
    const registered = counts().asyncDatabases;
    const coresLeft = await collectCores();
    const db = await AsyncDatabase.open(join(dir, 'a.db'));
    await db.exec('CREATE TABLE t(x); INSERT INTO t VALUES (42)');
    const row = await db.get('SELECT x FROM t');
    const whileOpen = counts();
    await db.close();
    await settle(() => threads() <= baseline);
    console.log(JSON.stringify({ failures, registered, coresLeft, row, whileOpen: [whileOpen.asyncDatabases, whileOpen.liveCores],
      threadsLeft: threads() - baseline, files: openFiles() }));
  `);
  assert.equal(out.failures.length, 3);
  for (const failure of out.failures) {
    assert.is(failure.name, 'Error');
    assert.is(failure.code, 'ERR_OPERATION_FAILED');
    assert.match(failure.message, /^Operation failed: could not start the database thread: \S/);
  }
  // Nothing registered with the Addon, no TSFN keeping a core alive, no thread, no file.
  assert.is(out.registered, 0);
  assert.is(out.coresLeft, 0);
  assert.equal(out.row, { x: 42 });
  assert.equal(out.whileOpen, [1, 1]);
  assert.is(out.threadsLeft, 0);
  assert.is(out.files, 0);
});

test('a reader thread that cannot start: open() with readers rejects, the writer and the other readers are closed and end', () => {
  // thread-start=1@2: the writer's and the first reader's threads start, the second reader's does not.
  const out = scenario('thread-start=1@2', `
    const file = join(dir, 'wal.db');
    const setup = new DatabaseSync(file);
    setup.exec('PRAGMA journal_mode = WAL; CREATE TABLE t(x); INSERT INTO t VALUES (42)');
    setup.close();
    const baseline = threads();
    const failure = await errorOf(AsyncDatabase.open(file, { readers: 2 }));
    // At once, before any garbage collection could close them: the writer and the reader that
    // opened were closed (their Close jobs closed the files before the rejection).
    const filesAtRejection = openFiles();
    const coresLeft = await collectCores();
    await settle(() => threads() <= baseline);
    const afterFailure = { filesAtRejection, threadsLeft: threads() - baseline, files: openFiles() };
    // The fault is spent: the same open now works, with both readers.
    const db = await AsyncDatabase.open(file, { readers: 2 });
    const rows = await Promise.all([db.get('SELECT x FROM t'), db.get('SELECT x FROM t')]);
    await db.close();
    console.log(JSON.stringify({ failure, coresLeft, afterFailure, rows, readers: db.readers }));
  `);
  assert.is(out.failure.code, 'ERR_OPERATION_FAILED');
  assert.match(out.failure.message, /could not start the database thread/);
  assert.is(out.coresLeft, 0);
  assert.equal(out.afterFailure, { filesAtRejection: 0, threadsLeft: 0, files: 0 });
  assert.equal(out.rows, [{ x: 42 }, { x: 42 }]);
  assert.is(out.readers, 2);
});

test('a thread that cannot start inside a worker: open() rejects there, the worker ends cleanly', () => {
  const out = scenario('thread-start=1', `
    import { Worker } from 'node:worker_threads';
    const source = \`
      const { parentPort } = require('node:worker_threads');
      const { AsyncDatabase } = require(${JSON.stringify(distCjs)});
      AsyncDatabase.open(':memory:').then(
        () => parentPort.postMessage('opened'),
        (e) => parentPort.postMessage(e.code));
    \`;
    const worker = new Worker(source, { eval: true, execArgv: [] });
    const messages = [];
    worker.on('message', (m) => messages.push(m));
    const exitCode = await new Promise((resolve, reject) => { worker.on('exit', resolve); worker.on('error', reject); });
    const db = await AsyncDatabase.open(':memory:');
    const row = await db.get('SELECT 1 AS one');
    await db.close();
    console.log(JSON.stringify({ messages, exitCode, row }));
  `);
  assert.equal(out, { messages: ['ERR_OPERATION_FAILED'], exitCode: 0, row: { one: 1 } });
});

test('a backup thread that cannot start rejects backup() with ERR_OPERATION_FAILED; nothing stays registered or alive', () => {
  // A TSFN left behind would be ref'd and keep this child alive: the run would time out.
  const out = scenario('thread-start=1', `
    const db = new DatabaseSync(join(dir, 'source.db'));
    db.exec('CREATE TABLE t(x); INSERT INTO t VALUES (1), (2)');
    const failure = await errorOf(backup(db, join(dir, 'copy1.db')));
    const registered = counts().backups;
    const pages = await backup(db, join(dir, 'copy2.db'));
    const copy = new DatabaseSync(join(dir, 'copy2.db'));
    const rows = copy.prepare('SELECT count(*) AS n FROM t').get().n;
    copy.close();
    db.close();
    console.log(JSON.stringify({ failure, registered, pages, rows, files: openFiles() }));
  `);
  assert.is(out.failure.code, 'ERR_OPERATION_FAILED');
  assert.match(out.failure.message, /^Operation failed: could not start the backup thread: \S/);
  assert.is(out.registered, 0);
  assert.ok(out.pages > 0);
  assert.is(out.rows, 2);
  assert.is(out.files, 0);
});

test('std::bad_alloc while a job owns its rows rejects that call with SQLite\'s out-of-memory error; the database stays usable', () => {
  // Three failures: a prepared statement's all(), an ad-hoc get(), an iteration's first batch.
  const out = scenario('row-alloc=3', `
    const db = await AsyncDatabase.open(join(dir, 'rows.db'));
    await db.exec('CREATE TABLE t(x); INSERT INTO t VALUES (1), (2), (3)');
    const stmt = await db.prepare('SELECT x FROM t ORDER BY x');
    const failures = [await errorOf(stmt.all()), await errorOf(db.get('SELECT x FROM t'))];
    failures.push(await errorOf((async () => { for await (const row of db.iterate('SELECT x FROM t')) {} })()));
    // Nothing was left mid-step holding a read lock: another connection can commit a write
    // (with no busy timeout, a reader's SHARED lock would make this COMMIT fail at once).
    const writer = new DatabaseSync(join(dir, 'rows.db'));
    writer.exec('BEGIN IMMEDIATE; INSERT INTO t VALUES (4); COMMIT');
    writer.close();
    const after = { all: (await stmt.all()).map((r) => r.x), get: await db.get('SELECT count(*) AS n FROM t') };
    const iterated = [];
    for await (const row of db.iterate('SELECT x FROM t ORDER BY x')) iterated.push(row.x);
    await db.close();
    console.log(JSON.stringify({ failures, after, iterated, files: openFiles() }));
  `);
  assert.equal(out.failures, [outOfMemory, outOfMemory, outOfMemory]);
  assert.equal(out.after, { all: [1, 2, 3, 4], get: { n: 4 } });
  assert.equal(out.iterated, [1, 2, 3, 4]);
  assert.is(out.files, 0);
});

test('any other C++ exception in a job rejects it with ERR_OPERATION_FAILED; the next job runs', () => {
  const out = scenario('exec-throw=1', `
    const db = await AsyncDatabase.open(':memory:');
    const failure = await errorOf(db.exec('CREATE TABLE t(x)'));
    await db.exec('CREATE TABLE t(x); INSERT INTO t VALUES (7)');
    const row = await db.get('SELECT x FROM t');
    await db.close();
    console.log(JSON.stringify({ failure, row }));
  `);
  assert.equal(out, {
    failure: { name: 'Error', code: 'ERR_OPERATION_FAILED', message: 'Operation failed: injected fault (exec-throw)' },
    row: { x: 7 },
  });
});

test('the database thread failing outside any job: every pending and later call rejects, close() resolves, the thread ends', () => {
  // thread-loop=1@1: the Open job is taken normally; taking the next one throws.
  const out = scenario('thread-loop=1@1', `
    const baseline = threads();
    const { pending, later } = await (async () => {
      const db = await AsyncDatabase.open(join(dir, 'loop.db'));
      const pending = await Promise.allSettled([db.exec('CREATE TABLE t(x)'), db.get('SELECT 1 AS one'), db.all('SELECT 2')]);
      const later = await errorOf(db.get('SELECT 3'));
      await db.close();
      return { pending, later };
    })();
    // Once the database object is unreachable its core goes: no TSFN or thread kept it.
    const coresLeft = await collectCores();
    await settle(() => threads() <= baseline);
    console.log(JSON.stringify({ pending: pending.map((p) => p.status + ' ' + p.reason?.code), later, coresLeft,
      threadsLeft: threads() - baseline, files: openFiles() }));
  `);
  assert.equal(out.pending, ['rejected ERR_OPERATION_FAILED', 'rejected ERR_OPERATION_FAILED', 'rejected ERR_OPERATION_FAILED']);
  assert.is(out.later.code, 'ERR_OPERATION_FAILED');
  assert.match(out.later.message, /^Operation failed: \S/);
  assert.is(out.coresLeft, 0);
  assert.is(out.threadsLeft, 0);
  assert.is(out.files, 0);
});

test('std::bad_alloc in a backup step (backup thread and database thread) rejects with out of memory and closes the copy', () => {
  const out = scenario('backup-step=2', `
    const db = new DatabaseSync(join(dir, 'source.db'));
    db.exec('CREATE TABLE t(x); WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 50) INSERT INTO t SELECT randomblob(1000) FROM c');
    const moduleLevel = await errorOf(backup(db, join(dir, 'copy1.db'), { rate: 1 }));
    const filesAfterModule = openFiles();  // only the source stays open
    const adb = await AsyncDatabase.open(join(dir, 'source.db'));
    const onDatabaseThread = await errorOf(adb.backup(join(dir, 'copy2.db')));
    const retried = [await backup(db, join(dir, 'copy3.db')), await adb.backup(join(dir, 'copy4.db'))];
    const row = await adb.get('SELECT count(*) AS n FROM t');
    await adb.close();
    db.close();
    console.log(JSON.stringify({ moduleLevel, filesAfterModule, onDatabaseThread, retried, row, files: openFiles(),
      backups: counts().backups }));
  `);
  assert.equal(out.moduleLevel, outOfMemory);
  assert.is(out.filesAfterModule, 1);
  assert.equal(out.onDatabaseThread, outOfMemory);
  assert.ok(out.retried[0] > 0 && out.retried[0] === out.retried[1], JSON.stringify(out.retried));
  assert.equal(out.row, { n: 50 });
  assert.is(out.files, 0);
  assert.is(out.backups, 0);
});

test('std::bad_alloc inside an async user function fails its statement through SQLite, not past it', () => {
  // Failing inside SQLite the ordinary way means SQLite's own SQLITE_NOMEM handling runs: it
  // rolls the transaction back, exactly as for its own allocation failures. An exception that
  // unwound through sqlite3_step would skip that and leave the transaction open.
  const out = scenario('function-args=1', `
    const db = await AsyncDatabase.open(join(dir, 'fn.db'));
    await db.function('twice', (x) => x * 2);
    await db.exec('CREATE TABLE t(x); INSERT INTO t VALUES (21)');
    await db.exec('BEGIN');
    const failure = await errorOf(db.get('SELECT twice(x) AS y FROM t'));
    const commit = await errorOf(db.exec('COMMIT'));
    const row = await db.get('SELECT twice(x) AS y FROM t');
    await db.close();
    console.log(JSON.stringify({ failure, commit: commit.message, row }));
  `);
  assert.equal(out, { failure: outOfMemory, commit: 'cannot commit - no transaction is active', row: { y: 42 } });
});

test('std::bad_alloc inside a sync user function fails its statement through SQLite; the statement is reset', () => {
  const out = scenario('function-args=1', `
    const db = new DatabaseSync(join(dir, 'fn.db'));
    db.function('twice', (x) => x * 2);
    db.exec('CREATE TABLE t(x); INSERT INTO t VALUES (21)');
    const stmt = db.prepare('SELECT twice(x) AS y FROM t');
    db.exec('BEGIN');
    const failure = thrownBy(() => stmt.get());
    const inTransaction = db.isTransaction;
    const row = stmt.get();
    db.close();
    console.log(JSON.stringify({ failure, inTransaction, row }));
  `);
  assert.equal(out, { failure: outOfMemory, inTransaction: false, row: { y: 42 } });
});

test('std::bad_alloc in a sync all() throws out of memory and resets the statement', () => {
  const out = scenario('row-alloc=1', `
    const db = new DatabaseSync(join(dir, 'sync.db'));
    db.exec('CREATE TABLE t(x); INSERT INTO t VALUES (1), (2), (3)');
    const stmt = db.prepare('SELECT x FROM t');
    const failure = thrownBy(() => stmt.all());
    // Reset, so no read lock is held: another connection commits at once.
    const writer = new DatabaseSync(join(dir, 'sync.db'));
    writer.exec('BEGIN IMMEDIATE; INSERT INTO t VALUES (4); COMMIT');
    writer.close();
    const rows = stmt.all().map((r) => r.x);
    db.close();
    console.log(JSON.stringify({ failure, rows }));
  `);
  assert.equal(out, { failure: outOfMemory, rows: [1, 2, 3, 4] });
});

test('a completion that cannot be delivered on the JS thread settles its call with the error', () => {
  // deliver=1@1: the Open completion is delivered; delivering the next one throws.
  const out = scenario('deliver=1@1', `
    const db = await AsyncDatabase.open(':memory:');
    const failure = await errorOf(db.get('SELECT 1 AS one'));
    const row = await db.get('SELECT 2 AS two');
    await db.close();
    console.log(JSON.stringify({ failure, row }));
  `);
  assert.equal(out, { failure: outOfMemory, row: { two: 2 } });
});

test.after(() => {
  build?.remove();
});

test.run();
