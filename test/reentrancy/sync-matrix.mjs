// The sync re-entrancy and GC matrix: every JS callback that runs while SQLite is mid-operation
// (CALLBACKS) crossed with every destructive or state-changing call reachable from inside it
// (ACTIONS), each cell once plainly and once with gc() called inside the callback while the
// outer operation's objects are unreachable from the script ("gc" variant).
//
// Adding a callback or an action is one entry in its table; the cell list is computed.
// Runs unchanged on Node 20 (our DatabaseSync) and Node 26 (node:sqlite, for the golden file).
//
// A cell (runCell) sets up a database, installs the callback around the outer operation, runs
// the operation; the first time the callback is called it performs the action (then, in the gc
// variant, globalThis.gc()). Calls before the outer operation starts (set-up) do nothing. It records:
//   action  what the action did: { ok } | { threw } (| { promise } for backup), or { notFired }
//   outer   what the outer operation did: { ok } | { threw }
//   after   the state afterwards: db.isOpen, a probe query, and the session / statement /
//           iterator the cell made (each re-used once), plus what the action's own probe says
//
// Objects (env): the callback's setup puts the objects of the outer operation into `env` by
// name (db, stmt, iterator, session); an action that needs one the callback does not make
// gets a fresh one, made before the outer operation ("needs", "provided"). In the gc variant,
// once the outer operation starts the script lets go of the outer operation's objects: it keeps
// only the action's object, and hands that over when the action runs (env.target). So when the
// callback calls gc(), nothing but the running operation (and what it references) keeps them
// alive; one it failed to keep reads 'collected' in the state afterwards (reached through
// WeakRefs made at set-up; the script holds them again as soon as the operation is over, so
// that what the collector does later, or what an engine keeps of a dropped object, never shows).
// Provided objects are the callback's, not the outer operation's: the script keeps them.
import diagnostics_channel from 'node:diagnostics_channel';
import { Env, nextMacrotask } from './matrix-env.mjs';

const SQLITE_OK = 0;
const SQLITE_CHANGESET_OMIT = 0;

// --- the callbacks -----------------------------------------------------------------------------
// { name, root, setup(env, fire), outer(root, env), redefine?(env), redefineProbe?(db) }
//   setup installs the callback, which calls fire() on every invocation, and puts the outer
//   operation's objects into env; outer(root) runs the operation on env's object named `root`
//   (the one object the script hands to it) and returns its value (or a promise of it).
//   redefine: the action "redefine the running function" for this callback (default: `fn`).

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

const redefineAggregate = (where) => (env) =>
  env.db().aggregate('agg', {
    start: 0,
    step: (acc, x) => acc + 100, // same arity (1) as the running one
    ...(where === 'inverse' ? { inverse: (acc, x) => acc - 100 } : {}),
  });

const moduleColumns = [{ name: 'x', type: 'INTEGER' }];
const redefineModule = (env) => env.db().createModule('vt', { columns: moduleColumns, rows: () => [[100]] });

// Every invocation of the iterable's next() after the first row calls fire().
function* firingRows(fire) {
  yield [1];
  fire();
  yield [2];
  yield [3];
}

