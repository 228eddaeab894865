import { COLUMNS } from './schema.mjs';
import { createSeededAsync } from './schema-async.mjs';

const ROWS = 100_000;

export default {
  name: 'async-all-100k',
  api: 'async',
  twin: 'all-100k',
  unit: 'row',
  budgetFactor: 0.35,
  memory: true,
  description: `await stmt.all(): all ${ROWS} rows in one array`,
  async setup(db) {
    await createSeededAsync(db, ROWS);
  },
  async step(db) {
    const stmt = await db.prepare(`SELECT ${COLUMNS} FROM t`);
    let sink = 0;
    return {
      async call() {
        const rows = await stmt.all();
        sink += rows[rows.length - 1].score;
        return rows.length;
      },
      sink: () => sink,
    };
  },
};
