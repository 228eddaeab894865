// Child-process entry of the async fuzzer: for each seed, the program's reference trace
// (DatabaseSync in call order) and its traces on AsyncDatabase awaited and pipelined, one JSON line
// per seed on stdout. Unhandled rejections and uncaught exceptions during a seed are part of its
// result (`problems`): the contract allows neither.
//
//   node run-seeds.mjs --seeds 1-100 [--modes awaited,pipelined] [--readers N]
//
// --readers N: every program opens a WAL file with `readers: N` (the reference models the
// snapshot of a cursor on a reader).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseSeeds } from '../shared/random.mjs';
import { generateProgram } from './generate.mjs';
import { runReference } from './reference.mjs';
import { runAsync } from './interpret.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const sqlite = await import(new URL('../../../dist/index.js', import.meta.url).href);
const modes = option('--modes', 'awaited,pipelined').split(',');
const readers = Number(option('--readers', '0'));
const base = fs.realpathSync(fs.mkdtempSync(path.join(process.env.FUZZ_TMPDIR || os.tmpdir(), 'strand-afuzz-')));

let problems = [];
process.on('unhandledRejection', (reason) => problems.push(`unhandled rejection: ${reason?.stack ?? reason}`));
process.on('uncaughtException', (error) => problems.push(`uncaught exception: ${error?.stack ?? error}`));

const inDir = async (name, fn) => {
  const dir = fs.mkdtempSync(path.join(base, `${name}-`));
  try {
    return await fn(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
};
// Lets late rejections and exceptions of a seed surface before its result is written.
const settleDown = () => new Promise((resolve) => setImmediate(() => setImmediate(resolve)));

try {
  for (const seed of parseSeeds(option('--seeds', '1'))) {
    problems = [];
    const program = generateProgram(seed);
    const out = { seed };
    try {
      out.reference = await inDir('ref', (dir) => runReference(sqlite, program, { dir, readers }));
      for (const mode of modes) {
        out[mode] = await inDir(mode, (dir) => runAsync(sqlite, program, { dir, mode, readers }));
        await settleDown();
      }
    } catch (error) {
      // A mistake of the fuzzer itself: stop, loudly.
      console.error(`seed ${seed}: fuzzer error: ${error?.stack ?? error}`);
      process.exit(3);
    }
    out.problems = problems;
    fs.writeSync(1, JSON.stringify(out) + '\n');
  }
} finally {
  fs.rmSync(base, { recursive: true, force: true });
}
