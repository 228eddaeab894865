// Ours again, from another build: BENCH_BASELINE=/path/to/dist/index.cjs (a saved copy of an older
// commit's dist/ and build/). Measured as a peer, so every trial reports "ours ÷ baseline", paired
// round by round: how to show a change made nothing slower. Registered only when BENCH_BASELINE is
// set (drivers/index.mjs).
import { loadBaseline } from './strand.mjs';

export const strandBaseline = {
  name: 'strand-base',
  label: 'sqlite-strand (baseline build)',
  short: 'base',
  api: 'sync',
  runtime: 'current',
  async load() {
    const { mod, version } = loadBaseline();
    return { version, open: (file) => new mod.DatabaseSync(file) };
  },
};

export const strandAsyncBaseline = {
  name: 'strand-async-base',
  label: 'sqlite-strand async (baseline build)',
  short: 'async-base',
  api: 'async',
  runtime: 'current',
  async load() {
    const { mod, version } = loadBaseline();
    return { version, open: (file) => mod.AsyncDatabase.open(file, { timeout: 5000 }) };
  },
};
