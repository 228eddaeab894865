// Re-entrancy scenario for memcheck: the crash-prone cells of the re-entrancy matrix
// (test/reentrancy/crash-prone.json — cells that crashed before their fix) run in this process,
// so valgrind sees every read and write of the paths that once freed memory SQLite was using.
// The gc variants need gc(): exposed here, since run.mjs starts node without flags.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { pathToFileURL } from 'node:url';
import * as sqlite from '../../../dist/index.js';

v8.setFlagsFromString('--expose-gc');
globalThis.gc ??= vm.runInNewContext('gc');

const here = path.dirname(new URL(import.meta.url).pathname);
const { cells: listed } = JSON.parse(fs.readFileSync(path.join(here, '../../reentrancy/crash-prone.json'), 'utf8'));
const matrices = {
  sync: await import('../../reentrancy/sync-matrix.mjs'),
  async: await import('../../reentrancy/async-matrix.mjs'),
};

const base = fs.mkdtempSync(path.join(os.tmpdir(), 'strand-memcheck-reentrancy-'));
try {
  for (const { matrix, id } of listed) {
    const cell = matrices[matrix].cells.find((c) => c.id === id);
    if (!cell) throw new Error(`crash-prone.json names a cell the ${matrix} matrix does not have: ${id}`);
    const dir = fs.mkdtempSync(path.join(base, 'cell-'));
    const ctx = { dir, tmp: (name) => path.join(dir, name), replace: [[pathToFileURL(dir).href, 'file://<TMP>'], [dir, '<TMP>']] };
    const record = await matrices[matrix].runCell(sqlite, cell, ctx);
    if ('harnessThrew' in record) throw new Error(`${id}: ${JSON.stringify(record.harnessThrew)}`);
    fs.rmSync(dir, { recursive: true, force: true });
  }
} finally {
  fs.rmSync(base, { recursive: true, force: true });
}
console.log(`${listed.length} crash-prone cells; scenario done`);
