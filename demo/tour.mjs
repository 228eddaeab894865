// `npm run demo`: a tour of sqlite-strand on a temporary file database. Each part lives in its
// own file; this one creates the temporary directory, runs the parts in order and removes the
// directory at the end, whatever happens (also on Ctrl-C or SIGTERM).
// Imports go through 'sqlite-strand' (the package's own exports map), exactly as user code would.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { syncQueries } from './sync-queries.mjs';
import { eventLoop } from './event-loop.mjs';
import { streaming } from './streaming.mjs';
import { backupWithProgress } from './backup.mjs';
import { workers } from './workers.mjs';
import { bold, dim } from './ui.mjs';

const dir = mkdtempSync(join(tmpdir(), 'sqlite-strand-demo-'));
const removeTempFiles = () => rmSync(dir, { recursive: true, force: true });
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]]) {
  process.once(signal, () => {
    removeTempFiles();
    process.exit(code);
  });
}

const context = { dir, file: join(dir, 'tour.db'), path: (name) => join(dir, name) };
console.log(bold(`sqlite-strand tour`) + ` — Node ${process.version}, ${process.platform}-${process.arch}`);
console.log(dim(`temporary directory: ${dir}`));

const started = performance.now();
try {
  await syncQueries(context);
  await eventLoop(context);
  await streaming(context);
  await backupWithProgress(context);
  await workers(context);
} finally {
  removeTempFiles();
}
console.log(`\n${bold('demo finished')} in ${((performance.now() - started) / 1000).toFixed(1)} s; temporary files removed.`);
