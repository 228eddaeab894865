// Turns the raw samples of a run into medians, ratios, targets, lag and memory. Pure: no I/O.
//
// Ratio of A to B = median over rounds of A's rate / median over rounds of B's rate (>1 = A
// faster). Each round measures A and B close together (same group of trials), so the per-round
// ratio A_r / B_r is also computed; its min–max across rounds is reported as a feel for the noise.
//
// Sync trials: ours against each sync peer, each peer against better-sqlite3 (unchanged).
// Async trials: ours-async against each async peer on the same trial, and against every sync
// driver on the trial's sync twin (the ceiling: same work without a thread hop); async peers
// against better-sqlite3 on the twin.
// Trials with `compare` (the readers trials) report exactly those pairs, A and B on the same trial,
// in their own table; opt-in drivers (the readers variants of ours, the bs3 worker pool) only
// appear there, not in the general columns.
import { BASELINE } from '../drivers/index.mjs';
import { max, median, min } from './stats.mjs';

/** Which ratio columns to report for sync trials, given the drivers that ran (ok). */
export function ratioColumns(drivers) {
  const sync = drivers.filter((d) => d.api === 'sync');
  const ours = sync.find((d) => d.ours);
  const peers = sync.filter((d) => !d.ours);
  const cols = [];
  if (ours) for (const p of peers) cols.push([ours.name, p.name]);
  for (const p of peers) if (p.name !== BASELINE && peers.some((x) => x.name === BASELINE)) cols.push([p.name, BASELINE]);
  return cols;
}

/** Ratio columns for async trials: [a, b, bOnTwin] (bOnTwin: b is a sync driver, read on the twin). */
export function asyncColumns(drivers) {
  const async = drivers.filter((d) => d.api === 'async' && !d.optIn);
  const ours = async.find((d) => d.ours);
  const peers = async.filter((d) => !d.ours);
  const sync = drivers.filter((d) => d.api === 'sync');
  const syncOrdered = [...sync.filter((d) => d.name === BASELINE), ...sync.filter((d) => d.name !== BASELINE)];
  const cols = [];
  if (ours) {
    for (const p of peers) cols.push([ours.name, p.name, false]);
    for (const s of syncOrdered) cols.push([ours.name, s.name, true]);
  }
  if (sync.some((d) => d.name === BASELINE)) for (const p of peers) cols.push([p.name, BASELINE, true]);
  return cols;
}

function sampleOf(run, round, trial, driver) {
  return run.samples.find((s) => s.ok && s.round === round && s.trial === trial && s.driver === driver);
}

/** A's rate on trialA ÷ B's rate on trialB, with the min–max of the per-round ratios. */
function ratio(run, medians, trialA, a, trialB, b) {
  const ma = medians[trialA]?.[a]?.median;
  const mb = medians[trialB]?.[b]?.median;
  const paired = [];
  for (let r = 1; r <= run.meta.rounds; r++) {
    const sa = sampleOf(run, r, trialA, a);
    const sb = sampleOf(run, r, trialB, b);
    if (sa && sb) paired.push(sa.rate / sb.rate);
  }
  return { ratio: ma / mb, pairedMin: min(paired), pairedMax: max(paired), pairedRounds: paired.length };
}

function samplesOf(run, trial, driver) {
  return run.samples.filter((s) => s.trial === trial && s.driver === driver);
}

function throughputMedians(run, warnings) {
  const medians = {};
  for (const trial of run.trials.filter((t) => t.kind !== 'lag')) {
    medians[trial.name] = {};
    const fingerprints = new Map();
    for (const d of run.drivers) {
      const mine = samplesOf(run, trial.name, d.name);
      if (mine.length === 0) continue;
      const ok = mine.filter((s) => s.ok);
      medians[trial.name][d.name] = { median: median(ok.map((s) => s.rate)), samples: ok.length, failed: mine.length - ok.length };
      for (const s of ok) {
        if (!fingerprints.has(s.fingerprint)) fingerprints.set(s.fingerprint, new Set());
        fingerprints.get(s.fingerprint).add(d.name);
      }
    }
    if (fingerprints.size > 1) {
      const detail = [...fingerprints].map(([fp, ds]) => `${[...ds].join('+')}: ${fp}`).join('; ');
      warnings.push(`${trial.name}: drivers left different table contents (${detail})`);
    }
  }
  return medians;
}

