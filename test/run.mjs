// Runs every uvu suite (test/**/*.test.mjs) in its own child process, so that a crash or an abort
// is a failing suite rather than a dead runner, and prints one closing line from uvu's totals:
//   "N passed, N failed"
// Each suite gets a fresh, empty temp directory as TMPDIR; anything left in it fails the suite
// (test/suite-runner.mjs has the rules).
// Usage: node test/run.mjs [substring filter ...]
import { closingLine, findSuites, runSuites } from './suite-runner.mjs';

const filters = process.argv.slice(2);
const suites = findSuites().filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)));
const totals = await runSuites(suites);
console.log(closingLine(totals));
process.exitCode = totals.failed === 0 && suites.length > 0 ? 0 : 1;
