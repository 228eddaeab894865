// The lag trial's measurement (see trials/lag-long-query.mjs): one long query while a 1 ms
// setInterval watches the event loop. The same code serves sync and async drivers: `await` on a
// sync driver's result is a no-op, so a sync get() simply blocks the loop until it returns.
import { sleep, startLagMonitor } from './lag.mjs';

const IDLE_MS = 300; // the monitor alone first: the machine's own idle lag, for reference
const TAIL_MS = 20; // after the query: lets the first late tick (after a sync query) be recorded

export async function measureLag(db, trial) {
  const stmt = await db.prepare(trial.sql);
  try {
    const warm = await stmt.get(trial.warmupN); // compiles, warms caches and the JIT paths
    if (Number(warm.n) !== trial.warmupN) throw new Error(`warm-up query counted ${warm.n}, expected ${trial.warmupN}`);

    const monitor = startLagMonitor(1);
    await sleep(IDLE_MS);
    const idle = monitor.read();
    monitor.reset();
    const t0 = performance.now();
    const row = await stmt.get(trial.n);
    const queryMs = performance.now() - t0;
    await sleep(TAIL_MS);
    const during = monitor.read();
    monitor.stop();
    if (Number(row.n) !== trial.n) throw new Error(`query counted ${row.n}, expected ${trial.n}`);
    return {
      maxGapMs: during.maxGapMs,
      ticks: during.ticks,
      queryMs,
      idleMaxGapMs: idle.maxGapMs,
      sink: Number(row.n),
    };
  } finally {
    await stmt.finalize?.();
  }
}
