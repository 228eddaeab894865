// Runs every uvu suite (test/**/*.test.mjs) in its own child process, so that a crash or an abort
// is a failing suite rather than a dead runner, and prints one closing line from uvu's totals:
//   "N passed, N failed"
// Each suite gets a fresh, empty temp directory as TMPDIR (inherited by its child processes and
// workers); anything left in it when the suite ends fails the suite — tests clean up after
// themselves — and the runner then removes it.
// Usage: node test/run.mjs [substring filter ...]
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));
const filters = process.argv.slice(2);

function findSuites(dir) {
  const found = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...findSuites(path));
    else if (name.endsWith('.test.mjs')) found.push(path);
  }
  return found;
}

function runSuite(file, tmp) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--expose-gc', file], {
      cwd: join(root, '..'),
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', TMPDIR: tmp, TMP: tmp, TEMP: tmp },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('close', (code, signal) => resolve({ code, signal, output }));
  });
}

// uvu's summary: "Total: N", "Passed: N", "Skipped: N" (one per line); Total excludes skipped.
function readTotals(output) {
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

const suites = findSuites(root).filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)));
let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of suites) {
  const name = relative(join(root, '..'), file);
  const tmp = mkdtempSync(join(realpathSync(tmpdir()), `strand-run-${basename(file, '.test.mjs')}-`));
  const { code, signal, output } = await runSuite(file, tmp);
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
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}  (${summary}${signal ? `, signal ${signal}` : code ? `, exit ${code}` : ''}${left})`);
  if (!ok && !(leftovers.length && totals?.failed === 0 && code === 0)) console.log(output.replace(/^/gm, '     | '));
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exitCode = failed === 0 && suites.length > 0 ? 0 : 1;
