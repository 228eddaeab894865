// npm run test:memcheck — runs the worker, reader-pool, lifecycle and re-entrancy scenarios
// (scenarios/*.mjs; `node test/memcheck/run.mjs readers` only those whose name contains a filter)
// under valgrind (memcheck) and fails on any invalid read/write, use of uninitialised memory, or
// definite leak whose stack passes through our addon (sqlite_strand.node). Node's and V8's own
// reports do not count, and no suppression file is needed for that: the report is filtered by
// whose frames it names. Slow: each scenario takes a few minutes under valgrind.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const filters = process.argv.slice(2);
const scenarios = readdirSync(join(here, 'scenarios'))
  .filter((f) => f.endsWith('.mjs') && (filters.length === 0 || filters.some((filter) => f.includes(filter))))
  .sort();
const OURS = /sqlite_strand\.node|strand::/;
// V8's conservative scan of the native stack (gc() called from a JS callback that SQLite runs
// inside our frames) reads every stack word, initialised or not, by design: its reports start in
// heap::base's stack iteration (the top frame) and only pass through our frames further down.
const STACK_SCAN = /uninitialised value\(s\)\n==\d+==\s+at 0x[0-9A-F]+: heap::base::/;
let passed = 0;
let failed = 0;

for (const scenario of scenarios) {
  const started = Date.now();
  const result = spawnSync(
    'valgrind',
    ['--leak-check=full', '--show-leak-kinds=definite', '--num-callers=30', process.execPath, join(here, 'scenarios', scenario)],
    { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
  );
  const report = result.stderr ?? '';
  // Split valgrind's report into error records (blank-line separated) and keep those naming us.
  const records = report.split(/\n==\d+== \n/).filter((r) => /Invalid (read|write)|uninitialised|definitely lost in/.test(r));
  const ours = records.filter((r) => OURS.test(r) && !STACK_SCAN.test(r));
  const ok = result.status === 0 && /scenario done/.test(result.stdout) && ours.length === 0;
  const seconds = Math.round((Date.now() - started) / 1000);
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${scenario} (${seconds} s; ${records.length} reports, ${ours.length} from our code)`);
  if (!ok) {
    console.log(result.stdout);
    for (const record of ours) console.log(record);
    if (result.status !== 0) console.log(report.split('\n').slice(-30).join('\n'));
  }
  ok ? passed++ : failed++;
}
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
