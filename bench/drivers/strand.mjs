// Ours: sqlite-strand's node:sqlite-compatible DatabaseSync, from the built dist/.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { projectDir } from '../lib/paths.mjs';

/** The built CJS entry; BENCH_STRAND=/path/to/index.cjs benches another build (e.g. a saved one). */
export function strandEntry() {
  return process.env.BENCH_STRAND ? resolve(process.env.BENCH_STRAND) : join(projectDir, 'dist', 'index.cjs');
}

// The module at `entry` (a built dist/index.cjs); `missing` says what to do when it is not there.
function requireBuild(entry, missing) {
  if (!existsSync(entry)) throw new Error(`${entry} not found${missing}`);
  return createRequire(import.meta.url)(entry);
}

export function loadStrand() {
  const entry = strandEntry();
  const mod = requireBuild(entry, ': build the project first (npm run build)');
  return { mod, version: process.env.BENCH_STRAND ? `${projectVersion()} via BENCH_STRAND=${entry}` : projectVersion() };
}

/** The build named by BENCH_BASELINE (a saved copy of an older build's package: dist/ + build/), for the baseline drivers. */
export function loadBaseline() {
  const given = process.env.BENCH_BASELINE;
  if (!given) throw new Error('BENCH_BASELINE is not set');
  const entry = resolve(given);
  return { mod: requireBuild(entry, ''), version: `baseline build ${entry}` };
}

function projectVersion() {
  const { version } = JSON.parse(readFileSync(join(projectDir, 'package.json'), 'utf8'));
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: projectDir, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString().trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'binding.gyp'], { cwd: projectDir, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString().trim();
    return `${version} (${commit}${dirty ? '+dirty' : ''})`;
  } catch {
    return `${version} (no commit)`;
  }
}

export default {
  name: 'strand',
  label: 'sqlite-strand',
  short: 'strand',
  api: 'sync',
  runtime: 'current',
  ours: true,
  async load() {
    const { mod, version } = loadStrand();
    const { DatabaseSync } = mod;
    if (typeof DatabaseSync !== 'function') {
      throw new Error(`${strandEntry()} does not export DatabaseSync yet (exports: ${Object.keys(mod).join(', ') || 'none'})`);
    }
    return { version, open: (file) => new DatabaseSync(file) };
  },
};