// A changeset made on a scratch database with t's schema: rows 10 and 11 inserted, and row 1
// inserted again (a conflict when applied to env's database, which has row 1).
function makeChangeset(sqlite, withConflict) {
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

export const CALLBACKS = [
  {
    name: 'authorizer during prepare',
    root: 'db',
    setup(env, fire) {
      env.db().setAuthorizer(() => (fire(), SQLITE_OK));
    },
    outer: (db) => db.prepare('SELECT v FROM t ORDER BY id').all(),
  },
  {
    name: 'authorizer during exec',
    root: 'db',
    setup(env, fire) {
      env.db().setAuthorizer(() => (fire(), SQLITE_OK));
    },
    outer: (db) => db.exec("INSERT INTO t(v) VALUES ('x')"),
  },
  {
    // The statement is compiled before the schema changes; its next step re-prepares it and
    // calls the authorizer from inside sqlite3_step.
    name: 'authorizer during a re-prepare in step',
    root: 'stmt',
    setup(env, fire) {
      const db = env.db();
      env.put('stmt', db.prepare('SELECT * FROM t ORDER BY id'));
      db.exec('ALTER TABLE t ADD COLUMN w');
      db.setAuthorizer(() => (fire(), SQLITE_OK));
    },
    outer: (stmt) => stmt.all(),
  },
  {
    name: 'authorizer during session.changeset()',
    root: 'session',
    setup(env, fire) {
      const db = env.db();
      env.put('session', db.createSession());
      db.exec("INSERT INTO t VALUES (4, 'd')");
      db.setAuthorizer(() => (fire(), SQLITE_OK));
    },
    outer: (session) => session.changeset(),
  },
  {
    name: 'authorizer during session.patchset()',
    root: 'session',
    setup(env, fire) {
      const db = env.db();
      env.put('session', db.createSession());
      db.exec("INSERT INTO t VALUES (4, 'd')");
      db.setAuthorizer(() => (fire(), SQLITE_OK));
    },
    outer: (session) => session.patchset(),
  },
  {
    name: 'user function during stmt.all()',
    root: 'stmt',
    setup(env, fire) {
      const db = env.db();
      db.function('fn', scalarFn(fire));
      env.put('stmt', db.prepare('SELECT fn(v) AS f FROM t ORDER BY id'));
    },
    outer: (stmt) => stmt.all(),
    redefine: (env) => env.db().function('fn', (x) => `new ${x}`),
    redefineProbe: (db) => db.prepare('SELECT fn(2) AS f').get(),
  },
  {
    name: 'user function during iterator.next()',
    root: 'iterator',
    setup(env, fire) {
      const db = env.db();
      db.function('fn', scalarFn(fire));
      const stmt = db.prepare('SELECT fn(v) AS f FROM t ORDER BY id');
      env.put('stmt', stmt);
      env.put('iterator', stmt.iterate());
    },
    outer(iterator) {
      const rows = [];
      for (let i = 0; i < 10; i++) {
        const { done, value } = iterator.next();
        if (done) break;
        rows.push(value);
      }
      return rows;
    },
    redefine: (env) => env.db().function('fn', (x) => `new ${x}`),
    redefineProbe: (db) => db.prepare('SELECT fn(2) AS f').get(),
  },
  {
    name: 'user function during exec',
    root: 'db',
    setup(env, fire) {
      env.db().function('fn', scalarFn(fire));
    },
    outer: (db) => db.exec('INSERT INTO log SELECT fn(v) FROM t'),
    redefine: (env) => env.db().function('fn', (x) => `new ${x}`),
    redefineProbe: (db) => db.prepare('SELECT fn(2) AS f').get(),
  },
  ...['start', 'step', 'result', 'inverse'].map((where) => ({
    name: `aggregate ${where}`,
    root: 'stmt',
    setup(env, fire) {
      const db = env.db();
      db.aggregate('agg', aggregateOptions(fire, where));
      const sql =
        where === 'inverse'
          ? 'SELECT agg(id) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS a FROM t'
          : 'SELECT agg(id) AS a FROM t';
      env.put('stmt', db.prepare(sql));
    },
    outer: (stmt) => stmt.all(),
    redefine: redefineAggregate(where),
    redefineProbe: (db) => db.prepare('SELECT agg(id) AS a FROM t').get(),
  })),
  {
    name: 'virtual table rows()',
    root: 'stmt',
    setup(env, fire) {
      const db = env.db();
      db.createModule('vt', {
        columns: moduleColumns,
        rows: () => {
          fire();
          return [[1], [2], [3]];
        },
      });
      env.put('stmt', db.prepare('SELECT x FROM vt'));
    },
    outer: (stmt) => stmt.all(),
    redefine: redefineModule,
    redefineProbe: (db) => db.prepare('SELECT x FROM vt').all(),
  },
  {
    name: 'virtual table rows iterator next()',
    root: 'stmt',
    setup(env, fire) {
      const db = env.db();
      db.createModule('vt', { columns: moduleColumns, rows: () => firingRows(fire) });
      env.put('stmt', db.prepare('SELECT x FROM vt'));
    },
    outer: (stmt) => stmt.all(),
    redefine: redefineModule,
    redefineProbe: (db) => db.prepare('SELECT x FROM vt').all(),
  },
  {
    name: 'applyChangeset filter',
    root: 'db',
    setup(env, fire) {
      const changeset = makeChangeset(env.sqlite, false);
      env.outerArgs = [changeset, { filter: () => (fire(), true) }];
    },
    outer: (db, env) => db.applyChangeset(...env.outerArgs),
  },
  {
    name: 'applyChangeset onConflict',
    root: 'db',
    setup(env, fire) {
      const changeset = makeChangeset(env.sqlite, true);
      env.outerArgs = [changeset, { onConflict: () => (fire(), SQLITE_CHANGESET_OMIT) }];
    },
    outer: (db, env) => db.applyChangeset(...env.outerArgs),
  },
  {
    name: 'backup progress',
    root: 'db',
    setup(env, fire) {
      // Enough pages for several steps of one page.
      env.db().exec('CREATE TABLE pad(b); INSERT INTO pad VALUES (zeroblob(3000)), (zeroblob(3000))');
      env.outerArgs = [env.tmp('progress-copy.db'), { rate: 1, progress: () => fire() }];
    },
    outer: (db, env) => env.sqlite.backup(db, ...env.outerArgs),
  },
  // The diagnostics_channel subscriber: it runs inside SQLite (the statement has ended, not yet
  // been reset), synchronously in the call that publishes. Unsubscribed by cleanUp.
  {
    name: 'diagnostics subscriber during stmt.get()',
    root: 'stmt',
    setup(env, fire) {
      env.put('stmt', env.db().prepare('SELECT v FROM t ORDER BY id'));
      subscribe(env, fire);
    },
    outer: (stmt) => stmt.get(),
  },
  {
    name: 'diagnostics subscriber during exec',
    root: 'db',
    setup(env, fire) {
      subscribe(env, fire);
    },
    outer: (db) => db.exec("INSERT INTO t(v) VALUES ('x'); SELECT count(*) FROM t"),
  },
];

function subscribe(env, fire) {
  const subscriber = () => fire();
  diagnostics_channel.subscribe('sqlite.db.query', subscriber);
  env.unsubscribe = () => diagnostics_channel.unsubscribe('sqlite.db.query', subscriber);
}

// --- the actions -------------------------------------------------------------------------------
// { name, needs?, run(env, callback), probe?(env, callback) }: run performs the call (its return
// value or throw is recorded) on env.target(needs) — env.db() when it needs no other object;
// needs names the object it acts on (made before the outer operation when the callback does not
// make it); probe adds what the action changed to `after`.

export const ACTIONS = [
  { name: 'db.close()', run: (env) => env.db().close() },
  { name: 'db[Symbol.dispose]()', run: (env) => env.db()[Symbol.dispose]() },
  { name: 'session.close()', needs: 'session', run: (env) => env.target('session').close() },
  { name: 'session[Symbol.dispose]()', needs: 'session', run: (env) => env.target('session')[Symbol.dispose]() },
  { name: 'stmt.close()', needs: 'stmt', run: (env) => env.target('stmt').close() },
  { name: 'stmt[Symbol.dispose]()', needs: 'stmt', run: (env) => env.target('stmt')[Symbol.dispose]() },
  { name: 'iterator.return()', needs: 'iterator', run: (env) => env.target('iterator').return() },
  // An idle statement the script drops, collected (and finalized) while SQLite is mid-operation.
  {
    name: 'drop a busy iterator, gc()',
    needs: 'iterator',
    run: (env) => {
      env.forget('iterator');
      globalThis.gc();
    },
  },
  {
    name: 'drop a session, gc()',
    needs: 'session',
    run: (env) => {
      env.forget('session');
      globalThis.gc();
    },
  },
  { name: 'db.deserialize()', run: (env) => env.db().deserialize(env.image) },
  { name: 'db.setAuthorizer(null)', run: (env) => env.db().setAuthorizer(null) },
  {
    name: 'db.setAuthorizer(another)',
    run: (env) =>
      env.db().setAuthorizer(() => {
        env.otherAuthorizerCalls++;
        return SQLITE_OK;
      }),
    probe: (env) => ({ otherAuthorizerCalled: env.otherAuthorizerCalls > 0 }),
  },
  {
    name: 'redefine the running function',
    run: (env, callback) => (callback.redefine ?? ((e) => e.db().function('fn', (x) => `new ${x}`)))(env),
    probe: (env, callback) => (callback.redefineProbe ?? ((db) => db.prepare('SELECT fn(2) AS f').get()))(env.db()),
  },
  {
    name: 'db.createSession()',
    run: (env) => {
      env.newSession = env.db().createSession();
    },
    probe: (env) => (env.newSession ? env.newSession.changeset() : null),
  },
  { name: 'db.enableDefensive(false)', run: (env) => env.db().enableDefensive(false) },
  {
    name: 'db.limits.attach = 3',
    run: (env) => {
      env.db().limits.attach = 3;
    },
    probe: (env) => env.db().limits.attach,
  },
  {
    name: 'db.createModule()',
    run: (env) => env.db().createModule('other', { columns: moduleColumns, rows: () => [[7]] }),
    probe: (env) => env.db().prepare('SELECT x FROM other').all(),
  },
  { name: 'db.createTagStore()', run: (env) => env.db().createTagStore().get`SELECT count(*) AS n FROM t` },
  { name: 'db.applyChangeset()', run: (env) => env.db().applyChangeset(env.otherChangeset) },
  { name: 'db.exec()', run: (env) => env.db().exec('INSERT INTO log VALUES (1)') },
  { name: 'db.prepare().get()', run: (env) => env.db().prepare('SELECT count(*) AS n FROM t').get() },
  { name: 'backup(db)', run: (env) => env.sqlite.backup(env.db(), env.tmp('action-copy.db')) },
];

export const VARIANTS = ['plain', 'gc'];

/** Every cell: { id, callback, action, variant }, ids stable and unique. */
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

export const cellsById = new Map(cells.map((c) => [c.id, c]));

// --- running one cell --------------------------------------------------------------------------


// The cell's database, with t (3 rows), log (empty) and the identity function fn. Made in a
// function of its own so that no frame of the cell keeps a reference to it.
function openDatabase(env) {
  const db = new env.sqlite.DatabaseSync(env.tmp('main.db'));
  env.opened.push(new WeakRef(db));
  env.put('db', db);
  db.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, v); CREATE TABLE log(x); INSERT INTO t VALUES (1,'a'),(2,'b'),(3,'c')");
  db.function('fn', (x) => x);
}

