// 64 calls in flight, 90% point reads and 10% point writes, interleaved (every 10th call of the
// sequence is a write). A write is an UPDATE of one row's score by primary key, to the value the
// seed gave it: a real write transaction (WAL append and commit), while the table keeps the seed's
// contents, so the fingerprints still agree across drivers. In the pool a write is a barrier
// (reader-pool.ts R1/R2): it waits for the reads on readers, and the reads issued after it go to
// the writer.
import { randomInts } from '../lib/prng.mjs';
import { COLUMNS, rowValues } from './schema.mjs';
import { createSeededAsync } from './schema-async.mjs';
import { NO_READERS, READERS_TRIAL, TWO_READERS } from './readers-common.mjs';

const IDS = 1 << 16;
const IN_FLIGHT = 64;
const WRITE_EVERY = 10;

export default {
  ...READERS_TRIAL,
  name: 'readers-mixed-x64',
  description: `await Promise.all(${IN_FLIGHT} calls): 9 of 10 stmt.get(id), 1 of 10 \`UPDATE t SET score = ? WHERE id = ?\` (run, same value), repeated; rate per call`,
  targets: [{ a: TWO_READERS, b: NO_READERS, min: 1.4 }],
  async setup(db, trial) {
    await createSeededAsync(db, trial.rows);
  },
  async step(db, trial) {
    const read = await db.prepare(`SELECT ${COLUMNS} FROM t WHERE id = ?`);
    const write = await db.prepare('UPDATE t SET score = ? WHERE id = ?');
    const { scores } = rowValues(trial.rows);
    const ids = randomInts(7, IDS, 1, trial.rows);
    const pending = new Array(IN_FLIGHT);
    let i = 0;
    let sink = 0;
    return {
      async call() {
        for (let k = 0; k < IN_FLIGHT; k++, i++) {
          const id = ids[i & (IDS - 1)];
          pending[k] = i % WRITE_EVERY === WRITE_EVERY - 1 ? write.run(scores[id - 1], id) : read.get(id);
        }
        const results = await Promise.all(pending);
        for (let k = 0; k < IN_FLIGHT; k++) sink += results[k].flag ?? results[k].changes;
        return IN_FLIGHT;
      },
      sink: () => sink,
    };
  },
};
