// AsyncDatabase#function and #aggregate: the same results and errors as DatabaseSync's (the same
// SQL with the same functions), thrown values reaching the caller unchanged, and every way a
// database can end while its thread waits inside a JS call — the risky ones in child processes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AsyncDatabase, DatabaseSync } from '../../dist/index.js';
import { distCjs, distEsm, helpersUrl, rejection, runChild } from '../helpers.mjs';

const ENDLESS = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c';

// { rows } or { error: { code, errcode, message } } of `sql` — comparable across the two APIs.
function outcomeSync(db, sql) {
  try {
    return { rows: db.prepare(sql).all().map((row) => ({ ...row })) };
  } catch (error) {
    return { error: { code: error.code, errcode: error.errcode, message: error.message, name: error.name } };
  }
}

async function outcomeAsync(db, sql) {
  try {
    return { rows: (await db.all(sql)).map((row) => ({ ...row })) };
  } catch (error) {
    return { error: { code: error.code, errcode: error.errcode, message: error.message, name: error.name } };
  }
}

// Opens a sync and an async database, runs `define(db)` on both (it returns a promise for the
// async one), and returns a comparer of SQL outcomes.
async function pair(define) {
  const sync = new DatabaseSync(':memory:');
  const adb = await AsyncDatabase.open(':memory:');
  define(sync);
  await define(adb);
  return {
    adb,
    sync,
    async same(sql) {
      const expected = outcomeSync(sync, sql);
      const actual = await outcomeAsync(adb, sql);
      assert.equal(actual, expected, sql);
      return actual;
    },
    async close() {
      sync.close();
      await adb.close();
    },
  };
}

const describe = (x) => (x instanceof Uint8Array ? `blob:${[...x].join(',')}` : `${typeof x}:${String(x)}`);

test('scalar arguments arrive converted as in DatabaseSync', async () => {
  const p = await pair((db) => {
    const defs = [db.function('describe', describe), db.function('describe_big', { useBigIntArguments: true }, describe)];
    return Array.isArray(defs) && defs[0] instanceof Promise ? Promise.all(defs) : undefined;
  });
  for (const value of ['1', '-7', '1.5', "'text'", "'ünï'", "x'0102ff'", "x''", 'NULL', '9007199254740991', '-9007199254740991']) {
    await p.same(`SELECT describe(${value}) AS a, describe_big(${value}) AS b`);
  }
  const outOfRange = await p.same('SELECT describe(9007199254740992) AS a');
  assert.is(outOfRange.error.code, 'ERR_OUT_OF_RANGE');
  await p.same('SELECT describe_big(9223372036854775807) AS b');
  await p.close();
});

test('results convert as in DatabaseSync, bad ones fail the statement with the same errors', async () => {
  const results = {
    num: () => 1.25,
    int: () => 42,
    big: () => 42n,
    huge: () => 2n ** 70n,
    str: () => 'héllo',
    nul: () => null,
    undef: () => undefined,
    u8: () => new Uint8Array([1, 2, 3]),
    empty: () => new Uint8Array(0),
    ab: () => new Uint8Array([4, 5]).buffer,
    dv: () => new DataView(new Uint8Array([6, 7, 8]).buffer, 1),
    i16: () => new Int16Array([1, -1]),
    obj: () => ({}),
    arr: () => [1],
    bool: () => true,
    sym: () => Symbol('s'),
    fn: () => () => 1,
    promise: () => Promise.resolve(1),
  };
  const p = await pair((db) => {
    const defs = Object.entries(results).map(([name, fn]) => db.function(name, fn));
    return defs[0] instanceof Promise ? Promise.all(defs) : undefined;
  });
  for (const name of Object.keys(results)) {
    const outcome = await p.same(`SELECT ${name}() AS v, typeof(${name}()) AS t`);
    if (['obj', 'arr', 'bool', 'sym', 'fn'].includes(name)) {
      assert.is(outcome.error.message, 'Returned JavaScript value cannot be converted to a SQLite value');
    }
  }
  assert.is((await p.same('SELECT promise() AS v')).error.message, 'Asynchronous user-defined functions are not supported');
  assert.is((await p.same('SELECT huge() AS v')).error.message, 'BigInt value is too large for SQLite');
  await p.close();
});

