// Child-process runner of the query-diagnostics scenarios, used by
// test/sync/diagnostics.test.mjs (and by record.mjs on Node 26):
//
//   node --expose-gc test/compat/diagnostics/run.mjs <module>
//
// <module> is node:sqlite or a path (dist/index.js). Prints one JSON line per scenario:
//   {"start": name}  before it runs (the last one printed is the culprit of a crash)
//   {"name": name, "result": {...}}
//   {"end": true}
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { runScenario } from './harness.mjs';
import { scenarios } from './scenarios.mjs';

const [spec] = process.argv.slice(2);
const url = spec.startsWith('node:') ? spec : pathToFileURL(path.resolve(spec)).href;
const mod = await import(url);
const sqlite = spec.startsWith('node:') ? mod.default : mod;

const emit = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');
for (const scenario of scenarios) {
  emit({ start: scenario.name });
  emit({ name: scenario.name, result: await runScenario(sqlite, scenario) });
}
emit({ end: true });
