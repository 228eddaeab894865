// The async re-entrancy and GC matrix: every JS callback an AsyncDatabase runs while its
// database thread is mid-operation (CALLBACKS: user functions, aggregates, applyChangeset's
// filter/onConflict, backup progress) crossed with every destructive or state-changing call of
// the async API (ACTIONS), each cell plainly and with gc() inside the callback while the outer
// operation's objects are unreachable from the script (the "gc" variant; matrix-env.mjs).
//
// There is no Node 26 reference: each action carries its expected rule (`expect`), checked by
// async.test.mjs against the cell's record and the baseline cell (same callback, action
// 'nothing'). THE RULE, consistent with the sync API: a callback runs on the JS thread while
// the database thread waits inside a job (async_functions.h F5), so no call made from it can
// act on the connection at that moment. Where the sync API refuses inside a callback
// (ERR_INVALID_STATE: close, deserialize, finalize, …), the async API defers: the call queues a
// job behind the running one and returns a promise, so
//   - the outer operation's job completes as if nothing had been called (baseline value);
//   - the action's promise settles after that job, with the effect the call has at that point
//     of the queue (the database closed, the statement finalized, the rows inserted, …);
//   - an operation issued later on a closing database rejects ERR_INVALID_STATE "database is
//     not open" ("statement has been finalized" for the next call of a started cursor, as a
//     sync iterator after close()).
// Where the sync API allows the call (exec, get, createSession, backup, …), the async one is
// deferred the same way. Exceptions, by design: cursor.return() of the running cursor ends the
// iteration after the call made before it (that call still gets its row), and interrupt() stops the running statement at
// its next callback (it rejects with SQLITE_INTERRUPT, errcode 9), or not at all when no
// callback follows. Every cell must settle (the test's child process has a timeout), never
// crash, and every error it records must carry a node-style code.
import diagnostics_channel from 'node:diagnostics_channel';
import { Env, nextMacrotask } from './matrix-env.mjs';

const SQLITE_CHANGESET_OMIT = 0;

const scalarFn = (fire) => (x) => {
  fire();
  return x;
};

const aggregateOptions = (fire, where) => ({
  start: () => {
    if (where === 'start') fire();
    return 0;
  },
  step: (acc, x) => {
    if (where === 'step') fire();
    return acc + (typeof x === 'number' ? x : 1);
  },
  result: (acc) => {
    if (where === 'result') fire();
    return acc;
  },
  ...(where === 'inverse'
    ? {
        inverse: (acc, x) => {
          fire();
          return acc - (typeof x === 'number' ? x : 1);
        },
      }
    : {}),
});

async function makeChangeset(sqlite, withConflict) {
  const source = new sqlite.DatabaseSync(':memory:');
  try {
    source.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, v); CREATE TABLE log(x)');
    const session = source.createSession();
    source.exec("INSERT INTO t VALUES (10, 'j'), (11, 'k')");
    if (withConflict) source.exec("INSERT INTO t VALUES (1, 'conflict')");
    return session.changeset();
  } finally {
    source.close();
  }
}

// Reads an async iterator to its end (at most 10 rows); the rows, and the error that ended it.
async function drain(cursor) {
  const rows = [];
  for (let i = 0; i < 10; i++) {
    const { done, value } = await cursor.next();
    if (done) break;
    rows.push(value);
  }
  return rows;
}

// --- the callbacks -----------------------------------------------------------------------------
// As in sync-matrix.mjs: { name, root, setup(env, fire) (async), outer(root, env), redefine?,
// redefineProbe?, redefined? } — redefined: the value redefineProbe gives once redefine has run
// (default 'new 2', fn's).

const redefineFn = (env) => env.db().function('fn', (x) => `new ${x}`);
const fnProbe = (db) => db.get('SELECT fn(2) AS f');

