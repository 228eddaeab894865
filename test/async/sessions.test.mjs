// AsyncDatabase#createSession / AsyncSession / AsyncDatabase#applyChangeset: the same bytes,
// results, callback calls and errors as the sync API doing the same thing; thrown values reaching
// the caller unchanged; and every way a database can end with sessions open or while its thread
// waits in a callback — the risky ones in child processes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AsyncDatabase, AsyncSession, DatabaseSync, constants } from '../../dist/index.js';
import { distCjs, distEsm, helpersUrl, rejection, runChild, thrown } from '../helpers.mjs';

const TABLES = 'CREATE TABLE t(id INTEGER PRIMARY KEY, v); CREATE TABLE u(k TEXT PRIMARY KEY, n)';
// Rows that exist before recording starts, so the changes include updates and deletes of them.
const SCHEMA = `${TABLES}; INSERT INTO t VALUES (10, 'ten'), (11, 'eleven'); INSERT INTO u VALUES ('z', 9)`;
const CHANGES = [
  "UPDATE t SET v = 'TEN' WHERE id = 10",
  'DELETE FROM t WHERE id = 11',
  "UPDATE u SET n = 10 WHERE k = 'z'",
  "INSERT INTO t VALUES (1, 'one'), (2, 'two'), (3, x'00ff')",
  "INSERT INTO u VALUES ('a', 1), ('b', 2.5)",
  "UPDATE t SET v = 'TWO' WHERE id = 2",
  'DELETE FROM t WHERE id = 3',
  "UPDATE u SET n = NULL WHERE k = 'a'",
];
// A target whose rows conflict with CHANGES in every way SQLite reports.
// (DATA: row 10 differs; NOTFOUND: rows 11 and 'z' are missing; CONFLICT: rows 1, 2 and 'b' exist.)
const TARGET = `${TABLES}; INSERT INTO t VALUES (1, 'old'), (2, 'zwei'), (10, 'zehn'); INSERT INTO u VALUES ('b', 0)`;

const plain = (rows) => rows.map((row) => ({ ...row }));
const dump = (db) => ({ t: plain(db.prepare('SELECT * FROM t ORDER BY id').all()), u: plain(db.prepare('SELECT * FROM u ORDER BY k').all()) });
const dumpAsync = async (db) => ({ t: plain(await db.all('SELECT * FROM t ORDER BY id')), u: plain(await db.all('SELECT * FROM u ORDER BY k')) });
const describe = (error) => ({ name: error.name, code: error.code, errcode: error.errcode, message: error.message, keys: Object.keys(error) });

// The changeset and patchset of CHANGES, recorded by a sync and an async session with `options`.
async function recordBoth(options) {
  const sync = new DatabaseSync(':memory:');
  sync.exec(SCHEMA);
  const syncSession = options === undefined ? sync.createSession() : sync.createSession(options);
  for (const sql of CHANGES) sync.exec(sql);
  const db = await AsyncDatabase.open(':memory:');
  await db.exec(SCHEMA);
  const session = options === undefined ? await db.createSession() : await db.createSession(options);
  for (const sql of CHANGES) await db.exec(sql);
  const result = {
    sync: { changeset: syncSession.changeset(), patchset: syncSession.patchset() },
    async: { changeset: await session.changeset(), patchset: await session.patchset() },
  };
  sync.close();
  await db.close();
  return result;
}

test('changeset()/patchset() bytes equal the sync session\'s, for every option', async () => {
  for (const options of [undefined, {}, { table: 't' }, { table: 'u', db: 'main' }, { table: 'missing' }]) {
    const { sync, async: got } = await recordBoth(options);
    assert.ok(got.changeset instanceof Uint8Array);
    assert.is(Object.getPrototypeOf(got.changeset), Uint8Array.prototype);
    assert.equal(got.changeset, sync.changeset, JSON.stringify(options));
    assert.equal(got.patchset, sync.patchset, JSON.stringify(options));
  }
  const { async: all } = await recordBoth();
  assert.ok(all.changeset.length > 0);
});