test('arity follows fn.length unless varargs; wrong counts are SQLite errors', async () => {
  const p = await pair((db) => {
    const defs = [
      db.function('two', (a, b) => `${a}+${b}`),
      db.function('any', { varargs: true }, (...args) => args.length),
      db.function('none', () => 'none'),
      db.function('det', { deterministic: true, directOnly: true }, (x) => x * 2),
    ];
    return defs[0] instanceof Promise ? Promise.all(defs) : undefined;
  });
  await p.same("SELECT two(1, 'b') AS v");
  const wrong = await p.same('SELECT two(1) AS v');
  assert.match(wrong.error.message, /wrong number of arguments to function two\(\)/);
  await p.same('SELECT any() AS a, any(1, 2, 3) AS b, none() AS c, det(4) AS d');
  await p.same('SELECT none(1) AS v');
  await p.close();
});

test('bad arguments reject like prepare() does, with DatabaseSync messages', async () => {
  const sync = new DatabaseSync(':memory:');
  const adb = await AsyncDatabase.open(':memory:');
  const calls = [
    [1, () => {}],
    ['f'],
    ['f', 'x'],
    ['f', null, () => {}],
    ['f', { varargs: 1 }, () => {}],
    ['f', { deterministic: 'yes' }, () => {}],
    ['f', { useBigIntArguments: null }, () => {}],
  ];
  for (const args of calls) {
    let expected;
    try {
      sync.function(...args);
    } catch (error) {
      expected = error;
    }
    const promise = adb.function(...args);
    assert.instance(promise, Promise);
    const actual = await rejection(promise);
    assert.is(actual.message, expected.message);
    assert.is(actual.code, expected.code);
    assert.is(actual.constructor, expected.constructor);
  }
  const aggregates = [
    [1, { start: 0, step: () => 0 }],
    ['a', null],
    ['a', { step: () => 0 }],
    ['a', { start: 0 }],
    ['a', { start: 0, step: () => 0, inverse: 1 }],
    ['a', { start: 0, step: () => 0, varargs: 'no' }],
  ];
  for (const args of aggregates) {
    let expected;
    try {
      sync.aggregate(...args);
    } catch (error) {
      expected = error;
    }
    const actual = await rejection(adb.aggregate(...args));
    assert.is(actual.message, expected.message);
    assert.is(actual.code, expected.code);
  }
  await adb.close();
  const closed = await rejection(adb.function('f', () => 1));
  assert.is(closed.code, 'ERR_INVALID_STATE');
  assert.is(closed.message, 'database is not open');
  assert.is((await rejection(adb.aggregate('a', { start: 0, step: () => 0 }))).code, 'ERR_INVALID_STATE');
  sync.close();
});

test('a thrown value reaches the caller unchanged, through every kind of operation', async () => {
  const db = await AsyncDatabase.open(':memory:');
  let thrown;
  await db.function('boom', (x) => {
    if (x === 3) throw thrown;
    return x;
  });
  await db.exec('CREATE TABLE t(x); INSERT INTO t VALUES (1), (2), (3), (4)');
  const stmt = await db.prepare('SELECT boom(x) AS v FROM t');
  for (const value of [new Error('plain'), new TypeError('typed'), { not: 'an error' }, 42, null, 'text']) {
    thrown = value;
    const stack = value instanceof Error ? value.stack : undefined;
    assert.is(await rejection(db.all('SELECT boom(x) FROM t')), value);
    assert.is(await rejection(db.get('SELECT boom(3)')), value);
    assert.is(await rejection(db.run('UPDATE t SET x = boom(x)')), value);
    assert.is(await rejection(db.exec('SELECT 1; SELECT boom(3); SELECT 2')), value);
    assert.is(await rejection(stmt.all()), value);
    const seen = [];
    const iterated = await rejection(
      (async () => {
        for await (const row of db.with({ batchSize: 10 }).iterate('SELECT boom(x) AS v FROM t')) seen.push(row.v);
      })(),
    );
    assert.is(iterated, value);
    assert.equal(seen, [1, 2]);
    if (stack !== undefined) assert.is(value.stack, stack);
  }
  // The rolled-back UPDATE changed nothing; the database goes on.
  assert.equal((await db.all('SELECT x FROM t')).map((r) => r.x), [1, 2, 3, 4]);
  await db.close();
});

