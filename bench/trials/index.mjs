// The trial registry. A throughput trial module's default export is:
//
//   { name, api: 'sync' | 'async', unit: 'op' | 'row', description,
//     tables?: [10_000, 100_000]  table sizes it runs on (one variant each); the trial reads its
//                          variant's size as trial.rows
//     setup(db, trial)     untimed, once per child: schema + seed data (async trials: awaited)
//     step(db, trial) → { call() → units done, reset?() untimed before each timed call, sink() }
//                          (async trials: step and call are awaited; see lib/measure-async.mjs)
//     twin?: 'get-pk'      async trials: the sync trial doing the same work; sync drivers' rates on
//                          it are this trial's ceiling, reported as ours-async ÷ sync-driver ratios
//     targets?: [{ a, b, min }]  ratio goals (a's rate ÷ b's rate ≥ min; b on the twin if sync),
//                          judged on the WAL variant on the largest table (see expand below)
//     requires?: ['iterate']     driver capabilities it needs (see drivers/index.mjs)
//     budgetFactor?: 0.35  fraction of --budget / --warmup it gets (keeps the default run short)
//     memory?: true        report its peak RSS per driver
//     modes?: ['wal']      journal modes it runs in (default: every mode of schema.mjs MODES)
//     drivers?: [names]    the only drivers it runs on; an opt-in driver (drivers/index.mjs)
//                          runs only the trials that name it here
//     compare?: [{ a, b }] its ratios are reported in their own table (the readers trials'
//                          scaling curve, "Parallel readers") instead of the async table }
//
// The lag trial (kind: 'lag', api: 'any') has no step: it runs on every driver through
// lib/measure-lag.mjs, with `rounds` capping how many rounds it takes part in, and
// targets: [{ a, maxMs }].
import all100 from './all-100.mjs';
import all100k from './all-100k.mjs';
import asyncAll100 from './async-all-100.mjs';
import asyncAll100k from './async-all-100k.mjs';
import asyncGetPk from './async-get-pk.mjs';
import asyncGetPkX64 from './async-get-pk-x64.mjs';
import asyncIterate100k from './async-iterate-100k.mjs';
import getPk from './get-pk.mjs';
import insert100k from './insert-100k.mjs';
import iterate100k from './iterate-100k.mjs';
import lagLongQuery from './lag-long-query.mjs';
import readersAggregateX2 from './readers-aggregate-x2.mjs';
import readersGetPk from './readers-get-pk.mjs';
import readersGetPkX64 from './readers-get-pk-x64.mjs';
import readersMixedX64 from './readers-mixed-x64.mjs';
import { MODES } from './schema.mjs';

/** The trials as written, one module each. */
export const baseTrials = [
  getPk, all100, iterate100k, insert100k, all100k,
  asyncGetPk, asyncGetPkX64, asyncAll100, asyncIterate100k, asyncAll100k,
  lagLongQuery,
  readersAggregateX2, readersGetPkX64, readersMixedX64, readersGetPk,
];

const sizeLabel = (rows) => (rows % 1000 === 0 ? `${rows / 1000}k` : String(rows));

/** The measured name of a base trial on a table size (if it has sizes) and a journal mode. */
export function variantName(base, rows, mode) {
  return rows === undefined ? `${base}:${mode}` : `${base}:${sizeLabel(rows)}:${mode}`;
}

/**
 * One measured trial per (base trial, table size, journal mode): `get-pk:100k:wal`,
 * `iterate-100k:rollback` (the modes a trial declares, or all of them). A variant's twin is its base's twin on the same size and mode. The
 * issue's targets hold in WAL on the largest table, so a base's targets are judged there only;
 * the other variants report the same ratios without a target.
 */
function expand(base) {
  const sizes = base.tables ?? [undefined];
  const largest = base.tables ? Math.max(...base.tables) : undefined;
  const modes = base.modes ?? Object.keys(MODES);
  for (const mode of modes) if (!MODES[mode]) throw new Error(`trial ${base.name}: unknown journal mode "${mode}"`);
  return sizes.flatMap((rows) => modes.map((mode) => {
    const { tables: _sizes, modes: _modes, targets, twin, description, ...rest } = base;
    const where = [MODES[mode].label, ...(rows === undefined ? [] : [`${rows.toLocaleString('en-US')}-row table`])].join(', ');
    return {
      ...rest,
      name: variantName(base.name, rows, mode),
      base: base.name,
      mode,
      rows,
      description: `${description} [${where}]`,
      ...(twin ? { twin: variantName(twin, rows, mode) } : {}),
      ...(targets && mode === 'wal' && rows === largest ? { targets } : {}),
    };
  }));
}

export const trials = baseTrials.flatMap(expand);

export function trialByName(name) {
  const t = trials.find((x) => x.name === name);
  if (!t) throw new Error(`unknown trial "${name}" (known: ${trials.map((x) => x.name).join(', ')})`);
  return t;
}

/**
 * Whether a trial runs on a driver: of that api, and named by the trial's `drivers` if it has
 * them, while an opt-in driver runs only trials that name it (capabilities aside: see
 * missingCapability).
 */
export function runsOn(trial, driver) {
  if (trial.drivers ? !trial.drivers.includes(driver.name) : driver.optIn) return false;
  return trial.api === 'any' || trial.api === driver.api;
}