// Creates the object an action needs when the callback has not made it.
function provide(env, need) {
  if (env.has(need)) return;
  const db = env.db();
  env.provided.add(need);
  if (need === 'session') {
    env.put('session', db.createSession());
  } else if (need === 'stmt') {
    env.put('stmt', db.prepare('SELECT id FROM t ORDER BY id'));
  } else if (need === 'iterator') {
    const iterator = db.prepare('SELECT id FROM t ORDER BY id').iterate();
    iterator.next(); // mid-iteration: the statement is busy
    env.put('iterator', iterator);
  }
}

// The serialized image the deserialize action loads: t's schema with five rows.
function makeImage(sqlite) {
  const other = new sqlite.DatabaseSync(':memory:');
  try {
    other.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, v); CREATE TABLE log(x); INSERT INTO t VALUES (1,'a'),(2,'b'),(3,'c'),(4,'d'),(5,'e')");
    return other.serialize();
  } finally {
    other.close();
  }
}

// The changeset the applyChangeset action applies: one row (20) inserted into t.
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

function setUp(env, cell, fire) {
  openDatabase(env);
  env.image = makeImage(env.sqlite);
  env.otherChangeset = makeOtherChangeset(env.sqlite);
  cell.callback.setup(env, fire);
  if (cell.action.needs) provide(env, cell.action.needs);
}