export const CALLBACKS = [
  {
    name: 'user function during db.all()',
    root: 'db',
    async setup(env, fire) {
      await env.db().function('fn', scalarFn(fire));
    },
    outer: (db) => db.all('SELECT fn(v) AS f FROM t ORDER BY id'),
    redefine: redefineFn,
    redefineProbe: fnProbe,
  },
  {
    name: 'user function during stmt.all()',
    root: 'stmt',
    async setup(env, fire) {
      const db = env.db();
      await db.function('fn', scalarFn(fire));
      env.put('stmt', await db.prepare('SELECT fn(v) AS f FROM t ORDER BY id'));
    },
    outer: (stmt) => stmt.all(),
    redefine: redefineFn,
    redefineProbe: fnProbe,
  },
  {
    // One row per batch: the cursor stays open on the database thread between batches.
    name: 'user function during cursor.next()',
    root: 'iterator',
    async setup(env, fire) {
      const db = env.db();
      await db.function('fn', scalarFn(fire));
      env.put('iterator', db.with({ batchSize: 1 }).iterate('SELECT fn(v) AS f FROM t ORDER BY id'));
    },
    outer: (cursor) => drain(cursor),
    redefine: redefineFn,
    redefineProbe: fnProbe,
  },
  {
    name: 'user function during exec',
    root: 'db',
    async setup(env, fire) {
      await env.db().function('fn', scalarFn(fire));
    },
    outer: (db) => db.exec('INSERT INTO log SELECT fn(v) FROM t'),
    redefine: redefineFn,
    redefineProbe: fnProbe,
  },
  ...['start', 'step', 'result', 'inverse'].map((where) => ({
    name: `aggregate ${where}`,
    root: 'stmt',
    async setup(env, fire) {
      const db = env.db();
      await db.aggregate('agg', aggregateOptions(fire, where));
      const sql =
        where === 'inverse'
          ? 'SELECT agg(id) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS a FROM t'
          : 'SELECT agg(id) AS a FROM t';
      env.put('stmt', await db.prepare(sql));
    },
    outer: (stmt) => stmt.all(),
    redefine: (env) =>
      env.db().aggregate('agg', {
        start: 0,
        step: (acc, x) => acc + 100, // same arity (1) as the running one
        ...(where === 'inverse' ? { inverse: (acc, x) => acc - 100 } : {}),
      }),
    redefineProbe: (db) => db.get('SELECT agg(id) AS a FROM t'),
    redefined: 300,
  })),
  {
    name: 'applyChangeset filter',
    root: 'db',
    async setup(env, fire) {
      env.outerArgs = [await makeChangeset(env.sqlite, false), { filter: () => (fire(), true) }];
    },
    outer: (db, env) => db.applyChangeset(...env.outerArgs),
  },
  {
    name: 'applyChangeset onConflict',
    root: 'db',
    async setup(env, fire) {
      env.outerArgs = [await makeChangeset(env.sqlite, true), { onConflict: () => (fire(), SQLITE_CHANGESET_OMIT) }];
    },
    outer: (db, env) => db.applyChangeset(...env.outerArgs),
  },
  {
    name: 'backup progress',
    root: 'db',
    async setup(env, fire) {
      await env.db().exec('CREATE TABLE pad(b); INSERT INTO pad VALUES (zeroblob(3000)), (zeroblob(3000))');
      env.outerArgs = [env.tmp('progress-copy.db'), { rate: 1, progress: () => fire() }];
    },
    outer: (db, env) => db.backup(...env.outerArgs),
  },
  {
    // The subscriber runs on the JS thread from the completion, before the promise settles: the
    // operation is over on the database thread, and what the subscriber calls just queues.
    name: 'diagnostics subscriber during db.all()',
    root: 'db',
    async setup(env, fire) {
      const subscriber = () => fire();
      diagnostics_channel.subscribe('sqlite.db.query', subscriber);
      env.unsubscribe = () => diagnostics_channel.unsubscribe('sqlite.db.query', subscriber);
    },
    outer: (db) => db.all('SELECT v AS f FROM t ORDER BY id'),
  },
];

// --- the actions -------------------------------------------------------------------------------
// { name, needs?, run(env, callback), probe?(env, callback), expect }: run performs the call on
// env.target(needs) (env.db() otherwise). expect names the rule async.test.mjs checks (see the
// top of this file); probe adds what the action changed to `after`.

const deferred = (effect) => ({ kind: 'deferred', effect });

