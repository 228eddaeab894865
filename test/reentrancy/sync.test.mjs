// The sync re-entrancy and GC matrix (sync-matrix.mjs) on our DatabaseSync: every cell must give
// exactly node:sqlite 26's result (golden/node26.json, recorded by record.mjs). Where Node 26
// itself crashed, the cell must not crash here and must fail with a coded error instead.
//
// Cells run in child processes, a group per process (children.mjs); a group whose process dies
// runs again cell by cell, so a crash fails the one cell that crashes.
//
//   node test/reentrancy/sync.test.mjs [--grep <text>]
//   REENTRANCY_DUMP=ours.json node test/reentrancy/sync.test.mjs   # also write our results
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cells } from './sync-matrix.mjs';
import { runCellsInChildren } from './children.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const golden = JSON.parse(fs.readFileSync(path.join(here, 'golden', 'node26.json'), 'utf8')).cells;
const moduleSpec = process.env.REENTRANCY_MODULE || path.resolve(here, '../../dist/index.js');

const grepAt = process.argv.indexOf('--grep');
const grep = grepAt >= 0 ? process.argv[grepAt + 1] : null;
const selected = cells.map((c, i) => i).filter((i) => grep === null || cells[i].id.includes(grep));

const details = new Map();
const started = Date.now();
const results = await runCellsInChildren(moduleSpec, 'sync', selected, { groupSize: 20, concurrency: 2, details });
console.log(`sync matrix: ${selected.length} cells in ${((Date.now() - started) / 1000).toFixed(1)} s`);
// REENTRANCY_DUMP=<file>: also write our results there, in the golden file's shape (for diffing).
if (process.env.REENTRANCY_DUMP) {
  const byId = Object.fromEntries(selected.map((i) => [cells[i].id, results.get(i)]));
  fs.writeFileSync(process.env.REENTRANCY_DUMP, JSON.stringify({ cells: byId }, null, 1) + '\n');
}

// Every error a result records (action, outer, after), for the "coded error" rule.
function errorsIn(value, found = []) {
  if (value && typeof value === 'object') {
    if (value.$ === 'error') found.push(value);
    for (const v of Array.isArray(value) ? value : Object.values(value)) errorsIn(v, found);
  }
  return found;
}

test('sync matrix: the golden file has exactly the current cells', () => {
  assert.equal(Object.keys(golden).sort(), cells.map((c) => c.id).sort(), 'golden/node26.json is stale: re-record with record.mjs on Node 26');
});

for (const index of selected) {
  const { id } = cells[index];
  test(id, () => {
    const actual = results.get(index);
    const expected = golden[id];
    assert.ok(expected, `no golden result for "${id}"`);
    if ('crashed' in actual || 'hung' in actual) {
      assert.unreachable(`the cell ${actual.hung ? 'hung' : `crashed (${actual.crashed})`}:\n${details.get(index) ?? ''}`);
    }
    if ('crashed' in expected || 'hung' in expected) {
      // Node 26 crashes here: we must not, and every error must carry a node-style code.
      const errors = errorsIn(actual);
      assert.ok(errors.length > 0, 'Node 26 crashes in this cell: a coded error is expected instead');
      for (const error of errors) assert.type(error.props?.code, 'string', `an error without a code: ${JSON.stringify(error)}`);
      return;
    }
    assert.equal(actual, expected);
  });
}

test.run();
