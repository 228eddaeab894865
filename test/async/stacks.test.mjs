// Rejections carry the stack of the code awaiting them. Errors are made in the completion
// callback (or in an abort listener, or in the call's own checks), whose frames say nothing about
// the caller; every operation must replace them with the awaiting code's async stack. Each case
// lists the library's own async frames expected above the caller — the public async method that
// awaited the job, where there is one — and nothing else of the library may show.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AsyncDatabase } from '../../dist/index.js';
import { tempDir } from '../helpers.mjs';

const thisFile = fileURLToPath(import.meta.url);
const awaitLine = readFileSync(thisFile, 'utf8').split('\n').findIndex((line) => line.endsWith('// ← the ' + 'awaiting line')) + 1;

// User code: awaits an operation and returns what it rejected with.
async function awaitedHere(promise) {
  try {
    await promise; // ← the awaiting line
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

const FRAME = /^\s+at (async )?(?:(.+?) \()?(.+?):(\d+):(\d+)\)?$/;

function frames(stack) {
  return stack
    .split('\n')
    .slice(1)
    .map((line) => {
      const match = FRAME.exec(line);
      assert.ok(match, `unexpected stack line: ${line}`);
      const [, isAsync, name, url, lineNo] = match;
      return { isAsync: isAsync !== undefined, name, file: url.startsWith('file://') ? fileURLToPath(url) : url, line: Number(lineNo) };
    });
}

// The frames above awaitedHere are exactly `library` (async frames of dist/), and awaitedHere is
// the first frame outside the library, at its await.
function assertCallerStack(label, error, library) {
  assert.instance(error, Error, label);
  const [head] = error.stack.split('\n');
  assert.is(head, `${error.name}: ${error.message}`, `${label}: the message stays`);
  const all = frames(error.stack);
  const caller = all.findIndex((frame) => frame.file === thisFile);
  assert.ok(caller >= 0, `${label}: the caller is in the stack:\n${error.stack}`);
  assert.equal(
    all.slice(0, caller).map((frame) => (frame.isAsync && frame.file.endsWith('/dist/index.js') ? frame.name : `not async/dist: ${frame.name}`)),
    library,
    `${label}: the library's frames:\n${error.stack}`,
  );
  assert.is(all[caller].name, 'awaitedHere', `${label}: the first caller frame:\n${error.stack}`);
  assert.ok(all[caller].isAsync, `${label}: the caller is reached through its await:\n${error.stack}`);
  assert.is(all[caller].line, awaitLine, `${label}: at the await:\n${error.stack}`);
}

test('SQLite errors from the database thread carry the awaiting code’s stack, for every operation', async () => {
  const tmp = tempDir();
  try {
    await everyOperation(tmp);
  } finally {
    tmp.remove();
  }
});

async function everyOperation(tmp) {
  const missing = tmp.path('no/such/dir/x.db');
  assertCallerStack('open', await awaitedHere(AsyncDatabase.open(missing)), ['AsyncDatabase.open']);
  const db = await AsyncDatabase.open(':memory:');
  await db.exec('CREATE TABLE t(a UNIQUE); INSERT INTO t VALUES (1)');
  const insert = await db.prepare('INSERT INTO t VALUES (?) RETURNING a');
  const cases = [
    ['exec', () => db.exec('SELEC 1'), []],
    ['run', () => db.run('INSERT INTO t VALUES (1)'), []],
    ['get', () => db.get('INSERT INTO t VALUES (1) RETURNING a'), []],
    ['all', () => db.all('INSERT INTO t VALUES (1) RETURNING a'), []],
    ['prepare', () => db.prepare('SELEC 1'), ['AsyncDatabase.prepare']],
    ['statement run', () => insert.run(1), []],
    ['statement get', () => insert.get(1), []],
    ['statement all', () => insert.all(1), []],
    ['function', () => db.function('f'.repeat(300), () => 1), ['#register', 'AsyncDatabase.function']],
    ['aggregate', () => db.aggregate('f'.repeat(300), { start: 0, step: () => 1 }), ['#register', 'AsyncDatabase.aggregate']],
    ['serialize', () => db.serialize('nope'), []],
    ['deserialize', () => db.deserialize(new Uint8Array([1, 2, 3]), { dbName: 'nope' }), ['AsyncDatabase.deserialize']],
    ['applyChangeset', () => db.applyChangeset(new Uint8Array([1, 2, 3, 4, 5])), ['AsyncDatabase.applyChangeset']],
    ['backup', () => db.backup(missing), ['AsyncDatabase.backup']],
  ];
  for (const [label, operation, library] of cases) assertCallerStack(label, await awaitedHere(operation()), library);
  let inside, preparedInside;
  await db.transaction(async (tx) => {
    inside = await awaitedHere(tx.run('INSERT INTO t VALUES (1)'));
    preparedInside = await awaitedHere(tx.prepare('SELEC 1'));
  });
  assertCallerStack('transaction scope run', inside, []);
  assertCallerStack('transaction scope prepare', preparedInside, ['Transaction.prepare']);
  await db.close();
  // Refused by the call's own check (the database is closed), inside the promise.
  assertCallerStack('after close', await awaitedHere(db.backup(tmp.path('b.db'))), ['AsyncDatabase.backup']);
}

test('an abort of an operation waiting behind a transaction carries the awaiting code’s stack', async () => {
  const db = await AsyncDatabase.open(':memory:');
  await db.exec('CREATE TABLE t(a)');
  const statement = await db.prepare('SELECT a FROM t');
  const controller = new AbortController();
  const session = await db.with({ signal: controller.signal }).createSession();
  let release;
  const gate = new Promise((resolve) => (release = resolve));
  const held = db.transaction(() => gate);
  const aborting = db.with({ signal: controller.signal });
  const viewOfStatement = statement.with({ signal: controller.signal });
  // Each waits behind the transaction, awaited at once; the abort (made here, by a listener)
  // rejects them all.
  const waiting = [
    ['run', awaitedHere(aborting.run('INSERT INTO t VALUES (1)')), []],
    ['exec', awaitedHere(aborting.exec('SELECT 1')), []],
    ['statement get', awaitedHere(viewOfStatement.get()), []],
    ['statement columns', awaitedHere(viewOfStatement.columns()), []],
    ['createSession', awaitedHere(aborting.createSession()), ['AsyncDatabase.createSession']],
    ['session changeset', awaitedHere(session.changeset()), []],
  ];
  controller.abort();
  for (const [label, rejected, library] of waiting) {
    const error = await rejected;
    assert.is(error.name, 'AbortError', label);
    assertCallerStack(label, error, library);
  }
  release();
  await held;
  await session.close();
  await db.close();
});

test.run();