export const ACTIONS = [
  { name: 'nothing', run: () => undefined, expect: { kind: 'baseline' } },
  { name: 'db.close()', run: (env) => env.db().close(), expect: deferred('closed') },
  { name: 'db[Symbol.asyncDispose]()', run: (env) => env.db()[Symbol.asyncDispose](), expect: deferred('closed') },
  { name: 'session.close()', needs: 'session', run: (env) => env.target('session').close(), expect: deferred('session closed') },
  {
    name: 'session[Symbol.asyncDispose]()',
    needs: 'session',
    run: (env) => env.target('session')[Symbol.asyncDispose](),
    expect: deferred('session closed'),
  },
  { name: 'stmt.finalize()', needs: 'stmt', run: (env) => env.target('stmt').finalize(), expect: deferred('finalized') },
  {
    name: 'stmt[Symbol.asyncDispose]()',
    needs: 'stmt',
    run: (env) => env.target('stmt')[Symbol.asyncDispose](),
    expect: deferred('finalized'),
  },
  { name: 'cursor.return()', needs: 'iterator', run: (env) => env.target('iterator').return(), expect: deferred('cursor done') },
  {
    name: 'drop a busy cursor, gc()',
    needs: 'iterator',
    run: (env) => {
      env.forget('iterator');
      globalThis.gc();
    },
    expect: { kind: 'unaffected' },
  },
  { name: 'db.deserialize()', run: (env) => env.db().deserialize(env.image), expect: deferred('deserialized') },
  {
    name: 'redefine the running function',
    run: (env, callback) => (callback.redefine ?? redefineFn)(env),
    probe: (env, callback) => (callback.redefineProbe ?? fnProbe)(env.db()),
    expect: deferred('redefined'),
  },
  {
    name: 'db.createSession()',
    run: (env) =>
      env
        .db()
        .createSession()
        .then((session) => {
          env.newSession = session;
          return 'session';
        }),
    probe: (env) => env.newSession?.changeset(),
    expect: deferred('session created'),
  },
  { name: 'db.applyChangeset()', run: (env) => env.db().applyChangeset(env.otherChangeset), expect: deferred('t + 1') },
  { name: 'db.exec()', run: (env) => env.db().exec('INSERT INTO log VALUES (1)'), expect: deferred('log + 1') },
  { name: 'db.get()', run: (env) => env.db().get('SELECT count(*) AS n FROM t'), expect: deferred('value') },
  {
    name: 'db.prepare()',
    run: (env) => env.db().prepare('SELECT count(*) AS n FROM t').then((stmt) => stmt.get()),
    expect: deferred('value'),
  },
  {
    name: 'db.transaction()',
    run: (env) => env.db().transaction((tx) => tx.run('INSERT INTO log VALUES (2)')).then(() => 'committed'),
    expect: deferred('log + 1'),
  },
  { name: 'db.backup()', run: (env) => env.db().backup(env.tmp('action-copy.db')), expect: deferred('value') },
  { name: 'db.interrupt()', run: (env) => env.db().interrupt(), expect: { kind: 'interrupt' } },
];

export const VARIANTS = ['plain', 'gc'];

export const cells = CALLBACKS.flatMap((callback) =>
  ACTIONS.flatMap((action) =>
    VARIANTS.map((variant) => ({
      id: `${callback.name} × ${action.name}${variant === 'gc' ? ' [gc]' : ''}`,
      callback,
      action,
      variant,
    })),
  ),
);

// --- running one cell --------------------------------------------------------------------------

function makeImage(sqlite) {
  const other = new sqlite.DatabaseSync(':memory:');
  try {
    other.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, v); CREATE TABLE log(x); INSERT INTO t VALUES (1,'a'),(2,'b'),(3,'c'),(4,'d'),(5,'e')");
    return other.serialize();
  } finally {
    other.close();
  }
}

function makeOtherChangeset(sqlite) {
  const other = new sqlite.DatabaseSync(':memory:');
  try {
    other.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, v); CREATE TABLE log(x)');
    const session = other.createSession();
    other.exec("INSERT INTO t VALUES (20, 'other')");
    return session.changeset();
  } finally {
    other.close();
  }
}