test('an attached database, and an empty session', async () => {
  const db = await AsyncDatabase.open(':memory:');
  await db.exec("ATTACH ':memory:' AS aux; CREATE TABLE aux.x(id INTEGER PRIMARY KEY, v)");
  const empty = await db.createSession();
  const aux = await db.createSession({ db: 'aux' });
  await db.exec("INSERT INTO aux.x VALUES (1, 'a')");
  assert.equal(await empty.changeset(), new Uint8Array(0));
  const sync = new DatabaseSync(':memory:');
  sync.exec("ATTACH ':memory:' AS aux; CREATE TABLE aux.x(id INTEGER PRIMARY KEY, v)");
  const syncAux = sync.createSession({ db: 'aux' });
  sync.exec("INSERT INTO aux.x VALUES (1, 'a')");
  assert.equal(await aux.changeset(), syncAux.changeset());
  sync.close();
  await db.close();
});

test('changes recorded asynchronously apply identically to a DatabaseSync and through applyChangeset', async () => {
  const { async: recorded } = await recordBoth();
  for (const bytes of [recorded.changeset, recorded.patchset]) {
    const sync = new DatabaseSync(':memory:');
    sync.exec(SCHEMA);
    assert.is(sync.applyChangeset(bytes), true);
    const db = await AsyncDatabase.open(':memory:');
    await db.exec(SCHEMA);
    assert.is(await db.applyChangeset(bytes), true);
    assert.equal(await dumpAsync(db), dump(sync));
    assert.equal(dump(sync).t, [{ id: 1, v: 'one' }, { id: 2, v: 'TWO' }, { id: 10, v: 'TEN' }]);
    sync.close();
    await db.close();
  }
});

// Runs applyChangeset(bytes, make(log)) on a sync and an async database holding TARGET: the
// results (or errors), the callback calls and the final contents must be identical.
async function sameApply(bytes, make) {
  const sync = new DatabaseSync(':memory:');
  sync.exec(TARGET);
  const syncLog = [];
  let expected;
  try {
    expected = { result: sync.applyChangeset(bytes, make(syncLog)) };
  } catch (error) {
    expected = { error: describe(error) };
  }
  const db = await AsyncDatabase.open(':memory:');
  await db.exec(TARGET);
  const log = [];
  let actual;
  try {
    actual = { result: await db.applyChangeset(bytes, make(log)) };
  } catch (error) {
    actual = { error: describe(error) };
  }
  assert.equal(actual, expected);
  assert.equal(log, syncLog);
  assert.equal(await dumpAsync(db), dump(sync));
  sync.close();
  await db.close();
  return { outcome: actual, log };
}

test('filter: every kind of return value, as the sync apply', async () => {
  const { async: recorded } = await recordBoth();
  const answers = [true, false, 1, 0, '', 'yes', null, undefined, {}, 0n, 2n, NaN];
  for (const answer of answers) {
    for (const bytes of [recorded.changeset, recorded.patchset]) {
      const { log } = await sameApply(bytes, (log) => ({
        filter(name) {
          log.push([name, this]);
          return name === 't' ? answer : !answer;
        },
        onConflict: () => constants.SQLITE_CHANGESET_OMIT,
      }));
      assert.equal(log.map(([name]) => name), ['t', 'u']);
      assert.is(log[0][1], null);
    }
  }
});

