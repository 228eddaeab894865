// CPU time an AsyncDatabase costs a caller that is not saturating it: sequential point gets with
// GAP µs of JS work between them (the caller handling a request), for several gaps. Reports the
// process's CPU time per request beyond that work (both threads: the database thread's idle spin
// and the event loop's completion polling show up here). Each (build, gap) runs in its own child,
// builds interleaved, so a baseline measured alongside is comparable:
//
//   node bench/cpu-paced.mjs [baseline/dist/index.cjs]
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const GAPS_US = [100, 300, 700];
const REQUESTS = 4000;
const ROUNDS = 3;

if (process.argv[2] === '--child') {
  const [, , , build, gap] = process.argv;
  const { AsyncDatabase } = await import(build);
  const db = await AsyncDatabase.open(':memory:');
  await db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, v); INSERT INTO t VALUES (1, 2)');
  const stmt = await db.prepare('SELECT v FROM t WHERE id = ?');
  const work = (us) => {
    const end = performance.now() + us / 1000;
    while (performance.now() < end);
  };
  for (let i = 0; i < 200; i++) await stmt.get(1); // warm-up
  const before = process.cpuUsage();
  for (let i = 0; i < REQUESTS; i++) {
    await stmt.get(1);
    work(Number(gap));
  }
  const used = process.cpuUsage(before);
  console.log(JSON.stringify({ beyondUs: (used.user + used.system) / REQUESTS - Number(gap) }));
  await stmt.finalize();
  await db.close();
} else {
  const builds = { ours: fileURLToPath(new URL('../dist/index.js', import.meta.url)) };
  if (process.argv[2]) builds.baseline = process.argv[2];
  const results = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const gap of GAPS_US) {
      for (const [name, build] of Object.entries(builds)) {
        const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', build, String(gap)], { encoding: 'utf8' });
        if (child.status !== 0) throw new Error(`${name}, gap ${gap}: ${child.stderr}`);
        ((results[name] ??= {})[gap] ??= []).push(JSON.parse(child.stdout).beyondUs);
      }
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(`CPU µs per request beyond the caller's own work (median of ${ROUNDS}), by JS work between requests:`);
  for (const [name, byGap] of Object.entries(results)) {
    console.log(`  ${name.padEnd(9)} ${GAPS_US.map((g) => `${g} µs: ${median(byGap[g]).toFixed(0).padStart(4)}`).join('   ')}`);
  }
}
