import { randomInts } from '../lib/prng.mjs';
import { COLUMNS, createSeeded } from './schema.mjs';

const IDS = 1 << 16;

export default {
  name: 'get-pk',
  api: 'sync',
  unit: 'op',
  tables: [10_000, 100_000],
  description: `stmt.get(id): point lookup by INTEGER PRIMARY KEY, random ids (fixed seed)`,
  targets: [{ a: 'strand', b: 'better-sqlite3', min: 1.15 }],
  setup(db, trial) {
    createSeeded(db, trial.rows);
  },
  step(db, trial) {
    const stmt = db.prepare(`SELECT ${COLUMNS} FROM t WHERE id = ?`);
    const ids = randomInts(7, IDS, 1, trial.rows);
    let i = 0;
    let sink = 0;
    return {
      call() {
        sink += stmt.get(ids[i++ & (IDS - 1)]).flag;
        return 1;
      },
      sink: () => sink,
    };
  },
};