test('onConflict: every answer and every conflict type, as the sync apply', async () => {
  const { async: recorded } = await recordBoth();
  const answers = [
    constants.SQLITE_CHANGESET_OMIT,
    constants.SQLITE_CHANGESET_REPLACE,
    constants.SQLITE_CHANGESET_ABORT,
    99, -1, 1.5, -0, 2 ** 31, '1', null, undefined, 1n,
  ];
  for (const answer of answers) {
    for (const bytes of [recorded.changeset, recorded.patchset]) {
      const { outcome } = await sameApply(bytes, (log) => ({
        onConflict(type) {
          log.push([type, this]);
          return answer;
        },
      }));
      if (answer === constants.SQLITE_CHANGESET_ABORT) assert.equal(outcome, { result: false });
    }
  }
  // The conflict types seen (DATA, NOTFOUND, CONFLICT) are those of the sync apply.
  const { log } = await sameApply(recorded.changeset, (log) => ({
    onConflict(type) {
      log.push(type);
      return constants.SQLITE_CHANGESET_OMIT;
    },
  }));
  assert.ok(log.includes(constants.SQLITE_CHANGESET_DATA), String(log));
  assert.ok(log.includes(constants.SQLITE_CHANGESET_CONFLICT), String(log));
  assert.ok(log.includes(constants.SQLITE_CHANGESET_NOTFOUND), String(log));
  // No onConflict: the first conflict aborts; a constraint conflict as well.
  assert.equal((await sameApply(recorded.changeset, () => undefined)).outcome, { result: false });
  assert.equal((await sameApply(recorded.changeset, () => ({}))).outcome, { result: false });
});

test('a throwing callback: the apply stops and rejects with the thrown value itself', async () => {
  const { async: recorded } = await recordBoth();
  for (const value of [new Error('boom'), new TypeError('typed'), 'a string', 42, null, { plain: true }]) {
    for (const where of ['filter', 'onConflict']) {
      const db = await AsyncDatabase.open(':memory:');
      await db.exec(TARGET);
      let calls = 0;
      const options = {
        filter: () => {
          calls++;
          if (where === 'filter') throw value;
          return true;
        },
        onConflict: () => {
          calls++;
          throw value;
        },
      };
      const error = await rejection(db.applyChangeset(recorded.changeset, options));
      assert.is(error, value);
      // Like the sync apply: nothing is called again after the throw.
      const sync = new DatabaseSync(':memory:');
      sync.exec(TARGET);
      const syncCalls = calls;
      calls = 0;
      assert.is(thrown(() => sync.applyChangeset(recorded.changeset, options)), value);
      assert.is(syncCalls, calls);
      assert.equal(await dumpAsync(db), dump(sync));
      // The database goes on normally.
      assert.is(await db.applyChangeset(recorded.changeset, { onConflict: () => constants.SQLITE_CHANGESET_OMIT }), true);
      sync.close();
      await db.close();
    }
  }
});

test('callbacks may use the database: their work runs after the apply', async () => {
  const { async: recorded } = await recordBoth();
  const db = await AsyncDatabase.open(':memory:');
  await db.exec(TARGET);
  const session = await db.createSession();
  const later = [];
  const applied = await db.applyChangeset(recorded.changeset, {
    filter: () => {
      if (later.length === 0) later.push(db.get('SELECT count(*) AS n FROM t'), session.close());
      return true;
    },
    onConflict: () => constants.SQLITE_CHANGESET_OMIT,
  });
  assert.is(applied, true);
  const [count] = await Promise.all(later);
  assert.is(count.n, 3); // rows 1, 2, 10: the conflicting changes were omitted
  assert.is((await rejection(session.changeset())).message, 'session is not open');
  await db.close();
});

