// The async re-entrancy and GC matrix (async-matrix.mjs) on our AsyncDatabase. No Node 26
// reference exists: every cell is checked against the rule of its action (the top of
// async-matrix.mjs has the rule in words), the baseline cell of its callback (action 'nothing')
// and, for the gc variant, the same cell without gc. Every cell must settle (its child process
// has a timeout), never crash, and carry only coded errors.
//
//   node test/reentrancy/async.test.mjs [--grep <text>]
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cells } from './async-matrix.mjs';
import { runCellsInChildren } from './children.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const moduleSpec = path.resolve(here, '../../dist/index.js');

const grepAt = process.argv.indexOf('--grep');
const grep = grepAt >= 0 ? process.argv[grepAt + 1] : null;
const selected = new Set(cells.map((c, i) => i).filter((i) => grep === null || cells[i].id.includes(grep)));
// The baselines and plain twins the checks compare with run too.
const idIndex = new Map(cells.map((c, i) => [c.id, i]));
const baselineId = (cell) => `${cell.callback.name} × nothing`;
const plainId = (cell) => cell.id.replace(/ \[gc\]$/, '');
for (const i of [...selected]) {
  selected.add(idIndex.get(baselineId(cells[i])));
  selected.add(idIndex.get(plainId(cells[i])));
}

const details = new Map();
const started = Date.now();
const results = await runCellsInChildren(moduleSpec, 'async', [...selected].sort((a, b) => a - b), {
  groupSize: 10,
  concurrency: 2,
  timeoutMs: 15_000,
  details,
});
console.log(`async matrix: ${selected.size} cells in ${((Date.now() - started) / 1000).toFixed(1)} s`);

const byId = (id) => results.get(idIndex.get(id));

function errorsIn(value, found = []) {
  if (value && typeof value === 'object') {
    if (value.$ === 'error') found.push(value);
    for (const v of Array.isArray(value) ? value : Object.values(value)) errorsIn(v, found);
  }
  return found;
}

const json = (value) => JSON.stringify(value);
const entry = (object, key) => object?.entries?.find(([k]) => k === key)?.[1];
const threwState = (outcome, message) => {
  assert.ok(outcome && 'threw' in outcome, `expected ERR_INVALID_STATE "${message}", got ${json(outcome)}`);
  assert.is(outcome.threw.props.code, 'ERR_INVALID_STATE');
  assert.is(outcome.threw.props.message, message);
};
const threwSqlite = (outcome, errcode, message) => {
  assert.ok(outcome && 'threw' in outcome, `expected ERR_SQLITE_ERROR ${errcode}, got ${json(outcome)}`);
  assert.is(outcome.threw.props.code, 'ERR_SQLITE_ERROR');
  assert.is(outcome.threw.props.errcode, errcode);
  if (message) assert.is(outcome.threw.props.message, message);
};
const settledOk = (outcome, what) => assert.ok(outcome && 'ok' in outcome, `${what}: expected a value, got ${json(outcome)}`);

// The effect a deferred action has once its job has run (async-matrix.mjs, ACTIONS).
const EFFECTS = {
  closed(record) {
    settledOk(record.action.promise, 'close');
    if (record.after.db === 'collected') return;
    assert.is(record.after.isOpen, false);
    threwState(record.after.probe, 'database is not open');
  },
  'session closed'(record) {
    settledOk(record.action.promise, 'session close');
    if (record.after.session !== 'collected') threwState(record.after.session, 'session is not open');
  },
  finalized(record) {
    settledOk(record.action.promise, 'finalize');
    if (record.after.stmt !== 'collected') threwState(record.after.stmt, 'statement has been finalized');
  },
  'cursor done'(record) {
    settledOk(record.action.promise, 'return');
    assert.is(entry(record.action.promise.ok, 'done'), true);
    if (record.after.iterator !== 'collected') assert.is(entry(record.after.iterator.ok, 'done'), true);
  },
  deserialized(record, cell) {
    // As DatabaseSync's, deserialize() finalizes the statements — the callback's open cursor too
    // (its next call rejects, see checkOuter) — so it replaces the database.
    settledOk(record.action.promise, 'deserialize');
    if (record.after.db !== 'collected') assert.equal(record.after.probe.ok.entries, [['t', 5], ['log', 0]]);
  },
  redefined(record, cell) {
    // Same reason: the open cursor's statement uses the function (the sync API's error too).
    if (cell.callback.root === 'iterator') {
      return threwSqlite(record.action.promise, 5, 'unable to delete/modify user-function due to active statements');
    }
    settledOk(record.action.promise, 'redefine');
    if (record.after.db === 'collected') return;
    const probe = record.after.actionProbe.ok;
    assert.is(probe.entries[0][1], cell.callback.redefined ?? 'new 2');
  },
  'session created'(record) {
    settledOk(record.action.promise, 'createSession');
    if (record.after.db !== 'collected') assert.is(record.after.actionProbe.ok.$, 'bytes');
  },
  't + 1'(record, cell, baseline) {
    settledOk(record.action.promise, 'applyChangeset');
    assert.is(record.action.promise.ok, true);
    assert.is(entry(record.after.file.ok, 't'), entry(baseline.after.file.ok, 't') + 1);
  },
  'log + 1'(record, cell, baseline) {
    settledOk(record.action.promise, 'write');
    assert.is(entry(record.after.file.ok, 'log'), entry(baseline.after.file.ok, 'log') + 1);
  },
  value(record) {
    settledOk(record.action.promise, 'the call');
  },
};

