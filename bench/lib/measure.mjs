// Warm-up, then timed batches for a fixed time budget. Runs inside the child process.
//
// A trial step is `call()`, returning how many units (ops or rows) it did. Fast steps are grouped
// into batches of ~TARGET_BATCH_MS so the timer cost is negligible; a step with an untimed
// `reset()` (e.g. emptying the table before the next bulk insert) is timed one call per batch.
//
// The reported `rate` is total units / total timed time over the whole budget (GC pauses
// included: allocating rows is part of a driver's cost). The per-batch median is reported too.
import { median } from './stats.mjs';

export const TARGET_BATCH_MS = 25;
export const MIN_BATCHES = 3;

/** Calls per timed batch, from the warm-up's cost per call (1 when each call needs a reset). */
export function batchSize(msPerCall, hasReset) {
  return hasReset ? 1 : Math.max(1, Math.min(1e6, Math.round(TARGET_BATCH_MS / Math.max(msPerCall, 1e-6))));
}

export function measure(step, { warmupMs, budgetMs }) {
  const { call, reset } = step;

  // Warm-up: let the JIT settle and learn the cost of one call.
  let warmCalls = 0;
  let warmTime = 0;
  const warmStart = performance.now();
  while (warmCalls < 2 || performance.now() - warmStart < warmupMs) {
    if (reset) reset();
    const t0 = performance.now();
    call();
    warmTime += performance.now() - t0;
    warmCalls++;
  }
  const msPerCall = warmTime / warmCalls;
  const callsPerBatch = batchSize(msPerCall, Boolean(reset));

  // Timed batches.
  const batchRates = [];
  let units = 0;
  let timedMs = 0;
  const start = performance.now();
  while (batchRates.length < MIN_BATCHES || performance.now() - start < budgetMs) {
    if (reset) reset();
    let batchUnits = 0;
    const t0 = performance.now();
    for (let i = 0; i < callsPerBatch; i++) batchUnits += call();
    const dt = performance.now() - t0;
    units += batchUnits;
    timedMs += dt;
    batchRates.push((batchUnits / dt) * 1e3);
  }

  return measurementResult(units, timedMs, batchRates, callsPerBatch);
}

/** What a measurement reports (shared by the sync and async loops). */
export function measurementResult(units, timedMs, batchRates, callsPerBatch) {
  return {
    rate: (units / timedMs) * 1e3,
    batchMedianRate: median(batchRates),
    batches: batchRates.length,
    callsPerBatch,
    units,
    timedMs,
  };
}
