// The published package, tested as a user gets it: `npm pack` the repository, install the tarball
// into an empty project outside it, then require/import it, run queries (sync, async, in a worker)
// and type-check a TypeScript consumer under "nodenext" and "bundler" resolution.
//
// Variants (TARBALL_VARIANTS, comma-separated; default "prebuilt"):
//   prebuilt  the tarball carries prebuilds/<platform>-<arch>/: install must not compile
//   source    the tarball has no prebuilds: install compiles the addon with node-gyp (about 100 s
//             of CPU, so `npm test` skips it and .ci/run runs it on its own)
// When the repository has no prebuild for this platform (a clean clone; prebuilds are made by
// `npm run prebuildify` at release), the prebuilt variant stands one in from build/Release,
// named as prebuildify names it, so the node-gyp-build path is still the one exercised.
//
// npm runs with --offline (the two runtime dependencies come from the cache that `npm install`
// filled) and, when npm is configured with a nodedir, with every proxy pointed at a closed port:
// a header download by node-gyp would fail the install. If the cache lacks a package, it retries
// with --prefer-offline and a normal network.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const consumerFiles = fileURLToPath(new URL('./consumer', import.meta.url));
const variants = (process.env.TARBALL_VARIANTS ?? 'prebuilt').split(',').filter(Boolean);
const isMusl = process.platform === 'linux' && existsSync('/etc/alpine-release');
const tuple = `${process.platform}-${process.arch}`;
// The file name prebuildify gives a --napi --tag-libc build (linux) or a --napi build (others).
const prebuildName = process.platform === 'linux' ? `sqlite-strand.${isMusl ? 'musl' : 'glibc'}.node` : 'sqlite-strand.node';
const timings = [];

// npm must not see the npm_* variables of an enclosing `npm test` (they name this repository as
// the project); the few that carry user settings are kept.
const KEEP = new Set(['npm_config_nodedir', 'npm_config_cache', 'npm_config_registry', 'npm_config_userconfig', 'npm_config_globalconfig', 'npm_config_cafile', 'npm_config_python']);
const cleanEnv = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) || KEEP.has(k.toLowerCase())),
);
cleanEnv.npm_config_update_notifier = 'false';
const closedProxy = 'http://127.0.0.1:9';
const offlineEnv = { ...cleanEnv, HTTP_PROXY: closedProxy, HTTPS_PROXY: closedProxy, http_proxy: closedProxy, https_proxy: closedProxy };