test('aggregates and window functions give DatabaseSync results', async () => {
  const p = await pair((db) => {
    const defs = [
      db.aggregate('sum_list', { start: () => [], step: (acc, x) => (acc.push(x), acc), result: (acc) => acc.join(',') }),
      db.aggregate('plain_sum', { start: 0, step: (acc, x) => acc + x }),
      db.aggregate('count_rows', { start: 0, step: (acc) => acc + 1 }),
      db.aggregate('big_sum', { start: 0n, step: (acc, x) => acc + x, useBigIntArguments: true }),
      db.aggregate('win_sum', { start: 0, step: (acc, x) => acc + x, inverse: (acc, x) => acc - x }),
      db.aggregate('win_list', {
        start: () => [],
        step: (acc, x) => [...acc, x],
        inverse: (acc) => acc.slice(1),
        result: (acc) => acc.join('|'),
      }),
      db.aggregate('pairs', { start: '', step: (acc, a, b) => acc + a + b, varargs: true }),
    ];
    return defs[0] instanceof Promise ? Promise.all(defs) : undefined;
  });
  const setup = 'CREATE TABLE t(g, x); INSERT INTO t VALUES (1, 1), (1, 2), (2, 3), (2, 4), (2, 5), (3, 6)';
  p.sync.exec(setup);
  await p.adb.exec(setup);
  await p.same('SELECT g, sum_list(x) AS l, plain_sum(x) AS s, count_rows() AS n, big_sum(x) AS b FROM t GROUP BY g ORDER BY g');
  await p.same('SELECT sum_list(x) AS l, plain_sum(x) AS s, count_rows() AS n FROM t WHERE x > 100');
  await p.same('SELECT x, win_sum(x) OVER (ORDER BY x ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS w FROM t');
  await p.same('SELECT x, win_list(x) OVER (PARTITION BY g ORDER BY x ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS w FROM t');
  await p.same('SELECT g, win_sum(x) OVER (PARTITION BY g) AS w FROM t');
  await p.same("SELECT pairs(x, 'a') AS v FROM t");
  await p.same('SELECT plain_sum(x) OVER (ORDER BY x) AS w FROM t');
  assert.is(p.adb.core.engine.functions.accumulators, 0);
  await p.close();
});

