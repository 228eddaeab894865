// Child-process entry: runs the programs of some seeds on one side and writes one JSON line per
// seed ({ seed, trace }) to stdout. The side is node:sqlite (`--module node`, Node 26 only) or
// our build (`--module ours`, dist/index.js).
//
//   node run-seeds.mjs --module ours --seeds 1-100
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseSeeds } from '../shared/random.mjs';
import { generateProgram } from './generate.mjs';
import { runInDir } from './interpret.mjs';

const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const which = option('--module') ?? 'ours';
const sqlite = which === 'node'
  ? await import('node:sqlite')
  : await import(new URL('../../../dist/index.js', import.meta.url).href);
const base = fs.realpathSync(fs.mkdtempSync(path.join(process.env.FUZZ_TMPDIR || os.tmpdir(), 'strand-fuzz-')));
// Unhandled rejections from junk values (a Promise returned by a user function) are not ours to
// report here; they must not end the run either.
process.on('unhandledRejection', () => {});
try {
  for (const seed of parseSeeds(option('--seeds') ?? '1')) {
    const trace = await runInDir(sqlite, generateProgram(seed), base, seed);
    fs.writeSync(1, JSON.stringify({ seed, trace }) + '\n');
  }
} finally {
  fs.rmSync(base, { recursive: true, force: true });
}
