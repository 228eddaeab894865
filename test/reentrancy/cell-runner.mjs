// Child process that runs matrix cells, so that a crash (segfault, abort) costs only the cells
// it was running. Used by the recorder (Node 26, one cell per process) and by the tests.
//
//   node --expose-gc test/reentrancy/cell-runner.mjs <module> <matrix> <outFile> <index> [index ...]
//
// <module>: node:sqlite, or a path (dist/index.js). <matrix>: sync | async (the file
// <matrix>-matrix.mjs next to this one). Appends JSON lines to <outFile>:
//   {"start": index}                    before a cell
//   {"index": index, "result": {...}}   after it
// Each cell gets its own directory under $REENTRANCY_TMPDIR (or the OS temp dir), removed after
// it; paths in the results are replaced by <TMP>.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [spec, matrixName, outFile, ...indexArgs] = process.argv.slice(2);
if (typeof globalThis.gc !== 'function') {
  console.error('cell-runner.mjs needs --expose-gc');
  process.exit(2);
}
const fd = fs.openSync(outFile, 'a');
const emit = (obj) => fs.writeSync(fd, JSON.stringify(obj) + '\n');

const isBuiltin = spec.startsWith('node:');
const mod = await import(isBuiltin ? spec : pathToFileURL(path.resolve(spec)).href);
const sqlite = isBuiltin ? mod.default : mod;
const { cells, runCell } = await import(new URL(`./${matrixName}-matrix.mjs`, import.meta.url));

const base = fs.realpathSync(process.env.REENTRANCY_TMPDIR || os.tmpdir());
for (const arg of indexArgs) {
  const index = Number(arg);
  emit({ start: index });
  const dir = fs.mkdtempSync(path.join(base, 'cell-'));
  const ctx = {
    dir,
    tmp: (name) => path.join(dir, name),
    replace: [
      [pathToFileURL(dir).href, 'file://<TMP>'],
      [dir, '<TMP>'],
    ],
  };
  const result = await runCell(sqlite, cells[index], ctx);
  fs.rmSync(dir, { recursive: true, force: true });
  emit({ index, result });
}
fs.closeSync(fd);