test('an aggregate whose step throws mid-group: the error, no accumulator left, the database goes on', async () => {
  const thrown = new Error('step failed');
  let failAt = 0;
  const results = { sync: 0, async: 0 };
  const p = await pair((db) => {
    const api = db instanceof DatabaseSync ? 'sync' : 'async';
    const defs = [
      db.aggregate('fragile', {
        start: () => ({ sum: 0 }),
        step: (acc, x) => {
          if (x === failAt) throw thrown;
          acc.sum += x;
          return acc;
        },
        result: (acc) => (results[api]++, acc.sum),
      }),
      db.aggregate('fragile_win', {
        start: 0,
        step: (acc, x) => {
          if (x === failAt) throw thrown;
          return acc + x;
        },
        inverse: (acc, x) => acc - x,
      }),
    ];
    return defs[0] instanceof Promise ? Promise.all(defs) : undefined;
  });
  const setup = 'CREATE TABLE t(g, x); INSERT INTO t SELECT value % 3, value FROM (WITH RECURSIVE s(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM s WHERE value < 60) SELECT value FROM s)';
  p.sync.exec(setup);
  await p.adb.exec(setup);
  const grouped = 'SELECT g, fragile(x) FROM t GROUP BY g';
  const windowed = 'SELECT fragile_win(x) OVER (PARTITION BY g ORDER BY x ROWS 2 PRECEDING) FROM t';
  for (let i = 0; i < 30; i++) {
    failAt = 1 + ((i * 7) % 60);
    assert.is(await rejection(p.adb.all(grouped)), thrown);
    assert.is(await rejection(p.adb.all(windowed)), thrown);
    assert.throws(() => p.sync.prepare(grouped).all(), (e) => e === thrown);
    assert.throws(() => p.sync.prepare(windowed).all(), (e) => e === thrown);
    assert.is(p.adb.core.engine.functions.accumulators, 0);
  }
  // result() ran for the groups finished before the failure, and for no abandoned one.
  assert.is(results.async, results.sync);
  failAt = 0;
  await p.same('SELECT g, fragile(x) AS s FROM t GROUP BY g ORDER BY g');
  await p.same(windowed);
  assert.is(p.adb.core.engine.functions.accumulators, 0);
  await p.close();
});

test('replacing a function: later statements call the new one', async () => {
  const db = await AsyncDatabase.open(':memory:');
  await db.function('v', () => 'first');
  assert.is((await db.get('SELECT v() AS v')).v, 'first');
  const done = db.function('v', () => 'second');
  // Queued behind the registration: sees the new function.
  const after = db.get('SELECT v() AS v');
  await done;
  assert.is((await after).v, 'second');
  await db.close();
});

test('a function may use its database: its operations queue behind the running statement', async () => {
  const db = await AsyncDatabase.open(':memory:');
  await db.exec('CREATE TABLE t(x); INSERT INTO t VALUES (1), (2), (3)');
  const inner = [];
  await db.function('spy', (x) => {
    inner.push(db.get('SELECT count(*) AS n FROM t').then((row) => row.n));
    return x * 10;
  });
  const rows = await db.all('SELECT spy(x) AS v FROM t');
  assert.equal(rows.map((r) => r.v), [10, 20, 30]);
  assert.equal(await Promise.all(inner), [3, 3, 3]);
  await db.close();
});

test('close() called from inside a function waits for the running statement', async () => {
  const db = await AsyncDatabase.open(':memory:');
  let closing;
  await db.function('closer', (x) => {
    closing ??= db.close();
    return x;
  });
  const rows = await db.all('SELECT closer(value) AS v FROM (WITH RECURSIVE s(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM s WHERE value < 5) SELECT value FROM s)');
  assert.equal(rows.map((r) => r.v), [1, 2, 3, 4, 5]);
  await closing;
  assert.is(db.isOpen, false);
  assert.is((await rejection(db.get('SELECT 1'))).code, 'ERR_INVALID_STATE');
});

test('interrupt() and an AbortSignal stop a long query that calls a function per row', async () => {
  const db = await AsyncDatabase.open(':memory:');
  let calls = 0;
  let onCall = () => {};
  await db.function('tick', (x) => {
    calls++;
    onCall();
    return x;
  });
  const endless = `SELECT count(tick(x)) AS n FROM (${ENDLESS})`;

  // From inside the function.
  onCall = () => calls === 1000 && db.interrupt();
  const interrupted = await rejection(db.get(endless));
  assert.is(interrupted.code, 'ERR_SQLITE_ERROR');
  assert.is(interrupted.errcode, 9);

  // From the event loop, between two calls.
  calls = 0;
  onCall = () => calls === 1000 && setImmediate(() => db.interrupt());
  assert.is((await rejection(db.get(endless))).errcode, 9);

  // An AbortSignal.
  calls = 0;
  const controller = new AbortController();
  onCall = () => calls === 1000 && controller.abort();
  const aborted = await rejection(db.with({ signal: controller.signal }).get(endless));
  assert.is(aborted.name, 'AbortError');
  assert.is(aborted.code, 'ABORT_ERR');

  onCall = () => {};
  assert.is((await db.get('SELECT tick(7) AS v')).v, 7);
  await db.close();
});

