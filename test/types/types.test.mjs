// The public types, compiled by tsc against the built declarations (see check.mjs): the fixtures
// as ES modules against dist/index.d.ts and as CommonJS modules against dist/index.d.cts, both
// through the package name. A fixture line whose exact type differs, or an `@ts-expect-error`
// line that compiles, fails its run.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { checkCjs, checkEsm, declarationsRead, fixtureNames } from './check.mjs';

const dist = fileURLToPath(new URL('../../dist/', import.meta.url));

test('the declarations are built', () => {
  assert.ok(existsSync(`${dist}index.d.ts`) && existsSync(`${dist}index.d.cts`), 'run `npm run build:ts` first');
  assert.ok(fixtureNames().length >= 4, `fixtures: ${fixtureNames().join(', ')}`);
});

test('the fixtures compile as ES modules, against dist/index.d.ts', () => {
  const { status, diagnostics, files } = checkEsm();
  assert.is(status, 0, diagnostics);
  assert.equal(declarationsRead(files), ['index.d.ts']);
});

test('the fixtures compile as CommonJS modules, against dist/index.d.cts', () => {
  const { status, diagnostics, files } = checkCjs();
  assert.is(status, 0, diagnostics);
  assert.equal(declarationsRead(files), ['index.d.cts']);
  // its temporary copies are gone
  const here = fileURLToPath(new URL('.', import.meta.url));
  assert.equal(readdirSync(here).filter((name) => name.startsWith('.cjs-')), []);
});

test.run();
