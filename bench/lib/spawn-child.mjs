// Runs child.mjs on the right Node binary and returns its parsed JSON line (or a failure).
import { spawnSync } from 'node:child_process';
import { childScript, node26Binary } from './paths.mjs';

/** The Node binary a driver runs on, or { error } when it is not available. */
export function nodeFor(driver) {
  if (driver.runtime === 'node26') {
    const bin = node26Binary();
    return bin ? { bin } : { error: 'no Node 26 binary: install the peers (node bench/install-peers.mjs) or set BENCH_NODE26' };
  }
  return { bin: process.execPath };
}

export function runChild(driver, args, timeoutMs) {
  const { bin, error } = nodeFor(driver);
  if (error) return { ok: false, error };
  const res = spawnSync(bin, [childScript, `--driver=${driver.name}`, ...args], {
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 16 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lastLine = (res.stdout ?? '').trim().split('\n').pop();
  let parsed = null;
  try {
    parsed = lastLine ? JSON.parse(lastLine) : null;
  } catch {
    /* not JSON: the child died mid-write or printed something else */
  }
  if (parsed) return parsed;
  const how = res.error ? res.error.message : res.signal ? `killed by ${res.signal}` : `exit code ${res.status}`;
  const stderr = (res.stderr ?? '').trim().split('\n').filter(Boolean);
  // First line = the reason (shown in progress and warnings); the stderr tail follows for results.json.
  const reason = stderr.length ? `: ${stderr[stderr.length - 1]}` : '';
  return { ok: false, error: `child crashed (${how})${reason}\n${stderr.slice(-8).join('\n')}`.trim() };
}
