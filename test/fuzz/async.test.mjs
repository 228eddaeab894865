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
// With parallel readers (`readers: N` on a WAL file; the reference models a reader cursor's
// snapshot): a shorter range per reader count. Long runs: `npm run fuzz:async -- --readers 2`.
const READER_SEEDS = { 1: '1-200', 2: '201-400', 3: '401-600' };
const script = fileURLToPath(new URL('./async/run-seeds.mjs', import.meta.url));

function seedTests(seeds, results, label) {
  const GROUP = 100;
  for (let start = 0; start < seeds.length; start += GROUP) {
    const group = seeds.slice(start, start + GROUP);
    test(`seeds ${group[0]}-${group[group.length - 1]}${label}: AsyncDatabase, awaited and pipelined, settles as DatabaseSync in call order`, () => {
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
}

const seeds = parseSeeds(SEEDS);
seedTests(seeds, await runSeeds({ script, seeds, chunk: 150, parallel: 2 }), '');

for (const [readers, range] of Object.entries(READER_SEEDS)) {
  const readerSeeds = parseSeeds(range);
  const results = await runSeeds({ script, args: ['--readers', readers], seeds: readerSeeds, chunk: 100, parallel: 2 });
  seedTests(readerSeeds, results, ` with readers: ${readers}`);
  test(`with readers: ${readers}, the programs' queries ran on readers (the routing was exercised)`, () => {
    let onReaders = 0;
    let programs = 0;
    for (const seed of readerSeeds) {
      const result = results.get(seed)?.result;
      for (const mode of ['awaited', 'pipelined']) {
        const ran = result?.[mode]?.onReaders ?? 0;
        onReaders += ran;
        if (ran > 0) programs++;
      }
    }
    // Most programs read before they close; a router that sent everything to the writer fails.
    assert.ok(programs > readerSeeds.length, `only ${programs} of ${2 * readerSeeds.length} runs used a reader (${onReaders} queries)`);
  });
}

test.run();
