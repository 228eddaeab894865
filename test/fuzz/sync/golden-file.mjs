// The recorded node:sqlite 26 traces of the seeds `npm test` runs (golden/node26.json.gz), so CI
// needs no Node 26. `programsDigest` fingerprints the generated programs: when the generator
// changes, the golden is stale and must be recorded again (record.mjs), which the test says.
import fs from 'node:fs';
import zlib from 'node:zlib';
import { createHash } from 'node:crypto';
import { parseSeeds } from '../shared/random.mjs';
import { generateProgram } from './generate.mjs';

/** The seeds `npm test` runs against the golden. */
export const TEST_SEEDS = '1-1000';

export const goldenPath = new URL('./golden/node26.json.gz', import.meta.url);

export function programsDigest(seeds) {
  const hash = createHash('sha256');
  for (const seed of seeds) hash.update(JSON.stringify(generateProgram(seed)));
  return hash.digest('hex').slice(0, 16);
}

export function readGolden() {
  return JSON.parse(zlib.gunzipSync(fs.readFileSync(goldenPath)).toString('utf8'));
}

export function writeGolden(golden) {
  fs.writeFileSync(goldenPath, zlib.gzipSync(JSON.stringify(golden), { level: 9 }));
}

export const testSeeds = () => parseSeeds(TEST_SEEDS);
