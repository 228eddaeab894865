// What run.mjs measures, and in which order: trial selection (with the sync twins of async
// trials), trial groups, the jobs of one round, per-trial budgets and the time estimate.
import { missingCapability } from '../drivers/index.mjs';
import { trials as allTrials, runsOn } from '../trials/index.mjs';

const SETUP_ESTIMATE_MS = 700; // process start + seeding, per child, for the time estimate
const LAG_ESTIMATE_MS = 2600; // a lag child: start, idle window, the ~1.5 s query, close

/**
 * Trials matching --filter (a name or part of one), plus the sync twin of every async trial
 * picked: an async trial's comparisons against the sync drivers need the twin in the same run.
 */
export function selectTrials(filter) {
  if (!filter) return { trials: allTrials, twinsAdded: [] };
  const picked = allTrials.filter((t) => filter.some((f) => t.name === f || t.name.includes(f)));
  if (picked.length === 0) throw new Error(`--filter matched no trial (trials: ${allTrials.map((t) => t.name).join(', ')})`);
  const names = new Set(picked.map((t) => t.name));
  const twinsAdded = [...new Set(picked.map((t) => t.twin).filter((tw) => tw && !names.has(tw)))];
  for (const tw of twinsAdded) names.add(tw);
  return { trials: allTrials.filter((t) => names.has(t.name)), twinsAdded };
}

/** Drivers (from the chosen ones) that run at least one of the trials. */
export function usableDrivers(chosen, trials) {
  const usable = chosen.filter((d) => trials.some((t) => runsOn(t, d)));
  if (usable.length === 0) throw new Error(`none of the chosen drivers runs the chosen trials (trial kinds: ${[...new Set(trials.map((t) => t.api))].join(', ')})`);
  return usable;
}

/**
 * Trials measured together in a round: a sync trial with the async trials whose twin it is (so
 * the cross-trial ratios compare measurements taken minutes, not rounds, apart); others alone.
 */
export function groupTrials(trials) {
  const names = new Set(trials.map((t) => t.name));
  return trials
    .filter((t) => !(t.twin && names.has(t.twin)))
    .map((t) => [t, ...trials.filter((x) => x.twin === t.name)]);
}

export function budgetFor(trial, opts) {
  const f = trial.budgetFactor ?? 1;
  return { budgetMs: Math.max(1, Math.round(opts.budgetMs * f)), warmupMs: Math.max(1, Math.round(opts.warmupMs * f)) };
}

/** Cells a trial can never fill, with the reason (a driver lacking a capability). */
export function notApplicable(trials, drivers) {
  const out = [];
  for (const t of trials) {
    for (const d of drivers) {
      const reason = runsOn(t, d) ? missingCapability(t, d) : null;
      if (reason) out.push({ trial: t.name, driver: d.name, reason });
    }
  }
  return out;
}

function rotate(xs, k) {
  const n = xs.length;
  return n === 0 ? xs : xs.map((_, i) => xs[(i + k) % n]);
}

/**
 * The jobs of round `round` (1-based): group by group, every (trial, driver) cell of the group
 * once, in an order rotated per round and group, so no driver always runs first or right after
 * another. A trial with `rounds: N` takes part in the first N rounds only.
 */
export function roundJobs(groups, drivers, round) {
  return groups.flatMap((group, gi) => {
    const cells = group
      .filter((t) => round <= (t.rounds ?? Infinity))
      .flatMap((t) => drivers.filter((d) => runsOn(t, d) && !missingCapability(t, d)).map((d) => ({ trial: t, driver: d })));
    return rotate(cells, round - 1 + gi);
  });
}

export function estimateMs(groups, drivers, opts) {
  let ms = 0;
  for (let round = 1; round <= opts.rounds; round++) {
    for (const { trial } of roundJobs(groups, drivers, round)) {
      const b = budgetFor(trial, opts);
      ms += trial.kind === 'lag' ? LAG_ESTIMATE_MS : b.warmupMs + b.budgetMs + SETUP_ESTIMATE_MS;
    }
  }
  return ms;
}
