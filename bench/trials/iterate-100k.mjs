import { COLUMNS, createSeeded } from './schema.mjs';

const ROWS = 100_000;

export default {
  name: 'iterate-100k',
  api: 'sync',
  unit: 'row',
  memory: true,
  description: `for (const row of stmt.iterate()): all ${ROWS} rows, reading one column of each`,
  setup(db) {
    createSeeded(db, ROWS);
  },
  step(db) {
    const stmt = db.prepare(`SELECT ${COLUMNS} FROM t`);
    let sink = 0;
    return {
      call() {
        let n = 0;
        for (const row of stmt.iterate()) {
          sink += row.score;
          n++;
        }
        return n;
      },
      sink: () => sink,
    };
  },
};
