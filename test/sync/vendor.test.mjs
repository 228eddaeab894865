// The vendored amalgamation is the pristine 3.54.1 release, and it is what the addon runs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { projectRoot, distCjs } from '../helpers.mjs';

const vendor = join(projectRoot, 'src/native/vendor/sqlite');

test('vendored files match SHA256SUMS', () => {
  const lines = readFileSync(join(vendor, 'SHA256SUMS'), 'utf8').trim().split('\n');
  assert.is(lines.length, 3);
  for (const line of lines) {
    const [sum, file] = line.split(/\s+\*?/);
    const actual = createHash('sha256').update(readFileSync(join(vendor, file))).digest('hex');
    assert.is(actual, sum, file);
  }
});

test('the addon runs SQLite 3.54.1 with the recorded source id', () => {
  const { DatabaseSync } = createRequire(import.meta.url)(distCjs);
  const db = new DatabaseSync(':memory:');
  const row = db.prepare('SELECT sqlite_version() AS v, sqlite_source_id() AS id').get();
  assert.is(row.v, '3.54.1');
  const recorded = readFileSync(join(vendor, 'VERSION'), 'utf8').match(/source-id: (.*)/)[1];
  assert.is(row.id, recorded);
});

test('compiled multi-threaded, without double-quoted strings, with URIs', () => {
  const { DatabaseSync } = createRequire(import.meta.url)(distCjs);
  const db = new DatabaseSync(':memory:');
  const options = db.prepare('PRAGMA compile_options').all().map((r) => r.compile_options);
  assert.ok(options.includes('THREADSAFE=2'));
  assert.ok(options.includes('DQS=0'));
  assert.ok(options.includes('USE_URI'));
  assert.ok(options.includes('OMIT_DEPRECATED'));
});

test.run();
