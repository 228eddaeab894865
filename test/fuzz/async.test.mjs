// The async differential fuzzer in npm test: a fixed seed range, each program run on DatabaseSync
// in call order (the reference) and on AsyncDatabase awaited and pipelined, in child processes
// (a crash or hang fails its seed). Long runs: `npm run fuzz:async -- --seeds 1-5000`.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fileURLToPath } from 'node:url';
import { parseSeeds } from './shared/random.mjs';
import { runSeeds } from './shared/run-side.mjs';
import { generateProgram } from './async/generate.mjs';
import { compareSeed } from './async/compare.mjs';

const SEEDS = '1-1200';
const seeds = parseSeeds(SEEDS);
const script = fileURLToPath(new URL('./async/run-seeds.mjs', import.meta.url));
const results = await runSeeds({ script, seeds, chunk: 150, parallel: 2 });

const GROUP = 100;
for (let start = 0; start < seeds.length; start += GROUP) {
  const group = seeds.slice(start, start + GROUP);
  test(`seeds ${group[0]}-${group[group.length - 1]}: AsyncDatabase, awaited and pipelined, settles as DatabaseSync in call order`, () => {
    const problems = [];
    for (const seed of group) {
      const outcome = results.get(seed);
      if (!outcome?.result) {
        problems.push(`seed ${seed}: ${outcome?.crashed ?? 'no result'}\n${outcome?.output ?? ''}`);
        continue;
      }
      for (const finding of compareSeed(generateProgram(seed), outcome.result)) {
        problems.push(`seed ${seed}: ${finding.signature}\n${JSON.stringify(finding.detail, null, 1).slice(0, 2500)}`);
      }
    }
    assert.ok(problems.length === 0, `${problems.length} findings:\n${problems.slice(0, 3).join('\n\n')}`);
  });
}

test.run();
