import { randomInts } from '../lib/prng.mjs';
import { COLUMNS, createSeeded } from './schema.mjs';

const ROWS = 10_000;
const IDS = 1 << 16;

export default {
  name: 'get-pk',
  api: 'sync',
  unit: 'op',
  description: `stmt.get(id): point lookup by INTEGER PRIMARY KEY, random ids (fixed seed), ${ROWS}-row table`,
  setup(db) {
    createSeeded(db, ROWS);
  },
  step(db) {
    const stmt = db.prepare(`SELECT ${COLUMNS} FROM t WHERE id = ?`);
    const ids = randomInts(7, IDS, 1, ROWS);
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
