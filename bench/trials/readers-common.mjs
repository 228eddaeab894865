// What the readers-* trials share: AsyncDatabase with `readers: N` (src/ts/async/reader-pool.ts)
// against `readers: 0`, measured as separate drivers in one interleaved run, so each trial reports
// the scaling curve N = 1..4 ÷ N = 0. Readers need WAL, so these run in the WAL mode only, on the
// 100k-row table.
import { READER_COUNTS, readerDriverName } from '../drivers/strand-async-readers.mjs';

/** strand-async (readers: 0), then strand-async-r1 … -r4. */
export const CURVE = [0, ...READER_COUNTS].map(readerDriverName);
export const NO_READERS = CURVE[0];
export const TWO_READERS = readerDriverName(2);

/** The curve's ratios, reported in the "Parallel readers" table: each N ÷ readers 0. */
export const curveCompare = CURVE.slice(1).map((a) => ({ a, b: NO_READERS }));

/** The fields every readers trial has. */
export const READERS_TRIAL = {
  api: 'async',
  unit: 'op',
  modes: ['wal'],
  tables: [100_000],
  budgetFactor: 0.35,
  drivers: CURVE,
  compare: curveCompare,
};
