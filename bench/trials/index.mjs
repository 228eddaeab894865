// The trial registry. A trial module's default export is:
//
//   { name, api: 'sync' | 'async', unit: 'op' | 'row', description,
//     setup(db)            untimed, once per child: schema + seed data
//     step(db) → { call() → units done, reset?() untimed before each timed call, sink() } }
//
// A trial runs only on drivers of the same `api`. Async trials (await-ed get/all, pipelined
// point selects, for-await iterate) go here later with api: 'async'; lib/measure.mjs then needs
// an async twin that awaits call().
import all100 from './all-100.mjs';
import all100k from './all-100k.mjs';
import getPk from './get-pk.mjs';
import insert100k from './insert-100k.mjs';
import iterate100k from './iterate-100k.mjs';

export const trials = [getPk, all100, iterate100k, insert100k, all100k];

export function trialByName(name) {
  const t = trials.find((x) => x.name === name);
  if (!t) throw new Error(`unknown trial "${name}" (known: ${trials.map((x) => x.name).join(', ')})`);
  return t;
}
