// The type test: compiles the fixtures (test/types/fixtures/*.ts) with `tsc --noEmit` against the
// built declarations, imported through the package's own name ('sqlite-strand', a self-reference
// resolved by package.json "exports"), twice:
//   esm  the fixtures as they are: ES modules (the package is "type": "module"), so the
//        "import" condition applies and they compile against dist/index.d.ts;
//   cjs  the same fixtures copied as .cts files into a temporary folder of this directory (inside
//        the package, so that the self-reference still resolves): CommonJS modules, compiled
//        against dist/index.d.cts through the "require" condition.
// Each run must succeed and must have read the declaration file it is meant to test (tsc
// --listFiles). Positive lines check exact types (fixtures/expect.ts); `// @ts-expect-error`
// lines are what must be rejected, and tsc fails if one of them is accepted (TS2578).
//
// Usage: node test/types/check.mjs            (after the build: npm run build:ts)
//        node test/types/check.mjs --guards   what tsc says on each @ts-expect-error line once the
//                                             guards are removed (to see each catches its error)
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..', '..');
const fixtures = join(here, 'fixtures');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

/** The fixture files, by name. */
export function fixtureNames() {
  return readdirSync(fixtures).filter((name) => name.endsWith('.ts')).sort();
}

function compile(project, cwd) {
  const result = spawnSync(process.execPath, [tsc, '-p', project, '--listFiles'], { cwd, encoding: 'utf8' });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  const files = output.split('\n').filter((line) => line.startsWith('/')).map((line) => line.trim());
  const diagnostics = output
    .split('\n')
    .filter((line) => !line.startsWith('/') && line.trim() !== '')
    .join('\n');
  return { status: result.status, diagnostics, files };
}

/** Compiles the fixtures as ES modules: `{ status, diagnostics, files }`. */
export function checkEsm() {
  return compile(join(here, 'tsconfig.json'), here);
}

// A fixture as a CommonJS module: the same text, its relative imports of other fixtures pointed
// at their .cts copies ('./expect.js' becomes './expect.cjs').
function asCommonJs(text) {
  return text.replace(/(from\s+'\.\/[^']+)\.js'/g, "$1.cjs'");
}

/** Compiles the fixtures as CommonJS modules: `{ status, diagnostics, files }`. */
export function checkCjs() {
  const dir = mkdtempSync(join(here, '.cjs-'));
  try {
    for (const name of fixtureNames()) {
      const text = readFileSync(join(fixtures, name), 'utf8');
      writeFileSync(join(dir, `${basename(name, '.ts')}.cts`), asCommonJs(text));
    }
    copyFileSync(join(here, 'tsconfig.json'), join(dir, 'tsconfig.base.json'));
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({ extends: './tsconfig.base.json', include: ['*.cts'] }, null, 2),
    );
    return compile(join(dir, 'tsconfig.json'), dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Compiles the ESM fixtures with every `@ts-expect-error` removed: for each guard, the errors tsc
 * then reports on the line it guarded, and the errors on lines no guard covers (there should be
 * none). `[{ file, line, guard, errors }]`, `unguarded`.
 */
export function checkGuards() {
  const dir = mkdtempSync(join(here, '.guards-'));
  const guards = [];
  try {
    mkdirSync(join(dir, 'fixtures'));
    for (const name of fixtureNames()) {
      const lines = readFileSync(join(fixtures, name), 'utf8').split('\n');
      lines.forEach((text, index) => {
        const match = /\/\/ @ts-expect-error\s*(.*)$/.exec(text);
        if (match === null) return;
        guards.push({ file: name, line: index + 2, guard: match[1], errors: [] });
        lines[index] = text.slice(0, match.index) + '//';
      });
      writeFileSync(join(dir, 'fixtures', name), lines.join('\n'));
    }
    copyFileSync(join(here, 'tsconfig.json'), join(dir, 'tsconfig.json'));
    const { diagnostics } = compile(join(dir, 'tsconfig.json'), dir);
    const unguarded = [];
    for (const line of diagnostics.split('\n')) {
      const match = /^fixtures\/([^(]+)\((\d+),\d+\): error (.*)$/.exec(line);
      if (match === null) continue;
      const guard = guards.find((g) => g.file === match[1] && g.line === Number(match[2]));
      if (guard) guard.errors.push(match[3]);
      else unguarded.push(line);
    }
    return { guards, unguarded };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The declaration file of the package a compile read, if any: 'index.d.ts' or 'index.d.cts'. */
export function declarationsRead(files) {
  const dist = join(root, 'dist');
  return files.filter((file) => file.startsWith(dist)).map((file) => basename(file));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (!existsSync(join(root, 'dist', 'index.d.ts'))) {
    console.error('dist/index.d.ts is missing: run `npm run build:ts` first.');
    process.exit(1);
  }
  if (process.argv.includes('--guards')) {
    const { guards, unguarded } = checkGuards();
    for (const { file, line, guard, errors } of guards) {
      console.log(`${errors.length ? 'ok  ' : 'FAIL'} ${file}:${line} ${guard}\n       ${errors[0] ?? 'no error'}`);
    }
    for (const line of unguarded) console.log(`FAIL unguarded: ${line}`);
    process.exit(guards.every((g) => g.errors.length > 0) && unguarded.length === 0 ? 0 : 1);
  }
  let failed = false;
  for (const [label, check, expected] of [
    ['esm', checkEsm, 'index.d.ts'],
    ['cjs', checkCjs, 'index.d.cts'],
  ]) {
    const { status, diagnostics, files } = check();
    const read = declarationsRead(files);
    const ok = status === 0 && read.length === 1 && read[0] === expected;
    failed ||= !ok;
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${label}: tsc exit ${status}, declarations read: ${read.join(', ') || 'none'}`);
    if (diagnostics) console.log(diagnostics);
  }
  process.exit(failed ? 1 : 0);
}
