// Runs uvu suites, each in its own child process, and adds up uvu's totals. Shared by
// test/run.mjs (every suite, under the Node running it) and test/runtimes/run.mjs (the portable
// suites under Bun and Deno).
//
// Each suite gets a fresh, empty temp directory as TMPDIR (inherited by its child processes and
// workers); anything left in it when the suite ends fails the suite — tests clean up after
// themselves — and the runner then removes it. A crash, a bad exit code or a missing uvu summary
// fails the suite too.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const testRoot = fileURLToPath(new URL('.', import.meta.url));
const projectRoot = join(testRoot, '..');

/** Every `*.test.mjs` under `dir`, sorted, depth first. */
export function findSuites(dir = testRoot) {
  const found = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...findSuites(path));
    else if (name.endsWith('.test.mjs')) found.push(path);
  }
  return found;
}

// npm ≥ 10.9 calls module.enableCompileCache() on Node ≥ 22.1, which writes
// os.tmpdir()/node-compile-cache — the suite's TMPDIR, for the suites that run npm (the tarball
// and fault-injection builds) — so it would count as a leftover. The cache only speeds up npm.
const SUITE_ENV = { NO_COLOR: '1', FORCE_COLOR: '0', NODE_DISABLE_COMPILE_CACHE: '1' };

function runSuite(command, file, tmp, env) {
  return new Promise((resolve) => {
    const [program, ...args] = command;
    const child = spawn(program, [...args, file], {
      cwd: projectRoot,
      env: { ...process.env, ...env, ...SUITE_ENV, TMPDIR: tmp, TMP: tmp, TEMP: tmp },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', (error) => (output += `\ncould not start ${program}: ${error.message}\n`));
    child.on('close', (code, signal) => resolve({ code, signal, output }));
  });
}

// uvu's summary: "Total: N", "Passed: N", "Skipped: N" (one per line); Total excludes skipped.
export function readTotals(output) {
  const number = (label) => {
    const m = output.match(new RegExp(`${label}:\\s+(\\d+)`));
    return m ? Number(m[1]) : undefined;
  };
  const total = number('Total');
  const passed = number('Passed');
  const skipped = number('Skipped') ?? 0;
  if (total === undefined || passed === undefined) return undefined;
  return { passed, failed: total - passed, skipped };
}

/**
 * Runs `suites` one after another with `command` (the program and its arguments; the suite's
 * path is appended) and prints one line per suite, with the output of a failing one.
 * Returns { passed, failed, skipped }.
 */
export async function runSuites(suites, { command = [process.execPath, '--expose-gc'], env = {}, print = console.log } = {}) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const file of suites) {
    const name = relative(projectRoot, file);
    const tmp = mkdtempSync(join(realpathSync(tmpdir()), `strand-run-${basename(file, '.test.mjs')}-`));
    const { code, signal, output } = await runSuite(command, file, tmp, env);
    const leftovers = readdirSync(tmp);
    rmSync(tmp, { recursive: true, force: true });
    const totals = readTotals(output);
    const ok = totals !== undefined && totals.failed === 0 && code === 0 && leftovers.length === 0;
    if (totals) {
      passed += totals.passed;
      failed += totals.failed;
      skipped += totals.skipped;
    }
    if (!ok && (totals === undefined || totals.failed === 0)) failed += 1; // crashed, exited badly or left files
    const summary = totals ? `${totals.passed} passed, ${totals.failed} failed` : 'no summary';
    const left = leftovers.length ? `, left in TMPDIR: ${leftovers.sort().join(' ')}` : '';
    print(`${ok ? 'ok  ' : 'FAIL'} ${name}  (${summary}${signal ? `, signal ${signal}` : code ? `, exit ${code}` : ''}${left})`);
    if (!ok && !(leftovers.length && totals?.failed === 0 && code === 0)) print(output.replace(/^/gm, '     | '));
  }
  return { passed, failed, skipped };
}

/** The closing line: "N passed, N failed" (", N skipped" when some were). */
export const closingLine = ({ passed, failed, skipped }) => `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