function lagStats(run) {
  const lag = {};
  for (const trial of run.trials.filter((t) => t.kind === 'lag')) {
    lag[trial.name] = {};
    for (const d of run.drivers) {
      const ok = samplesOf(run, trial.name, d.name).filter((s) => s.ok && s.lag);
      if (ok.length === 0) continue;
      const gaps = ok.map((s) => s.lag.maxGapMs);
      lag[trial.name][d.name] = {
        maxGapMs: median(gaps), worstMs: max(gaps), bestMs: min(gaps),
        queryMs: median(ok.map((s) => s.lag.queryMs)),
        idleMaxGapMs: median(ok.map((s) => s.lag.idleMaxGapMs)),
        samples: ok.length,
      };
    }
  }
  return lag;
}

function memoryStats(run) {
  const memory = {};
  for (const trial of run.trials.filter((t) => t.memory)) {
    memory[trial.name] = {};
    for (const d of run.drivers) {
      const ok = samplesOf(run, trial.name, d.name).filter((s) => s.ok && s.rss);
      if (ok.length === 0) continue;
      memory[trial.name][d.name] = {
        peakMB: median(ok.map((s) => s.rss.peakMB)),
        growthMB: median(ok.map((s) => s.rss.peakMB - s.rss.baseMB)),
        method: ok[0].rss.method,
      };
    }
  }
  return memory;
}

function evaluateTargets(run, medians, lag) {
  const out = [];
  const apiOf = (name) => run.drivers.find((d) => d.name === name)?.api;
  for (const trial of run.trials) {
    for (const t of trial.targets ?? []) {
      if (t.maxMs !== undefined) {
        const s = lag[trial.name]?.[t.a];
        out.push({ trial: trial.name, kind: 'lag', a: t.a, maxMs: t.maxMs, value: s?.maxGapMs, worstMs: s?.worstMs, met: s ? s.maxGapMs <= t.maxMs : null });
        continue;
      }
      const bTrial = apiOf(t.b) === 'sync' && trial.twin ? trial.twin : trial.name;
      const r = ratio(run, medians, trial.name, t.a, bTrial, t.b);
      out.push({ trial: trial.name, kind: 'ratio', a: t.a, b: t.b, bTrial, min: t.min, ...r, met: Number.isFinite(r.ratio) ? r.ratio >= t.min : null });
    }
  }
  return out;
}

export function summarize(run) {
  const okDrivers = new Set(run.drivers.filter((d) => d.status === 'ok').map((d) => d.name));
  const warnings = [];
  const medians = throughputMedians(run, warnings);
  const shown = run.drivers.filter((d) => okDrivers.has(d.name) || d.ours);

  const columns = ratioColumns(shown);
  const ratios = [];
  for (const trial of run.trials.filter((t) => t.api === 'sync')) {
    for (const [a, b] of columns) ratios.push({ trial: trial.name, a, b, ...ratio(run, medians, trial.name, a, trial.name, b) });
  }

  const asyncCols = asyncColumns(shown);
  const asyncRatios = [];
  for (const trial of run.trials.filter((t) => t.api === 'async' && t.kind !== 'lag' && !t.compare)) {
    for (const [a, b, onTwin] of asyncCols) {
      const bTrial = onTwin ? trial.twin : trial.name;
      if (!bTrial) continue;
      asyncRatios.push({ trial: trial.name, a, b, bTrial, ...ratio(run, medians, trial.name, a, bTrial, b) });
    }
  }

  const compareRatios = [];
  for (const trial of run.trials.filter((t) => t.compare)) {
    for (const { a, b } of trial.compare) {
      if (okDrivers.has(a) && okDrivers.has(b)) compareRatios.push({ trial: trial.name, a, b, ...ratio(run, medians, trial.name, a, trial.name, b) });
    }
  }

  const lag = lagStats(run);
  const memory = memoryStats(run);
  const targets = evaluateTargets(run, medians, lag);
  for (const s of run.samples) if (!s.ok) warnings.push(`round ${s.round} ${s.trial} ${s.driver}: ${String(s.error).split('\n')[0]}`);
  return { columns, medians, ratios, asyncColumns: asyncCols, asyncRatios, compareRatios, targets, lag, memory, warnings };
}