// The outer operation of a deferred action: its job completes as if nothing had been called.
// A cursor's later batches are jobs of their own, queued behind the action's.
function checkOuter(record, cell, baseline) {
  if (cell.callback.root !== 'iterator') return assert.equal(record.outer, baseline.outer, 'the outer operation changed');
  const effect = cell.action.expect.effect;
  // The cursor's next call is made after close(): its statement went with the close, as a sync
  // iterator's does (docs/ASYNC.md, cursors).
  if (effect === 'closed') return threwState(record.outer, 'statement has been finalized');
  // The same after deserialize(), which finalizes the database's statements and cursors.
  if (effect === 'deserialized') return threwState(record.outer, 'statement has been finalized');
  settledOk(record.outer, 'the iteration');
  // return() of the running cursor ends it after the call made before it (docs/ASYNC.md:
  // return() ends a cursor after the calls made before it): that call's row, then done.
  if (effect === 'cursor done') return assert.equal(record.outer.ok, baseline.outer.ok.slice(0, 1));
  // The batch in flight (one row) is the baseline's; later ones see what the action changed.
  assert.equal(record.outer.ok[0], baseline.outer.ok[0]);
  if (effect !== 't + 1') assert.equal(record.outer, baseline.outer);
}

function checkCell(cell, record) {
  if ('crashed' in record || 'hung' in record) {
    assert.unreachable(`the cell ${record.hung ? 'hung' : `crashed (${record.crashed})`}:\n${details.get(idIndex.get(cell.id)) ?? ''}`);
  }
  assert.not.ok(record.harnessThrew, `the cell's harness threw: ${json(record.harnessThrew)}`);
  assert.not.ok('notFired' in record.action, 'the callback never ran');
  for (const error of errorsIn(record)) assert.type(error.props?.code, 'string', `an error without a code: ${json(error)}`);
  const baseline = byId(baselineId(cell));
  const { kind } = cell.action.expect;
  if (kind === 'baseline') return settledOk(record.outer, 'the outer operation');
  if (kind === 'unaffected') {
    assert.equal(record.outer, baseline.outer);
    return assert.equal(record.after.file, baseline.after.file);
  }
  if (kind === 'interrupt') {
    assert.equal(record.action, { ok: { $: 'undefined' } });
    // Stopped at its next callback, if one comes while its job runs.
    if (json(record.outer) !== json(baseline.outer)) threwSqlite(record.outer, 9, 'interrupted');
    return;
  }
  assert.ok('promise' in record.action, `the call must return a promise: ${json(record.action)}`);
  checkOuter(record, cell, baseline);
  EFFECTS[cell.action.expect.effect](record, cell, baseline);
}

// gc() inside the callback changes nothing but which wrappers survive.
function checkAgainstPlain(record, plain) {
  assert.equal(record.action, plain.action);
  assert.equal(record.outer, plain.outer);
  for (const [key, value] of Object.entries(record.after)) {
    if (value === 'collected' || key === 'db') continue;
    assert.equal(value, plain.after[key], `after.${key} differs from the cell without gc`);
  }
}

for (const index of [...selected].sort((a, b) => a - b)) {
  const cell = cells[index];
  if (grep !== null && !cell.id.includes(grep)) continue;
  test(cell.id, () => {
    const record = results.get(index);
    checkCell(cell, record);
    if (cell.variant === 'gc') checkAgainstPlain(record, byId(plainId(cell)));
  });
}

test.run();
