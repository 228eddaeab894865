// Child-process runner used by compat.test.mjs, so that a crash (segfault, abort) in the
// implementation under test costs one case, not the whole suite.
//
//   node test/compat/run-cases.mjs <module> <outFile> [fromIndex] [onlyIndices]
//
// onlyIndices (comma-separated) runs just those cases.
// <module> is an import specifier or a file path (e.g. dist/index.js, or node:sqlite on Node 26).
// Appends JSON lines to <outFile>:
//   {"start": i}                       before case i
//   {"index": i, "result": {...}}      after case i
//   {"extras": {...}}                  compile options + members, after the last case
//   {"end": true}
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { runCases, compileOptions, members, cases } from './runner.mjs';
import { serialize } from './serialize.mjs';

const [spec, outFile, fromArg, onlyArg] = process.argv.slice(2);
const from = Number(fromArg ?? 0);
const only = onlyArg ? new Set(onlyArg.split(',').map(Number)) : undefined;
const fd = fs.openSync(outFile, 'a');
const emit = (obj) => fs.writeSync(fd, JSON.stringify(obj) + '\n');

const url = spec.startsWith('node:') ? spec : pathToFileURL(path.resolve(spec)).href;
const mod = await import(url);
const sqlite = spec.startsWith('node:') ? mod.default : mod;

await runCases(sqlite, {
  from,
  only,
  onStart: (i) => emit({ start: i }),
  onResult: (i, c, result) => emit({ index: i, result }),
});

emit({ start: cases.length });
const extras = {};
for (const [key, fn] of [
  ['compileOptions', () => compileOptions(sqlite)],
  ['members', () => members(sqlite, mod)],
]) {
  try {
    extras[key] = { ok: fn() };
  } catch (e) {
    extras[key] = { threw: serialize(e) };
  }
}
emit({ extras });
emit({ end: true });
fs.closeSync(fd);
