import { createTable, insertRows, rowValues } from './schema.mjs';

const ROWS = 100_000;

export default {
  name: 'insert-100k',
  api: 'sync',
  unit: 'row',
  description: `${ROWS} x stmt.run(id, name, score, flag) in one transaction (BEGIN/COMMIT via exec); table emptied untimed before each`,
  setup(db) {
    createTable(db);
  },
  step(db) {
    const values = rowValues(ROWS);
    return {
      reset() {
        db.exec('DELETE FROM t');
      },
      // insertRows prepares its statement once per call: one prepare per 100k runs is noise.
      call: () => insertRows(db, values),
      sink: () => 0,
    };
  },
};