// The state afterwards: every object of the cell is used once more, in a fixed order.
function stateAfter(env, cell) {
  const after = {};
  const db = env.get('db');
  if (db === undefined) {
    after.db = 'collected';
  } else {
    after.isOpen = db.isOpen;
    after.probe = env.outcome(() => db.prepare('SELECT (SELECT count(*) FROM t) AS t, (SELECT count(*) FROM log) AS log').get());
  }
  for (const name of ['session', 'stmt', 'iterator']) {
    if (!env.has(name)) continue;
    const object = env.get(name);
    if (object === undefined) after[name] = 'collected';
    else if (name === 'session') after.session = env.outcome(() => object.changeset());
    else if (name === 'stmt') after.stmt = env.outcome(() => object.all());
    else after.iterator = env.outcome(() => object.next());
  }
  if (cell.action.probe && db !== undefined) after.actionProbe = env.outcome(() => cell.action.probe(env, cell.callback));
  return after;
}

// Whatever is still open is closed (errors ignored), so the cell's files can be removed.
function cleanUp(env) {
  env.unsubscribe?.();
  for (const name of ['iterator', 'stmt', 'session']) {
    try {
      const object = env.get(name);
      if (name === 'iterator') object?.return();
      else object?.[Symbol.dispose]?.();
    } catch {}
  }
  try {
    env.newSession?.close();
  } catch {}
  for (const ref of env.opened) {
    try {
      const open = ref.deref();
      if (open?.isOpen) open.close();
    } catch {}
  }
}

// The action, recorded. A frame of its own: what it returned or threw (an error's stack trace
// references the receivers of its frames) must not stay in the caller's frame during gc().
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

/**
 * Runs one cell and returns its record as JSON. ctx: { tmp(name) → a path in a directory of
 * this cell's own, replace: [[from, to], ...] for serialize }. Never throws.
 */
export async function runCell(sqlite, cell, ctx) {
  const env = new Env(sqlite, ctx, cell.variant === 'gc');
  const record = { action: { notFired: true } };
  // Armed when the outer operation starts: calls during set-up (the authorizer runs for every
  // statement compiled) and after the first do nothing.
  let armed = false;
  const fire = () => {
    if (!armed) return;
    armed = false;
    record.action = runAction(env, cell);
    if (env.gc) globalThis.gc();
  };
  try {
    setUp(env, cell, fire);
    if (env.gc) await nextMacrotask(); // WeakRefs made this turn keep their targets until it ends
    armed = true;
    const returned = cell.callback.outer(env.release(cell.callback.root, cell.action.needs ?? 'db'), env);
    if (!(returned instanceof Promise)) env.reacquire();
    record.outer = await env.settle(returned);
    env.reacquire();
    armed = false;
    await Promise.all(env.pending);
    record.after = stateAfter(env, cell);
  } catch (error) {
    record.harnessThrew = env.json(error);
  }
  cleanUp(env);
  return record;
}
