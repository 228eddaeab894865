// Query diagnostics of DatabaseSync (diagnostics_channel 'sqlite.db.query').
//
// 1. Replays the scenarios recorded from Node 26 (test/compat/diagnostics/, golden
//    test/compat/golden/diagnostics.json) on our build, in a child process with --expose-gc,
//    and compares the logs exactly: the messages, their order relative to results and marks,
//    errors, uncaught subscriber exceptions. Durations are compared by kind only (an integer
//    number of whole milliseconds in nanoseconds), never by value.
// 2. Checks what the golden cannot see: no profile hook while nobody subscribes, the hook
//    removing itself after the last unsubscribe, and per-thread channels in workers.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import dc from 'node:diagnostics_channel';
import { projectRoot, distEsm } from '../helpers.mjs';
import { scenarios } from '../compat/diagnostics/scenarios.mjs';

const golden = JSON.parse(fs.readFileSync(path.join(projectRoot, 'test/compat/golden/diagnostics.json'), 'utf8')).scenarios;

// Where we deliberately differ from Node 26: each entry rewrites node's log into ours (and the
// test checks that node's log still contains what is rewritten, so a fixed node is noticed).
const DIVERGENCES = {
  'a user function that throws: the caller still sees its error': {
    reason:
      "with a subscriber, node 26 loses the function's exception (the profile hook publishes while it is pending) and throws an empty ERR_SQLITE_ERROR; we keep the function's error, as without a subscriber",
    replace: [
      ['get threw Error ERR_SQLITE_ERROR errcode 1: ""', 'get threw TypeError: "from the function"'],
      ['exec threw Error ERR_SQLITE_ERROR errcode 1: ""', 'exec threw TypeError: "from the function"'],
    ],
  },
  'a row that cannot be converted (integer beyond 2^53): the call still throws': {
    reason:
      'with a subscriber, node 26 loses the conversion error raised before the reset that publishes, and get()/all() return undefined; we throw it, as without a subscriber',
    replace: [
      ['get -> "<undefined>"', 'get threw RangeError ERR_OUT_OF_RANGE: "Value is too large to be represented as a JavaScript number: 1234567890123456789"'],
      ['all -> "<undefined>"', 'all threw RangeError ERR_OUT_OF_RANGE: "Value is too large to be represented as a JavaScript number: 1234567890123456789"'],
    ],
  },
  'subscriber iterates with the iterator being published: ERR_INVALID_STATE': {
    reason:
      "node 26 lets the subscriber of an iterator's return() use the statement inside its own sqlite3_reset (stepping it on, or even finalizing it under SQLite: a use-after-free); we refuse, as node does for get()/all()/run()",
    replace: [['inner next -> {"done":false,"value":{"a":2}}', 'inner next threw Error ERR_INVALID_STATE: "statement is already being executed"']],
  },
};

function expectedLog(name) {
  const log = golden[name].log.map((entry) => (typeof entry === 'string' ? entry : JSON.stringify(entry)));
  for (const [from, to] of DIVERGENCES[name]?.replace ?? []) {
    const at = log.indexOf(from);
    if (at < 0) throw new Error(`divergence of "${name}": node's log no longer contains ${from} — re-check the divergence`);
    log[at] = to;
  }
  return log;
}

function runScenarios() {
  const child = spawnSync(process.execPath, ['--expose-gc', path.join(projectRoot, 'test/compat/diagnostics/run.mjs'), distEsm], {
    cwd: projectRoot,
    encoding: 'utf8',
    timeout: 5 * 60 * 1000,
    maxBuffer: 64 * 1024 * 1024,
  });
  const results = new Map();
  let running = null;
  let ended = false;
  for (const line of (child.stdout ?? '').split('\n')) {
    if (!line) continue;
    const msg = JSON.parse(line);
    if ('start' in msg) running = msg.start;
    else if ('result' in msg) results.set(msg.name, msg.result);
    else if (msg.end) ended = true;
  }
  const failure = ended ? null : `runner ended early (${child.signal ?? `exit ${child.status}`}) while running "${running}":\n${(child.stderr ?? '').slice(-3000)}`;
  return { results, failure };
}

const { results, failure } = runScenarios();

test('diagnostics: the golden file has exactly the current scenarios', () => {
  assert.equal(Object.keys(golden).sort(), scenarios.map((s) => s.name).sort(), 're-record with test/compat/diagnostics/record.mjs on Node 26');
});

