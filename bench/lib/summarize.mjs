// Turns the raw samples of a run into medians and ratios. Pure: no I/O.
//
// Ratio of A to B for a trial = median over rounds of A's rate / median over rounds of B's rate
// (>1 = A faster). Because each round measures A and B back to back, the per-round ratio
// A_r / B_r is also computed; its min–max across rounds is reported as a feel for the noise.
import { BASELINE } from '../drivers/index.mjs';
import { max, median, min } from './stats.mjs';

/** Which ratio columns to report, given the drivers that ran (ok) for an api. */
export function ratioColumns(drivers) {
  const sync = drivers.filter((d) => d.api === 'sync');
  const ours = sync.find((d) => d.ours);
  const peers = sync.filter((d) => !d.ours);
  const cols = [];
  if (ours) for (const p of peers) cols.push([ours.name, p.name]);
  for (const p of peers) if (p.name !== BASELINE && peers.some((x) => x.name === BASELINE)) cols.push([p.name, BASELINE]);
  return cols;
}

export function summarize(run) {
  const okDrivers = new Set(run.drivers.filter((d) => d.status === 'ok').map((d) => d.name));
  const medians = {};
  const warnings = [];

  for (const trial of run.trials) {
    medians[trial.name] = {};
    const fingerprints = new Map();
    for (const d of run.drivers) {
      const mine = run.samples.filter((s) => s.trial === trial.name && s.driver === d.name);
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

  const columns = ratioColumns(run.drivers.filter((d) => okDrivers.has(d.name) || d.ours));
  const ratios = [];
  for (const trial of run.trials) {
    for (const [a, b] of columns) {
      const ma = medians[trial.name][a]?.median;
      const mb = medians[trial.name][b]?.median;
      const paired = [];
      for (let r = 1; r <= run.meta.rounds; r++) {
        const sa = run.samples.find((s) => s.ok && s.round === r && s.trial === trial.name && s.driver === a);
        const sb = run.samples.find((s) => s.ok && s.round === r && s.trial === trial.name && s.driver === b);
        if (sa && sb) paired.push(sa.rate / sb.rate);
      }
      ratios.push({ trial: trial.name, a, b, ratio: ma / mb, pairedMin: min(paired), pairedMax: max(paired), pairedRounds: paired.length });
    }
  }

  for (const s of run.samples) if (!s.ok) warnings.push(`round ${s.round} ${s.trial} ${s.driver}: ${String(s.error).split('\n')[0]}`);
  return { columns, medians, ratios, warnings };
}
