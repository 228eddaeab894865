// Shared test helpers: temp directories, running a script in a child process, error capture.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const projectRoot = fileURLToPath(new URL('..', import.meta.url));
export const distCjs = join(projectRoot, 'dist', 'index.cjs');
export const distEsm = join(projectRoot, 'dist', 'index.js');
/** This module's URL, for scripts run by runChild() to import watchWorker() from. */
export const helpersUrl = pathToFileURL(fileURLToPath(import.meta.url)).href;

/** The native addon itself (the one dist/ loads), for its test-only exports such as testCounters(). */
export const nativeBinding = () => createRequire(import.meta.url)('node-gyp-build')(projectRoot);

export function tempDir(prefix = 'strand-test-') {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, path: (name) => join(dir, name), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * The threads of this process. A thread that pthread_join() has returned for can stay listed
 * for a moment — the kernel wakes the joiner before it unlists the exiting task, and on a loaded
 * machine that task may wait for a core in between — so compare a count only after settle().
 */
export const threadCount = () => readdirSync('/proc/self/task').length;

/**
 * A full garbage collection: `gc()` under node --expose-gc (and deno --v8-flags=--expose-gc);
 * Bun has no such flag, it has Bun.gc(true) (synchronous).
 */
export function collectGarbage() {
  if (typeof globalThis.gc === 'function') return globalThis.gc();
  if (typeof globalThis.Bun?.gc === 'function') return globalThis.Bun.gc(true);
  throw new Error('no gc(): run node with --expose-gc, deno with --v8-flags=--expose-gc');
}

/**
 * Waits until `done()` holds, for at most `limitMs`, letting other threads run (and collecting
 * garbage between tries if `gc`, see collectGarbage()); returns the final `done()`. For things
 * that end eventually (a joined thread unlisted, a finalizer run): a leak never ends, so it still
 * fails, only later.
 */
export async function settle(done, { gc = false, limitMs = 10_000 } = {}) {
  const end = performance.now() + limitMs;
  while (!done() && performance.now() < end) {
    if (gc) collectGarbage();
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  return done();
}

/**
 * Counts the calls of a user function that marks a query as running (the query's first row comes
 * from it): register `fn` (it returns 1); `reached(k)` resolves once it was called k times.
 */
export function callCounter() {
  let calls = 0;
  const waiters = [];
  const fn = () => {
    calls++;
    for (const waiter of waiters.filter((w) => w.k <= calls)) waiter.resolve();
    return 1;
  };
  const reached = (k = 1) => (calls >= k ? Promise.resolve() : new Promise((resolve) => waiters.push({ k, resolve })));
  return { fn, reached };
}

/**
 * Puts the database `file` (created if missing) in WAL mode, on a connection of its own that is
 * closed again (`DatabaseSync`: the class to open it with): what `readers` needs.
 */
export function useWal(DatabaseSync, file) {
  const setup = new DatabaseSync(file);
  setup.exec('PRAGMA journal_mode = WAL');
  setup.close();
}

/**
 * A probe of `file`'s write lock on a connection of its own (`DatabaseSync`: the class to open it
 * with): the returned function says whether another connection holds the lock — BEGIN IMMEDIATE
 * is refused at once (SQLITE_BUSY, no timeout); its `close()` closes the probe's connection.
 */
export function writeLockProbe(DatabaseSync, file) {
  const probe = new DatabaseSync(file, { timeout: 0 });
  const locked = () => {
    try {
      probe.exec('BEGIN IMMEDIATE');
      probe.exec('ROLLBACK');
      return false;
    } catch (error) {
      if (error.errcode !== 5) throw error;
      return true;
    }
  };
  locked.close = () => probe.close();
  return locked;
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

/**
 * Attaches every listener a test needs to `worker` at once — call it on the line that creates
 * the worker, never after an `await`: a worker may post and exit before the test's next line
 * runs, and an event with no listener yet is lost ('exit') or crashes the process ('error').
 *
 *   message()    the next message (queued if it came before the call); rejects if the worker
 *                fails or exits first
 *   messages     every message received so far
 *   exited       resolves with the exit code (also after an 'error')
 *   error        the worker's uncaught error, if it had one
 *   terminate()  worker.terminate(), resolving with the exit code of the 'exit' event
 */
export function watchWorker(worker) {
  const messages = [];
  const unread = [];
  const waiting = [];
  let ended = null; // the reason message() can no longer wait
  const watch = { worker, messages, error: undefined, exitCode: undefined };
  const endWith = (reason) => {
    ended ??= reason;
    for (const { reject } of waiting.splice(0)) reject(ended);
  };
  worker.on('message', (message) => {
    messages.push(message);
    if (waiting.length > 0) waiting.shift().resolve(message);
    else unread.push(message);
  });
  worker.on('error', (error) => {
    watch.error = error;
    endWith(error);
  });
  watch.exited = new Promise((resolve) => {
    worker.once('exit', (code) => {
      watch.exitCode = code;
      endWith(new Error(`the worker exited (code ${code}) before posting the awaited message`));
      resolve(code);
    });
  });
  watch.message = () => {
    if (unread.length > 0) return Promise.resolve(unread.shift());
    if (ended) return Promise.reject(ended);
    return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
  };
  watch.terminate = () => {
    worker.terminate();
    return watch.exited;
  };
  return watch;
}
