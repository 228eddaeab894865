import { randomInts } from '../lib/prng.mjs';
import { COLUMNS } from './schema.mjs';
import { createSeededAsync } from './schema-async.mjs';

const ROWS = 10_000;
const LIMIT = 100;
const STARTS = 1 << 12;

export default {
  name: 'async-all-100',
  api: 'async',
  twin: 'all-100',
  unit: 'op',
  budgetFactor: 0.35,
  description: `await stmt.all(start), one at a time: ${LIMIT} rows per call, same starts and table as all-100`,
  async setup(db) {
    await createSeededAsync(db, ROWS);
  },
  async step(db) {
    const stmt = await db.prepare(`SELECT ${COLUMNS} FROM t WHERE id >= ? ORDER BY id LIMIT ${LIMIT}`);
    const starts = randomInts(11, STARTS, 1, ROWS - LIMIT + 1);
    let i = 0;
    let sink = 0;
    return {
      async call() {
        const rows = await stmt.all(starts[i++ & (STARTS - 1)]);
        sink += rows[LIMIT - 1].flag;
        return 1;
      },
      sink: () => sink,
    };
  },
};
