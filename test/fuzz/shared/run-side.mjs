// Runs seeds in child processes (so a crash costs one seed, not the run) and collects their
// traces. A child that dies takes its unfinished seeds with it: those are run again one child per
// seed, which names the seed that crashes.
//
//   const results = await runSeeds({ script, args, seeds, execPath, chunk, parallel, timeout })
//   results: Map(seed -> { result } | { crashed: 'signal SIGSEGV' | 'exit 1' | 'timeout', output })
// The child writes one JSON line per seed, `{ seed, ... }`; `result` is that object.
import { spawn } from 'node:child_process';

function runChild({ execPath, script, args, seeds, timeout, env }) {
  return new Promise((resolve) => {
    const child = spawn(execPath, ['--expose-gc', script, ...args, '--seeds', seeds.join(',')], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeout);
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const done = new Map();
      for (const line of stdout.split('\n')) {
        if (!line) continue;
        try {
          const result = JSON.parse(line);
          done.set(result.seed, result);
        } catch {
          // a line cut short by a crash
        }
      }
      const failure = timedOut ? 'timeout' : signal ? `signal ${signal}` : code !== 0 ? `exit ${code}` : null;
      resolve({ done, failure, output: stderr.slice(-4000) });
    });
  });
}

export async function runSeeds({ script, args = [], seeds, execPath = process.execPath, chunk = 100, parallel = 2, timeout = 120_000, env = {} }) {
  const results = new Map();
  const chunks = [];
  for (let i = 0; i < seeds.length; i += chunk) chunks.push(seeds.slice(i, i + chunk));
  const retry = [];
  let next = 0;
  const worker = async () => {
    while (next < chunks.length) {
      const mine = chunks[next++];
      const { done, failure, output } = await runChild({ execPath, script, args, seeds: mine, timeout, env });
      for (const [seed, result] of done) results.set(seed, { result });
      const left = mine.filter((s) => !done.has(s));
      if (left.length > 0) retry.push(...left);
      else if (failure) results.set(mine[mine.length - 1], { crashed: failure, output });
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  // One child per unfinished seed: the crashing one is found, the others finish.
  for (const seed of retry) {
    const { done, failure, output } = await runChild({ execPath, script, args, seeds: [seed], timeout, env });
    results.set(seed, done.has(seed) && !failure ? { result: done.get(seed) } : { crashed: failure ?? 'no result', output });
  }
  return results;
}
