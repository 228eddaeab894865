// CPU-bound reads, 2 in flight: a full-table aggregate (~10 ms on this machine), two at a time.
// With readers: 2 the two run on two threads at once; with readers: 0 one after the other on the
// writer. Also against better-sqlite3 in 2 worker_threads behind postMessage (bs3-workers).
import { createSeededAsync } from './schema-async.mjs';
import { READERS_TRIAL, TWO_READERS, NO_READERS, CURVE } from './readers-common.mjs';

const IN_FLIGHT = 2;
const SQL = 'SELECT count(*) AS n, sum(length(name)) AS chars, avg(score) AS mean FROM t WHERE flag = ?';

export default {
  ...READERS_TRIAL,
  name: 'readers-aggregate-x2',
  description: `await Promise.all(${IN_FLIGHT} x stmt.get(flag)) of \`${SQL}\` (a full scan), repeated; rate per query`,
  drivers: [...CURVE, 'bs3-workers'],
  compare: [...READERS_TRIAL.compare, { a: TWO_READERS, b: 'bs3-workers' }],
  targets: [
    { a: TWO_READERS, b: NO_READERS, min: 1.8 },
    { a: TWO_READERS, b: 'bs3-workers', min: 1.0 },
  ],
  async setup(db, trial) {
    await createSeededAsync(db, trial.rows);
  },
  async step(db) {
    const stmt = await db.prepare(SQL);
    const pending = new Array(IN_FLIGHT);
    let sink = 0;
    return {
      async call() {
        for (let k = 0; k < IN_FLIGHT; k++) pending[k] = stmt.get(k & 1);
        const rows = await Promise.all(pending);
        for (let k = 0; k < IN_FLIGHT; k++) sink += rows[k].n;
        return IN_FLIGHT;
      },
      sink: () => sink,
    };
  },
};