for (const { name } of scenarios) {
  test(`diagnostics: ${name}`, () => {
    const actual = results.get(name);
    if (actual === undefined) assert.unreachable(failure ?? 'no result');
    if ('threw' in actual) assert.unreachable(`the scenario failed: ${actual.threw}`);
    const ours = actual.log.map((entry) => (typeof entry === 'string' ? entry : JSON.stringify(entry)));
    assert.equal(ours, expectedLog(name), DIVERGENCES[name] ? `known divergence: ${DIVERGENCES[name].reason}` : undefined);
  });
}

// --- what the golden cannot show ---------------------------------------------------------------

const { DatabaseSync } = await import(distEsm);
// The addon instance dist/ loaded (node caches native modules by path).
const binding = createRequire(import.meta.url)(path.join(projectRoot, 'build/Release/sqlite_strand.node'));
const installs = () => binding.queryTraceStats().syncTraceInstalls;

test('diagnostics: no profile hook while nobody subscribes; installed once per database; removed after the last unsubscribe', () => {
  const before = installs();
  const db = new DatabaseSync(':memory:');
  db.exec('CREATE TABLE t(a); INSERT INTO t VALUES (1), (2)');
  const get = db.prepare('SELECT a FROM t WHERE a = ?');
  for (let i = 0; i < 100; i++) get.get(1);
  db.prepare('SELECT a FROM t').all();
  for (const row of db.prepare('SELECT a FROM t').iterate()) void row;
  db.createTagStore().get`SELECT 1`;
  db.serialize();
  assert.is(installs(), before, 'nobody subscribes: no hook');

  const seen = [];
  const subscriber = (m) => seen.push(m.sql);
  dc.subscribe('sqlite.db.query', subscriber);
  get.get(1);
  get.get(2);
  db.exec('SELECT 3');
  assert.is(installs(), before + 1, 'one hook for the database, installed at its first query');
  dc.unsubscribe('sqlite.db.query', subscriber);
  get.get(1); // the hook finds nobody and removes itself
  get.get(1);
  assert.equal(seen, ['SELECT a FROM t WHERE a = 1.0', 'SELECT a FROM t WHERE a = 2.0', 'SELECT 3']);

  dc.subscribe('sqlite.db.query', subscriber);
  get.get(2);
  assert.is(installs(), before + 2, 'installed again for the next subscriber');
  dc.unsubscribe('sqlite.db.query', subscriber);
  assert.equal(seen.slice(3), ['SELECT a FROM t WHERE a = 2.0']);
  db.close();
});

test('diagnostics: the hook survives close() and open(), like the subscriber', () => {
  const db = new DatabaseSync(':memory:');
  const seen = [];
  const subscriber = (m) => seen.push(m.sql);
  dc.subscribe('sqlite.db.query', subscriber);
  try {
    db.exec('SELECT 1');
    const before = installs();
    db.close();
    db.open();
    assert.is(installs(), before + 1, 'reinstalled on the new connection');
    db.prepare('SELECT 2').get();
  } finally {
    dc.unsubscribe('sqlite.db.query', subscriber);
    db.close();
  }
  assert.equal(seen, ['SELECT 1', 'SELECT 2']);
});

test('diagnostics: each thread has its own channel (a worker publishes to its own subscribers)', async () => {
  const seen = [];
  const subscriber = (m) => seen.push(m.sql);
  dc.subscribe('sqlite.db.query', subscriber);
  const source = `
    const dc = require('node:diagnostics_channel');
    const { parentPort } = require('node:worker_threads');
    import(${JSON.stringify(distEsm)}).then(({ DatabaseSync }) => {
      const db = new DatabaseSync(':memory:');
      db.prepare('SELECT 1 AS unseen').get();
      const seen = [];
      dc.subscribe('sqlite.db.query', (m) => seen.push(m.sql + (m.database === db ? ' (db)' : '')));
      db.prepare('SELECT 2 AS seen').get();
      db.close();
      parentPort.postMessage(seen);
    });
  `;
  try {
    const fromWorker = await new Promise((resolve, reject) => {
      const worker = new Worker(source, { eval: true });
      let message;
      worker.on('message', (m) => (message = m));
      worker.on('error', reject);
      worker.on('exit', (code) => (code === 0 ? resolve(message) : reject(new Error(`worker exited with ${code}`))));
    });
    assert.equal(fromWorker, ['SELECT 2 AS seen (db)']);
    assert.equal(seen, [], "the main thread's subscriber saw nothing of the worker's queries");
  } finally {
    dc.unsubscribe('sqlite.db.query', subscriber);
  }
});

test.run();
