// Databases left open are closed when their objects are collected or their env ends. Each
// scenario runs in a child process so a crash fails the test instead of the runner.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runChild, distEsm, helpersUrl, tempDir } from '../helpers.mjs';

// Each scenario's files go in a directory the test owns and removes, even if the child crashed.
const prelude = (dir) => `
import { DatabaseSync } from ${JSON.stringify(distEsm)};
import { watchWorker } from ${JSON.stringify(helpersUrl)};
import { readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
const dir = ${JSON.stringify(dir)};
const openFiles = () => readdirSync('/proc/self/fd').filter((fd) => {
  try { return readlinkSync('/proc/self/fd/' + fd).startsWith(dir); } catch { return false; }
}).length;
const settle = async () => { for (let i = 0; i < 20 && openFiles() > 0; i++) { globalThis.gc(); await new Promise((r) => setImmediate(r)); } };
`;

// runChild(prelude + body) in a fresh temp directory, removed afterwards.
function runScenario(body) {
  const tmp = tempDir('strand-life-');
  try {
    return runChild(prelude(tmp.dir) + body, { args: ['--expose-gc'] });
  } finally {
    tmp.remove();
  }
}

test('a database dropped without close() is closed by garbage collection', () => {
  const r = runScenario(`
    (() => { const db = new DatabaseSync(join(dir, 'a.db')); db.exec('CREATE TABLE t(x)'); db.prepare('SELECT * FROM t').all(); })();
    const before = openFiles();
    await settle();
    console.log(JSON.stringify({ before, after: openFiles() }));
  `);
  assert.is(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout), { before: 1, after: 0 });
});

test('process exit with open databases and live statements exits cleanly', () => {
  const r = runScenario(`
    const dbs = [];
    for (let i = 0; i < 5; i++) { const db = new DatabaseSync(join(dir, i + '.db')); db.exec('CREATE TABLE t(x); INSERT INTO t VALUES (1)'); dbs.push([db, db.prepare('SELECT * FROM t'), db.prepare('SELECT 1').iterate()]); }
    console.log('done');
    process.exit(0);
  `);
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout.trim(), 'done');
});

test('a worker that ends with open databases releases their files', () => {
  const r = runScenario(`
    import { Worker } from 'node:worker_threads';
    const source = \`
      const { DatabaseSync } = require(${JSON.stringify(distEsm.replace(/index\.js$/, 'index.cjs'))});
      const { workerData } = require('node:worker_threads');
      for (let i = 0; i < 3; i++) {
        const db = new DatabaseSync(workerData + '/w' + i + '.db');
        db.exec('CREATE TABLE IF NOT EXISTS t(x); INSERT INTO t VALUES (1)');
        globalThis['keep' + i] = [db, db.prepare('SELECT * FROM t').iterate()];
      }
    \`;
    for (let round = 0; round < 5; round++) {
      const worker = watchWorker(new Worker(source, { eval: true, workerData: dir, execArgv: [] }));
      if ((await worker.exited) !== 0) throw worker.error ?? new Error('exit code ' + worker.exitCode);
    }
    const check = new DatabaseSync(join(dir, 'w0.db'));
    console.log(JSON.stringify({ open: openFiles(), rows: check.prepare('SELECT count(*) AS n FROM t').get().n }));
    check.close();
  `);
  assert.is(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout), { open: 1, rows: 5 });
});

test.run();
