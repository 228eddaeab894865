// 64 point lookups in flight (as async-get-pk-x64), on readers: N against readers: 0.
import { randomInts } from '../lib/prng.mjs';
import { COLUMNS } from './schema.mjs';
import { createSeededAsync } from './schema-async.mjs';
import { NO_READERS, READERS_TRIAL, TWO_READERS } from './readers-common.mjs';

const IDS = 1 << 16;
const IN_FLIGHT = 64;

export default {
  ...READERS_TRIAL,
  name: 'readers-get-pk-x64',
  description: `await Promise.all(${IN_FLIGHT} x stmt.get(id)), repeated; same ids as async-get-pk-x64; rate per get`,
  targets: [{ a: TWO_READERS, b: NO_READERS, min: 1.5 }],
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
