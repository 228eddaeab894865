// 64 point lookups in flight, on readers: N against readers: 0: async-get-pk-x64's workload
// itself (its setup and step), on the readers drivers.
import base from './async-get-pk-x64.mjs';
import { NO_READERS, READERS_TRIAL, TWO_READERS } from './readers-common.mjs';

export default {
  ...READERS_TRIAL,
  name: 'readers-get-pk-x64',
  description: 'await Promise.all(64 x stmt.get(id)), repeated; same ids as async-get-pk-x64; rate per get',
  targets: [{ a: TWO_READERS, b: NO_READERS, min: 1.5 }],
  setup: base.setup,
  step: base.step,
};
