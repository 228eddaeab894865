// Runs matrix cells in child processes (cell-runner.mjs), a few per process, so that a crash or
// a hang costs the cells it touched and never the caller.
//
//   runCellsInChildren(module, matrix, indices, { groupSize, concurrency, timeoutMs, execPath })
//     → Map(index → result | { crashed: '<signal>' | 'exit <code>' } | { hung: true })
//
// When a group's process dies (a signal, a non-zero exit, a timeout), every cell of the group
// runs again in a process of its own, so a crash is pinned on the one cell that crashes alone.
// If none does, the cell that was running when the group died is reported as
// { crashed: '<how> (only in a group)' }: leftovers of an earlier cell broke it, and that must
// fail too. `details` (the child's stderr tail) is kept apart from the results: golden data must
// not depend on it.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const runner = path.join(here, 'cell-runner.mjs');

function runChild(execPath, moduleSpec, matrix, indices, timeoutMs, tmpRoot) {
  const outFile = path.join(tmpRoot, `out-${indices[0]}-${indices.length}-${process.hrtime.bigint()}.jsonl`);
  fs.writeFileSync(outFile, '');
  return new Promise((resolve) => {
    const child = spawn(execPath, ['--expose-gc', runner, moduleSpec, matrix, outFile, ...indices.map(String)], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, REENTRANCY_TMPDIR: tmpRoot },
    });
    let stderr = '';
    let timedOut = false;
    child.stderr.on('data', (d) => {
      if (stderr.length < 64 * 1024) stderr += d;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const results = new Map();
      let lastStart = null;
      for (const line of fs.readFileSync(outFile, 'utf8').split('\n')) {
        if (!line) continue;
        const msg = JSON.parse(line);
        if ('start' in msg) lastStart = msg.start;
        else results.set(msg.index, msg.result);
      }
      fs.rmSync(outFile, { force: true });
      const died = timedOut || signal !== null || code !== 0 || results.size !== indices.length;
      const how = timedOut ? 'hung' : signal ?? `exit ${code}`;
      resolve({ results, died, how, lastStart, stderr: stderr.trim().split('\n').slice(-20).join('\n') });
    });
  });
}

const failure = (how, suffix = '') => (how === 'hung' ? { hung: true, ...(suffix ? { note: suffix } : {}) } : { crashed: how + suffix });

export async function runCellsInChildren(
  moduleSpec,
  matrix,
  indices,
  { groupSize = 8, concurrency = 1, timeoutMs = 60_000, execPath = process.execPath, details = new Map() } = {},
) {
  const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'strand-reentrancy-'));
  const results = new Map();
  const groups = [];
  for (let i = 0; i < indices.length; i += groupSize) groups.push(indices.slice(i, i + groupSize));

  async function runGroup(group) {
    const run = await runChild(execPath, moduleSpec, matrix, group, timeoutMs * group.length, tmpRoot);
    if (!run.died) {
      for (const [index, result] of run.results) results.set(index, result);
      return;
    }
    if (group.length === 1) {
      results.set(group[0], failure(run.how));
      details.set(group[0], run.stderr);
      return;
    }
    let pinned = false;
    for (const index of group) {
      const alone = await runChild(execPath, moduleSpec, matrix, [index], timeoutMs, tmpRoot);
      if (alone.died) {
        pinned = true;
        results.set(index, failure(alone.how));
        details.set(index, alone.stderr);
      } else {
        results.set(index, alone.results.get(index));
      }
    }
    if (!pinned) {
      const culprit = run.lastStart ?? group[group.length - 1];
      results.set(culprit, failure(run.how, ' (only in a group)'));
      details.set(culprit, run.stderr);
    }
  }

  try {
    let next = 0;
    const workers = Array.from({ length: Math.max(1, concurrency) }, async () => {
      while (next < groups.length) await runGroup(groups[next++]);
    });
    await Promise.all(workers);
  } finally {
    fs.rmSync(tmpRoot, { recursive: true, force: true });
  }
  return results;
}