function run(cmd, args, { cwd, env = cleanEnv, allowFail = false } = {}) {
  const result = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (!allowFail && result.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) exited ${result.status ?? result.signal}:\n${output}`);
  }
  return { status: result.status, output, stdout: result.stdout };
}

function timed(label, fn) {
  const start = performance.now();
  try {
    return fn();
  } finally {
    timings.push(`${label}: ${((performance.now() - start) / 1000).toFixed(1)} s`);
  }
}

function isInside(dir, parent) {
  const rel = relative(parent, dir);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

// `npm config get` prints "undefined" for an unset key.
const npmNodedir = run('npm', ['config', 'get', 'nodedir'], { cwd: tmpdir() }).stdout.trim().replace(/^(undefined|null)$/, '');
const work = mkdtempSync(join(tmpdir(), 'sqlite-strand-tarball-'));
let packed; // { tarball, files }

test.before(() => {
  assert.ok(existsSync(join(repo, 'dist/index.js')), 'dist/ is built (npm install runs tsup via "prepare")');
  packed = timed('npm pack', () => {
    // --ignore-scripts: dist/ is already built; "prepare" would rebuild it.
    const { stdout } = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: repo });
    const [info] = JSON.parse(stdout);
    return { tarball: join(work, info.filename), files: info.files.map((f) => f.path) };
  });
});

test.after(() => {
  if (!process.env.KEEP_TARBALL_TEST) rmSync(work, { recursive: true, force: true });
  console.log(`tarball test timings (${variants.join(', ')}):\n  ${timings.join('\n  ')}`);
});

const pkgJson = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));

// Every file the tarball may hold, by pattern; anything else is a stray from the repository.
const PACKED_PATTERNS = [
  /^(package\.json|README\.md|CHANGELOG\.md|LICENSE|binding\.gyp)$/,
  /^dist\/[a-z-]+\.(js|cjs|d\.ts|d\.cts)$/,
  /^src\/native\/((core|sync|async)\/)?[a-z0-9_-]+\.(cc|h)$/,
  /^src\/native\/vendor\/sqlite\/(sqlite3\.c|sqlite3\.h|sqlite3ext\.h|VERSION|SHA256SUMS)$/,
  /^docs\/[A-Z-]+\.md$/,
  /^prebuilds\/[a-z0-9]+-[a-z0-9]+\/[a-z.-]+\.node$/,
];

// The files every "exports" entry points at (types and code, import and require).
function exportTargets(node) {
  if (typeof node === 'string') return [node.replace(/^\.\//, '')];
  return Object.values(node).flatMap(exportTargets);
}

test('the tarball holds the built package and nothing of the repository besides', () => {
  const { files } = packed;
  for (const f of ['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE', 'binding.gyp', 'dist/index.js', 'dist/index.cjs',
    'dist/index.d.ts', 'dist/index.d.cts', 'src/native/addon.cc', 'src/native/addon.h', 'src/native/vendor/sqlite/sqlite3.c',
    'src/native/vendor/sqlite/sqlite3.h', 'docs/ASYNC.md', 'docs/WORKER-THREADS.md', 'docs/ARCHITECTURE.md']) {
    assert.ok(files.includes(f), `${f} is packed`);
  }
  // Every file that package.json's "exports" names, for every subpath (the adapters included).
  const targets = exportTargets(pkgJson.exports);
  assert.ok(targets.length >= 5, 'the export targets were found');
  assert.equal(targets.filter((f) => !files.includes(f)), [], 'every export target is packed');
  // Every native source of every part (core/, sync/, async/ and the top), so a source build works.
  const nativeSources = readdirSync(join(repo, 'src/native'), { recursive: true })
    .filter((f) => /\.(cc|h)$/.test(f) && !f.startsWith('vendor'))
    .map((f) => `src/native/${f.split('\\').join('/')}`);
  assert.ok(nativeSources.length > 40, 'the native sources were found');
  assert.equal(nativeSources.filter((f) => !files.includes(f)), [], 'every native source is packed');
  assert.equal(files.filter((f) => !PACKED_PATTERNS.some((p) => p.test(f))), [], 'nothing else is packed');
  // prebuilds/ goes in exactly when the repository has it (made by `npm run prebuildify`).
  const repoPrebuilds = existsSync(join(repo, 'prebuilds'))
    ? readdirSync(join(repo, 'prebuilds'), { recursive: true }).filter((f) => f.endsWith('.node')).map((f) => `prebuilds/${f}`)
    : [];
  assert.equal(files.filter((f) => f.startsWith('prebuilds/')).sort(), repoPrebuilds.sort());
});

test('package.json names the license, the repository, its home page and where bugs go', () => {
  assert.is(pkgJson.license, 'MIT');
  const license = readFileSync(join(repo, 'LICENSE'), 'utf8');
  assert.match(license, /^MIT License/);
  assert.match(license, /May you do good and not evil/, "LICENSE carries SQLite's public-domain notice");
  assert.match(pkgJson.repository?.url ?? '', /^git\+https:\/\/github\.com\/[^/]+\/[^/]+\.git$/);
  const base = repositoryBase();
  assert.is(pkgJson.homepage, `${base}#readme`);
  assert.is(pkgJson.bugs?.url, `${base}/issues`);
  assert.equal(Object.keys(pkgJson.dependencies).sort(), ['node-addon-api', 'node-gyp-build'], 'no new runtime dependency');
  for (const peer of Object.keys(pkgJson.peerDependencies ?? {})) {
    assert.ok(pkgJson.peerDependenciesMeta?.[peer]?.optional, `peer dependency ${peer} is optional`);
  }
});

