// Shared test helpers: temp directories, running a script in a child process, error capture.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export const projectRoot = fileURLToPath(new URL('..', import.meta.url));
export const distCjs = join(projectRoot, 'dist', 'index.cjs');
export const distEsm = join(projectRoot, 'dist', 'index.js');

/** The native addon itself (the one dist/ loads), for its test-only exports such as testCounters(). */
export const nativeBinding = () => createRequire(import.meta.url)('node-gyp-build')(projectRoot);

export function tempDir(prefix = 'strand-test-') {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, path: (name) => join(dir, name), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs `source` as an ES module in a fresh node process; returns { status, signal, stdout, stderr }. */
export function runChild(source, { args = [], env = {}, timeout = 120_000 } = {}) {
  const result = spawnSync(process.execPath, [...args, '--input-type=module', '-e', source], {
    cwd: projectRoot,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout,
  });
  return { status: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}

/** The error `fn` throws (fails the test if it does not throw). */
export function thrown(fn) {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error to be thrown');
}

/** The reason `promise` rejects with (fails the test if it resolves). */
export async function rejection(promise) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}
