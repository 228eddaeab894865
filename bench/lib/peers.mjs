// Loading bench-only peer packages from bench/node_modules (never from the project's own).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { benchDir, peersDir } from './paths.mjs';

const requireFromBench = createRequire(join(benchDir, 'package.json'));

export function requirePeer(name) {
  return requireFromBench(name);
}

export function peerVersion(name) {
  return JSON.parse(readFileSync(join(peersDir, name, 'package.json'), 'utf8')).version;
}
