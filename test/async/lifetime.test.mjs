// Process and object lifetime of AsyncDatabase, each scenario in a child process (a crash or a
// hang fails the test, not the runner).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runChild, distEsm, helpersUrl, tempDir } from '../helpers.mjs';

// Each scenario's files go in a directory the test owns and removes, even if the child crashed.
const prelude = (dir) => `
import { AsyncDatabase } from ${JSON.stringify(distEsm)};
import { readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
const dir = ${JSON.stringify(dir)};
const openFiles = () => readdirSync('/proc/self/fd').filter((fd) => {
  try { return readlinkSync('/proc/self/fd/' + fd).startsWith(dir); } catch { return false; }
}).length;
import { settle, threadCount as threads } from ${JSON.stringify(helpersUrl)};
`;

// runChild(prelude + body, options) in a fresh temp directory, removed afterwards.
function runScenario(body, options) {
  const tmp = tempDir('strand-async-life-');
  try {
    return runChild(prelude(tmp.dir) + body, options);
  } finally {
    tmp.remove();
  }
}

test('the process exits on its own with an open, idle database', () => {
  const r = runScenario(`
    const db = await AsyncDatabase.open(join(dir, 'idle.db'));
    await db.exec('CREATE TABLE t(x)');
    globalThis.keep = db;
    console.log('idle');
  `);
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout.trim(), 'idle');
});

test('a pending operation keeps the process alive until it settles', () => {
  const r = runScenario(`
    const db = await AsyncDatabase.open(':memory:');
    db.get('WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 300000) SELECT count(*) AS n FROM c')
      .then((row) => console.log('settled', row.n));
  `);
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout.trim(), 'settled 300000');
});

test('a database dropped without close() is closed and its thread ended by GC', () => {
  const r = runScenario(`
    const baseline = threads();
    await (async () => {
      const db = await AsyncDatabase.open(join(dir, 'gc.db'));
      await db.exec('CREATE TABLE t(x); INSERT INTO t VALUES (1)');
      const stmt = await db.prepare('SELECT x FROM t');
      await stmt.get();
    })();
    const before = { files: openFiles(), threads: threads() - baseline };
    await settle(() => openFiles() === 0 && threads() <= baseline, { gc: true });
    console.log(JSON.stringify({ before, after: { files: openFiles(), threads: threads() - baseline } }));
  `, { args: ['--expose-gc'] });
  assert.is(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout), { before: { files: 1, threads: 1 }, after: { files: 0, threads: 0 } });
});

test('the event loop keeps ticking while a long query runs', () => {
  const r = runScenario(`
    const db = await AsyncDatabase.open(':memory:');
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const started = Date.now();
    const row = await db.get('WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000000) SELECT count(*) AS n FROM c');
    clearInterval(timer);
    console.log(JSON.stringify({ n: row.n, ticks, ms: Date.now() - started }));
    await db.close();
  `);
  assert.is(r.status, 0, r.stderr);
  const { n, ticks, ms } = JSON.parse(r.stdout);
  assert.is(n, 3000000);
  // A sync driver would let the interval fire about once in this whole time. Without a timing
  // threshold: the interval must have fired on a good part of the query's milliseconds.
  assert.ok(ticks > 20 && ticks > ms / 20, JSON.stringify({ ticks, ms }));
});

test('streaming a million rows keeps memory bounded', () => {
  const r = runScenario(`
    const db = await AsyncDatabase.open(':memory:');
    globalThis.gc();
    const baseline = process.memoryUsage().heapUsed;
    let peak = 0, rows = 0, bytes = 0;
    const sql = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000) SELECT x, printf('%.300c', 'x') AS pad FROM c";
    for await (const row of db.iterate(sql)) {
      rows++;
      bytes += row.pad.length;
      if ((rows & 4095) === 0) peak = Math.max(peak, process.memoryUsage().heapUsed - baseline);
    }
    console.log(JSON.stringify({ rows, bytes, peakMB: Math.round(peak / 2 ** 20) }));
    await db.close();
  `, { args: ['--expose-gc'] });
  assert.is(r.status, 0, r.stderr);
  const { rows, bytes, peakMB } = JSON.parse(r.stdout);
  assert.is(rows, 1000000);
  assert.is(bytes, 300000000);
  // 300 MB went through; at most a batch or two (about 1 MB each) plus garbage not yet collected
  // may be alive at once.
  assert.ok(peakMB < 96, `peak heap growth ${peakMB} MB`);
});

test.run();
