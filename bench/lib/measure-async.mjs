// The async twin of measure.mjs: same warm-up, batching and result, but every call() is awaited
// (one call = one awaited unit of work: a get, a Promise.all of 64 gets, a whole for-await loop).
// Calls of a batch run one after another; the batch's time includes waiting for completions, so
// the rate is what a caller awaiting the results gets, thread hand-offs included.
import { batchSize, measurementResult, MIN_BATCHES } from './measure.mjs';

export async function measureAsync(step, { warmupMs, budgetMs }) {
  const { call, reset } = step;

  let warmCalls = 0;
  let warmTime = 0;
  const warmStart = performance.now();
  while (warmCalls < 2 || performance.now() - warmStart < warmupMs) {
    if (reset) await reset();
    const t0 = performance.now();
    await call();
    warmTime += performance.now() - t0;
    warmCalls++;
  }
  const callsPerBatch = batchSize(warmTime / warmCalls, Boolean(reset));

  const batchRates = [];
  let units = 0;
  let timedMs = 0;
  const start = performance.now();
  while (batchRates.length < MIN_BATCHES || performance.now() - start < budgetMs) {
    if (reset) await reset();
    let batchUnits = 0;
    const t0 = performance.now();
    for (let i = 0; i < callsPerBatch; i++) batchUnits += await call();
    const dt = performance.now() - t0;
    units += batchUnits;
    timedMs += dt;
    batchRates.push((batchUnits / dt) * 1e3);
  }

  return measurementResult(units, timedMs, batchRates, callsPerBatch);
}
