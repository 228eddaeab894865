// The trial registry. A throughput trial module's default export is:
//
//   { name, api: 'sync' | 'async', unit: 'op' | 'row', description,
//     setup(db)            untimed, once per child: schema + seed data (async trials: awaited)
//     step(db) → { call() → units done, reset?() untimed before each timed call, sink() }
//                          (async trials: step and call are awaited; see lib/measure-async.mjs)
//     twin?: 'get-pk'      async trials: the sync trial doing the same work; sync drivers' rates on
//                          it are this trial's ceiling, reported as ours-async ÷ sync-driver ratios
//     targets?: [{ a, b, min }]  ratio goals (a's rate ÷ b's rate ≥ min; b on the twin if sync)
//     requires?: ['iterate']     driver capabilities it needs (see drivers/index.mjs)
//     budgetFactor?: 0.35  fraction of --budget / --warmup it gets (keeps the default run short)
//     memory?: true        report its peak RSS per driver }
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

export const trials = [
  getPk, all100, iterate100k, insert100k, all100k,
  asyncGetPk, asyncGetPkX64, asyncAll100, asyncIterate100k, asyncAll100k,
  lagLongQuery,
];

export function trialByName(name) {
  const t = trials.find((x) => x.name === name);
  if (!t) throw new Error(`unknown trial "${name}" (known: ${trials.map((x) => x.name).join(', ')})`);
  return t;
}

/** Whether a trial runs on a driver of that api (capabilities aside: see missingCapability). */
export function runsOn(trial, driver) {
  return trial.api === 'any' || trial.api === driver.api;
}
