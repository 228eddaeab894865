// Installs the benchmark peers (bench/package.json) into bench/node_modules — never into the
// project's own node_modules or package.json. bench/package.json makes bench/ its own npm root,
// and --prefix pins it, so npm does not walk up into the project.
//
//   node bench/install-peers.mjs          install if anything is missing
//   node bench/install-peers.mjs --force  always run npm install
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchDir, peersDir } from './lib/paths.mjs';

/** Names from bench/package.json that are not installed yet (optional ones included). */
export function missingPeers() {
  const pkg = JSON.parse(readFileSync(join(benchDir, 'package.json'), 'utf8'));
  const names = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.optionalDependencies ?? {})];
  return names.filter((name) => !existsSync(join(peersDir, name, 'package.json')));
}

export function ensurePeers({ force = false } = {}) {
  const missing = missingPeers();
  if (!force && missing.length === 0) return;
  console.error(`bench: installing peers into ${peersDir} (${force ? 'forced' : `missing: ${missing.join(', ')}`});`);
  console.error('bench: first install builds better-sqlite3 and sqlite3 from source and can take a few minutes.');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const res = spawnSync(npm, ['install', '--prefix', benchDir, '--no-audit', '--no-fund'], {
    cwd: benchDir,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (res.status !== 0) throw new Error(`npm install in ${benchDir} failed (exit ${res.status ?? res.signal})`);
  const still = missingPeers();
  if (still.length) console.error(`bench: still missing after install (their drivers will be skipped): ${still.join(', ')}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  ensurePeers({ force: process.argv.includes('--force') });
}
