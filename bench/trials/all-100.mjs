import { randomInts } from '../lib/prng.mjs';
import { COLUMNS, createSeeded } from './schema.mjs';

const LIMIT = 100;
const STARTS = 1 << 12;

export default {
  name: 'all-100',
  api: 'sync',
  unit: 'op',
  tables: [10_000, 100_000],
  description: `stmt.all(start): ${LIMIT} rows per call (id range from a random start)`,
  setup(db, trial) {
    createSeeded(db, trial.rows);
  },
  step(db, trial) {
    const stmt = db.prepare(`SELECT ${COLUMNS} FROM t WHERE id >= ? ORDER BY id LIMIT ${LIMIT}`);
    const starts = randomInts(11, STARTS, 1, trial.rows - LIMIT + 1);
    let i = 0;
    let sink = 0;
    return {
      call() {
        const rows = stmt.all(starts[i++ & (STARTS - 1)]);
        sink += rows[LIMIT - 1].flag;
        return 1;
      },
      sink: () => sink,
    };
  },
};
