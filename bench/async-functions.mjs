// Calls per second of a trivial user function: DatabaseSync (in-thread) vs AsyncDatabase (one
// thread round trip per call), measured in one run. `node bench/async-functions.mjs [rows]`
import { AsyncDatabase, DatabaseSync } from '../dist/index.js';

const rows = Number(process.argv[2] ?? 200000);
const sql = `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ${rows}) SELECT sum(inc(x)) AS s FROM c`;
const sqlNone = sql.replace('inc(x)', 'x + 1');

const sync = new DatabaseSync(':memory:');
sync.function('inc', (x) => x + 1);
const adb = await AsyncDatabase.open(':memory:');
await adb.function('inc', (x) => x + 1);

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const results = { sync: [], async: [], syncBaseline: [], asyncBaseline: [] };
for (let round = 0; round < 5; round++) {
  let t = process.hrtime.bigint();
  sync.prepare(sql).get();
  results.sync.push(Number(process.hrtime.bigint() - t) / 1e6);
  t = process.hrtime.bigint();
  await adb.get(sql);
  results.async.push(Number(process.hrtime.bigint() - t) / 1e6);
  t = process.hrtime.bigint();
  sync.prepare(sqlNone).get();
  results.syncBaseline.push(Number(process.hrtime.bigint() - t) / 1e6);
  t = process.hrtime.bigint();
  await adb.get(sqlNone);
  results.asyncBaseline.push(Number(process.hrtime.bigint() - t) / 1e6);
}
const ms = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, median(v)]));
const perSecond = (total) => Math.round(rows / (total / 1000));
console.log(JSON.stringify({
  rows,
  medianMs: ms,
  callsPerSecond: { sync: perSecond(ms.sync - ms.syncBaseline), async: perSecond(ms.async - ms.asyncBaseline) },
  ratioSyncOverAsync: +((ms.async - ms.asyncBaseline) / (ms.sync - ms.syncBaseline)).toFixed(1),
}));
await adb.close();
