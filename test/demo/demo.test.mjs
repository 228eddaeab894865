// `npm run demo` keeps working: demo/tour.mjs runs in a child process with stdout piped (not a
// TTY, so plain progress lines), exits 0, prints every section's heading and its final line, and
// leaves no temporary files behind. The tour checks its own numbers (row counts, the backup copy,
// the terminated worker's rows) and exits 1 if one is wrong; nothing here depends on timing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../helpers.mjs';

test('node demo/tour.mjs runs every section and cleans up', () => {
  const r = spawnSync(process.execPath, [join(projectRoot, 'demo', 'tour.mjs')], {
    cwd: projectRoot,
    env: { ...process.env, NO_COLOR: '1' },
    encoding: 'utf8',
    timeout: 300_000,
  });
  assert.is(r.signal, null, `killed by ${r.signal}\n${r.stdout}\n${r.stderr}`);
  assert.is(r.status, 0, `${r.stdout}\n${r.stderr}`);
  // Part 1 imports node:sqlite to compare method lists where it exists; Node 22 then prints its
  // own warning that node:sqlite is experimental (Node 20 has no node:sqlite, Node 24+ no warning).
  // Nothing else may reach stderr.
  const nodeSqliteWarning =
    /^\(node:\d+\) ExperimentalWarning: SQLite is an experimental feature and might change at any time\n\(Use `node --trace-warnings \.\.\.` to show where the warning was created\)\n/;
  assert.is(r.stderr.replace(nodeSqliteWarning, ''), '');
  const out = r.stdout;
  const headings = [
    '== 1. Sync queries: DatabaseSync, the node:sqlite API ==',
    '== 2. Async queries: AsyncDatabase keeps the event loop free ==',
    '== 3. Streaming: for await over a large table ==',
    '== 4. Backup with progress: backup(db, path, { rate, progress }) ==',
    '== 5. Worker threads sharing a WAL database ==',
  ];
  let at = -1;
  for (const heading of headings) {
    const index = out.indexOf(heading);
    assert.ok(index > at, `missing or out of order: ${heading}\n${out}`);
    at = index;
  }
  assert.ok(!out.includes('\x1b['), 'no ANSI escapes when stdout is not a TTY');
  assert.ok(!out.includes('\r'), 'no carriage returns when stdout is not a TTY');
  assert.ok(!out.includes('✗'), out);
  assert.match(out, /\ndemo finished in [\d.]+ s; temporary files removed\.\n$/);
  // The exact outcomes the tour checked.
  assert.ok(out.includes('✓ no tick while the synchronous query ran'), out);
  assert.ok(out.includes('✓ every row arrived (500,000 = 500,000)'), out);
  assert.ok(out.includes('✓ the copy has all 500,000 events (expected 500,000)'), out);
  assert.ok(out.includes('✓ total is 100,000 = 4 × 25,000'), out);
  assert.ok(out.includes('✓ the committed rows are intact (1,000), the open transaction was rolled back'), out);
  const dir = out.match(/temporary directory: (.+)\n/)?.[1];
  assert.ok(dir, 'prints its temporary directory');
  assert.not.ok(existsSync(dir), `${dir} was removed`);
});

test.run();
