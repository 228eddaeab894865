import { COLUMNS } from './schema.mjs';
import { createSeededAsync } from './schema-async.mjs';

const ROWS = 100_000;

export default {
  name: 'async-iterate-100k',
  api: 'async',
  twin: 'iterate-100k',
  unit: 'row',
  budgetFactor: 0.35,
  requires: ['iterate'],
  memory: true,
  description: `for await (const row of stmt.iterate()): all ${ROWS} rows, reading one column of each`,
  targets: [{ a: 'strand-async', b: 'better-sqlite3', min: 1.5 }],
  async setup(db) {
    await createSeededAsync(db, ROWS);
  },
  async step(db) {
    const stmt = await db.prepare(`SELECT ${COLUMNS} FROM t`);
    let sink = 0;
    return {
      async call() {
        let n = 0;
        for await (const row of stmt.iterate()) {
          sink += row.score;
          n++;
        }
        return n;
      },
      sink: () => sink,
    };
  },
};