const childPrelude = `
import { AsyncDatabase } from ${JSON.stringify(distEsm)};
import { settle, threadCount as threads } from ${JSON.stringify(helpersUrl)};
`;

test('a database dropped without close(), its function registered, is ended by GC', () => {
  const r = runChild(
    childPrelude +
      `
    const baseline = threads();
    await (async () => {
      const db = await AsyncDatabase.open(':memory:');
      // The function refers to its database: a cycle through the function table.
      await db.function('self_ref', (x) => (db ? x : 0));
      await db.aggregate('agg', { start: 0, step: (a, x) => a + x });
      const row = await db.get('SELECT self_ref(2) AS a, agg(value) AS b FROM (WITH RECURSIVE s(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM s WHERE value < 3) SELECT value FROM s)');
      console.log(row.a, row.b);
    })();
    const before = threads() - baseline;
    await settle(() => threads() <= baseline, { gc: true });
    console.log(before, threads() - baseline);
  `,
    { args: ['--expose-gc'], timeout: 60_000 },
  );
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout, '2 6\n1 0\n');
});

test('process.exit() from inside a function', () => {
  const r = runChild(
    childPrelude +
      `
    const db = await AsyncDatabase.open(':memory:');
    await db.function('leave', (x) => {
      if (x === 100) {
        console.log('leaving');
        process.exit(7);
      }
      return x;
    });
    await db.get(${JSON.stringify(`SELECT count(leave(x)) FROM (${ENDLESS})`)});
    console.log('not reached');
  `,
    { timeout: 60_000 },
  );
  assert.is(r.signal, null, r.stderr);
  assert.is(r.status, 7, r.stderr);
  assert.is(r.stdout, 'leaving\n');
});

test('process.exit() elsewhere while the database thread waits for a function call', () => {
  const r = runChild(
    childPrelude +
      `
    const db = await AsyncDatabase.open(':memory:');
    let calls = 0;
    await db.function('tick', (x) => {
      // Exits from a timer: the database thread is then blocked in (or about to make) a call.
      if (++calls === 100) setImmediate(() => { console.log('exiting'); process.exit(3); });
      return x;
    });
    await db.get(${JSON.stringify(`SELECT count(tick(x)) FROM (${ENDLESS})`)});
  `,
    { timeout: 60_000 },
  );
  assert.is(r.signal, null, r.stderr);
  assert.is(r.status, 3, r.stderr);
  assert.is(r.stdout, 'exiting\n');
});

test('worker.terminate() while the worker is inside a long query calling a function per row, 25 times', () => {
  const r = runChild(
    `
    import { Worker } from 'node:worker_threads';
    import { watchWorker } from ${JSON.stringify(helpersUrl)};
    const source = \`
      const { AsyncDatabase } = require(${JSON.stringify(distCjs)});
      const { parentPort } = require('node:worker_threads');
      (async () => {
        const db = await AsyncDatabase.open(':memory:');
        let calls = 0;
        await db.function('tick', (x) => {
          if (++calls === 200) parentPort.postMessage('calling');
          return x;
        });
        await db.aggregate('slow', { start: 0, step: (a, x) => a + x });
        await db.get(${JSON.stringify(`SELECT count(tick(x)), slow(x) FROM (${ENDLESS})`)});
      })();
    \`;
    for (let rep = 0; rep < 25; rep++) {
      const worker = watchWorker(new Worker(source, { eval: true, execArgv: [] }));
      if ((await worker.message()) !== 'calling') throw new Error('unexpected message');
      const code = await worker.terminate();
      if (code !== 1) throw new Error('exit code ' + code);
    }
    console.log('parent alive');
  `,
    { timeout: 120_000 },
  );
  assert.is(r.signal, null, r.stderr);
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout, 'parent alive\n');
});

test.run();
