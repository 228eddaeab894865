// One caller, sequential point lookups: what readers cost a caller that never has two reads in
// flight, readers: N against readers: 0 — async-get-pk's workload itself (its setup and step).
import base from './async-get-pk.mjs';
import { NO_READERS, READERS_TRIAL, TWO_READERS } from './readers-common.mjs';

export default {
  ...READERS_TRIAL,
  name: 'readers-get-pk',
  description: 'await stmt.get(id), one at a time; same ids as async-get-pk',
  targets: [{ a: TWO_READERS, b: NO_READERS, min: 0.95 }],
  setup: base.setup,
  step: base.step,
};