function repositoryBase() {
  return pkgJson.repository.url.replace(/^git\+/, '').replace(/\.git$/, '');
}

// GitHub's anchor for a heading: lower case, punctuation dropped, spaces to dashes.
function headingAnchors(markdown) {
  const anchors = new Set();
  for (const [, heading] of markdown.replace(/```[\s\S]*?```/g, '').matchAll(/^#{1,6} +(.+?) *$/gm)) {
    anchors.add(heading.toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-'));
  }
  return anchors;
}

// Each link of a packed Markdown file, as npm's and GitHub's readers follow it: a relative link
// must reach a file that is in the tarball (and its #anchor a heading there); a link into this
// repository's own tree (…/blob/main/<path>, for what is not shipped) must name a file that exists.
test('every link in the packed Markdown files reaches something', () => {
  const base = repositoryBase();
  const broken = [];
  let checked = 0;
  for (const file of packed.files.filter((f) => f.endsWith('.md'))) {
    const text = readFileSync(join(repo, file), 'utf8').replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)(?: "[^"]*")?\)/g)) {
      checked += 1;
      if (/^(mailto:|https?:)/.test(target) && !target.startsWith(`${base}/`)) continue;
      let path;
      let anchor;
      if (target.startsWith(`${base}/`)) {
        const m = target.slice(base.length + 1).match(/^(?:blob|tree|raw)\/main\/([^#?]+)/);
        if (!m) continue; // issues, releases: not files
        if (!existsSync(join(repo, m[1]))) broken.push(`${file}: ${target} (no ${m[1]} in the repository)`);
        continue;
      }
      [path, anchor] = target.split('#');
      const resolved = path === '' ? file : join(file, '..', path).split('\\').join('/');
      if (path !== '' && !packed.files.includes(resolved)) {
        broken.push(`${file}: ${target} (${resolved} is not in the tarball)`);
      } else if (anchor && resolved.endsWith('.md') && !headingAnchors(readFileSync(join(repo, resolved), 'utf8')).has(anchor)) {
        broken.push(`${file}: ${target} (no heading #${anchor} in ${resolved})`);
      }
    }
  }
  assert.ok(checked > 20, `the links were found (${checked})`);
  assert.equal(broken, []);
});

/** Writes the tarball for a variant: the packed one as is when it already fits, else a re-tar. */
function tarballFor(variant) {
  const hasPrebuild = packed.files.some((f) => f.startsWith(`prebuilds/${tuple}/`));
  if ((variant === 'prebuilt') === hasPrebuild) return packed.tarball;
  const stage = join(work, `stage-${variant}`);
  mkdirSync(stage);
  run('tar', ['-xzf', packed.tarball, '-C', stage]);
  if (variant === 'source') {
    rmSync(join(stage, 'package/prebuilds'), { recursive: true, force: true });
  } else {
    const built = join(repo, 'build/Release/sqlite_strand.node');
    assert.ok(existsSync(built), 'build/Release/sqlite_strand.node stands in for a prebuild');
    mkdirSync(join(stage, 'package/prebuilds', tuple), { recursive: true });
    copyFileSync(built, join(stage, 'package/prebuilds', tuple, prebuildName));
  }
  const tarball = join(work, `sqlite-strand-${variant}.tgz`);
  run('tar', ['-czf', tarball, '-C', stage, 'package']);
  return tarball;
}

/** An empty project outside the repository, with its own package.json so npm stops there. */
function makeConsumer(variant, tarball) {
  const dir = join(work, `consumer-${variant}`);
  assert.ok(!isInside(dir, repo), `${dir} is outside the repository`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({
    name: 'sqlite-strand-consumer',
    version: '1.0.0',
    private: true,
    // npm 11 reviews dependency install scripts (allowScripts) and a future npm blocks unreviewed
    // ones; --strict-allow-scripts below blocks them now. From the registry the package is
    // approved by name (what the README tells users); a tarball is approved by its file: spec.
    allowScripts: { 'sqlite-strand': true, [`file:${tarball}`]: true },
  }, null, 2)}\n`);
  for (const f of readdirSync(consumerFiles)) copyFileSync(join(consumerFiles, f), join(dir, f));
  const typeRoots = [join(repo, 'node_modules/@types')];
  const base = { strict: true, noEmit: true, target: 'es2022', types: ['node'], typeRoots, skipLibCheck: false };
  writeFileSync(join(dir, 'tsconfig.nodenext.json'), JSON.stringify({
    compilerOptions: { ...base, module: 'nodenext', moduleResolution: 'nodenext' },
    files: ['types.mts', 'types.cts'],
  }));
  writeFileSync(join(dir, 'tsconfig.bundler.json'), JSON.stringify({
    compilerOptions: { ...base, module: 'esnext', moduleResolution: 'bundler' },
    files: ['types.mts'],
  }));
  return dir;
}

function npmInstall(dir, tarball, label) {
  const args = ['install', tarball, '--no-audit', '--no-fund', '--foreground-scripts', '--strict-allow-scripts'];
  return timed(`${label}: npm install`, () => {
    const offline = run('npm', [...args, '--offline'], { cwd: dir, env: npmNodedir ? offlineEnv : cleanEnv, allowFail: true });
    if (offline.status === 0) return offline.output;
    if (!/ENOTCACHED/.test(offline.output)) throw new Error(`npm install --offline failed:\n${offline.output}`);
    console.log('npm cache lacks a dependency: installing with --prefer-offline');
    return run('npm', [...args, '--prefer-offline'], { cwd: dir }).output;
  });
}

for (const variant of variants) {
  test(`${variant}: installs from the tarball, loads, queries and type-checks`, () => {
    const label = variant;
    const tarball = timed(`${label}: prepare tarball`, () => tarballFor(variant));
    const dir = makeConsumer(variant, tarball);
    const installLog = npmInstall(dir, tarball, label);
    const pkg = join(dir, 'node_modules/sqlite-strand');
    assert.ok(existsSync(join(pkg, 'package.json')), 'installed');

    const loaded = run(process.execPath, ['-p', `require('node-gyp-build').path(${JSON.stringify(pkg)})`], { cwd: dir }).stdout.trim();
    if (variant === 'prebuilt') {
      assert.not.ok(existsSync(join(pkg, 'build')), `no build/ in the installed package (no compile):\n${installLog}`);
      assert.is(loaded, join(pkg, 'prebuilds', tuple, prebuildName));
    } else {
      assert.ok(existsSync(join(pkg, 'build/Release/sqlite_strand.node')), `compiled at install:\n${installLog}`);
      assert.is(loaded, join(pkg, 'build/Release/sqlite_strand.node'));
    }

    timed(`${label}: require + import, sync/async/worker queries`, () => {
      assert.match(run(process.execPath, ['check.cjs'], { cwd: dir }).output, 'cjs ok');
      assert.match(run(process.execPath, ['check.mjs'], { cwd: dir }).output, 'esm ok');
    });
    const tsc = join(repo, 'node_modules/typescript/bin/tsc');
    timed(`${label}: tsc nodenext`, () => run(process.execPath, [tsc, '-p', 'tsconfig.nodenext.json'], { cwd: dir }));
    timed(`${label}: tsc bundler`, () => run(process.execPath, [tsc, '-p', 'tsconfig.bundler.json'], { cwd: dir }));
  });
}

test.run();