// The cell's database (in a function of its own: no frame of the cell keeps it).
async function openDatabase(env) {
  const db = await env.sqlite.AsyncDatabase.open(env.tmp('main.db'));
  env.opened.push(new WeakRef(db));
  env.put('db', db);
  await db.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, v); CREATE TABLE log(x); INSERT INTO t VALUES (1,'a'),(2,'b'),(3,'c')");
  await db.function('fn', (x) => x);
}

async function provide(env, need) {
  if (env.has(need)) return;
  const db = env.db();
  env.provided.add(need);
  if (need === 'session') {
    env.put('session', await db.createSession());
  } else if (need === 'stmt') {
    env.put('stmt', await db.prepare('SELECT id FROM t ORDER BY id'));
  } else if (need === 'iterator') {
    const cursor = db.with({ batchSize: 1 }).iterate('SELECT id FROM t ORDER BY id');
    await cursor.next(); // mid-iteration: the cursor is open on the database thread
    env.put('iterator', cursor);
  }
}

async function setUp(env, cell, fire) {
  await openDatabase(env);
  env.image = makeImage(env.sqlite);
  env.otherChangeset = makeOtherChangeset(env.sqlite);
  await cell.callback.setup(env, fire);
  if (cell.action.needs) await provide(env, cell.action.needs);
}

async function stateAfter(env, cell) {
  // The file as a fresh connection sees it: the data, whichever wrappers the gc variant lost.
  const after = { file: env.outcome(() => probeFile(env)) };
  const db = env.get('db');
  if (db === undefined) {
    after.db = 'collected';
  } else {
    after.isOpen = db.isOpen;
    after.probe = await env.settle(db.get('SELECT (SELECT count(*) FROM t) AS t, (SELECT count(*) FROM log) AS log'));
  }
  for (const name of ['session', 'stmt', 'iterator']) {
    if (!env.has(name)) continue;
    const object = env.get(name);
    if (object === undefined) after[name] = 'collected';
    else if (name === 'session') after.session = await env.settle(object.changeset());
    else if (name === 'stmt') after.stmt = await env.settle(object.all());
    else after.iterator = await env.settle(object.next());
  }
  if (cell.action.probe && db !== undefined && db.isOpen) {
    after.actionProbe = await env.settle(Promise.resolve().then(() => cell.action.probe(env, cell.callback)));
  }
  return after;
}

function probeFile(env) {
  const db = new env.sqlite.DatabaseSync(env.tmp('main.db'), { readOnly: true });
  try {
    return db.prepare('SELECT (SELECT count(*) FROM t) AS t, (SELECT count(*) FROM log) AS log').get();
  } finally {
    db.close();
  }
}

async function cleanUp(env) {
  env.unsubscribe?.();
  const iterator = env.get('iterator');
  await iterator?.return().catch(() => {});
  await env.newSession?.close().catch(() => {});
  for (const ref of env.opened) await ref.deref()?.close().catch(() => {});
}

// The action, recorded, in a frame of its own (see sync-matrix.mjs).
function runAction(env, cell) {
  let returned;
  try {
    returned = cell.action.run(env, cell.callback);
  } catch (error) {
    return { threw: env.json(error) };
  }
  if (!(returned instanceof Promise)) return { ok: env.json(returned) };
  const entry = { promise: null };
  env.pending.push(env.settle(returned).then((settled) => (entry.promise = settled)));
  return entry;
}

/** Runs one cell; returns its record as JSON. Never throws. */
export async function runCell(sqlite, cell, ctx) {
  const env = new Env(sqlite, ctx, cell.variant === 'gc');
  const record = { action: { notFired: true } };
  let armed = false;
  const fire = () => {
    if (!armed) return;
    armed = false;
    record.action = runAction(env, cell);
    if (env.gc) globalThis.gc();
  };
  try {
    await setUp(env, cell, fire);
    if (env.gc) await nextMacrotask();
    armed = true;
    const outer = cell.callback.outer(env.release(cell.callback.root, cell.action.needs ?? 'db'), env);
    record.outer = await env.settle(outer);
    env.reacquire();
    armed = false;
    await Promise.all(env.pending);
    record.after = await stateAfter(env, cell);
  } catch (error) {
    record.harnessThrew = env.json(error);
  }
  await cleanUp(env);
  return record;
}