test('argument errors, closed session, closed database: the sync messages', async () => {
  const sync = new DatabaseSync(':memory:');
  const db = await AsyncDatabase.open(':memory:');
  const badSession = [[null], [1], ['t'], [{ table: 1 }], [{ db: null }]];
  for (const args of badSession) {
    assert.equal(describe(await rejection(db.createSession(...args))), describe(thrown(() => sync.createSession(...args))));
  }
  const badApply = [[], [[1, 2]], ['x'], [new Uint16Array(2)], [new Uint8Array(0), 1], [new Uint8Array(0), { filter: 1 }], [new Uint8Array(0), { onConflict: 'x' }]];
  for (const args of badApply) {
    assert.equal(describe(await rejection(db.applyChangeset(...args))), describe(thrown(() => sync.applyChangeset(...args))));
  }
  assert.is(await db.applyChangeset(Buffer.alloc(0)), sync.applyChangeset(Buffer.alloc(0)));
  // A corrupt changeset: the same bare result-code error.
  const junk = new Uint8Array([0x54, 1, 2, 3]);
  sync.exec('CREATE TABLE x(a)');
  await db.exec('CREATE TABLE x(a)');
  assert.equal(describe(await rejection(db.applyChangeset(junk))), describe(thrown(() => sync.applyChangeset(junk))));

  const syncSession = sync.createSession();
  const session = await db.createSession();
  assert.ok(session instanceof AsyncSession);
  assert.is(await session.close(), undefined);
  syncSession.close();
  for (const method of ['changeset', 'patchset', 'close']) {
    const expected = describe(thrown(() => syncSession[method]()));
    assert.equal(describe(await rejection(session[method]())), expected);
    assert.is(expected.message, 'session is not open');
  }
  await session[Symbol.asyncDispose]();
  const open = await db.createSession();
  const openSync = sync.createSession();
  sync.close();
  await db.close();
  for (const s of [session, open]) {
    for (const method of ['changeset', 'patchset', 'close']) {
      const expected = describe(thrown(() => openSync[method]()));
      assert.equal(describe(await rejection(s[method]())), expected);
      assert.is(expected.message, 'database is not open');
    }
    await s[Symbol.asyncDispose]();
  }
  assert.equal(describe(await rejection(db.createSession())), describe(thrown(() => sync.createSession())));
  assert.equal(describe(await rejection(db.applyChangeset(junk))), describe(thrown(() => sync.applyChangeset(junk))));
  assert.throws(() => new AsyncSession(), (error) => error.code === 'ERR_ILLEGAL_CONSTRUCTOR');
  assert.is((await rejection(AsyncSession.prototype.changeset.call({}))).message, 'Illegal invocation');
});

test('await using closes the session; closing the database first is fine', async () => {
  const db = await AsyncDatabase.open(':memory:');
  await db.exec(SCHEMA);
  let kept;
  {
    const session = await db.createSession();
    kept = session;
    await db.exec(CHANGES[0]);
    assert.ok((await session.changeset()).length > 0);
    await session[Symbol.asyncDispose]();
  }
  assert.is((await rejection(kept.patchset())).message, 'session is not open');
  await db.close();
});

const childPrelude = `
import { AsyncDatabase, DatabaseSync, constants } from ${JSON.stringify(distEsm)};
`;

test('a session dropped without close() is deleted on the database thread after GC', () => {
  const r = runChild(
    childPrelude +
      `
    const db = await AsyncDatabase.open(':memory:');
    await db.exec('CREATE TABLE t(a PRIMARY KEY)');
    // Watch the jobs the engine is given (internal): a SessionClose (20) for each dropped session.
    const engine = db.core.engine;
    const submit = engine.submit.bind(engine);
    const closed = [];
    engine.submit = (spec, settle) => submit(spec, (error, ...rest) => {
      if (spec.kind === 20) closed.push([spec.session, error]);
      settle(error, ...rest);
    });
    await (async () => {
      for (let i = 0; i < 3; i++) await db.createSession();
      const kept = await db.createSession();
      globalThis.kept = kept;
      await db.exec('INSERT INTO t VALUES (1)');
    })();
    for (let i = 0; i < 50 && closed.length < 3; i++) {
      globalThis.gc();
      await new Promise((r) => setImmediate(r));
    }
    console.log(JSON.stringify(closed.sort((a, b) => a[0] - b[0])));
    console.log((await globalThis.kept.changeset()).length > 0);
    await db.close();
    console.log('closed');
  `,
    { args: ['--expose-gc'], timeout: 60_000 },
  );
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout, '[[1,null],[2,null],[3,null]]\ntrue\nclosed\n');
});

test('a process ending with open sessions, and a database dropped with its sessions', () => {
  const r = runChild(
    childPrelude +
      `
    const db = await AsyncDatabase.open(':memory:');
    await db.exec('CREATE TABLE t(a PRIMARY KEY)');
    const sessions = [await db.createSession(), await db.createSession({ table: 't' })];
    await db.exec('INSERT INTO t VALUES (1)');
    console.log((await sessions[1].changeset()).length > 0);
  `,
    { timeout: 60_000 },
  );
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout, 'true\n');
});

