// Wrong-kind and foreign objects handed to native entry points (src/native/core/type_tags.h): refused
// with ERR_INVALID_ARG_TYPE, never unwrapped into a wrong cast. Each scenario runs in a child
// process, so a crash (what a wrong cast does) is a failing test.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { distCjs, distEsm, projectRoot, runChild } from '../helpers.mjs';

const sourceDbError = { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE', message: 'The "sourceDb" argument must be an object.' };

test('startBackup(), called on the binding directly, accepts only a DatabaseSync of its own addon copy', () => {
  // The TS layer only ever passes its own native database; here every other wrapped object of
  // ours reaches the native entry point: another class's, a bare prototype, and a database of a
  // second copy of the addon loaded into the same thread.
  const r = runChild(`
    import { createRequire } from 'node:module';
    import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
    import { tmpdir } from 'node:os';
    import { join } from 'node:path';
    const require = createRequire(${JSON.stringify(distCjs)});
    const original = require('node-gyp-build').path(${JSON.stringify(projectRoot)});
    const dir = mkdtempSync(join(tmpdir(), 'strand-tags-'));
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    copyFileSync(original, join(dir, 'copy.node'));
    const ours = require(original);
    const other = require(join(dir, 'copy.node'));
    const config = { location: ':memory:', readOnly: false, enableForeignKeyConstraints: true,
      enableDoubleQuotedStringLiterals: false, allowExtension: false, defensive: true, timeout: 0,
      readBigInts: false, returnArrays: false, allowBareNamedParameters: true,
      allowUnknownNamedParameters: false, limits: new Array(12).fill(-1) };
    const db = new ours.NativeDatabase(config);
    db.open();
    db.exec('CREATE TABLE t(x); INSERT INTO t VALUES (1)');
    const otherDb = new other.NativeDatabase(config);
    otherDb.open();
    const asyncDb = new ours.NativeAsyncDatabase(config, () => {}, () => {});
    const candidates = {
      plainObject: {},
      statement: db.prepare('SELECT 1'),
      session: db.createSession('', 'main'),
      asyncDatabase: asyncDb,
      barePrototype: Object.create(ours.NativeDatabase.prototype),
      otherCopysDatabase: otherDb,
      otherCopysStatement: otherDb.prepare('SELECT 1'),
      number: 42,
      nothing: undefined,
    };
    const outcome = {};
    let ended;
    const done = new Promise((resolve) => { ended = resolve; });
    const onEvent = (kind, error, pages) => { if (kind === 1) ended({ error: error?.message, pages }); return true; };
    for (const [name, value] of Object.entries(candidates)) {
      try {
        ours.startBackup(value, join(dir, name + '.db'), 100, 'main', 'main', onEvent, false);
        outcome[name] = 'started';
      } catch (e) {
        outcome[name] = { name: e.name, code: e.code, message: e.message };
      }
    }
    ours.startBackup(db, join(dir, 'good.db'), 100, 'main', 'main', onEvent, false);
    outcome.good = await done;
    asyncDb.join();
    console.log(JSON.stringify(outcome));
  `);
  assert.is(r.signal, null, r.stderr);
  assert.is(r.status, 0, r.stderr);
  const outcome = JSON.parse(r.stdout);
  const { good, ...refused } = outcome;
  for (const [name, result] of Object.entries(refused)) assert.equal(result, sourceDbError, name);
  assert.equal(Object.keys(refused).length, 9);
  assert.equal(good, { pages: 2 });
});

test('backup(): the public entry point refuses anything but a DatabaseSync with node\'s ERR_INVALID_ARG_TYPE', () => {
  // node:sqlite 26 crashes (segfault) on these; the nearest sane answer is its own type error.
  const r = runChild(`
    import { DatabaseSync, StatementSync, backup } from ${JSON.stringify(distEsm)};
    const db = new DatabaseSync(':memory:');
    const shape = (fn) => { try { fn(); return 'returned'; } catch (e) { return { name: e.name, code: e.code, message: e.message }; } };
    console.log(JSON.stringify([
      shape(() => backup({}, 'x.db')),
      shape(() => backup(db.prepare('SELECT 1'), 'x.db')),
      shape(() => backup(Object.create(DatabaseSync.prototype), 'x.db')),
      shape(() => backup(db.createSession(), 'x.db')),
    ]));
  `);
  assert.is(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout), [sourceDbError, sourceDbError, sourceDbError, sourceDbError]);
});

test('tx.statement() takes only an AsyncStatement of the same database', () => {
  const r = runChild(`
    import { AsyncDatabase } from ${JSON.stringify(distEsm)};
    const a = await AsyncDatabase.open(':memory:');
    const b = await AsyncDatabase.open(':memory:');
    await a.exec('CREATE TABLE t(x); INSERT INTO t VALUES (1)');
    await b.exec('CREATE TABLE u(y); INSERT INTO u VALUES (2)');
    const fromB = await b.prepare('SELECT y FROM u');
    const fromA = await a.prepare('SELECT x FROM t');
    const shape = (fn) => { try { fn(); return 'returned'; } catch (e) { return { name: e.name, code: e.code, message: e.message }; } };
    const out = await a.transaction(async (tx) => ({
      lookAlike: shape(() => tx.statement({ target: { statement: 1, sql: 'SELECT y FROM u' } })),
      plain: shape(() => tx.statement({})),
      missing: shape(() => tx.statement()),
      otherDatabase: shape(() => tx.statement(fromB)),
      own: await tx.statement(fromA).get(),
      view: await tx.statement(fromA.with({})).get(),
    }));
    await a.close();
    await b.close();
    console.log(JSON.stringify(out));
  `);
  assert.is(r.status, 0, r.stderr);
  const notAStatement = { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE', message: 'The "statement" argument must be an AsyncStatement.' };
  assert.equal(JSON.parse(r.stdout), {
    lookAlike: notAStatement,
    plain: notAStatement,
    missing: notAStatement,
    otherDatabase: { name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE', message: 'The "statement" argument must be a statement of this database.' },
    own: { x: 1 },
    view: { x: 1 },
  });
});

test.run();
