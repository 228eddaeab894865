// The runtime matrix (`npm run test:runtimes`): the whole test suite (test/run.mjs) under each
// pinned Node, and the portable suites (test/runtimes/portable/*.test.mjs) under Bun and Deno.
// The runtimes are installed from the npm registry into a cache outside the project on first
// use (runtimes.mjs), then reused. Prints each runtime's suites, a summary per runtime and one
// closing line "N passed, N failed" over all of them; exits non-zero on any failure, a runtime
// that could not be installed included.
//
// Usage: node test/runtimes/run.mjs [--only=node22,bun,...] [suite filter ...]
//   --only     the runtimes to run (ids from runtimes.mjs: node22 node24 node26 bun deno)
//   filters    passed on: test/run.mjs's substring filters for Node, the same filters over the
//              portable suites for Bun and Deno
// Environment: SQLITE_STRAND_RUNTIMES_DIR, the cache folder (see runtimes.mjs).
import { spawn } from 'node:child_process';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { closingLine, findSuites, runSuites } from '../suite-runner.mjs';
import { RUNTIMES, cacheDir, ensureInstalled } from './runtimes.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const projectRoot = join(here, '..', '..');
const portableDir = join(here, 'portable');

const args = process.argv.slice(2);
const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
const filters = args.filter((a) => !a.startsWith('--'));
const unknown = (only ?? []).filter((id) => !RUNTIMES.some((r) => r.id === id));
if (unknown.length > 0) {
  console.error(`unknown runtime(s): ${unknown.join(', ')} (known: ${RUNTIMES.map((r) => r.id).join(', ')})`);
  process.exit(2);
}
const selected = RUNTIMES.filter((r) => !only || only.includes(r.id));

// How the portable suites run: the program and its arguments before the suite's path.
//   bun   `bun run file.mjs`; no flag needed (Bun.gc() stands in for gc(), helpers.mjs)
//   deno  Node-API addons need --allow-ffi, node-gyp-build reads the environment and the
//         file system, the tests write databases: --allow-all. --v8-flags=--expose-gc for gc().
//         Bare specifiers (node-gyp-build, uvu) resolve from the project's node_modules,
//         found through its package.json; no --unstable flag is needed.
const portableCommand = {
  bun: (binary) => [binary, 'run'],
  deno: (binary) => [binary, 'run', '--allow-all', '--v8-flags=--expose-gc'],
};

const prefixed = (id) => (text) => {
  for (const line of String(text).split('\n')) console.log(`[${id}] ${line}`);
};

// test/run.mjs under the Node `binary`, with that Node first on PATH so that whatever the suites
// start by name (npm for the tarball and fault-injection builds) runs on it too. Its closing line
// gives the counts.
function runFullSuite(runtime, binary) {
  return new Promise((resolve) => {
    const child = spawn(binary, [join(projectRoot, 'test', 'run.mjs'), ...filters], {
      cwd: projectRoot,
      env: { ...process.env, PATH: `${dirname(binary)}${delimiter}${process.env.PATH ?? ''}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const print = prefixed(runtime.id);
    let last = '';
    let pending = '';
    const onData = (data) => {
      pending += data;
      const lines = pending.split('\n');
      pending = lines.pop();
      for (const line of lines) {
        print(line);
        if (line.trim()) last = line;
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (error) => (pending += `\ncould not start ${binary}: ${error.message}\n`));
    child.on('close', (code, signal) => {
      if (pending) onData('\n');
      const m = /^(\d+) passed, (\d+) failed(?:, (\d+) skipped)?$/.exec(last.trim());
      if (!m) return resolve({ passed: 0, failed: 1, skipped: 0, note: `no closing line (exit ${code ?? signal})` });
      const totals = { passed: Number(m[1]), failed: Number(m[2]), skipped: Number(m[3] ?? 0) };
      // A non-zero exit with nothing failed (no suite matched the filters) is a failure too.
      if (code !== 0 && totals.failed === 0) totals.failed = 1;
      resolve(totals);
    });
  });
}

async function runPortable(runtime, binary) {
  const suites = findSuites(portableDir).filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)));
  if (suites.length === 0) return { passed: 0, failed: 1, skipped: 0, note: 'no portable suite matched' };
  return runSuites(suites, { command: portableCommand[runtime.kind](binary), print: prefixed(runtime.id) });
}

const seconds = (ms) => `${(ms / 1000).toFixed(0)} s`;
console.log(`runtimes: ${selected.map((r) => `${r.id} (${r.package}@${r.version})`).join(', ')}; cache ${cacheDir()}`);
const rows = [];
const started = performance.now();
for (const runtime of selected) {
  const start = performance.now();
  let installed;
  try {
    installed = ensureInstalled(runtime);
    console.log(`[${runtime.id}] ${installed.installed ? 'installed' : 'cached'}: ${installed.binary}`);
  } catch (error) {
    console.log(`[${runtime.id}] FAIL ${error.message}`);
    rows.push({ runtime, suite: '-', totals: { passed: 0, failed: 1, skipped: 0, note: 'install failed' }, ms: performance.now() - start });
    continue;
  }
  const full = runtime.kind === 'node';
  const totals = full ? await runFullSuite(runtime, installed.binary) : await runPortable(runtime, installed.binary);
  rows.push({ runtime, suite: full ? 'full suite' : 'portable suite', totals, ms: performance.now() - start });
}

console.log('');
console.log('runtime matrix:');
for (const { runtime, suite, totals, ms } of rows) {
  const name = `${runtime.kind} ${runtime.version}`.padEnd(16);
  const note = totals.note ? ` (${totals.note})` : '';
  console.log(`  ${totals.failed === 0 ? 'ok  ' : 'FAIL'} ${name} ${suite.padEnd(15)} ${closingLine(totals)}${note}, ${seconds(ms)}`);
}
console.log(`  total ${seconds(performance.now() - started)}`);
const sum = (key) => rows.reduce((n, row) => n + row.totals[key], 0);
const totals = { passed: sum('passed'), failed: sum('failed'), skipped: sum('skipped') };
console.log(closingLine(totals));
process.exitCode = totals.failed === 0 && rows.length > 0 ? 0 : 1;
