// Ours, async: AsyncDatabase (a native thread per database). Its API already is the async driver
// interface (see index.mjs), so it is returned unwrapped. Skipped until dist/ exports it.
import { loadStrand } from './strand.mjs';

export default {
  name: 'strand-async',
  label: 'sqlite-strand (async)',
  short: 'strand-async',
  api: 'async',
  runtime: 'current',
  ours: true,
  async load() {
    const { mod, version } = loadStrand();
    if (typeof mod.AsyncDatabase?.open !== 'function') throw new Error('dist/index.cjs does not export AsyncDatabase yet');
    return { version, open: (file) => mod.AsyncDatabase.open(file, { timeout: 5000 }) };
  },
};
