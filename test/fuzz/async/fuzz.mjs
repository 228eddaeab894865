// Long runs of the async differential fuzzer: each seed's program on DatabaseSync in call order
// (the reference), and on AsyncDatabase awaited and pipelined; findings grouped by class.
//
//   npm run fuzz:async -- --seeds 1-5000 [--modes awaited,pipelined] [--readers N] [--verbose]
//
// Exit code 1 when any seed differs, hangs, crashes, or leaves an unhandled rejection or an
// uncaught exception.
import { fileURLToPath } from 'node:url';
import { parseSeeds } from '../shared/random.mjs';
import { runSeeds } from '../shared/run-side.mjs';
import { generateProgram } from './generate.mjs';
import { compareSeed } from './compare.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const seeds = parseSeeds(option('--seeds', '1-1000'));
const modes = option('--modes', 'awaited,pipelined');
const readers = option('--readers', '0');
const verbose = args.includes('--verbose');
const script = fileURLToPath(new URL('./run-seeds.mjs', import.meta.url));

const started = Date.now();
const results = await runSeeds({ script, args: ['--modes', modes, '--readers', readers], seeds, chunk: 250, parallel: 2 });
const classes = new Map();
let failing = 0;
for (const seed of seeds) {
  const outcome = results.get(seed);
  const findings = outcome?.result
    ? compareSeed(generateProgram(seed), outcome.result, modes.split(','))
    : [{ signature: `crashed: ${outcome?.crashed ?? 'no result'}`, detail: outcome?.output }];
  if (findings.length > 0) failing++;
  for (const { signature, detail } of findings) {
    if (!classes.has(signature)) classes.set(signature, { seeds: [], detail });
    classes.get(signature).seeds.push(seed);
  }
}
for (const [signature, { seeds: list, detail }] of [...classes].sort((a, b) => b[1].seeds.length - a[1].seeds.length)) {
  console.log(`\n${list.length}× ${signature}\n   seeds ${list.slice(0, 12).join(', ')}${list.length > 12 ? ', …' : ''}`);
  if (verbose) console.log(typeof detail === 'string' ? detail : JSON.stringify(detail, null, 1));
}
const seconds = ((Date.now() - started) / 1000).toFixed(1);
console.log(`\n${seeds.length} seeds × ${modes} in ${seconds} s: ${failing} with findings, in ${classes.size} classes`);
process.exitCode = failing === 0 ? 0 : 1;