// A worker whose database thread is inside applyChangeset calling onConflict: on odd reps the
// callback blocks (the database thread waits on a call JS is running), on even reps it answers
// OMIT for ever more conflicts (the thread is between calls or waiting for the next delivery).
test('worker.terminate() while the database thread waits in onConflict, 20 times; workers ending with open sessions', () => {
  const r = runChild(
    `
    import { Worker } from 'node:worker_threads';
    import { watchWorker } from ${JSON.stringify(helpersUrl)};
    const source = \`
      const { AsyncDatabase, DatabaseSync, constants } = require(${JSON.stringify(distCjs)});
      const { parentPort, workerData } = require('node:worker_threads');
      (async () => {
        const source = new DatabaseSync(':memory:');
        source.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, v)');
        const s = source.createSession();
        source.exec('WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 20000) INSERT INTO t SELECT x, x FROM c');
        const changeset = s.changeset();
        const db = await AsyncDatabase.open(':memory:');
        await db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, v); WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 20000) INSERT INTO t SELECT x, 0 FROM c');
        const open = [await db.createSession(), await db.createSession({ table: 't' })];
        if (workerData.mode === 'end') {
          await db.exec('UPDATE t SET v = 1 WHERE id < 10');
          parentPort.postMessage((await open[0].changeset()).length > 0 ? 'ending' : 'empty');
          return;
        }
        let calls = 0;
        await db.applyChangeset(changeset, {
          onConflict: () => {
            if (++calls === 100) {
              parentPort.postMessage('calling');
              if (workerData.mode === 'block') Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
            }
            return constants.SQLITE_CHANGESET_OMIT;
          },
        });
        parentPort.postMessage('finished');
      })();
    \`;
    for (let rep = 0; rep < 20; rep++) {
      const worker = watchWorker(new Worker(source, { eval: true, execArgv: [], workerData: { mode: rep % 2 ? 'block' : 'spin' } }));
      const message = await worker.message();
      if (message !== 'calling') throw new Error('unexpected ' + message);
      const code = await worker.terminate();
      if (code !== 1) throw new Error('exit code ' + code);
    }
    for (let rep = 0; rep < 3; rep++) {
      // Posts and exits on its own: the exit listener must be there from the start.
      const worker = watchWorker(new Worker(source, { eval: true, execArgv: [], workerData: { mode: 'end' } }));
      const message = await worker.message();
      const code = await worker.exited;
      if (message !== 'ending' || code !== 0) throw new Error(message + ' ' + code);
    }
    console.log('parent alive');
  `,
    { timeout: 120_000 },
  );
  assert.is(r.signal, null, r.stderr);
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout, 'parent alive\n');
});

test('close() queued behind an apply waiting in callbacks; process.exit() inside onConflict', () => {
  const r = runChild(
    childPrelude +
      `
    const source = new DatabaseSync(':memory:');
    source.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, v)');
    const s = source.createSession();
    source.exec("INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c')");
    const changeset = s.changeset();
    const db = await AsyncDatabase.open(':memory:');
    await db.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, v); INSERT INTO t VALUES (1, 'x'), (2, 'y'), (3, 'z')");
    let closing;
    const applied = db.applyChangeset(changeset, {
      onConflict: () => {
        closing ??= db.close();
        return constants.SQLITE_CHANGESET_REPLACE;
      },
    });
    console.log(await applied, db.isOpen);
    await closing;
    const db2 = await AsyncDatabase.open(':memory:');
    await db2.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, v); INSERT INTO t VALUES (1, 'x')");
    await db2.createSession();
    await db2.applyChangeset(changeset, {
      onConflict: () => {
        console.log('exiting');
        process.exit(5);
      },
    });
    console.log('not reached');
  `,
    { timeout: 60_000 },
  );
  assert.is(r.signal, null, r.stderr);
  assert.is(r.status, 5, r.stderr);
  assert.is(r.stdout, 'true false\nexiting\n');
});

test.run();
