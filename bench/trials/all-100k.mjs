import { COLUMNS, createSeeded } from './schema.mjs';

const ROWS = 100_000;

export default {
  name: 'all-100k',
  api: 'sync',
  unit: 'row',
  memory: true,
  description: `stmt.all(): all ${ROWS} rows in one array`,
  setup(db) {
    createSeeded(db, ROWS);
  },
  step(db) {
    const stmt = db.prepare(`SELECT ${COLUMNS} FROM t`);
    let sink = 0;
    return {
      call() {
        const rows = stmt.all();
        sink += rows[rows.length - 1].score;
        return rows.length;
      },
      sink: () => sink,
    };
  },
};
