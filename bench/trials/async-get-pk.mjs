import { randomInts } from '../lib/prng.mjs';
import { COLUMNS } from './schema.mjs';
import { createSeededAsync } from './schema-async.mjs';

const IDS = 1 << 16;

export default {
  name: 'async-get-pk',
  api: 'async',
  twin: 'get-pk',
  unit: 'op',
  tables: [10_000, 100_000],
  budgetFactor: 0.35,
  description: `await stmt.get(id), one at a time: point lookup by INTEGER PRIMARY KEY, same ids as get-pk`,
  targets: [{ a: 'strand-async', b: 'sqlite3', min: 3 }],
  async setup(db, trial) {
    await createSeededAsync(db, trial.rows);
  },
  async step(db, trial) {
    const stmt = await db.prepare(`SELECT ${COLUMNS} FROM t WHERE id = ?`);
    const ids = randomInts(7, IDS, 1, trial.rows);
    let i = 0;
    let sink = 0;
    return {
      async call() {
        sink += (await stmt.get(ids[i++ & (IDS - 1)])).flag;
        return 1;
      },
      sink: () => sink,
    };
  },
};
