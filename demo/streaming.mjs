// Part 3: `for await` over a large table. AsyncDatabase#iterate() fetches rows in batches on the
// database thread and hands them over as the loop asks for more, so memory stays bounded however
// many rows the query returns (an all() would hold every row at once).
import { AsyncDatabase, DatabaseSync } from 'sqlite-strand';
import { heading, note, result, check, progressBar, int, ms, mb } from './ui.mjs';

export const EVENT_ROWS = 500_000;

export async function streaming({ file }) {
  heading('Streaming: for await over a large table');

  // Fill the table synchronously: one prepared statement, one transaction.
  const sync = new DatabaseSync(file);
  sync.exec('CREATE TABLE events(id INTEGER PRIMARY KEY, kind TEXT, payload TEXT, value REAL)');
  const insert = sync.prepare('INSERT INTO events(kind, payload, value) VALUES (?, ?, ?)');
  const kinds = ['click', 'view', 'scroll', 'purchase'];
  const filler = 'x'.repeat(80); // ~100 bytes a row, so the table is tens of MB
  let t0 = performance.now();
  sync.exec('BEGIN');
  for (let i = 0; i < EVENT_ROWS; i++) insert.run(kinds[i % 4], `event ${i} ${filler}`, i / 10);
  sync.exec('COMMIT');
  const insertTime = performance.now() - t0;
  sync.close();
  result('inserted (one transaction)', `${int(EVENT_ROWS)} rows in ${ms(insertTime)} (${int(EVENT_ROWS / (insertTime / 1000))} rows/s)`);

  const db = await AsyncDatabase.open(file);
  note(`for await (const row of db.iterate('SELECT * FROM events')) { ... }`);
  const heapBefore = process.memoryUsage().heapUsed;
  let heapPeak = heapBefore;
  let rows = 0;
  let bytes = 0;
  let sum = 0;
  const bar = progressBar('rows', EVENT_ROWS);
  t0 = performance.now();
  for await (const row of db.iterate('SELECT * FROM events')) {
    rows += 1;
    bytes += row.payload.length;
    sum += row.value;
    if (rows % 5_000 === 0) {
      heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
      const rate = rows / ((performance.now() - t0) / 1000);
      bar.update(rows, `${int(rows)} rows, ${int(rate)} rows/s`);
    }
  }
  const streamTime = performance.now() - t0;
  bar.done();
  const heapAfter = process.memoryUsage().heapUsed;
  await db.close();

  result('rows streamed', `${int(rows)} in ${ms(streamTime)} (${int(rows / (streamTime / 1000))} rows/s)`);
  result('payload text streamed', mb(bytes));
  result('heap used before / peak / after', `${mb(heapBefore)} / ${mb(heapPeak)} / ${mb(heapAfter)}`);
  note(`The heap peaked ${mb(heapPeak - heapBefore)} above its start while ${mb(bytes)} of rows went through:`);
  note('each batch is garbage once the loop moves on (an all() would hold every row at once).');
  check(`every row arrived (${int(rows)} = ${int(EVENT_ROWS)})`, rows === EVENT_ROWS);
  check('sum of value matches the inserted data', Math.abs(sum - ((EVENT_ROWS - 1) * EVENT_ROWS) / 20) < 1e-3 * EVENT_ROWS);
}
