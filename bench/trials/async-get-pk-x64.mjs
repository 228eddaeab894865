import { randomInts } from '../lib/prng.mjs';
import { COLUMNS } from './schema.mjs';
import { createSeededAsync } from './schema-async.mjs';

const IDS = 1 << 16;
const IN_FLIGHT = 64;

export default {
  name: 'async-get-pk-x64',
  api: 'async',
  twin: 'get-pk',
  unit: 'op',
  tables: [10_000, 100_000],
  budgetFactor: 0.35,
  description: `await Promise.all(${IN_FLIGHT} x stmt.get(id)), repeated: ${IN_FLIGHT} point lookups in flight, rate per get; same ids and table as get-pk`,
  targets: [{ a: 'strand-async', b: 'better-sqlite3', min: 1.0 }],
  async setup(db, trial) {
    await createSeededAsync(db, trial.rows);
  },
  async step(db, trial) {
    const stmt = await db.prepare(`SELECT ${COLUMNS} FROM t WHERE id = ?`);
    const ids = randomInts(7, IDS, 1, trial.rows);
    const pending = new Array(IN_FLIGHT);
    let i = 0;
    let sink = 0;
    return {
      async call() {
        for (let k = 0; k < IN_FLIGHT; k++) pending[k] = stmt.get(ids[i++ & (IDS - 1)]);
        const rows = await Promise.all(pending);
        for (let k = 0; k < IN_FLIGHT; k++) sink += rows[k].flag;
        return IN_FLIGHT;
      },
      sink: () => sink,
    };
  },
};
