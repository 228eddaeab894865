// Part 2: the event loop stays free during an AsyncDatabase query. A 10 ms interval counts its
// ticks and the longest gap between two of them while a slow query runs: once synchronously
// (the loop is blocked — no ticks, one long gap) and once with `await db.get()` on the
// database's own thread (ticks keep coming).
import { setTimeout as sleep } from 'node:timers/promises';
import { AsyncDatabase, DatabaseSync } from 'sqlite-strand';
import { heading, note, result, check, int, ms } from './ui.mjs';

// A recursive CTE counting to 3 million: a few hundred ms of pure SQLite work, no I/O.
const SLOW_QUERY = `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000000)
                    SELECT sum(x) AS total FROM c`;

/** Counts 10 ms interval ticks and the longest gap between ticks since the last reset(). */
function watchEventLoop() {
  let ticks = 0;
  let last = performance.now();
  let maxGap = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
    ticks += 1;
  }, 10);
  return {
    reset() {
      ticks = 0;
      maxGap = 0;
      last = performance.now();
    },
    get ticks() {
      return ticks;
    },
    get maxGap() {
      return maxGap;
    },
    stop: () => clearInterval(timer),
  };
}

export async function eventLoop({ file }) {
  heading('Async queries: AsyncDatabase keeps the event loop free');
  note('A setInterval ticks every 10 ms while a slow query (recursive CTE to 3M) runs.');
  const watcher = watchEventLoop();
  try {
    await sleep(30);

    // Synchronous: the JS thread runs the query, so no timer can fire until it returns.
    const sync = new DatabaseSync(file);
    watcher.reset();
    let t0 = performance.now();
    const syncTotal = sync.prepare(SLOW_QUERY).get().total;
    const syncTime = performance.now() - t0;
    const syncTicks = watcher.ticks;
    await sleep(25); // lets the overdue tick fire, which records the gap the query caused
    const syncGap = watcher.maxGap;
    sync.close();
    note('DatabaseSync:   db.prepare(sql).get()');
    result('  query time', ms(syncTime));
    result('  ticks during the query', syncTicks);
    result('  longest event-loop gap', ms(syncGap));

    // Asynchronous: the query runs on the database's thread; the loop keeps ticking.
    const db = await AsyncDatabase.open(file);
    watcher.reset();
    t0 = performance.now();
    const asyncTotal = (await db.get(SLOW_QUERY)).total;
    const asyncTime = performance.now() - t0;
    const asyncTicks = watcher.ticks;
    const asyncGap = watcher.maxGap;
    await db.close();
    note('AsyncDatabase:  await db.get(sql)');
    result('  query time', ms(asyncTime));
    result('  ticks during the query', `${asyncTicks} (≈ ${int(asyncTime / 10)} expected at 10 ms)`);
    result('  longest event-loop gap', ms(asyncGap));

    check(`same answer both ways (sum = ${int(asyncTotal)})`, syncTotal === asyncTotal);
    check('no tick while the synchronous query ran', syncTicks === 0);
  } finally {
    watcher.stop();
  }
}
