// The sync differential fuzzer in npm test: the seeds of golden-file.mjs, run on our DatabaseSync
// (in child processes, so a crash fails its seed), each trace compared call by call with
// node:sqlite 26's recorded one. Long runs against a live Node 26: `npm run fuzz:sync`.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fileURLToPath } from 'node:url';
import { runSeeds } from './shared/run-side.mjs';
import { describeDifference } from './shared/diff.mjs';
import { generateProgram } from './sync/generate.mjs';
import { classify } from './sync/divergences.mjs';
import { programsDigest, readGolden, testSeeds } from './sync/golden-file.mjs';

const golden = readGolden();
const seeds = testSeeds();
const script = fileURLToPath(new URL('./sync/run-seeds.mjs', import.meta.url));

test('the golden traces belong to the programs the generator makes now', () => {
  assert.is(golden.meta.programs, programsDigest(seeds),
    'the generator changed: record the golden again with Node 26 (test/fuzz/sync/record.mjs)');
});

const results = await runSeeds({ script, args: ['--module', 'ours'], seeds });

const GROUP = 100;
for (let start = 0; start < seeds.length; start += GROUP) {
  const group = seeds.slice(start, start + GROUP);
  test(`seeds ${group[0]}-${group[group.length - 1]} give node:sqlite 26's traces`, () => {
    const problems = [];
    for (const seed of group) {
      const result = results.get(seed);
      if (!result?.result) {
        problems.push(`seed ${seed}: ${result?.crashed ?? 'no result'}\n${result?.output ?? ''}`);
        continue;
      }
      const difference = describeDifference(generateProgram(seed), golden.traces[seed], result.result.trace, classify);
      if (difference && !difference.known) problems.push(`seed ${seed}: ${difference.signature}\n${JSON.stringify(difference.detail, null, 1).slice(0, 2500)}`);
    }
    assert.ok(problems.length === 0, `${problems.length} of ${group.length} seeds differ:\n${problems.slice(0, 3).join('\n\n')}`);
  });
}

test.run();
