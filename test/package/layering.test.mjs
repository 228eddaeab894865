// The tree's dependency rule (docs/ARCHITECTURE.md "The parts"): sync and async depend on core
// (in TS, on shared), never on each other, and core/shared depend on neither. Read from the
// sources' own #include and import lines, so a file that breaks the rule fails here by name.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const src = fileURLToPath(new URL('../../src', import.meta.url));

// Every dependency of each file of `part`, as the part (folder) it lands in.
function dependencies(language, part) {
  const dir = join(src, language, part);
  const found = [];
  for (const file of readdirSync(dir)) {
    const text = readFileSync(join(dir, file), 'utf8');
    if (language === 'native') {
      for (const [, target] of text.matchAll(/^#include "([^"]+)"/gm)) {
        found.push({ file: `${part}/${file}`, target, part: target.includes('/') ? target.split('/')[0] : 'top' });
      }
    } else {
      for (const [, target] of text.matchAll(/from '(\.[^']+)'/g)) {
        const parts = target.split('/');
        found.push({ file: `${part}/${file}`, target, part: parts[0] === '.' ? part : parts[1] === '..' ? 'outside' : parts.length === 2 ? 'top' : parts[1] });
      }
    }
  }
  return found;
}

// What each part may depend on, besides itself.
const allowed = {
  native: {
    core: ['top'], // napi_config.h, and addon.h (below)
    sync: ['core', 'top'],
    async: ['core', 'top'],
  },
  ts: {
    shared: ['top'], // binding.ts
    sync: ['shared', 'top'],
    async: ['shared', 'top'],
  },
};
// core may include the top level's napi_config.h, and one core file reads the Addon's per-env
// caches (docs/ARCHITECTURE.md names it); nothing else of the top.
const coreTopAllowed = (dep) => dep.target === 'napi_config.h' || dep.target === 'sqlite3.h' || (dep.target === 'addon.h' && dep.file === 'core/bind.cc');

for (const language of ['native', 'ts']) {
  for (const part of Object.keys(allowed[language])) {
    test(`${language}: ${part}/ depends only on ${allowed[language][part].join(', ')}`, () => {
      const deps = dependencies(language, part);
      assert.ok(deps.length > 0, `read the dependencies of ${language}/${part}`);
      const wrong = deps.filter((dep) => {
        if (dep.part === part) return false;
        if (language === 'native' && dep.target === 'sqlite3.h') return false;
        if (!allowed[language][part].includes(dep.part)) return true;
        return part === 'core' && dep.part === 'top' && !coreTopAllowed(dep);
      });
      assert.equal(wrong.map((d) => `${d.file} -> ${d.target}`), []);
    });
  }
}

// The adapters (sqlite-strand/kysely, /drizzle, /knex, ...) are clients of the library like any
// user: each imports it only as 'sqlite-strand' (its public surface, resolved through the package's
// own exports to the same dist/ a user loads), its own folder's files, node: built-ins and the
// ORM it adapts; and nothing in the library imports an adapter.
test('ts: each adapter uses only the public package, its own folder and its ORM', () => {
  const root = join(src, 'ts', 'adapters');
  const adapters = readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
  assert.ok(adapters.length >= 3, `found the adapters (${adapters.join(', ')})`);
  const wrong = [];
  for (const adapter of adapters) {
    for (const file of readdirSync(join(root, adapter), { recursive: true }).filter((f) => f.endsWith('.ts'))) {
      // Code only: comments may show a user's import of the adapter.
      const text = readFileSync(join(root, adapter, file), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
      for (const [, target] of text.matchAll(/(?:from|import|require\()\s*'([^']+)'/g)) {
        const ok = (target.startsWith('./') && !target.includes('..')) || target === 'sqlite-strand' || target.startsWith('node:') ||
          (!target.startsWith('.') && !target.startsWith('sqlite-strand'));
        if (!ok) wrong.push(`${adapter}/${file} -> ${target}`);
      }
    }
  }
  assert.equal(wrong, []);
  const library = ['shared', 'sync', 'async'].flatMap((part) => dependencies('ts', part)).concat(topDependencies());
  assert.equal(library.filter((d) => /adapters/.test(d.target)).map((d) => `${d.file} -> ${d.target}`), []);
});

function topDependencies() {
  const dir = join(src, 'ts');
  return readdirSync(dir).filter((f) => f.endsWith('.ts')).flatMap((file) =>
    [...readFileSync(join(dir, file), 'utf8').matchAll(/from '(\.[^']+)'/g)].map(([, target]) => ({ file, target })));
}

test.run();
