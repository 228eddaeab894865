// One caller, sequential point lookups (as async-get-pk): what readers cost a caller that never
// has two reads in flight, readers: N against readers: 0.
import { randomInts } from '../lib/prng.mjs';
import { COLUMNS } from './schema.mjs';
import { createSeededAsync } from './schema-async.mjs';
import { NO_READERS, READERS_TRIAL, TWO_READERS } from './readers-common.mjs';

const IDS = 1 << 16;

export default {
  ...READERS_TRIAL,
  name: 'readers-get-pk',
  description: 'await stmt.get(id), one at a time; same ids as async-get-pk',
  targets: [{ a: TWO_READERS, b: NO_READERS, min: 0.95 }],
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
