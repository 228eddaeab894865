import { randomInts } from '../lib/prng.mjs';
import { COLUMNS } from './schema.mjs';
import { createSeededAsync } from './schema-async.mjs';

const LIMIT = 100;
const STARTS = 1 << 12;

export default {
  name: 'async-all-100',
  api: 'async',
  twin: 'all-100',
  unit: 'op',
  tables: [10_000, 100_000],
  budgetFactor: 0.35,
  description: `await stmt.all(start), one at a time: ${LIMIT} rows per call, same starts as all-100`,
  targets: [{ a: 'strand-async', b: 'better-sqlite3', min: 1.0 }],
  async setup(db, trial) {
    await createSeededAsync(db, trial.rows);
  },
  async step(db, trial) {
    const stmt = await db.prepare(`SELECT ${COLUMNS} FROM t WHERE id >= ? ORDER BY id LIMIT ${LIMIT}`);
    const starts = randomInts(11, STARTS, 1, trial.rows - LIMIT + 1);
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
